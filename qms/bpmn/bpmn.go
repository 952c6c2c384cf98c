package bpmn

import (
	"isodt/qms/flowchart"
	"isodt/qms/msg"
)

// Namespaces. Import matches elements on these URIs, never on prefixes:
// tools write bpmn:, bpmn2:, semantic: or no prefix at all.
const (
	NSModel = "http://www.omg.org/spec/BPMN/20100524/MODEL"
	NSDI    = "http://www.omg.org/spec/BPMN/20100524/DI"
	NSDC    = "http://www.omg.org/spec/DD/20100524/DC"
	NSDDI   = "http://www.omg.org/spec/DD/20100524/DI"
	NSXSI   = "http://www.w3.org/2001/XMLSchema-instance"
	// NSQMS is our own namespace, for what BPMN has no place for.
	NSQMS = "urn:isodt:qms"
)

// Limits on what Import accepts. A procedure has tens of steps; these
// leave ample room and keep a hostile or broken file from exhausting the
// server.
const (
	MaxImportBytes    = 10 << 20           // 10 MiB
	MaxImportNodes    = flowchart.MaxSteps // steps of the imported flowchart: the store's limit
	MaxImportElements = 200000             // XML elements in the whole document, diagram part included
	MaxImportDepth    = 200                // nesting of XML elements, in every part of the document
)

// ErrorCode classifies an Error.
type ErrorCode string

// The error codes of Import and Export.
const (
	ENotXML      ErrorCode = "not_xml"     // not well-formed XML, or empty
	ENotBPMN     ErrorCode = "not_bpmn"    // XML, but not a BPMN 2.0 definitions
	ENoProcess   ErrorCode = "no_process"  // BPMN without a usable process
	ETooLarge    ErrorCode = "too_large"   // beyond the Max* limits
	EParticipant ErrorCode = "participant" // several pools and none chosen, or an unknown one
	EInvalid     ErrorCode = "invalid"     // Export: a flowchart or process id that cannot be written
	ERead        ErrorCode = "read"        // the reader failed
	EEncoding    ErrorCode = "encoding"    // an XML encoding other than UTF-8 and Latin-1
	ETooDeep     ErrorCode = "too_deep"    // XML nested too deeply
	ENamespace   ErrorCode = "namespace"   // an element's namespace prefix is not declared
)

// Error is what Import and Export return. Message is Vietnamese, names
// what is wrong and is safe to show to the user; the web layer can turn
// it into a field error on the uploaded file, and say it in another
// language from Text, what Message is made of.
type Error struct {
	Code    ErrorCode
	Message string
	Text    msg.Text
	Err     error // the underlying error, if any (an XML syntax error, a read error)
	// Participants lists the pools of the file when the error is about
	// choosing one, so a UI can offer them in a picker.
	Participants []Participant
}

func (e *Error) Error() string { return e.Message }

// Unwrap gives access to the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Formatted is what the error's message is made of (msg.Text).
func (e *Error) Formatted() (string, []any) { return e.Text.Formatted() }

func errorf(code ErrorCode, format string, args ...any) *Error {
	t := msg.New(format, args...)
	return &Error{Code: code, Message: t.String(), Text: t}
}

// wrapErrorf is errorf for an error that err caused.
func wrapErrorf(err error, code ErrorCode, format string, args ...any) *Error {
	e := errorf(code, format, args...)
	e.Err = err
	return e
}

// stepKind maps the BPMN flow nodes we import to step kinds. Every
// activity becomes one task: a sub-process is one step of our procedure,
// whatever happens inside it. (A switch rather than a map: no package
// state.)
func stepKind(local string) (flowchart.Kind, bool) {
	switch local {
	case "startEvent":
		return flowchart.KindStart, true
	case "endEvent":
		return flowchart.KindEnd, true
	case "task", "userTask", "manualTask", "serviceTask", "businessRuleTask", "scriptTask",
		"sendTask", "receiveTask", "callActivity", "subProcess", "adHocSubProcess", "transaction",
		"intermediateCatchEvent", "intermediateThrowEvent":
		return flowchart.KindTask, true
	case "exclusiveGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway":
		return flowchart.KindDecision, true
	case "parallelGateway":
		return flowchart.KindParallel, true
	}
	return "", false
}

// isActivity reports whether a BPMN element is work done (as opposed to an
// event or gateway); pools are chosen by whether they hold any.
func isActivity(local string) bool {
	k, ok := stepKind(local)
	return ok && k == flowchart.KindTask && local != "intermediateCatchEvent" && local != "intermediateThrowEvent"
}

// defaultTask is the element Export writes for a task step that was not
// imported as another kind of activity.
const defaultTask = "userTask"

// elementFor is the BPMN element Export writes for a step: its kind's, or
// for a task the activity it was imported as.
func elementFor(s flowchart.Step) string {
	if s.Kind == flowchart.KindTask && s.TaskType != "" && isActivity(s.TaskType) {
		return s.TaskType
	}
	return kindElement(s.Kind)
}

func kindElement(k flowchart.Kind) string {
	switch k {
	case flowchart.KindStart:
		return "startEvent"
	case flowchart.KindEnd:
		return "endEvent"
	case flowchart.KindDecision:
		return "exclusiveGateway"
	case flowchart.KindParallel:
		return "parallelGateway"
	}
	return defaultTask
}
