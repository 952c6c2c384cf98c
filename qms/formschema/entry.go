package formschema

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"isodt/qms"
)

// Entry is one filled-in form: field name → typed value. The value types
// are fixed per field type so that storage, printing and statistics never
// guess: string (text, select, and date as "2006-01-02"), float64
// (number), bool (checkbox) and FileRef (file). A field without a value is
// absent, except a checkbox, which is always there.
type Entry map[string]any

// FieldErrors maps a field name to a Vietnamese message about its value,
// ready to show next to the input. A nil or empty map means no error.
type FieldErrors map[string]string

// Err returns the errors as a *qms.Error (EINVALID) naming the fields by
// machine name in name order, or nil when there are none. A map does not
// remember the schema's order: use Schema.EntryErr to name fields by label
// in form order, which is what a person should read.
func (fe FieldErrors) Err() error {
	if len(fe) == 0 {
		return nil
	}
	names := make([]string, 0, len(fe))
	for name := range fe {
		names = append(names, name)
	}
	slices.Sort(names)
	return entryErr(fe, names, func(name string) string { return name })
}

// EntryErr returns fe as a *qms.Error (EINVALID) whose Field is the first
// failing field in form order and whose Message lists each failing field
// by label, or nil when fe is empty. Keys that are not fields of s (an
// unknown key sent to the API) come last, in name order.
func (s Schema) EntryErr(fe FieldErrors) error {
	if len(fe) == 0 {
		return nil
	}
	names := make([]string, 0, len(fe))
	labels := make(map[string]string, len(s.Fields))
	for _, f := range s.Fields {
		labels[f.Name] = f.Label
		if _, ok := fe[f.Name]; ok {
			names = append(names, f.Name)
		}
	}
	var extra []string
	for name := range fe {
		if _, ok := labels[name]; !ok {
			extra = append(extra, name)
		}
	}
	slices.Sort(extra)
	names = append(names, extra...)
	return entryErr(fe, names, func(name string) string {
		if l, ok := labels[name]; ok {
			return l
		}
		return name
	})
}

func entryErr(fe FieldErrors, order []string, label func(string) string) error {
	parts := make([]string, len(order))
	for i, name := range order {
		parts[i] = label(name) + ": " + fe[name]
	}
	return qms.FieldError(order[0], "Biểu mẫu chưa hợp lệ. %s", strings.Join(parts, " "))
}

// Messages for the rules every path shares.
const (
	msgRequired     = "Bắt buộc nhập."
	msgMustCheck    = "Phải đánh dấu ô này."
	msgMultiple     = "Gửi nhiều giá trị cho một trường."
	msgNotNumber    = "Không phải số (ví dụ 1.234,5 hoặc 1234.5)."
	msgNotInteger   = "Phải là số nguyên."
	msgNotDate      = "Ngày không hợp lệ (dạng 16/02/2026 hoặc 2026-02-16, năm 1900–2199)."
	msgNotOption    = "Không phải một trong các lựa chọn."
	msgNotCheckbox  = "Giá trị đánh dấu không hợp lệ."
	msgUnknownField = "Biểu mẫu không có trường này."
	msgMoreUnknown  = "Còn %d trường khác không có trong biểu mẫu (chỉ nêu tên 20 trường đầu)."
)

// ValidateEntry reads a posted HTML form against the schema. raw holds the
// form values as posted (url.Values, or Fiber's multipart values); files
// holds the refs of the uploaded files the web layer has already stored,
// keyed by field name. On re-editing an entry, the web layer puts the
// existing ref in files when no new file was chosen.
//
// Keys of raw that are not fields are ignored (the form also posts _csrf
// and buttons), but a field posted twice is an error: it means a forged
// or broken form, and silently taking one value would hide that. The
// returned Entry holds every valid value even when there are errors.
func (s Schema) ValidateEntry(raw map[string][]string, files map[string]FileRef) (Entry, FieldErrors) {
	entry := make(Entry, len(s.Fields))
	errs := FieldErrors{}
	for _, f := range s.Fields {
		if f.Type == TypeFile {
			ref, ok := files[f.Name]
			setFile(f, ref, ok, entry, errs)
			continue
		}
		vals := raw[f.Name]
		if len(vals) > 1 {
			errs[f.Name] = msgMultiple
			continue
		}
		text, present := "", len(vals) == 1
		if present {
			text = vals[0]
		}
		if v, msg := readText(f, text); msg != "" {
			errs[f.Name] = msg
		} else if v != nil {
			entry[f.Name] = v
		}
	}
	return entry, errs
}

// readText turns one posted string into the field's typed value. It
// returns nil for an empty optional value and a message for a bad one.
func readText(f Field, s string) (any, string) {
	if f.Type == TypeCheckbox {
		on, ok := parseCheckbox(s)
		switch {
		case !ok:
			return nil, msgNotCheckbox
		case f.Required && !on:
			return nil, msgMustCheck
		}
		return on, ""
	}
	if strings.TrimSpace(s) == "" {
		if f.Required {
			return nil, msgRequired
		}
		return nil, ""
	}
	switch f.Type {
	case TypeText:
		v, msg := cleanText(f, s)
		if msg != "" {
			return nil, msg
		}
		return v, ""
	case TypeNumber:
		n, ok := parseNumber(s)
		if !ok {
			return nil, msgNotNumber
		}
		return checkNumber(f, n)
	case TypeDate:
		d, ok := parseDate(s)
		if !ok {
			return nil, msgNotDate
		}
		return d, ""
	case TypeSelect:
		v := strings.TrimSpace(s)
		if !slices.Contains(f.Options, v) {
			return nil, msgNotOption
		}
		return v, ""
	}
	return nil, msgUnknownField
}

// checkNumber applies Integer, Min and Max.
func checkNumber(f Field, n float64) (any, string) {
	switch {
	case f.Integer && n != math.Trunc(n):
		return nil, msgNotInteger
	case f.Min != nil && n < *f.Min:
		return nil, fmt.Sprintf("Nhỏ nhất là %s.", formatNumber(*f.Min))
	case f.Max != nil && n > *f.Max:
		return nil, fmt.Sprintf("Lớn nhất là %s.", formatNumber(*f.Max))
	}
	if n == 0 {
		n = 0 // drop the sign of -0, which would print as "-0"
	}
	return n, ""
}

// setFile checks a file field's ref, present or not, into entry or errs.
func setFile(f Field, ref FileRef, present bool, entry Entry, errs FieldErrors) {
	switch {
	case !present || ref == (FileRef{}):
		if f.Required {
			errs[f.Name] = "Chưa chọn tệp."
		}
	default:
		if msg := ref.check(); msg != "" {
			errs[f.Name] = msg
			return
		}
		entry[f.Name] = ref
	}
}
