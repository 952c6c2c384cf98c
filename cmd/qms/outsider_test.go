package main

import (
	"os"
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
