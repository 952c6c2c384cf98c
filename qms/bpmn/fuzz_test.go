package bpmn_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
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
	// Whole-document limits: nesting in the diagram part, in extensions,
	// and an undeclared prefix.
	f.Add(diagramFile(strings.Repeat("<x>", bpmn.MaxImportDepth) + strings.Repeat("</x>", bpmn.MaxImportDepth)))
	f.Add(diagramFile(strings.Repeat("<x/>", 1000)))
	f.Add([]byte(`<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="p"><task id="t"><extensionElements>` +
		strings.Repeat("<e>", 250) + strings.Repeat("</e>", 250) + `</extensionElements></task></process></definitions>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := bpmn.Import(bytes.NewReader(data), bpmn.ImportOptions{})
		if err == nil {
			// Whatever part of the document they are in, accepted
			// files are within the limits.
			if elements, depth, ok := measure(data); ok && (elements > bpmn.MaxImportElements || depth > bpmn.MaxImportDepth) {
				t.Fatalf("accepted a document of %d elements nested %d deep", elements, depth)
			}
		}
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

// measure counts the elements of a UTF-8 document and its nesting depth,
// independently of Import. ok is false when encoding/xml cannot read it
// alone (another encoding).
func measure(data []byte) (elements, depth int, ok bool) {
	d := xml.NewDecoder(bytes.NewReader(data))
	level := 0
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return elements, depth, true
		}
		if err != nil {
			return 0, 0, false
		}
		switch tok.(type) {
		case xml.StartElement:
			elements++
			level++
			depth = max(depth, level)
		case xml.EndElement:
			level--
		}
	}
}
