// The form builder: edits the field list of a form schema, {"fields": [...]},
// and writes it as JSON into the schema textarea the server reads and
// validates (qms/formschema), which stays on the page for import and export:
// JSON pasted there is read back into the builder. Attributes the builder
// has no input for (help, multiline, min, max…) are kept as they are.
(function () {
  var root = document.getElementById('form-builder');
  if (!root) { return; }
  var area = document.getElementById(root.getAttribute('data-for'));
  if (!area) { return; }
  var list = document.getElementById('fb-fields');
  var addBtn = document.getElementById('fb-add');
  var errBox = document.getElementById('fb-error');
  var TYPES = ['text', 'number', 'date', 'select', 'checkbox', 'file'];
  var fields = [];
  var usable = true;

  function L(key) { return root.getAttribute('data-' + key) || key; }

  // machineName turns a Vietnamese label into the ASCII snake_case name
  // the schema needs: "Ngày hẹn trả" → "ngay_hen_tra".
  function machineName(label) {
    var s = label.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase();
    s = s.replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').replace(/^[0-9_]+/, '');
    return s.slice(0, 64);
  }

  function load() {
    var text = area.value.trim();
    try {
      var v = text ? JSON.parse(text) : { fields: [] };
      if (!v || typeof v !== 'object' || (v.fields !== undefined && !Array.isArray(v.fields))) { throw new Error('"fields"'); }
      fields = (v.fields || []).filter(function (f) { return f && typeof f === 'object'; });
      usable = true;
      errBox.hidden = true;
    } catch (e) {
      usable = false;
      errBox.textContent = L('json-error') + ' ' + e.message;
      errBox.hidden = false;
    }
    addBtn.disabled = !usable;
    render();
  }

  // write puts the fields into the textarea; no field at all is no schema
  // (a printed form), which the server stores as such.
  function write() {
    area.value = fields.length ? JSON.stringify({ fields: fields }, null, 2) : '';
  }

  function el(tag, props) {
    var e = document.createElement(tag);
    Object.keys(props || {}).forEach(function (k) { e[k] = props[k]; });
    return e;
  }

  function labelled(text, input) {
    var l = el('label', { textContent: text });
    l.appendChild(input);
    return l;
  }

  function button(text, id, onClick, disabled) {
    var b = el('button', { type: 'button', textContent: text, id: id, className: 'small', disabled: !!disabled });
    b.addEventListener('click', onClick);
    return b;
  }

  // setType changes a field's type and drops what only the old type had,
  // so that the server does not refuse the schema for it.
  function setType(f, type) {
    f.type = type;
    if (type !== 'select') { delete f.options; } else if (!Array.isArray(f.options)) { f.options = []; }
    if (type !== 'text') { delete f.multiline; delete f.max_length; }
    if (type !== 'number') { delete f.min; delete f.max; delete f.integer; }
  }

  function move(i, by) {
    var j = i + by;
    if (j < 0 || j >= fields.length) { return; }
    var f = fields[i];
    fields[i] = fields[j];
    fields[j] = f;
    write();
    render();
    var again = document.getElementById((by < 0 ? 'fb-up-' : 'fb-down-') + j);
    (again && !again.disabled ? again : document.getElementById('fb-name-' + j)).focus();
  }

  function row(f, i) {
    var li = el('li', { className: 'fb-field', id: 'fb-field-' + i });
    li.setAttribute('aria-label', L('field') + ' ' + (i + 1));
    var name = el('input', { id: 'fb-name-' + i, value: f.name || '', spellcheck: false });
    var label = el('input', { id: 'fb-label-' + i, value: f.label || '' });
    var type = el('select', { id: 'fb-type-' + i });
    TYPES.forEach(function (t) {
      type.appendChild(el('option', { value: t, textContent: L('type-' + t), selected: f.type === t }));
    });
    var required = el('input', { type: 'checkbox', id: 'fb-required-' + i, checked: !!f.required });
    var options = el('textarea', { id: 'fb-options-' + i, rows: 3, value: (f.options || []).join('\n') });

    label.addEventListener('input', function () {
      if (!name.value || name.value === machineName(f.label || '')) {
        name.value = machineName(label.value);
        f.name = name.value;
      }
      f.label = label.value;
      write();
    });
    name.addEventListener('input', function () { f.name = name.value.trim(); write(); });
    type.addEventListener('change', function () { setType(f, type.value); write(); render(); document.getElementById('fb-type-' + i).focus(); });
    required.addEventListener('change', function () {
      if (required.checked) { f.required = true; } else { delete f.required; }
      write();
    });
    options.addEventListener('input', function () {
      f.options = options.value.split('\n').map(function (o) { return o.trim(); }).filter(Boolean);
      write();
    });

    li.appendChild(labelled(L('label'), label));
    li.appendChild(labelled(L('name'), name));
    li.appendChild(labelled(L('type'), type));
    var req = labelled(L('required'), required);
    req.className = 'fb-check';
    req.insertBefore(required, req.firstChild);
    li.appendChild(req);
    var buttons = el('div', { className: 'fb-buttons' });
    buttons.appendChild(button(L('up'), 'fb-up-' + i, function () { move(i, -1); }, i === 0));
    buttons.appendChild(button(L('down'), 'fb-down-' + i, function () { move(i, 1); }, i === fields.length - 1));
    buttons.appendChild(button(L('remove'), 'fb-remove-' + i, function () {
      fields.splice(i, 1);
      write();
      render();
      addBtn.focus();
    }));
    li.appendChild(buttons);
    if (f.type === 'select') {
      var opts = labelled(L('options'), options);
      opts.className = 'fb-options';
      li.appendChild(opts);
    }
    return li;
  }

  function render() {
    list.textContent = '';
    if (!usable) { return; }
    fields.forEach(function (f, i) { list.appendChild(row(f, i)); });
    if (fields.length === 0) { list.appendChild(el('li', { textContent: L('empty'), className: 'field-help' })); }
  }

  addBtn.addEventListener('click', function () {
    fields.push({ name: '', label: '', type: 'text' });
    write();
    render();
    document.getElementById('fb-label-' + (fields.length - 1)).focus();
  });
  // JSON typed or pasted into the textarea is the import.
  area.addEventListener('change', load);
  root.hidden = false;
  load();
})();
