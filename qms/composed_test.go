package qms_test

import (
	"testing"

	"golang.org/x/text/unicode/norm"

	"isodt/qms"
)

// TestNormalizeComposes: what people name and title is kept composed
// (NFC) and trimmed, whichever way it was typed.
func TestNormalizeComposes(t *testing.T) {
	const want = "Sở Văn hóa, Thể thao và Du lịch"
	typed := " " + norm.NFD.String(want) + " "
	a := qms.Agency{Code: "svhtt", Name: typed}
	p := qms.Procedure{Code: norm.NFD.String("qt-đăng-01"), Title: typed, OwnerUnit: typed}
	v := qms.ProcedureVersion{Purpose: typed, Reviewer: typed}
	tt := qms.TTHC{Code: "1.000001", Name: typed, Field: typed}
	u := qms.User{Username: "b.staff", FullName: typed, Title: typed}
	f := qms.Form{Code: "BM-01", Title: typed, Purpose: typed}
	d := qms.Dossier{Applicant: qms.Applicant{Name: typed, Address: typed}}
	a.Normalize()
	p.Normalize()
	v.Normalize()
	tt.Normalize()
	u.Normalize()
	f.Normalize()
	d.Normalize()
	for name, got := range map[string]string{
		"agency name": a.Name, "procedure title": p.Title, "owner unit": p.OwnerUnit, "purpose": v.Purpose, "reviewer": v.Reviewer,
		"TTHC name": tt.Name, "TTHC field": tt.Field, "full name": u.FullName, "user title": u.Title,
		"form title": f.Title, "form purpose": f.Purpose, "applicant": d.Applicant.Name, "address": d.Applicant.Address,
	} {
		if got != want {
			t.Errorf("%s: %q, want %q composed and trimmed", name, got, want)
		}
	}
	if p.Code != "QT-ĐĂNG-01" {
		t.Errorf("procedure code %q, want QT-ĐĂNG-01 composed", p.Code)
	}
}
