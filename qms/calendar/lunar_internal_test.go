package calendar

import (
	"math"
	"testing"
	"time"
)

// Worked examples of Meeus, "Astronomical Algorithms", 2nd ed.
func TestAstronomyExamples(t *testing.T) {
	// Example 49.a: the new moon of February 1977, k = −283.
	if got, want := newMoonTT(-283), 2443192.65118; math.Abs(got-want) > 0.00001 {
		t.Errorf("newMoonTT(-283) = %.5f; want %.5f", got, want)
	}
	// Example 25.a: apparent longitude of the Sun on 1992 Oct 13.0 TD.
	if got, want := sunLongitude(2448908.5), 199.90895; math.Abs(got-want) > 0.0001 {
		t.Errorf("sunLongitude = %.5f; want %.5f", got, want)
	}
}

// The same rules on the meridian of UTC+8 give the Chinese dates, which
// differ from the Vietnamese ones in these years.
func TestTetChinaOffset(t *testing.T) {
	tests := []struct {
		year   int
		vn, cn Date
	}{
		{1968, Date{1968, time.January, 29}, Date{1968, time.January, 30}},
		{1985, Date{1985, time.January, 21}, Date{1985, time.February, 20}},
		{2007, Date{2007, time.February, 17}, Date{2007, time.February, 18}},
		{2026, Date{2026, time.February, 17}, Date{2026, time.February, 17}},
	}
	for _, tt := range tests {
		for _, c := range []struct {
			offset float64
			want   Date
		}{{7, tt.vn}, {8, tt.cn}} {
			n, ok := lunisolar{offset: c.offset}.toSolar(LunarDate{Year: tt.year, Month: 1, Day: 1})
			if got := fromDays(n); !ok || got != c.want {
				t.Errorf("Tết %d at UTC+%v = %v; want %v", tt.year, c.offset, got, c.want)
			}
		}
	}
}
