// The print button of a printable page (CSP forbids inline script).
document.addEventListener('DOMContentLoaded', function () {
  var btn = document.getElementById('print-button');
  if (btn) { btn.addEventListener('click', function () { window.print(); }); }
});
