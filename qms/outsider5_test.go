package qms_test

import (
	"strings"
	"testing"

	"isodt/qms"
)

// TestOutsider5DossierCodeNamespaces: agency codes are letters and digits,
// and a chosen dossier code's first segment is the caller's agency exactly,
// followed by a non-empty suffix, so no agency can squat another's codes.
func TestOutsider5DossierCodeNamespaces(t *testing.T) {
	codes := []struct {
		agency, code string
		ok           bool
	}{
		{"STTTT", "STTTT-2026-000001", true},
		{"STTTT", "STTTT-A", true},
		{"STTTT", "STTTT-", false},
		{"STTTT", "STTTT--", false},
		{"STTTT", "STTTT--X", false},
		{"STTTT", "STTTT-X-", false},
		{"STTTT", "STTTTX-1", false},
		{"ST", "STTTT-2026-000001", false},
		{"STTTT-HN", "STTTT-HN-2026-000001", false}, // legacy hyphenated agencies do not choose codes
		{"STTTT", "STTTT-" + strings.Repeat("A", 41), false},
		{"STTTT", "STTTT-A.B", false},
	}
	for _, tt := range codes {
		err := qms.CheckClientCode(tt.agency, tt.code)
		if (err == nil) != tt.ok {
			t.Errorf("CheckClientCode(%q, %q) = %v, want ok=%v", tt.agency, tt.code, err, tt.ok)
		} else if err != nil && qms.ErrorField(err) != "code" {
			t.Errorf("CheckClientCode(%q, %q) field = %q", tt.agency, tt.code, qms.ErrorField(err))
		}
	}
	agencies := []struct {
		code   string
		newOK  bool
		keepOK bool
	}{
		{"STTTT", true, true},
		{"STTTT-HN", false, true},
		{"ST_1", false, true},
		{"ST.1", false, true},
		{"a b", false, false},
	}
	for _, tt := range agencies {
		a := qms.Agency{Code: tt.code, Name: "Sở"}
		if err := a.Validate(); (err == nil) != tt.newOK {
			t.Errorf("Validate(%q) = %v, want ok=%v", tt.code, err, tt.newOK)
		}
		if err := a.ValidateExisting(); (err == nil) != tt.keepOK {
			t.Errorf("ValidateExisting(%q) = %v, want ok=%v", tt.code, err, tt.keepOK)
		}
	}
}
