package formschema

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"

	"isodt/qms"
)

// ValidateJSONEntry reads an entry sent to the API (decoded from JSON into
// a map) against the schema. Values are typed as JSON: text and select as
// strings; number as a number or a numeric string; date as "2006-01-02"
// or "dd/mm/yyyy"; checkbox as a boolean; file as an object {sha256, name,
// content_type, size} that must be a well-formed ref — whether the file
// exists is the caller's check. null is the same as absent.
//
// Unlike a posted form, an API body carries nothing but the entry, so an
// unknown key is an error (under its own name): it is most likely a
// misspelt field whose value would otherwise be lost.
//
// An Entry itself passes through unchanged, so a stored entry can be
// re-checked with the same call after json.Unmarshal.
func (s Schema) ValidateJSONEntry(v map[string]any) (Entry, FieldErrors) {
	entry := make(Entry, len(s.Fields))
	errs := FieldErrors{}
	for _, f := range s.Fields {
		x, present := v[f.Name]
		if x == nil {
			present = false
		}
		if f.Type == TypeFile {
			var ref FileRef
			if present {
				var msg string
				if ref, msg = fileFromJSON(x); msg != "" {
					errs[f.Name] = msg
					continue
				}
			}
			setFile(f, ref, present, entry, errs)
			continue
		}
		if !present {
			if val, msg := readText(f, ""); msg != "" {
				errs[f.Name] = msg
			} else if val != nil {
				entry[f.Name] = val
			}
			continue
		}
		if val, msg := readJSON(f, x); msg != "" {
			errs[f.Name] = msg
		} else if val != nil {
			entry[f.Name] = val
		}
	}
	known := make(map[string]bool, len(s.Fields))
	for _, f := range s.Fields {
		known[f.Name] = true
	}
	var unknown []string
	for name := range v {
		if !known[name] {
			unknown = append(unknown, name)
		}
	}
	reportUnknown(unknown, errs)
	return entry, errs
}

// maxUnknownReported bounds the unknown fields an answer names one by
// one: an entry of 150,000 made-up members drew a 7 MB answer from a
// 2 MB request (outsider pass 13).
const maxUnknownReported = 20

// reportUnknown names in errs the first unknown fields (in order, so
// the answer is the same each time) and counts the rest under "entry".
func reportUnknown(unknown []string, errs map[string]string) {
	slices.Sort(unknown)
	for i, name := range unknown {
		if i == maxUnknownReported {
			errs["entry"] = fmt.Sprintf(msgMoreUnknown, len(unknown)-maxUnknownReported)
			return
		}
		errs[truncate(name, 64)] = msgUnknownField
	}
}

// readJSON turns one JSON value into the field's typed value.
func readJSON(f Field, x any) (any, string) {
	switch f.Type {
	case TypeCheckbox:
		b, ok := x.(bool)
		switch {
		case !ok:
			return nil, "Phải là true hoặc false."
		case f.Required && !b:
			return nil, msgMustCheck
		}
		return b, ""
	case TypeNumber:
		if n, ok := jsonNumber(x); ok {
			return checkNumber(f, n)
		}
		if str, ok := x.(string); ok {
			return readText(f, str)
		}
		return nil, msgNotNumber
	case TypeText, TypeDate, TypeSelect:
		str, ok := x.(string)
		if !ok {
			return nil, "Phải là chuỗi ký tự."
		}
		return readText(f, str)
	}
	return nil, msgUnknownField
}

// jsonNumber reads the numeric types a decoded JSON value or a Go caller
// may hold.
func jsonNumber(x any) (float64, bool) {
	var f float64
	switch n := x.(type) {
	case float64:
		f = n
	case float32:
		f = float64(n)
	case int:
		f = float64(n)
	case int64:
		f = float64(n)
	case json.Number:
		// json.Number comes from a decoder with UseNumber; it is written
		// the JSON way, never with Vietnamese separators.
		var err error
		if f, err = n.Float64(); err != nil {
			return 0, false
		}
	default:
		return 0, false
	}
	return f, !math.IsNaN(f) && !math.IsInf(f, 0)
}

// DecodeEntry reads an entry stored as JSON (json.Marshal of an Entry) and
// re-checks it against the schema, giving back the typed values (a file
// comes back as a FileRef, not a map). Errors are *qms.Error (EINVALID).
func (s Schema) DecodeEntry(b []byte) (Entry, error) {
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, qms.Errorf(qms.EINVALID, "dữ liệu biểu mẫu: %s", jsonProblem(err))
	}
	entry, errs := s.ValidateJSONEntry(v)
	if err := s.EntryErr(errs); err != nil {
		return nil, err
	}
	return entry, nil
}
