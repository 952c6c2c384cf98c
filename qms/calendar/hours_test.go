package calendar_test

import (
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/calendar"
)

func TestParseWorkingHours(t *testing.T) {
	tests := []struct {
		in      string
		want    string // String() of the result; "" means an error
		dayLen  time.Duration
		wantErr bool
	}{
		{in: "07:30-11:30,13:30-17:00", want: "07:30-11:30,13:30-17:00", dayLen: 7*time.Hour + 30*time.Minute},
		{in: " 7:00-11:00 , 13:00-16:30 ", want: "07:00-11:00,13:00-16:30", dayLen: 7*time.Hour + 30*time.Minute},
		{in: "08:00-24:00", want: "08:00-24:00", dayLen: 16 * time.Hour},
		{in: "", wantErr: true},
		{in: "07:30", wantErr: true},
		{in: "07:30-7:3", wantErr: true},
		{in: "11:30-07:30", wantErr: true},
		{in: "13:30-17:00,07:30-11:30", wantErr: true}, // out of order
		{in: "07:30-12:00,11:30-17:00", wantErr: true}, // overlap
		{in: "07:30-11:30,25:00-26:00", wantErr: true},
		{in: "07:30-11:30", wantErr: true}, // the 15:00 cut-off falls after closing
	}
	for _, tt := range tests {
		h, err := calendar.ParseWorkingHours(tt.in)
		if tt.wantErr {
			if qms.ErrorCode(err) != qms.EINVALID || qms.ErrorMessage(err) == "" {
				t.Errorf("ParseWorkingHours(%q) = %v, %v; want EINVALID", tt.in, h, err)
			}
			continue
		}
		if err != nil || h.String() != tt.want || h.DayLength() != tt.dayLen || h.SameDayCutoff != calendar.DefaultSameDayCutoff {
			t.Errorf("ParseWorkingHours(%q) = %v (%v), %v; want %s (%v)", tt.in, h, h.DayLength(), err, tt.want, tt.dayLen)
		}
	}
}

func TestDefaultWorkingHours(t *testing.T) {
	h := calendar.DefaultWorkingHours()
	if err := h.Validate(); err != nil {
		t.Fatal(err)
	}
	if h.String() != "07:30-11:30,13:30-17:00" || h.SameDayCutoff.String() != "15:00" {
		t.Errorf("DefaultWorkingHours = %v, cut-off %v", h, h.SameDayCutoff)
	}
	if _, err := calendar.New(calendar.Overrides{}, calendar.WorkingHours{}); qms.ErrorCode(err) != qms.EINVALID {
		t.Errorf("New with no working hours: %v; want EINVALID", err)
	}
}
