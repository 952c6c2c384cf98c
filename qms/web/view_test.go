package web

import (
	"testing"
	"time"
)

// TestFormatDateTime: the hand-written format agrees with Time.Format in
// Vietnam's zone, across the UTC day boundary and the zone's history.
func TestFormatDateTime(t *testing.T) {
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{time.Time{}, ""},
		{time.Date(2026, 11, 30, 17, 5, 0, 0, time.UTC), "01/12/2026 00:05"},
		{time.Date(2026, 1, 2, 3, 4, 59, 0, time.UTC), "02/01/2026 10:04"},
		{time.Date(2026, 12, 31, 16, 59, 0, 0, time.UTC), "31/12/2026 23:59"},
		{time.Date(1970, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(1970, 6, 1, 0, 0, 0, 0, time.UTC).In(ictZone).Format("02/01/2006 15:04")},
		{time.Date(12, 3, 4, 5, 6, 0, 0, time.UTC), time.Date(12, 3, 4, 5, 6, 0, 0, time.UTC).In(ictZone).Format("02/01/2006 15:04")},
	} {
		if got := formatDateTime(tc.at); got != tc.want {
			t.Errorf("formatDateTime(%v) = %q, want %q", tc.at, got, tc.want)
		}
		var r fragment
		if r.dateTime(tc.at); r.b.String() != tc.want {
			t.Errorf("fragment.dateTime(%v) = %q, want %q", tc.at, r.b.String(), tc.want)
		}
	}
}

// TestFragmentText escapes as html/template does, and only when needed.
func TestFragmentText(t *testing.T) {
	for in, want := range map[string]string{
		"Nguyễn Văn An":    "Nguyễn Văn An",
		`<b>"A" & 'B'</b>`: "&lt;b&gt;&#34;A&#34; &amp; &#39;B&#39;&lt;/b&gt;",
		"tail >":           "tail &gt;",
		"nul\x00":          "nul\uFFFD",
		"":                 "",
	} {
		var r fragment
		if r.text(in); r.b.String() != want {
			t.Errorf("text(%q) = %q, want %q", in, r.b.String(), want)
		}
	}
}
