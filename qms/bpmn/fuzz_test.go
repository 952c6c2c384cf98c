package bpmn_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"isodt/qms/bpmn"
	"isodt/qms/flowchart"
)

// FuzzImport feeds Import arbitrary bytes, starting from real files. It
// must never panic and must return either a *bpmn.Error or a result; a
// result must survive drawing, validation, and an export/import round
// trip unchanged (import is idempotent through our own format).
func FuzzImport(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		if info, err := os.Stat(name); err != nil || !info.Mode().IsRegular() {
			continue // testdata/fuzz holds the fuzzer's own corpus
		}
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	if data, err := bpmn.Export(procedure(), "QT02", "Quy trình"); err == nil {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := bpmn.Import(bytes.NewReader(data), bpmn.ImportOptions{})
		if err != nil {
			var e *bpmn.Error
			if !errors.As(err, &e) || e.Message == "" {
				t.Fatalf("error %v (%T) is not a *bpmn.Error with a message", err, err)
			}
			return
		}
		fc := res.Flowchart
		_ = flowchart.Validate(fc, flowchart.ValidateOptions{LimitHours: 40})
		_ = flowchart.SVG(fc)
		_ = flowchart.Mermaid(fc)
		out, err := bpmn.Export(fc, "Process_1", res.Name)
		if err != nil {
			t.Fatalf("cannot export an imported flowchart: %v\n%+v", err, fc)
		}
		back, err := bpmn.Import(bytes.NewReader(out), bpmn.ImportOptions{})
		if err != nil {
			t.Fatalf("cannot import our own export: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(back.Flowchart, fc) {
			t.Fatalf("round trip changed the flowchart:\n got %+v\nwant %+v", back.Flowchart, fc)
		}
	})
}
