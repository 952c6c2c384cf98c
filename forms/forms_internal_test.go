package forms

import (
	"strings"
	"testing"
	"testing/fstest"

	"isodt/qms"
)

func TestLoadErrors(t *testing.T) {
	good := func(code string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte(`{"code": "` + code + `", "title": "T", "kind": "iso", "legal_basis": "TCVN ISO 9001:2015", "purpose": "P",
			"schema": {"fields": [{"name": "a", "label": "A", "type": "text"}]}}`)}
	}
	tests := []struct {
		name string
		fsys fstest.MapFS
		want string
	}{
		{"duplicate code", fstest.MapFS{"a.json": good("BM-1"), "b.json": good("BM-1")}, `b.json: code "BM-1" already used by a.json`},
		{"syntax", fstest.MapFS{"a.json": good("BM-1"), "bad.json": {Data: []byte(`{`)}}, "bad.json"},
		{"unknown key", fstest.MapFS{"x.json": {Data: []byte(`{"code": "C", "titel": "T"}`)}}, `x.json: json: unknown field "titel"`},
		{"bad kind", fstest.MapFS{"k.json": {Data: []byte(`{"code": "C", "title": "T", "kind": "other", "legal_basis": "L", "purpose": "P", "schema": {}}`)}}, `k.json: kind "other"`},
		{"empty title", fstest.MapFS{"e.json": {Data: []byte(`{"code": "C", "kind": "iso", "legal_basis": "L", "purpose": "P", "schema": {}}`)}}, "e.json: title is empty"},
		{"bad schema", fstest.MapFS{"s.json": {Data: []byte(`{"code": "C", "title": "T", "kind": "iso", "legal_basis": "L", "purpose": "P", "schema": {"fields": [{"name": "a", "type": "text"}]}}`)}}, `s.json: qms invalid: schema: trường thứ 1 ("a"): thiếu nhãn`},
		{"trailing", fstest.MapFS{"t.json": {Data: append(good("C").Data, "{}"...)}}, "t.json: data after"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := load(tt.fsys)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("load = %v, want an error containing %q", err, tt.want)
			}
		})
	}
	// A schema error keeps its domain code through the wrapping.
	_, err := load(tests[5].fsys)
	if qms.ErrorCode(err) != qms.EINVALID {
		t.Errorf("code %q", qms.ErrorCode(err))
	}
}
