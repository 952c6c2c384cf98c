// Package bpmn converts an internal procedure's flowchart to and from BPMN
// 2.0 XML, so that procedures drawn in bpmn.io, Camunda Modeler, Signavio
// or another modeler can be imported, and ours opened there.
//
// Export writes a process with one element per step, lanes from each
// step's Responsible, and a diagram laid out by flowchart.ComputeLayout,
// so that it looks like our own SVG. What BPMN has no place for (hours,
// forms, records, step ids that are not valid XML ids) is kept in an
// extensionElements block in our namespace (urn:isodt:qms), which other
// tools keep untouched; importing our own export gives back the same
// flowchart.
//
// Import reads what real tools write: any namespace prefix (matched on the
// BPMN namespace URI), UTF-8, UTF-16, windows-1258 and windows-1252,
// collaborations with several pools, nested and unnamed lanes, every kind
// of task and gateway, merges, boundary events. It keeps what a flowchart
// can say and lists everything else as warnings rather than failing:
//
//	res, err := bpmn.Import(file, bpmn.ImportOptions{})
//	if err != nil {
//		return err // a *bpmn.Error with a Vietnamese message
//	}
//	for _, w := range res.Warnings {
//		log.Println(w)
//	}
//	problems := flowchart.Validate(res.Flowchart, opts)
//
// Import does not validate: a flowchart drawn elsewhere may break our
// rules (an unlabelled branch, two starts), and the user fixes it in the
// editor with flowchart.Validate's messages.
package bpmn
