package importer_test

import (
	"bytes"
	"errors"
	"testing"

	"isodt/qms"
	"isodt/qms/importer"
	"isodt/qms/importer/importertest"
)

// checkResult asserts the parsers' contract on any input: rows and no
// error, or no rows and an EINVALID error (never an internal one) whose
// problems all name a row.
func checkResult[T any](t *testing.T, rows []T, err error) {
	if (rows == nil) == (err == nil) {
		t.Fatalf("rows %v and err %v: want exactly one", rows != nil, err)
	}
	if err == nil {
		return
	}
	if code := qms.ErrorCode(err); code != qms.EINVALID {
		t.Fatalf("ErrorCode = %q for %v", code, err)
	}
	var list *importer.Errors
	if errors.As(err, &list) {
		if len(list.Problems) == 0 {
			t.Fatal("*Errors without problems")
		}
		for _, p := range list.Problems {
			if p.Row < 1 || p.Column == "" || p.Message == "" {
				t.Fatalf("bad problem %+v", p)
			}
		}
	}
}

func FuzzParseTTHC(f *testing.F) {
	sample := sampleCSV(f)
	f.Add(sample, "t.csv")
	f.Add(append([]byte("\xEF\xBB\xBF"), bytes.ReplaceAll(sample, []byte(","), []byte(";"))...), "t.csv")
	f.Add([]byte(header+",x,,năm,,,,31/02/2024,bỏ\n1.000001,\"a\nb\",F,5\n\"unclosed"), "t.csv")
	f.Add([]byte("code,code\n\xff\xfe"), "upload")
	f.Add([]byte{}, "t.csv")
	f.Add([]byte("PK\x03\x04\x00\x00"), "t.xlsx")
	f.Add(buildXLSX(f, 2, [][]any{
		{"mã", "tên", "lĩnh vực", "thời hạn"},
		{"1.000001", "A", "F", xlsxCell{v: 5, numFmt: 14}},
	}), "t.xlsx")
	f.Add(importertest.XLSX(`<row><c t="inlineStr"><is><t>code</t></is></c><c t="s"><v>0</v></c></row><row r="3"><c r="B3" s="1"><v>5</v></c></row>`,
		`<si><r><t>tên</t></r><rPh><t>x</t></rPh></si>`), "t.xlsx")
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		rows, err := importer.ParseTTHC(bytes.NewReader(data), name, importer.Options{MaxRows: 1000, KnownFields: []string{"F", "Văn hóa"}})
		checkResult(t, rows, err)
	})
}

func FuzzParseDossierHistory(f *testing.F) {
	f.Add([]byte(dossierHeader+"HS-1,1.000001,2024-03-15T08:30:00+07:00,2024-03-22 17:00,22/03/2024 09:00,completed\n"), "h.csv")
	f.Add([]byte(dossierHeader+"HS-1,1.1,15/03/2024 08:30,,2024-03-01,received\nHS-1\n"), "h.csv")
	f.Add([]byte("code;tthc_code;received_at;due_at;status\nA;1.000001;2024-03-15;2024-03-15;paused\n"), "")
	f.Add([]byte("\x00\x01"), "h.bin")
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		rows, err := importer.ParseDossierHistory(bytes.NewReader(data), name, importer.Options{MaxRows: 1000})
		checkResult(t, rows, err)
	})
}
