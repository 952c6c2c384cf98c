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
document.addEventListener('submit', function (e) {
  var btn = e.submitter;
  var msg = btn && btn.getAttribute('data-confirm');
  if (msg && !window.confirm(msg)) { e.preventDefault(); }
});
