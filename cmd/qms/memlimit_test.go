package main

import (
	"strings"
	"testing"
)

// TestOneSource5MemLimit: --mem-limit (and --gc-target) read GOMEMLIMIT's
// syntax; no limit unless one is given.
func TestOneSource5MemLimit(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		bad  bool
	}{
		{"", 0, false},
		{"off", 0, false},
		{"536870912", 512 << 20, false},
		{"512MiB", 512 << 20, false},
		{"1GiB", 1 << 30, false},
		{"64MiB", 64 << 20, false},
		{"2TiB", 2 << 40, false},
		{"64KiB", 0, true}, // below what the server holds at rest
		{"100B", 0, true},
		{"512", 0, true}, // 512 bytes: a unit forgotten
		{"512MB", 0, true},
		{"-1GiB", 0, true},
		{"nhiều", 0, true},
		{"9999999TiB", 0, true},
	}
	for _, tt := range tests {
		got, err := parseMemLimit(tt.in)
		if (err != nil) != tt.bad || got != tt.want {
			t.Errorf("parseMemLimit(%q) = %d, %v; want %d, error %v", tt.in, got, err, tt.want, tt.bad)
		}
	}
	c := newCLI(t)
	for _, flag := range []string{"--mem-limit", "--gc-target"} {
		if code, _, errText := c.run("", "serve", "--addr", "127.0.0.1:0", flag, "512MB"); code != 2 || !strings.Contains(errText, flag+` "512MB"`) {
			t.Fatalf("serve %s 512MB: exit %d, %s", flag, code, errText)
		}
	}
	if _, err := parseGCTarget(defaultGCTarget); err != nil {
		t.Fatalf("default --gc-target: %v", err)
	}
	for _, args := range [][]string{{"--gc-target", "1B"}, {"--mem-limit", "1KiB"}, {"--readers", "-3"}, {"--slow-request", "-1s"}, {"--backup-keep", "0"}} {
		if code, _, errText := c.run("", append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...); code != 2 || !strings.Contains(errText, strings.TrimLeft(args[0], "-")) {
			t.Errorf("serve %s %s: exit %d, %s", args[0], args[1], code, errText)
		}
	}
}
