package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOutsider6CheckpointsRemoved: once a signing key exists, a missing
// or emptied checkpoint file fails `qms audit verify` (exit 1, saying so)
// and `qms audit checkpoint` refuses to sign afresh; before any
// checkpoint (no key) the chain alone is verified.
func TestOutsider6CheckpointsRemoved(t *testing.T) {
	c := newCLI(t)
	if code, _, e := c.run("", "agency", "add", "--code", "A1", "--name", "A1"); code != 0 {
		t.Fatal(e)
	}
	if code, out, e := c.run("", "audit", "verify"); code != 0 {
		t.Fatalf("before any checkpoint: exit %d %q %q", code, out, e)
	}
	if code, _, e := c.run("", "audit", "checkpoint"); code != 0 {
		t.Fatal(e)
	}
	base := strings.TrimSuffix(c.db, ".db")
	cps := base + ".checkpoints"
	tests := []struct {
		name   string
		break_ func()
		args   []string
	}{
		{"emptied", func() { os.WriteFile(cps, nil, 0o640) }, nil},
		{"deleted", func() { os.Remove(cps) }, nil},
		{"deleted, --pubkey", func() { os.Remove(cps) }, []string{"--pubkey", base + ".checkpoint.key.pub"}},
		{"deleted, only the private key left", func() { os.Remove(cps); os.Rename(base+".checkpoint.key.pub", base+".pub.moved") }, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.break_()
			code, _, e := c.run("", append([]string{"audit", "verify"}, tc.args...)...)
			if code != 1 || !strings.Contains(e, "không có điểm ký nào") {
				t.Fatalf("verify: exit %d %q", code, e)
			}
		})
	}
	os.Rename(base+".pub.moved", base+".checkpoint.key.pub")
	// Signing afresh would bless the trail as it now is.
	if code, _, e := c.run("", "audit", "checkpoint"); code != 1 || !strings.Contains(e, "không có điểm ký nào") {
		t.Fatalf("checkpoint without the earlier ones: exit %d %q", code, e)
	}
	if _, err := os.Stat(cps); err == nil {
		t.Fatal("a checkpoint was signed after the checkpoints were removed")
	}
}

// TestOutsider8ImportDossiersRules: `qms import dossiers` holds a row to
// what POST /api/v1/dossiers holds a receipt to. A row under another
// agency's code or with a TTHC outside the agency's catalogue refuses
// the whole file, naming the row and the column, and nothing is imported.
// So does a dossier still open: it would come in with no procedure
// version pinned, so no step to finish (finishing it answered 404
// "Không tìm thấy lần ban hành 00").
func TestOutsider8ImportDossiersRules(t *testing.T) {
	c := newCLI(t)
	for _, a := range []string{"SKHCN", "SVHTT"} {
		if code, _, e := c.run("", "agency", "add", "--code", a, "--name", "Sở "+a); code != 0 {
			t.Fatal(e)
		}
	}
	if code, _, e := c.run("", "import", "procedures", "--agency", "SKHCN", "../../qms/importer/testdata/tthc-sample.csv"); code != 0 {
		t.Fatal(e)
	}
	hist := filepath.Join(t.TempDir(), "hist.csv")
	os.WriteFile(hist, []byte("code,tthc_code,received_at,due_at,completed_at,status\n"+
		"SKHCN-2026-000001,1.000001,2026-01-05T08:00:00+07:00,2026-01-12T08:00:00+07:00,2026-01-09T10:00:00+07:00,completed\n"+
		"SVHTT-2026-009999,9.999999,2026-01-05T08:00:00+07:00,2026-01-12T08:00:00+07:00,2026-01-09T10:00:00+07:00,completed\n"+
		"SKHCN-2026-000002,1.000001,2026-01-05T08:00:00+07:00,2026-01-12T08:00:00+07:00,,in_progress\n"), 0o644)
	code, _, e := c.run("", "import", "dossiers", "--agency", "SKHCN", hist)
	for _, want := range []string{`row 3: code: Mã hồ sơ "SVHTT-2026-009999" phải bắt đầu bằng mã đơn vị SKHCN`, "row 3: tthc_code: thủ tục 9.999999 không có trong danh mục",
		"row 4: status: hồ sơ ở trạng thái in_progress chưa kết thúc: chỉ nhập hồ sơ đã kết thúc"} {
		if code != 2 || !strings.Contains(e, want) {
			t.Errorf("import: exit %d, stderr lacks %q:\n%s", code, want, e)
		}
	}
	if strings.Contains(e, "row 2") {
		t.Errorf("the good row is refused:\n%s", e)
	}
	code, out, _ := c.run("", "report", "ontime", "--agency", "SKHCN", "--from", "2026-01-01", "--to", "2026-01-31", "--json")
	var r struct{ Received int }
	if err := json.Unmarshal([]byte(out), &r); err != nil || code != 0 || r.Received != 0 {
		t.Fatalf("after the refused file: %d %v %s (want nothing received)", code, err, out)
	}
}
