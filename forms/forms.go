// Package forms holds the standard forms shipped with the product: the
// one-stop forms of Circular 01/2018/TT-VPCP (Mẫu số 01–06) and the ISO
// forms (BM-ISO-01…07) for the records TCVN ISO 9001:2015 asks for. They
// are loaded at first start into agency SYS, from which any agency can
// adopt them as controlled forms.
//
// Each form is one JSON file in this folder, embedded in the binary:
//
//	{"code": "Mẫu số 01", "title": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
//	 "kind": "one_stop", "legal_basis": "Thông tư 01/2018/TT-VPCP",
//	 "purpose": "…", "schema": {"fields": [...]}}
//
// where schema is a formschema.Schema.
package forms

import (
	"bytes"
	"cmp"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"

	"isodt/qms/formschema"
)

//go:embed *.json
var files embed.FS

// Kinds of standard form.
const (
	KindOneStop = "one_stop" // Circular 01/2018/TT-VPCP
	KindISO     = "iso"      // records of TCVN ISO 9001:2015
)

// Definition is one standard form as shipped.
type Definition struct {
	Code       string            `json:"code"`        // "Mẫu số 01", "BM-ISO-02"
	Title      string            `json:"title"`       // Vietnamese title as printed
	Kind       string            `json:"kind"`        // KindOneStop or KindISO
	LegalBasis string            `json:"legal_basis"` // the text that prescribes the form
	Purpose    string            `json:"purpose"`     // when the form is used
	Schema     formschema.Schema `json:"schema"`
}

// Standard returns every shipped form, sorted by kind then code. The files
// are decoded on each call (there is no package state to go stale); an
// invalid file or a code used twice is an error naming the file, which a
// test catches before release.
func Standard() ([]Definition, error) {
	return load(files)
}

// load reads every *.json of fsys; tests give it broken files.
func load(fsys fs.FS) ([]Definition, error) {
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, fmt.Errorf("forms: %w", err)
	}
	defs := make([]Definition, 0, len(names))
	byCode := make(map[string]string, len(names))
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("forms: %s: %w", name, err)
		}
		d, err := decode(b)
		if err != nil {
			return nil, fmt.Errorf("forms: %s: %w", name, err)
		}
		if other, dup := byCode[d.Code]; dup {
			return nil, fmt.Errorf("forms: %s: code %q already used by %s", name, d.Code, other)
		}
		byCode[d.Code] = name
		defs = append(defs, d)
	}
	slices.SortFunc(defs, func(a, b Definition) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Code, b.Code))
	})
	return defs, nil
}

// decode reads one form file strictly: unknown keys are errors, so a typo
// in a shipped file fails the test instead of losing a value, and the
// schema goes through formschema.Parse so that it is validated.
func decode(b []byte) (Definition, error) {
	var raw struct {
		Code       string          `json:"code"`
		Title      string          `json:"title"`
		Kind       string          `json:"kind"`
		LegalBasis string          `json:"legal_basis"`
		Purpose    string          `json:"purpose"`
		Schema     json.RawMessage `json:"schema"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return Definition{}, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return Definition{}, errors.New("data after the JSON object")
	}
	for key, v := range map[string]string{"code": raw.Code, "title": raw.Title, "legal_basis": raw.LegalBasis, "purpose": raw.Purpose} {
		if strings.TrimSpace(v) == "" {
			return Definition{}, fmt.Errorf("%s is empty", key)
		}
	}
	if raw.Kind != KindOneStop && raw.Kind != KindISO {
		return Definition{}, fmt.Errorf("kind %q is neither %q nor %q", raw.Kind, KindOneStop, KindISO)
	}
	s, err := formschema.Parse(raw.Schema)
	if err != nil {
		return Definition{}, err
	}
	return Definition{Code: raw.Code, Title: raw.Title, Kind: raw.Kind, LegalBasis: raw.LegalBasis, Purpose: raw.Purpose, Schema: s}, nil
}
