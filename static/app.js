// Small progressive enhancements; the app works without JavaScript.
// Loaded from /static (CSP forbids inline script).
// A refused submit's error page leads back to its form: going back in
// history (not loading the form anew) keeps what was typed in it. When
// the form check refused one field, the form marks that field with the
// message once back (sessionStorage carries it across the navigation).
var refusedKey = 'qms.refused-field';
document.addEventListener('click', function (e) {
  var a = e.target.closest && e.target.closest('a[data-history-back]');
  if (!a) { return; }
  var msg = document.querySelector('[data-refused-field]');
  if (msg) {
    try {
      sessionStorage.setItem(refusedKey, JSON.stringify({ field: msg.getAttribute('data-refused-field'), message: msg.textContent }));
    } catch (err) { /* storage off: the page's message still names the field */ }
  }
  if (window.history.length > 1) { e.preventDefault(); window.history.back(); }
});
window.addEventListener('pageshow', function () {
  var refused;
  try {
    refused = JSON.parse(sessionStorage.getItem(refusedKey) || 'null');
    sessionStorage.removeItem(refusedKey);
  } catch (err) { return; }
  if (!refused || !refused.field) { return; }
  var input = Array.prototype.find.call(document.querySelectorAll('form [name]'), function (el) {
    return el.getAttribute('name') === refused.field;
  });
  if (!input) { return; }
  input.setAttribute('aria-invalid', 'true');
  var label = input.closest('label');
  if (label) { label.classList.add('invalid'); }
  var note = document.createElement('span');
  note.className = 'field-error';
  note.id = 'refused-' + refused.field;
  note.setAttribute('role', 'alert');
  note.textContent = refused.message;
  var shown = document.getElementById(note.id);
  if (shown) { shown.remove(); }
  input.insertAdjacentElement('afterend', note);
  input.focus();
});
// A form being sent is not sent twice by a second click: its buttons
// are disabled once the browser has taken the submit (disabling the
// clicked button at once would drop its name and value from what is
// sent), and enabled again when the page is shown from history.
document.addEventListener('submit', function (e) {
  if (e.defaultPrevented) { return; } // refused by another script (upload.js: a file too large)
  var btn = e.submitter;
  var msg = btn && btn.getAttribute('data-confirm');
  if (msg && !window.confirm(msg)) { e.preventDefault(); return; }
  var form = e.target;
  if ((form.getAttribute('method') || '').toLowerCase() !== 'post') { return; }
  if (form.getAttribute('data-busy')) { e.preventDefault(); return; }
  form.setAttribute('data-busy', '1');
  window.setTimeout(function () {
    form.querySelectorAll('button:not([disabled]), input[type=submit]:not([disabled])').forEach(function (b) {
      b.disabled = true;
      b.setAttribute('data-busy-disabled', '1');
    });
  }, 0);
});
window.addEventListener('pageshow', function () {
  document.querySelectorAll('form[data-busy]').forEach(function (form) {
    form.removeAttribute('data-busy');
    form.querySelectorAll('[data-busy-disabled]').forEach(function (b) {
      b.disabled = false;
      b.removeAttribute('data-busy-disabled');
    });
  });
});
