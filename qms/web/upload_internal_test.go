package web

import "testing"

// TestFormatMiB: a size just over a limit does not read as the limit
// (outsider pass 8: "nặng 20 MiB, vượt giới hạn 20 MiB").
func TestFormatMiB(t *testing.T) {
	for _, tt := range []struct {
		n    int64
		want string
	}{
		{20 << 20, "20 MiB"},
		{21000009, "20,03 MiB"},
		{7 << 19, "3,5 MiB"},
		{1, "0 MiB"},
	} {
		if got := formatMiB(tt.n); got != tt.want {
			t.Errorf("formatMiB(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

// TestPercentFormats: rates and targets in each language, the
// Vietnamese per cent sign after a no-break space.
func TestPercentFormats(t *testing.T) {
	for _, tt := range []struct {
		lang            string
		v               float64
		percent, target string
	}{
		{"vi", 99.57, "99,57\u00a0%", "99,57\u00a0%"},
		{"vi", 95, "95,00\u00a0%", "95\u00a0%"},
		{"en", 97.5, "97.50%", "97.5%"},
	} {
		if got := formatPercent(tt.v, tt.lang); got != tt.percent {
			t.Errorf("formatPercent(%v, %s) = %q, want %q", tt.v, tt.lang, got, tt.percent)
		}
		if got := formatTarget(tt.v, tt.lang); got != tt.target {
			t.Errorf("formatTarget(%v, %s) = %q, want %q", tt.v, tt.lang, got, tt.target)
		}
	}
}
