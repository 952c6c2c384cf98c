package storetest_test

import (
	"strings"
	"testing"

	"isodt/qms"
	"isodt/qms/qmstest"
)

// TestAgencyRulesForAgencyAdmins (outsider pass 11, finding 1 and 3): the
// store, whoever calls it, keeps an agency's parent and kind for the
// system admin: another agency's admin renames the agencies of their
// scope, creates subordinate units (truc_thuoc, the kind they get
// without one) under them, and neither moves, detaches nor reclassifies
// an agency (EFORBIDDEN naming "parent" or "kind"); an agency out of
// their scope is not found. The CLI (a system actor) still moves.
func TestAgencyRulesForAgencyAdmins(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys := f.ctx
		for _, a := range []qms.Agency{{Code: "A", Name: "Sở A"}, {Code: "B", Name: "Sở B"},
			{Code: "A1", Name: "Văn phòng Sở A", ParentCode: "A", Kind: qms.AgencyKindSubunit}} {
			if err := f.CreateAgency(sys, &a); err != nil {
				t.Fatal(err)
			}
		}
		u := &qms.User{Username: "a1.admin", Memberships: []qms.Membership{{AgencyCode: "A1", Role: qms.RoleAdmin}}}
		if err := f.CreateUser(sys, u, "ngua-o-123"); err != nil {
			t.Fatal(err)
		}
		unitAdmin := qms.WithActor(t.Context(), qms.Actor{UserID: u.ID, Username: u.Username, AgencyCode: "A1"})
		deptAdmin := qms.WithActor(t.Context(), qms.Actor{UserID: u.ID, Username: u.Username, AgencyCode: "A"})
		none, b, dept := "", "B", qms.AgencyKindDepartment
		for _, tc := range []struct {
			name, field, code string
			err               error
		}{
			{"unit admin detaches its unit", "parent", qms.EFORBIDDEN, func() error {
				_, err := f.UpdateAgency(unitAdmin, "A1", qms.AgencyUpdate{ParentCode: &none})
				return err
			}()},
			{"department admin detaches its unit", "parent", qms.EFORBIDDEN, func() error {
				_, err := f.UpdateAgency(deptAdmin, "A1", qms.AgencyUpdate{ParentCode: &none})
				return err
			}()},
			{"department admin puts itself under B", "parent", qms.EFORBIDDEN, func() error {
				_, err := f.UpdateAgency(deptAdmin, "A", qms.AgencyUpdate{ParentCode: &b})
				return err
			}()},
			{"unit admin reclassifies its unit", "kind", qms.EFORBIDDEN, func() error {
				_, err := f.UpdateAgency(unitAdmin, "A1", qms.AgencyUpdate{Kind: &dept})
				return err
			}()},
			{"department admin renames B", "", qms.ENOTFOUND, func() error {
				name := "Sở B mới"
				_, err := f.UpdateAgency(deptAdmin, "B", qms.AgencyUpdate{Name: &name})
				return err
			}()},
			{"department admin creates a department", "kind", qms.EFORBIDDEN,
				f.CreateAgency(deptAdmin, &qms.Agency{Code: "A2", Name: "Sở A2", ParentCode: "A", Kind: qms.AgencyKindDepartment})},
			{"department admin creates under B", "parent", qms.EINVALID,
				f.CreateAgency(deptAdmin, &qms.Agency{Code: "A2", Name: "Chi cục A2", ParentCode: "B"})},
			{"department admin creates at the top", "parent", qms.EINVALID,
				f.CreateAgency(deptAdmin, &qms.Agency{Code: "A2", Name: "Chi cục A2"})},
		} {
			if qms.ErrorCode(tc.err) != tc.code || qms.ErrorField(tc.err) != tc.field {
				t.Errorf("%s: %v (field %q), want %s on %q", tc.name, tc.err, qms.ErrorField(tc.err), tc.code, tc.field)
			}
		}
		if a, _ := f.FindAgencyByCode(sys, "A1"); a.ParentCode != "A" || a.Kind != qms.AgencyKindSubunit {
			t.Fatalf("A1 after the refusals: %+v", a)
		}
		name := "Văn phòng"
		if a, err := f.UpdateAgency(unitAdmin, "A1", qms.AgencyUpdate{Name: &name}); err != nil || a.ParentCode != "A" {
			t.Fatalf("rename by the unit's admin: %+v, %v", a, err)
		}
		a2 := &qms.Agency{Code: "A2", Name: "Chi cục A2", ParentCode: "A1"}
		if err := f.CreateAgency(deptAdmin, a2); err != nil || a2.Kind != qms.AgencyKindSubunit {
			t.Fatalf("a unit by the department's admin: %+v, %v", a2, err)
		}
		// The system (qms agency move) moves it.
		if a, err := f.UpdateAgency(sys, "A2", qms.AgencyUpdate{ParentCode: &b}); err != nil || a.ParentCode != "B" {
			t.Fatalf("move by the system: %+v, %v", a, err)
		}
	})
}

