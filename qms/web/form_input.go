package web

import (
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
)

// formInput is what the user typed into the form whose submit failed, so
// that the page shown again with the error keeps every value: a template
// writes value="{{$.In.Or "title" .X.Title}}" or, for a field it shows
// empty, value="{{$.In.Get "title"}}". A page that shows no failed submit
// has the zero formInput, whose methods answer as if nothing was typed.
//
// A page often holds several forms, some with the same field names; the
// values belong to the form that posted to Action, and For picks them.
type formInput struct {
	// Action is the path the form posted to.
	Action string
	values map[string][]string
	// HadFiles: a file was chosen. A browser never refills a file input,
	// so the page asks for the file again.
	HadFiles bool
	// field and message are the error of the submit.
	field, message string
}

// formInputOf reads the posted fields of a request, urlencoded or
// multipart, and the error of the submit. Secrets (the CSRF token,
// passwords) are never sent back.
func formInputOf(c *fiber.Ctx, formErr error) formInput {
	if c.Method() != fiber.MethodPost {
		return formInput{}
	}
	in := formInput{Action: c.Path(), values: map[string][]string{}, field: qms.ErrorField(formErr), message: refusalMessage(c, formErr)}
	keep := func(k string, v string) {
		if k == "_csrf" || strings.Contains(k, "password") {
			return
		}
		in.values[k] = append(in.values[k], v)
	}
	if mf, err := c.MultipartForm(); err == nil {
		for k, vs := range mf.Value {
			for _, v := range vs {
				keep(k, v)
			}
		}
		for _, fhs := range mf.File {
			for _, fh := range fhs {
				in.HadFiles = in.HadFiles || fh.Size > 0
			}
		}
		return in
	}
	c.Request().PostArgs().VisitAll(func(k, v []byte) { keep(string(k), string(v)) })
	return in
}

// For is the input when it was posted to action, else nothing: the
// values of one form do not fill another form of the page.
func (in formInput) For(action string) formInput {
	if in.Action != action {
		return formInput{}
	}
	return in
}

// Posted tells whether the failed form sent the field.
func (in formInput) Posted(name string) bool {
	_, ok := in.values[name]
	return ok
}

// Get is the first value typed into the field, "" when none.
func (in formInput) Get(name string) string {
	if vs := in.values[name]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// Or is the value typed into the field when the failed form sent it, else
// the stored value the form starts from.
func (in formInput) Or(name, stored string) string {
	if in.Posted(name) {
		return in.Get(name)
	}
	return stored
}

// Has tells whether value was chosen in a select or checkbox field.
func (in formInput) Has(name, value string) bool { return slices.Contains(in.values[name], value) }

// Where is the input when its field name holds value, else nothing: for
// the forms of a page that post to one path, told apart by a hidden
// field (a dossier's step forms by step_id).
func (in formInput) Where(name, value string) formInput {
	if in.Get(name) != value {
		return formInput{}
	}
	return in
}

// ErrorFor is the message of the failed submit when it concerns the
// field name, else nil; the field_error template writes it next to the
// input: {{template "field_error" ($.In.ErrorFor "title")}} (the top of
// the page keeps its summary of the error). Through For, only the form
// that failed shows it.
func (in formInput) ErrorFor(name string) *fieldProblem {
	if in.field == "" || in.field != name || in.message == "" {
		return nil
	}
	return &fieldProblem{ID: strings.ReplaceAll(name, ".", "-"), Message: in.message}
}

// fieldProblem is what is wrong with one field of a refused form.
type fieldProblem struct {
	ID      string // the field name as an element id: error-ID
	Message string
}

// formDay reads a date field typed dd/mm/yyyy; empty is the zero time, a
// date that cannot be read is an error naming the field.
func formDay(c *fiber.Ctx, field, what string) (time.Time, error) {
	v := strings.TrimSpace(c.FormValue(field))
	if v == "" {
		return time.Time{}, nil
	}
	t, ok := parseDay(v)
	if !ok {
		return time.Time{}, qms.FieldError(field, "%s %q không hợp lệ: nhập dd/mm/yyyy.", qms.FieldName{Field: field, Label: what}, v)
	}
	return t, nil
}
