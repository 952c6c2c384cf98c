package formschema

import (
	"html/template"
	"strconv"
	"strings"
)

// Render writes the inputs of the form, one <div class="field"> per field
// in schema order, to be placed inside the page's own <form> (which holds
// the CSRF token and, when HasFiles, enctype="multipart/form-data").
//
// Each input has name = field name and id = "f-"+name; its label, help
// (<p class="field-help">) and error (<p class="field-error">) are tied to
// it with for and aria-describedby, and a failing input carries
// aria-invalid="true" for styling. There is no inline style or script, so
// the page's strict CSP holds, and the output depends only on the
// arguments, so pages can be compared in tests.
//
// entry supplies the values shown: an Entry from ValidateEntry or from
// storage, or Posted(raw) to show a rejected form as the user typed it.
// Numbers are written the Vietnamese way ("1.234,5"), which ValidateEntry
// reads back to the same value, in a text input: <input type=number>
// would post "1.5" for what a Vietnamese user means as 1,5 or 1.500.
func (s Schema) Render(entry Entry, errs FieldErrors) template.HTML {
	return s.RenderIn(entry, errs, Vietnamese)
}

// Labels are the words the rendered form adds to the schema's own.
type Labels struct {
	Choose      string // the empty choice of a select
	Required    string // the title of a required field's mark
	CurrentFile string // before the name of a file already stored
	Yes, No     string // a checkbox's value when displayed
	// FileLimit, when not empty, is written after every file input (the
	// size the server accepts); MaxFileBytes, when positive, is the
	// input's data-max-bytes and FileTooLarge its data-too-large, for a
	// script to check a chosen file before it is sent.
	FileLimit    string
	MaxFileBytes int64
	FileTooLarge string
}

// Vietnamese are the labels Render uses.
var Vietnamese = Labels{Choose: "— Chọn —", Required: "Bắt buộc", CurrentFile: "Tệp hiện có:", Yes: "Có", No: "Không"}

// RenderIn is Render with the added words in another language.
func (s Schema) RenderIn(entry Entry, errs FieldErrors, l Labels) template.HTML {
	var b strings.Builder
	for _, f := range s.Fields {
		renderField(&b, f, entry[f.Name], errs[f.Name], l)
	}
	return template.HTML(b.String())
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
// pass to Render when ValidateEntry found errors: the user then sees what
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

func renderField(b *strings.Builder, f Field, value any, errMsg string, l Labels) {
	id := "f-" + f.Name
	var describedBy []string
	if f.Help != "" {
		describedBy = append(describedBy, id+"-help")
	}
	if errMsg != "" {
		describedBy = append(describedBy, id+"-error")
	}
	// common are the attributes every input shares, after type.
	common := attr("id", id) + attr("name", f.Name)
	tail := ""
	if errMsg != "" {
		tail += ` aria-invalid="true"`
	}
	if len(describedBy) > 0 {
		tail += attr("aria-describedby", strings.Join(describedBy, " "))
	}
	required := ""
	if f.Required {
		required = " required"
	}

	b.WriteString(`<div class="field">` + "\n")
	if f.Type != TypeCheckbox {
		writeLabel(b, f, id, l)
	}
	switch f.Type {
	case TypeText:
		max := attr("maxlength", strconv.Itoa(f.TextLimit()))
		if f.Multiline {
			// The newline after the start tag is dropped by HTML parsers;
			// writing one keeps a value that starts with a newline intact.
			b.WriteString(`<textarea` + common + ` rows="4"` + max + required + tail + ">\n" + esc(textValue(value)) + "</textarea>\n")
		} else {
			b.WriteString(`<input type="text"` + common + attr("value", textValue(value)) + max + required + tail + ">\n")
		}
	case TypeNumber:
		mode := "decimal"
		if f.Integer {
			mode = "numeric"
		}
		b.WriteString(`<input type="text"` + common + attr("inputmode", mode) + attr("value", numberValue(value)) + required + tail + ">\n")
	case TypeDate:
		// A text input, not <input type=date>: that one shows and takes
		// the date in the browser's locale (02/16/2026 on an English
		// system), while a Vietnamese record reads dd/mm/yyyy everywhere.
		b.WriteString(`<input type="text"` + common + ` inputmode="numeric" autocomplete="off" maxlength="10"` + attr("pattern", datePattern) +
			attr("placeholder", dateHint) + attr("title", dateHint) + attr("value", dateValue(value)) + required + tail + ">\n")
	case TypeSelect:
		current := strings.TrimSpace(textValue(value))
		b.WriteString(`<select` + common + required + tail + ">\n")
		b.WriteString(`<option value="">` + esc(l.Choose) + "</option>\n")
		for _, o := range f.Options {
			sel := ""
			if o == current {
				sel = " selected"
			}
			b.WriteString(`<option` + attr("value", o) + sel + ">" + esc(o) + "</option>\n")
		}
		b.WriteString("</select>\n")
	case TypeCheckbox:
		checked := ""
		if checkboxValue(value) {
			checked = " checked"
		}
		b.WriteString(`<input type="checkbox"` + common + ` value="on"` + checked + required + tail + ">\n")
		writeLabel(b, f, id, l)
	case TypeFile:
		ref, has := value.(FileRef)
		if has {
			b.WriteString(`<p class="field-file">` + esc(l.CurrentFile) + " " + esc(ref.Name) + "</p>\n")
			// A stored file stays unless replaced: requiring a new one
			// would force the user to upload it again on every edit.
			required = ""
		}
		limit := ""
		if l.MaxFileBytes > 0 {
			limit = attr("data-max-bytes", strconv.FormatInt(l.MaxFileBytes, 10)) + attr("data-too-large", l.FileTooLarge)
		}
		b.WriteString(`<input type="file"` + common + limit + required + tail + ">\n")
		if l.FileLimit != "" {
			b.WriteString(`<p class="field-limit"` + attr("id", id+"-limit") + ">" + esc(l.FileLimit) + "</p>\n")
		}
	}
	if f.Help != "" {
		b.WriteString(`<p class="field-help"` + attr("id", id+"-help") + ">" + esc(f.Help) + "</p>\n")
	}
	if errMsg != "" {
		b.WriteString(`<p class="field-error"` + attr("id", id+"-error") + ">" + esc(errMsg) + "</p>\n")
	}
	b.WriteString("</div>\n")
}

func writeLabel(b *strings.Builder, f Field, id string, l Labels) {
	b.WriteString(`<label` + attr("for", id) + ">" + esc(f.Label))
	if f.Required {
		b.WriteString(` <span class="required"` + attr("title", l.Required) + ">*</span>")
	}
	b.WriteString("</label>\n")
}

// attr writes ` name="value"` with value escaped for a quoted attribute.
func attr(name, value string) string {
	return " " + name + `="` + esc(value) + `"`
}

func esc(s string) string { return template.HTMLEscapeString(s) }

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

// datePattern is what the browser checks a typed date against before
// sending; the server reads the same dd/mm/yyyy (parseDate).
const (
	datePattern = `\d{1,2}/\d{1,2}/\d{4}`
	dateHint    = "dd/mm/yyyy"
)

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
