package pgcluster

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFindBinPrefersNewest: of several installed versions the newest is
// used, and with none installed the error says what is missing (the
// SKIP line prints it).
func TestFindBinPrefersNewest(t *testing.T) {
	root := t.TempDir()
	for _, v := range []string{"9", "15", "16"} {
		bin := filepath.Join(root, v, "bin")
		if err := os.MkdirAll(bin, 0o755); err != nil {
			t.Fatal(err)
		}
		if v != "16" { // a version without initdb (client only) is passed over
			os.WriteFile(filepath.Join(bin, "initdb"), nil, 0o755)
		}
	}
	if got, err := findBinIn(filepath.Join(root, "*", "bin")); err != nil || got != filepath.Join(root, "15", "bin") {
		t.Fatalf("found %q, %v; want version 15", got, err)
	}
	t.Setenv("PATH", t.TempDir())
	if _, err := findBinIn(filepath.Join(t.TempDir(), "*", "bin")); err == nil || !strings.Contains(err.Error(), "initdb not found") {
		t.Fatalf("nothing installed: %v", err)
	}
}
