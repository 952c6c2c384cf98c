// The flowchart diagram editor: the bpmn.io modeler (vendor/bpmn-js) on a
// draft's flowchart. It opens the draft's BPMN export (or the diagram a
// refused save sent back), checks the diagram on the server as it changes
// (the rules of the version page and of submission), and saves by posting
// the BPMN to the import. A step's hours, forms and records live in our
// qms:step extension element, edited in the side panel.
(function () {
  var canvas = document.getElementById('diagram-canvas');
  if (!canvas || !window.BpmnJS) { return; }
  var form = document.getElementById('diagram-form');
  var xmlField = document.getElementById('diagram-xml');
  var props = document.getElementById('diagram-props');
  // The modeler's own words, in the page's language (data-words).
  var words = JSON.parse(canvas.getAttribute('data-words') || '{}');
  function translate(template, replacements) {
    return (words[template] || template).replace(/{([^}]+)}/g, function (_, key) {
      return replacements && replacements[key] !== undefined ? replacements[key] : '{' + key + '}';
    });
  }
  var modeler = new window.BpmnJS({ container: canvas, additionalModules: [{ translate: ['value', translate] }] });
  // Tests and power users drive the modeler through its API.
  window.modeler = modeler;
  var NS = 'urn:isodt:qms';
  var vi = document.documentElement.lang === 'vi';

  function say(id, text) {
    var el = document.getElementById(id);
    el.textContent = text;
    el.hidden = !text;
  }

  function list(id, items) {
    var ul = document.getElementById(id);
    ul.textContent = '';
    items.forEach(function (text) {
      var li = document.createElement('li');
      li.textContent = text;
      ul.appendChild(li);
    });
    ul.hidden = items.length === 0;
  }

  // check sends the diagram to the server's validation and lists what it
  // finds. Only the latest answer is shown.
  var checkSeq = 0;
  function check() {
    var seq = ++checkSeq;
    modeler.saveXML({ format: false }).then(function (r) {
      return fetch(canvas.getAttribute('data-check'), {
        method: 'POST', credentials: 'same-origin', body: r.xml,
        headers: { 'Content-Type': 'application/xml', 'X-CSRF-Token': canvas.getAttribute('data-csrf') }
      });
    }).then(function (resp) {
      return resp.json().catch(function () { return { error: canvas.getAttribute('data-check-failed') }; });
    }).then(function (res) {
      if (seq !== checkSeq) { return; }
      var problems = (res.problems || []).map(function (p) { return p.message; });
      if (res.error) { problems.unshift(res.error); }
      list('diagram-problems', problems);
      list('diagram-warnings', res.warnings || []);
      say('diagram-ok', problems.length === 0 ? canvas.getAttribute('data-ok') : '');
      canvas.setAttribute('data-checked', String(seq));
    }).catch(function () {
      if (seq === checkSeq) { list('diagram-problems', [canvas.getAttribute('data-check-failed')]); }
    });
  }
  var timer;
  function checkSoon() {
    clearTimeout(timer);
    timer = setTimeout(check, 400);
  }

  // qmsStep is the element's qms:step extension, created when asked.
  function qmsStep(element, create) {
    var bo = element.businessObject;
    var ext = bo.extensionElements;
    var values = (ext && ext.get('values')) || [];
    for (var i = 0; i < values.length; i++) {
      if (values[i].$type === 'qms:step') { return values[i]; }
    }
    if (!create) { return null; }
    var moddle = modeler.get('moddle');
    var modeling = modeler.get('modeling');
    if (!ext) {
      ext = moddle.create('bpmn:ExtensionElements', { values: [] });
      modeling.updateProperties(element, { extensionElements: ext });
    }
    var step = moddle.createAny('qms:step', NS, {});
    step.$parent = ext;
    modeling.updateModdleProperties(element, ext, { values: ext.get('values').concat([step]) });
    return step;
  }

  function childTexts(step, local) {
    return ((step && step.$children) || []).filter(function (c) {
      return c.$type === 'qms:' + local;
    }).map(function (c) { return c.$body || ''; });
  }

  function splitList(s) {
    return s.split(',').map(function (x) { return x.trim(); }).filter(Boolean);
  }

  var selected = null;
  var editable = ['bpmn:Task', 'bpmn:UserTask', 'bpmn:ManualTask', 'bpmn:ServiceTask', 'bpmn:ScriptTask',
    'bpmn:SendTask', 'bpmn:ReceiveTask', 'bpmn:BusinessRuleTask', 'bpmn:CallActivity', 'bpmn:SubProcess'];
  function showProps(element) {
    selected = element && editable.indexOf(element.type) >= 0 ? element : null;
    props.hidden = !selected;
    if (!selected) { return; }
    var step = qmsStep(selected, false);
    var hours = (step && step.hours) || '';
    document.getElementById('prop-name').value = selected.businessObject.name || '';
    document.getElementById('prop-hours').value = vi ? String(hours).replace('.', ',') : hours;
    document.getElementById('prop-forms').value = childTexts(step, 'form').join(', ');
    document.getElementById('prop-records').value = childTexts(step, 'record').join(', ');
  }

  function applyProps() {
    if (!selected) { return; }
    var modeling = modeler.get('modeling');
    var moddle = modeler.get('moddle');
    var name = document.getElementById('prop-name').value.trim();
    if (name !== (selected.businessObject.name || '')) { modeling.updateLabel(selected, name); }
    var step = qmsStep(selected, true);
    var hours = document.getElementById('prop-hours').value.trim().replace(',', '.');
    var children = [];
    [['form', 'prop-forms'], ['record', 'prop-records']].forEach(function (k) {
      splitList(document.getElementById(k[1]).value).forEach(function (text) {
        var c = moddle.createAny('qms:' + k[0], NS, { $body: text });
        c.$parent = step;
        children.push(c);
      });
    });
    modeling.updateModdleProperties(selected, step, { hours: hours, $children: children });
  }

  modeler.on('selection.changed', function (e) { showProps(e.newSelection.length === 1 ? e.newSelection[0] : null); });
  // Leaving with unsaved changes asks first.
  var dirty = false;
  modeler.on('commandStack.changed', function () { dirty = true; checkSoon(); });
  window.addEventListener('beforeunload', function (e) {
    if (dirty) { e.preventDefault(); e.returnValue = ''; }
  });
  props.addEventListener('change', applyProps);

  function open(xml) {
    return modeler.importXML(xml).then(function () {
      modeler.get('canvas').zoom('fit-viewport');
      check();
    });
  }
  var loaded = xmlField.value.trim() ? Promise.resolve(xmlField.value) :
    fetch(canvas.getAttribute('data-source'), { credentials: 'same-origin' }).then(function (resp) {
      return resp.text().then(function (text) {
        if (resp.ok) { return text; }
        // The export refused the draft (a step without its code…): its
        // error page says why.
        var alert = new DOMParser().parseFromString(text, 'text/html').querySelector('[role=alert]');
        throw new Error(alert ? alert.textContent : String(resp.status));
      });
    });
  loaded.then(open).then(function () {
    // A drawing the server sent back is not saved yet.
    dirty = xmlField.value.trim() !== '';
    canvas.setAttribute('data-ready', 'true');
  }).catch(function (err) {
    say('diagram-load-error', canvas.getAttribute('data-load-error') + ' ' + ((err && err.message) || ''));
  });

  // The form is sent once the diagram is in its field; submit() sends it
  // without another submit event.
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    applyProps();
    modeler.saveXML({ format: true }).then(function (r) {
      xmlField.value = r.xml;
      dirty = false;
      form.submit();
    });
  });
})();
