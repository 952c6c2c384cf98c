// Checks a chosen file against the size the server takes before the form
// is sent: every file input carries data-max-bytes and, in the page's
// language, data-too-large ("… {name} … {size} …"). The server checks
// again; this only spares a long upload that would be refused.
(function () {
  function mib(n) {
    // Two decimals, so that a file just over the limit does not read as
    // the limit itself (20,03 MiB, not 20 MiB).
    var s = (n / 1048576).toFixed(2).replace(/\.?0+$/, '');
    return (document.documentElement.lang === 'vi' ? s.replace('.', ',') : s) + ' MiB';
  }
  function tooLarge(input) {
    var max = parseInt(input.getAttribute('data-max-bytes'), 10);
    for (var i = 0; input.files && i < input.files.length; i++) {
      var f = input.files[i];
      if (max > 0 && f.size > max) {
        return (input.getAttribute('data-too-large') || '').replace('{name}', f.name).replace('{size}', mib(f.size));
      }
    }
    return '';
  }
  function show(input) {
    var msg = tooLarge(input);
    input.setCustomValidity(msg);
    var id = (input.id || input.name) + '-too-large';
    var out = document.getElementById(id);
    if (!out && msg) {
      out = document.createElement('p');
      out.id = id;
      out.className = 'upload-error';
      out.setAttribute('role', 'alert');
      (input.closest('label') || input).insertAdjacentElement('afterend', out);
    }
    if (out) { out.textContent = msg; out.hidden = !msg; }
    if (msg) { input.setAttribute('aria-invalid', 'true'); } else { input.removeAttribute('aria-invalid'); }
    return msg;
  }
  document.addEventListener('change', function (e) {
    if (e.target.matches && e.target.matches('input[type=file][data-max-bytes]')) { show(e.target); }
  });
  // A form sent without validation (novalidate, or a script) is stopped here.
  document.addEventListener('submit', function (e) {
    var inputs = e.target.querySelectorAll('input[type=file][data-max-bytes]');
    for (var i = 0; i < inputs.length; i++) {
      if (show(inputs[i])) { e.preventDefault(); inputs[i].focus(); return; }
    }
  }, true);
})();
