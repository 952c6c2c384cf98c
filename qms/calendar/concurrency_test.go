package calendar_test

import (
	"slices"
	"sync"
	"testing"
	"time"

	"isodt/qms/calendar"
)

// TestConcurrentUse shares one Calendar between goroutines that all touch
// years not built yet; run with -race. Every goroutine must see what a
// calendar used from a single goroutine sees.
func TestConcurrentUse(t *testing.T) {
	o := calendar.Overrides{WorkingDays: []calendar.WorkingDay{{Date: date(2026, time.March, 7)}}}
	shared := newCalendar(t, o)
	ref := newCalendar(t, o)
	years := []int{2024, 2025, 2026, 2027, 2028}
	want := make(map[int][]calendar.Holiday)
	for _, y := range years {
		want[y] = ref.Holidays(y)
	}
	received := vn(ref, 2025, 12, 20, 9, 0)
	wantDue, err := ref.Due(received, 60)
	if err != nil {
		t.Fatal(err)
	}

	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := range 16 {
		wg.Go(func() {
			for i := range 200 {
				y := years[(g+i)%len(years)]
				if got := shared.Holidays(y); !slices.Equal(got, want[y]) {
					errs <- "Holidays differ"
					return
				}
				d := date(y, time.January, 1).AddDays(i)
				if shared.IsWorkingDay(d) != ref.IsWorkingDay(d) {
					errs <- "IsWorkingDay differs on " + d.String()
					return
				}
				if got, err := shared.Due(received, 60); err != nil || !got.Equal(wantDue) {
					errs <- "Due differs"
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
