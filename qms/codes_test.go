package qms_test

import (
	"strings"
	"testing"

	"isodt/qms"
)

// TestDocumentCodesVietnameseLetters: a procedure's, a form's or a
// competence's code is written in the Vietnamese alphabet; one in
// look-alike letters of another script (full-width, Cyrillic, Greek)
// would draw as an existing code and be another (outsider pass 8).
func TestDocumentCodesVietnameseLetters(t *testing.T) {
	tests := []struct {
		code string
		ok   bool
	}{
		{"QT-01", true},
		{"QT-ĐT-01", true},
		{"QT-ẢNH/2026", true},
		{"ＱＴ-01", false},  // full-width Latin
		{"QТ-01", false},  // Cyrillic Т
		{"QT-Ο1", false},  // Greek Ο
		{"QT-01ǅ", false}, // Latin, but no Vietnamese letter
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			p := &qms.Procedure{Code: tt.code, Title: "Cấp phép", OwnerUnit: "Phòng Một cửa"}
			p.Normalize()
			f := &qms.Form{Code: tt.code, Title: "Phiếu", Kind: qms.FormLocal}
			c := &qms.Competence{AgencyCode: "A", Code: strings.ReplaceAll(tt.code, "/", "-"), Name: "Một cửa"}
			for name, err := range map[string]error{"procedure": p.Validate(), "form": f.Validate(), "competence": c.Validate()} {
				if tt.ok && err != nil || !tt.ok && (err == nil || !strings.Contains(err.Error(), "chữ cái tiếng Việt")) {
					t.Errorf("%s %q: %v, want ok=%v", name, tt.code, err, tt.ok)
				}
			}
		})
	}
}
