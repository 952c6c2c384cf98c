// Package msg keeps a message for people as what it is made of: its
// Vietnamese format and the arguments, rather than only the words they
// make. A message prints in Vietnamese, the records' language; a page in
// another language looks its format up in its own catalogue and applies
// it to the same arguments, saying each argument that is a message in
// turn (qms/web, i18n_errors.go).
//
// It knows nothing of the rest of the system, so that the pure-logic
// packages (qms/flowchart, qms/bpmn, qms/importer) and the domain can all
// keep their messages so.
//
//	t := msg.New("Bước %s chưa có tên.", "B2")
//	t.String()    // "Bước B2 chưa có tên."
//	t.Formatted() // "Bước %s chưa có tên.", ["B2"]
//	msg.Join(", ", msg.New("Mã"), msg.New("Tên")).String() // "Mã, Tên"
package msg

import (
	"fmt"
	"strings"
)

// Text is a message as its Vietnamese Format and Args. An argument may
// be a Text in turn: a fragment the message is made of ("Tên", "(chưa có
// mã)"), or another whole message it quotes.
type Text struct {
	Format string
	Args   []any
}

// New is the message of format applied to args.
func New(format string, args ...any) Text { return Text{Format: format, Args: args} }

// Join is parts written one after the other with sep between them: a
// message with no words of its own (its format is only verbs and sep),
// which a page in another language says by saying each part.
func Join(sep string, parts ...any) Text {
	verbs := make([]string, len(parts))
	for i := range verbs {
		verbs[i] = "%s"
	}
	return Text{Format: strings.Join(verbs, strings.ReplaceAll(sep, "%", "%%")), Args: parts}
}

// String is the message in Vietnamese.
func (t Text) String() string { return fmt.Sprintf(t.Format, t.Args...) }

// Formatted is what the message is made of, for a page that says it in
// another language.
func (t Text) Formatted() (format string, args []any) { return t.Format, t.Args }
