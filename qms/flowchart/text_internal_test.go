package flowchart

import (
	"slices"
	"testing"
)

func TestWrapText(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want []string
	}{
		{"", 10, nil},
		{"   ", 10, nil},
		{"Tiếp nhận hồ sơ", 10, []string{"Tiếp nhận", "hồ sơ"}},
		{"Tiếp\nnhận  hồ sơ", 20, []string{"Tiếp nhận hồ sơ"}},
		{"BM-QT02-01-BM-QT02-02 x", 10, []string{"BM-QT02-01", "-BM-QT02-0", "2 x"}},
		{"ab \xff", 10, []string{"ab \uFFFD"}},
		{"ab", 0, []string{"a", "b"}},
	}
	for _, tt := range tests {
		if got := wrapText(tt.in, tt.max); !slices.Equal(got, tt.want) {
			t.Errorf("wrapText(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
	}
}

func TestFormatHours(t *testing.T) {
	for h, want := range map[float64]string{16: "16", 1.5: "1,5", 0: "0", 0.25: "0,25"} {
		if got := Hours(h).String(); got != want {
			t.Errorf("Hours(%v) = %q, want %q", h, got, want)
		}
	}
}
