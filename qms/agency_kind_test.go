package qms_test

import (
	"strings"
	"testing"
	"time"

	"isodt/qms"
)

// TestAgencyKinds2Validate: a new agency takes a kind of the two-level
// system (the default when none is given); the former district kinds
// are refused for new agencies with a message naming why, and stay only
// on an agency that already has one.
func TestAgencyKinds2Validate(t *testing.T) {
	for _, tc := range []struct {
		name, kind, was string
		update          bool
		want            string // "" = valid; else a fragment of the message
		wantKind        string
	}{
		{"default", "", "", false, "", qms.AgencyKindDepartment},
		{"province", "ubnd_tinh", "", false, "", qms.AgencyKindProvince},
		{"commune", " UBND_XA ", "", false, "", qms.AgencyKindCommune},
		{"subunit", "truc_thuoc", "", false, "", qms.AgencyKindSubunit},
		{"new district refused", "ubnd_huyen", "", false, "không thể tạo mới", ""},
		{"new district office refused", "phong_huyen", "", false, "01/07/2025", ""},
		{"unknown", "bo", "", false, "không hợp lệ", ""},
		{"existing district kept", "ubnd_huyen", "ubnd_huyen", true, "", qms.AgencyKindDistrict},
		{"changed to district refused", "ubnd_huyen", "ubnd_xa", true, "UBND huyện", ""},
		{"district becomes commune", "ubnd_xa", "ubnd_huyen", true, "", qms.AgencyKindCommune},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := &qms.Agency{Code: "X1", Name: "Đơn vị X", Kind: tc.kind}
			a.Normalize()
			var err error
			if tc.update {
				if err = a.ValidateExisting(); err == nil {
					err = a.ValidateKind(tc.was)
				}
			} else {
				err = a.Validate()
			}
			if tc.want == "" {
				if err != nil || a.Kind != tc.wantKind {
					t.Fatalf("kind %q, err %v; want %q valid", a.Kind, err, tc.wantKind)
				}
				return
			}
			if qms.ErrorCode(err) != qms.EINVALID || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v; want EINVALID with %q", err, tc.want)
			}
			if e, ok := err.(*qms.Error); !ok || e.Field != "kind" {
				t.Fatalf("err %#v does not name the field kind", err)
			}
		})
	}
}

// TestAgencyKinds2MergedFigures: the note groups predecessors by the day
// they merged, and the combined figures add the counts and compute the
// rates again.
func TestAgencyKinds2MergedFigures(t *testing.T) {
	d1 := time.Date(2025, 6, 30, 18, 0, 0, 0, time.UTC) // 01/07/2025 in Hà Nội
	d2 := time.Date(2025, 8, 1, 3, 0, 0, 0, time.UTC)
	gs := qms.MergeGroups([]*qms.Agency{{Name: "Sở B", MergedAt: &d2}, {Name: "Sở A", MergedAt: &d1}, {Name: "Sở C", MergedAt: &d1}})
	if len(gs) != 2 || strings.Join(gs[0].Names, ",") != "Sở A,Sở C" || gs[0].On.Format("02/01/2006") != "01/07/2025" || gs[1].Names[0] != "Sở B" {
		t.Fatalf("groups %+v", gs)
	}
	r := qms.SumOnTime(&qms.OnTimeReport{Completed: 2, Early: 1, Late: 1, Received: 2}, nil, &qms.OnTimeReport{Completed: 2, OnTime: 2, Received: 2, Overdue: 1})
	if r.Completed != 4 || r.TimelyRate != 75 || r.Overdue != 1 || r.LateRate != 50 {
		t.Fatalf("sum %+v", r)
	}
}
