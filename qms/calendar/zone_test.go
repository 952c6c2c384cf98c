package calendar_test

import (
	"testing"

	"isodt/qms"
	"isodt/qms/calendar"
)

// TestOneSource6aZone: the calendar counts in the system's one zone value,
// qms.Zone, not in a location of its own.
func TestOneSource6aZone(t *testing.T) {
	c, err := calendar.New(calendar.Overrides{}, calendar.DefaultWorkingHours())
	if err != nil {
		t.Fatal(err)
	}
	if c.Location() != qms.Zone {
		t.Errorf("calendar location %p (%s), want qms.Zone %p", c.Location(), c.Location(), qms.Zone)
	}
}
