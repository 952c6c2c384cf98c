package qms_test

import (
	"testing"
	"time"

	"isodt/qms"
)

// TestCheckReceivedAt: a pushed receipt is dated from MaxReceiptAge back
// to a few minutes ahead of the server's clock.
func TestCheckReceivedAt(t *testing.T) {
	now := time.Date(2026, 12, 4, 3, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		at   time.Time
		ok   bool
	}{
		{"now", now, true},
		{"a sender's clock a minute ahead", now.Add(time.Minute), true},
		{"tomorrow", now.AddDate(0, 0, 1), false},
		{"last week, after an outage", now.AddDate(0, 0, -7), true},
		{"at the bound", now.Add(-qms.MaxReceiptAge), true},
		{"past the bound", now.Add(-qms.MaxReceiptAge - time.Hour), false},
		{"a mistyped year", time.Date(1999, 1, 1, 1, 0, 0, 0, time.UTC), false},
	}
	for _, tc := range tests {
		err := qms.CheckReceivedAt(tc.at, now)
		if (err == nil) != tc.ok || (err != nil && qms.ErrorField(err) != "received_at") {
			t.Errorf("%s: %v, want accepted %v", tc.name, err, tc.ok)
		}
	}
}

// TestApplicantPhone: the applicant's phone holds digits and the marks
// people write numbers with, nothing else.
func TestApplicantPhone(t *testing.T) {
	for phone, ok := range map[string]bool{"": true, "0912345678": true, "0912 345 678": true, "+84 (24) 3825.1234": true, "091-234-5678": true,
		"abc-not-a-phone!!": false, "0912x345": false, "０９１２": false} {
		d := qms.Dossier{TTHCCode: "1.000001", Channel: qms.ChannelCounter, Applicant: qms.Applicant{Name: "Trần Văn B", Phone: phone}}
		err := d.Validate()
		if (err == nil) != ok || (err != nil && qms.ErrorField(err) != "applicant.phone") {
			t.Errorf("phone %q: %v, want accepted %v", phone, err, ok)
		}
	}
}
