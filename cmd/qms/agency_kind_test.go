package main

import (
	"context"
	"strings"
	"testing"
)

// TestAgencyKinds2Command: qms agency add --kind stores the kind; a
// district kind is refused (exit 2) with the reason, and no flag means
// the default kind.
func TestAgencyKinds2Command(t *testing.T) {
	c := newCLI(t)
	for _, tc := range []struct {
		name     string
		args     []string
		code     int
		errText  string
		wantKind string
	}{
		{"commune", []string{"--code", "XA", "--name", "UBND xã A", "--kind", "ubnd_xa"}, 0, "", "ubnd_xa"},
		{"default", []string{"--code", "SO", "--name", "Sở B"}, 0, "", "so_nganh"},
		{"district refused", []string{"--code", "HU", "--name", "UBND huyện C", "--kind", "ubnd_huyen"}, exitUsage, "không thể tạo mới", ""},
		{"unknown refused", []string{"--code", "BO", "--name", "Bộ D", "--kind", "bo"}, exitUsage, "Loại đơn vị", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errText := c.run("", append([]string{"agency", "add"}, tc.args...)...)
			if code != tc.code || !strings.Contains(errText, tc.errText) {
				t.Fatalf("exit %d, stderr %q; want %d with %q", code, errText, tc.code, tc.errText)
			}
			if tc.wantKind == "" {
				return
			}
			db := openCLIStore(t, c)
			defer db.Close()
			a, err := db.FindAgencyByCode(context.Background(), tc.args[1])
			if err != nil || a.Kind != tc.wantKind {
				t.Fatalf("stored kind %v, %v; want %q", a, err, tc.wantKind)
			}
		})
	}
}
