// Small progressive enhancements; the app works without JavaScript.
// Loaded from /static (CSP forbids inline script).
document.addEventListener('submit', function (e) {
  var btn = e.submitter;
  var msg = btn && btn.getAttribute('data-confirm');
  if (msg && !window.confirm(msg)) { e.preventDefault(); }
});
