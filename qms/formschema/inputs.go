package formschema

import (
	"strings"
)

// Input is one field of a form as an entry page shows it: the field
// itself and its value in display form, for the page's template to
// write (qms/web/templates/form_inputs.html). The package writes no
// HTML: the template escapes, the i18n catalogue adds the words.
//
// Each input's id is "f-"+name; its help and error paragraphs have the
// ids HelpID and ErrorID, which DescribedBy lists, so that a screen
// reader reads them with the input.
type Input struct {
	Field
	ID string
	// Control is the element: "text", "textarea", "number", "date",
	// "select", "checkbox" or "file". Numbers and dates are text inputs
	// (see Value), so that a Vietnamese user types 1,5 and dd/mm/yyyy
	// whatever the browser's locale.
	Control string
	// Value is what the input shows: a number written the Vietnamese way
	// ("1.234,5"), which ValidateEntry reads back to the same value; a
	// date as dd/mm/yyyy; a refused value as typed.
	Value   string
	Checked bool
	// Limit is a text input's maxlength in runes.
	Limit int
	// InputMode is the keyboard a phone shows: "numeric" or "decimal".
	InputMode string
	Choices   []Choice
	// CurrentFile names the file already stored, which stays unless a
	// new one replaces it (so a stored file makes the input optional).
	CurrentFile string
	Error       string
	HelpID      string
	ErrorID     string
	DescribedBy string
}

// Choice is one option of a select.
type Choice struct {
	Value    string
	Selected bool
}

// DatePattern is what the browser checks a typed date against before
// sending; the server reads the same dd/mm/yyyy (parseDate). DateHint is
// the date input's placeholder.
const (
	DatePattern = `\d{1,2}/\d{1,2}/\d{4}`
	DateHint    = "dd/mm/yyyy"
)

// Inputs returns the form's inputs in schema order, to be placed inside
// the page's own <form> (which holds the CSRF token and, when HasFiles,
// enctype="multipart/form-data").
//
// entry supplies the values shown: an Entry from ValidateEntry or from
// storage, or Posted(raw) to show a rejected form as the user typed it;
// errs are the messages of the refused fields.
func (s Schema) Inputs(entry Entry, errs FieldErrors) []Input {
	out := make([]Input, len(s.Fields))
	for i, f := range s.Fields {
		out[i] = input(f, entry[f.Name], errs[f.Name])
	}
	return out
}

func input(f Field, value any, errMsg string) Input {
	in := Input{Field: f, ID: "f-" + f.Name, Error: errMsg}
	var describedBy []string
	if f.Help != "" {
		in.HelpID = in.ID + "-help"
		describedBy = append(describedBy, in.HelpID)
	}
	if errMsg != "" {
		in.ErrorID = in.ID + "-error"
		describedBy = append(describedBy, in.ErrorID)
	}
	in.DescribedBy = strings.Join(describedBy, " ")
	switch f.Type {
	case TypeText:
		in.Control, in.Value, in.Limit = "text", textValue(value), f.TextLimit()
		if f.Multiline {
			in.Control = "textarea"
		}
	case TypeNumber:
		in.Control, in.Value, in.InputMode = "number", numberValue(value), "decimal"
		if f.Integer {
			in.InputMode = "numeric"
		}
	case TypeDate:
		in.Control, in.Value = "date", dateValue(value)
	case TypeSelect:
		in.Control = "select"
		current := strings.TrimSpace(textValue(value))
		in.Choices = make([]Choice, len(f.Options))
		for i, o := range f.Options {
			in.Choices[i] = Choice{Value: o, Selected: o == current}
		}
	case TypeCheckbox:
		in.Control, in.Checked = "checkbox", checkboxValue(value)
	case TypeFile:
		in.Control = "file"
		if ref, ok := value.(FileRef); ok {
			in.CurrentFile = ref.Name
			in.Required = false
		}
	}
	return in
}

// HasFiles reports whether the form has a file field, so that the page
// knows to post it as multipart/form-data.
func (s Schema) HasFiles() bool {
	for _, f := range s.Fields {
		if f.Type == TypeFile {
			return true
		}
	}
	return false
}

// Posted returns the single-valued keys of a posted form as strings, to
// pass to Inputs when ValidateEntry found errors: the user then sees what
// they typed, wrong values included, rather than blanks. It is not an
// entry to store.
func Posted(raw map[string][]string) Entry {
	e := make(Entry, len(raw))
	for k, v := range raw {
		if len(v) == 1 {
			e[k] = v[0]
		}
	}
	return e
}

// The value helpers accept the typed values of an Entry and the raw
// strings of Posted alike.

func textValue(v any) string {
	s, _ := v.(string)
	return s
}

func numberValue(v any) string {
	switch v := v.(type) {
	case float64:
		return formatNumber(v)
	case string:
		return v
	}
	return ""
}

// dateValue shows a date as dd/mm/yyyy, whether stored (2026-02-16) or
// typed; anything else is shown as typed, so that a refused form gives
// back what the user wrote.
func dateValue(v any) string {
	s, _ := v.(string)
	if d, ok := parseDate(s); ok {
		return formatDate(d)
	}
	return s
}

func checkboxValue(v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case string:
		on, _ := parseCheckbox(v)
		return on
	}
	return false
}