// TestAgencyNamesUnique (outsider pass 11, finding 3): two agencies that
// are not merged never have one name, composed and regardless of case,
// spaces and punctuation (ECONFLICT naming the agency), on create, rename
// and split; a letter outside the Vietnamese alphabet is refused; a
// merger's new agency may take a predecessor's name, and a merged
// agency's name is free.
func TestAgencyNamesUnique(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys := f.ctx
		for _, a := range []qms.Agency{{Code: "A", Name: "Sở Văn hóa, Thể thao và Du lịch"}, {Code: "B", Name: "Sở Tài chính"},
			{Code: "A1", Name: "Phòng Văn hóa huyện Đông Anh", ParentCode: "A"}, {Code: "A2", Name: "Phòng Văn hóa huyện Mê Linh", ParentCode: "A"}} {
			if err := f.CreateAgency(sys, &a); err != nil {
				t.Fatal(err)
			}
		}
		taken := func(what string, err error, holder string) {
			t.Helper()
			if qms.ErrorCode(err) != qms.ECONFLICT || qms.ErrorField(err) != "name" || !strings.Contains(qms.ErrorMessage(err), "đơn vị "+holder+" (") {
				t.Errorf("%s: %v, want a conflict naming %s", what, err, holder)
			}
		}
		taken("create", f.CreateAgency(sys, &qms.Agency{Code: "C", Name: "SỞ VĂN HÓA  THỂ THAO VÀ DU LỊCH", ParentCode: "B"}), "A")
		renamed := "sở tài chính"
		_, err := f.UpdateAgency(sys, "A1", qms.AgencyUpdate{Name: &renamed})
		taken("rename", err, "B")
		tthc := qmstest.SampleTTHC()[:1]
		if _, _, err := f.ImportTTHC(sys, "A", tthc); err != nil {
			t.Fatal(err)
		}
		_, err = f.SplitAgency(sys, qms.SplitPlan{From: "A", Into: "SX", Name: "Sở Tài Chính.", TTHC: []string{tthc[0].Code}}, true)
		taken("split", err, "B")
		if err := f.CreateAgency(sys, &qms.Agency{Code: "C", Name: "S\u1edf T\u00e0i ch\u00ednh \u0445"}); qms.ErrorField(err) != "name" || !strings.Contains(qms.ErrorMessage(err), "U+0445") {
			t.Errorf("a Cyrillic letter: %v", err)
		}
		// A merger's new agency takes a predecessor's name; the other's is free.
		if _, err := f.MergeAgencies(sys, qms.MergePlan{Into: "AKV", Name: "Phòng Văn hóa huyện Đông Anh", From: []string{"A1", "A2"}}, false); err != nil {
			t.Fatalf("merge into an agency named as a predecessor: %v", err)
		}
		if err := f.CreateAgency(sys, &qms.Agency{Code: "C", Name: "Phòng Văn hóa huyện Mê Linh", ParentCode: "A"}); err != nil {
			t.Fatalf("a merged agency's name: %v", err)
		}
		taken("the successor's name", f.CreateAgency(sys, &qms.Agency{Code: "D", Name: "Phòng văn hóa huyện Đông Anh"}), "AKV")
	})
}

// TestMergedAgencyNoParentNorUnit (outsider pass 11, finding 2): a merged
// agency is no parent, and the refusal says it was merged (it spoke of
// writing to the merged agency's data); nor is it an internal audit's
// unit (a plan of it was written), EFORBIDDEN naming "units".
func TestMergedAgencyNoParentNorUnit(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys := f.ctx
		for _, a := range []qms.Agency{{Code: "A", Name: "Sở A"}, {Code: "B", Name: "Sở B"},
			{Code: "A1", Name: "Phòng A1", ParentCode: "A"}, {Code: "A2", Name: "Phòng A2", ParentCode: "A"}} {
			if err := f.CreateAgency(sys, &a); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.MergeAgencies(sys, qms.MergePlan{Into: "AKV", Name: "Phòng khu vực", From: []string{"A1", "A2"}}, false); err != nil {
			t.Fatal(err)
		}
		if err := f.CreateAgency(sys, &qms.Agency{Code: "N", Name: "Phòng N", ParentCode: "A1"}); qms.ErrorField(err) != "parent" || !strings.Contains(qms.ErrorMessage(err), `"A1" đã sáp nhập vào "AKV"`) {
			t.Errorf("a new agency under a merged one: %v", err)
		}
		parent := "A1"
		_, err := f.UpdateAgency(sys, "B", qms.AgencyUpdate{ParentCode: &parent})
		if qms.ErrorField(err) != "parent" || !strings.Contains(qms.ErrorMessage(err), `"A1" đã sáp nhập vào "AKV"`) {
			t.Errorf("a merged parent: %v", err)
		}
		// Nor an audited unit.
		if err := f.CreateUser(sys, &qms.User{Username: "dgv", Memberships: []qms.Membership{{AgencyCode: "A", Role: qms.RoleAuditor}}}, "ngua-o-123"); err != nil {
			t.Fatal(err)
		}
		prog := &qms.AuditProgramme{AgencyCode: "A", Year: 2026, Title: "Chương trình 2026"}
		if err := f.CreateProgramme(sys, prog); err != nil {
			t.Fatal(err)
		}
		day := qms.CivilDate(f.clk.Now())
		err = f.CreatePlan(sys, &qms.AuditPlan{ProgrammeID: prog.ID, AgencyCode: "A", Title: "Đánh giá A1", Units: []string{"A1"}, Clauses: []string{"8.5"}, Auditors: []string{"dgv"}, StartOn: day, EndOn: day})
		if qms.ErrorCode(err) != qms.EFORBIDDEN || qms.ErrorField(err) != "units" || !strings.Contains(qms.ErrorMessage(err), `"A1" đã sáp nhập vào "AKV"`) {
			t.Errorf("a plan of a merged unit: %v", err)
		}
	})
}
