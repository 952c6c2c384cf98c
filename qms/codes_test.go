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

// TestSameName: names people would take for one another are the same
// name; names they tell apart are not.
func TestSameName(t *testing.T) {
	tests := []struct {
		a, b string
		same bool
	}{
		{"Sở Văn hóa, Thể thao và Du lịch", "Sở Văn hoá, Thể thao và Du lịch", true},
		{"Du lịch", "Du Iịch", true},
		{"Lãnh đạo 1", "Lãnh đạo l", true},
		{"Phòng 10", "Phòng lO", true},
		{"Nguyễn  Văn An", "nguyễn văn an", true},
		{"Người A Minh", "NGƯỜI A MINH", true},
		{"Trần Thị Bình", "Trần Thị Binh", true},
		{"AGIA", "AGLA", false},
		{"Nguyễn Văn An", "Nguyễn Văn Ân", false},
		{"Người A Minh", "Người A Mlnh", false},
	}
	for _, tt := range tests {
		if got := qms.SameName(tt.a, tt.b); got != tt.same {
			t.Errorf("%q and %q: same %v, want %v", tt.a, tt.b, got, tt.same)
		}
	}
	for _, tt := range []struct {
		a, b string
		same bool
	}{
		{"Sở Văn hóa, Thể thao và Du lịch", "sở văn hoá - thể thao và du Iịch", true},
		{"Văn phòng Sở Văn hóa, Thể thao và Du lịch", "Van phong So Van hoa The thao va Du lich", true}, // outsider pass 12
		{"Phòng Tư pháp", "Phong Tu phap", true},
		{"Phòng Tư pháp", "Phòng Tài chính", false},
		{"UBND phường An Cựu", "UBND phường Ân Cựu", true}, // a person's An and Ân are two; an agency's are one
	} {
		if got := qms.SameAgencyName(tt.a, tt.b); got != tt.same {
			t.Errorf("agencies %q and %q: same %v, want %v", tt.a, tt.b, got, tt.same)
		}
	}
}
