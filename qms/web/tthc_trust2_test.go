package web_test

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/importer/importertest"
)

// TestTrust2ImportRefusedThroughAPI posts hostile catalogues to the real
// import routes: each is refused quickly with the API's error shape and a
// small body, and nothing is written.
func TestTrust2ImportRefusedThroughAPI(t *testing.T) {
	a := newApp(t)
	officer := a.token("a-quality-officer")
	tests := []struct {
		name      string
		file      string
		data      []byte
		wantMsg   string // start of error.message
		wantFirst string // start of error.rows[0], "" for a file error
		wantTotal int
	}{
		{"8 MB shared string in 500 rows", "tthc.xlsx", importertest.SharedStringBomb(8<<20, 500),
			"Tệp có 500 lỗi, không dòng nào được nhập.", "row 2: legal_basis: ô E2 dài 8", 500},
		{"part declaring 4 GiB", "tthc.xlsx", importertest.DeclaredBomb(4 << 30),
			"Tệp XLSX khi giải nén lớn hơn giới hạn 50 MiB", "", 0},
		{"3 million blank rows", "tthc.xlsx", importertest.BlankRows(3_000_000),
			"Tệp có hơn 20000 dòng trống", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("POST", "/api/v1/tthc/import?name="+tt.file, bytes.NewReader(tt.data))
			req.Header.Set("Authorization", "Bearer "+officer)
			start := time.Now()
			resp := a.send(req)
			took := time.Since(start)
			body := bodyOf(t, resp)
			var e struct {
				Error struct {
					Code, Message, Field string
					Rows                 []string
					Total                int
				}
			}
			if err := json.Unmarshal([]byte(body), &e); err != nil {
				t.Fatalf("%d %.300s: %v", resp.StatusCode, body, err)
			}
			if resp.StatusCode != 400 || e.Error.Code != qms.EINVALID || e.Error.Field != "file" || !strings.HasPrefix(e.Error.Message, tt.wantMsg) {
				t.Errorf("%d %+.300v, want 400 invalid on file %q…", resp.StatusCode, e.Error, tt.wantMsg)
			}
			if tt.wantFirst != "" && (len(e.Error.Rows) != 100 || !strings.HasPrefix(e.Error.Rows[0], tt.wantFirst) || e.Error.Total != tt.wantTotal) {
				t.Errorf("%d rows of %d, first %.100q; want 100 of %d, first %q…", len(e.Error.Rows), e.Error.Total, e.Error.Rows, tt.wantTotal, tt.wantFirst)
			}
			if len(body) > 64<<10 {
				t.Errorf("error body of %d bytes, want under 64 KiB", len(body))
			}
			if took > 10*time.Second {
				t.Errorf("took %v", took)
			}
		})
	}

	// The page route answers the same refusal on its form.
	s := a.login("a-quality-officer")
	resp := a.upload("/tthc/import", &s, "tthc.xlsx", importertest.SharedStringBomb(1<<20, 300))
	if body := bodyOf(t, resp); resp.StatusCode != 400 || !strings.Contains(body, "có 300 lỗi") || !strings.Contains(body, "row 2: legal_basis: ô E2 dài") || !strings.Contains(body, "… và 200 lỗi khác") {
		t.Errorf("page: %d\n%.2000s", resp.StatusCode, body)
	}

	var list struct{ TTHC []qms.TTHC }
	decode(t, a.api("GET", "/api/v1/tthc", a.token("a-staff"), ""), &list)
	if len(list.TTHC) != 0 {
		t.Fatalf("refused files wrote %d rows", len(list.TTHC))
	}
}
