// Small progressive enhancements; the app works without JavaScript.
// Loaded from /static (CSP forbids inline script).
// A refused submit's error page leads back to its form: going back in
// history (not loading the form anew) keeps what was typed in it.
document.addEventListener('click', function (e) {
  var a = e.target.closest && e.target.closest('a[data-history-back]');
  if (a && window.history.length > 1) { e.preventDefault(); window.history.back(); }
});
document.addEventListener('submit', function (e) {
  var btn = e.submitter;
  var msg = btn && btn.getAttribute('data-confirm');
  if (msg && !window.confirm(msg)) { e.preventDefault(); }
});
