package storetest_test

import (
	"testing"

	"isodt/qms"
)

// Internal audits (qms/sqlstore): a programme per agency and year; a plan
// audits units in the agency's reach with auditors independent of them;
// answers need evidence and the report every answer. The checklist is
// read from procedures, dossiers and findings.
func TestInternalAudit(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ctx := f.ctx
		for _, a := range []qms.Agency{{Code: "UBND", Name: "UBND tỉnh"}, {Code: "SVHTT", Name: "Sở Văn hóa", ParentCode: "UBND"}, {Code: "STC", Name: "Sở Tài chính"}} {
			if err := f.CreateAgency(ctx, &a); err != nil {
				t.Fatal(err)
			}
		}
		for _, u := range []qms.User{
			{Username: "dgv", Memberships: []qms.Membership{{AgencyCode: "UBND", Role: qms.RoleAuditor}}},
			{Username: "chuyen.vien", Memberships: []qms.Membership{{AgencyCode: "SVHTT", Role: qms.RoleStaff}}},
			{Username: "ngoai", Memberships: []qms.Membership{{AgencyCode: "STC", Role: qms.RoleAuditor}}},
		} {
			if err := f.CreateUser(ctx, &u, "mat-khau-123"); err != nil {
				t.Fatal(err)
			}
		}
		prog := &qms.AuditProgramme{AgencyCode: "UBND", Year: 2026, Title: " Chương trình đánh giá nội bộ 2026 "}
		if err := f.CreateProgramme(ctx, prog); err != nil || prog.ID == 0 || prog.Title != "Chương trình đánh giá nội bộ 2026" {
			t.Fatalf("programme = %+v, %v", prog, err)
		}
		for _, tt := range []struct {
			name  string
			p     qms.AuditProgramme
			field string
		}{
			{"same year", qms.AuditProgramme{AgencyCode: "UBND", Year: 2026, Title: "Trùng"}, "year"},
			{"bad year", qms.AuditProgramme{AgencyCode: "UBND", Year: 1999, Title: "Cũ"}, "year"},
			{"no title", qms.AuditProgramme{AgencyCode: "UBND", Year: 2027}, "title"},
		} {
			if err := f.CreateProgramme(ctx, &tt.p); qms.ErrorField(err) != tt.field {
				t.Errorf("%s: %v, want an error on %s", tt.name, err, tt.field)
			}
		}
		if err := f.CreateProgramme(ctx, &qms.AuditProgramme{AgencyCode: "UBND", Year: 2025, Title: "Năm trước"}); err != nil {
			t.Fatal(err)
		}
		if ps, err := f.FindProgrammes(ctx, "UBND"); err != nil || len(ps) != 2 || ps[0].Year != 2026 || ps[0].CreatedAt.IsZero() {
			t.Fatalf("programmes = %+v, %v", ps, err)
		}
		day := qms.CivilDate(f.clk.Now())
		plan := func(units, auditors []string) *qms.AuditPlan {
			return &qms.AuditPlan{ProgrammeID: prog.ID, AgencyCode: "UBND", Title: "Đánh giá Sở Văn hóa", Units: units,
				Clauses: []string{"7.5", "8.5"}, Auditors: auditors, StartOn: day, EndOn: day}
		}
		for _, tt := range []struct {
			name  string
			p     *qms.AuditPlan
			field string
		}{
			{"auditor of the audited unit", plan([]string{"SVHTT"}, []string{"chuyen.vien"}), "auditors"},
			{"auditor outside the reach", plan([]string{"SVHTT"}, []string{"ngoai"}), "auditors"},
			{"unknown auditor", plan([]string{"SVHTT"}, []string{"khong.co"}), "auditors"},
			{"unit outside the reach", plan([]string{"STC"}, []string{"dgv"}), "units"},
			{"another agency's programme", &qms.AuditPlan{ProgrammeID: prog.ID, AgencyCode: "STC", Title: "x", Units: []string{"STC"}, Auditors: []string{"dgv"}, StartOn: day, EndOn: day}, "programme_id"},
		} {
			if err := f.CreatePlan(ctx, tt.p); qms.ErrorField(err) != tt.field {
				t.Errorf("%s: %v, want an error on %s", tt.name, err, tt.field)
			}
		}
		p := plan([]string{"svhtt"}, []string{"DGV"})
		if err := f.CreatePlan(ctx, p); err != nil || p.Status != qms.PlanPlanned {
			t.Fatalf("plan = %+v, %v", p, err)
		}
		if _, err := f.FindPlan(ctx, "SVHTT", p.ID); qms.ErrorCode(err) != qms.ENOTFOUND {
			t.Fatalf("the audited unit reads the plan as its own: %v", err)
		}
		if _, err := f.ReportPlan(ctx, "UBND", p.ID, "", "Đạt"); qms.ErrorCode(err) != qms.EINVALID {
			t.Fatalf("report without a checklist: %v", err)
		}
		entries := 7
		built, err := f.BuildChecklist(ctx, "UBND", p.ID)
		if err != nil || len(built.Items) != 2 || len(built.Items[1].Suggestions) != 1 {
			t.Fatalf("checklist = %+v, %v", built, err)
		}
		got, err := f.FindPlan(ctx, "UBND", p.ID)
		if err != nil || len(got.Items) != 2 || got.Units[0] != "SVHTT" || got.Auditors[0] != "dgv" || !got.StartOn.Equal(day) || got.ReportedAt != nil {
			t.Fatalf("plan read back = %+v, %v", got, err)
		}
		for _, tt := range []struct {
			name     string
			item     int64
			result   string
			evidence string
			code     string
			field    string
		}{
			{"no evidence", got.Items[0].ID, qms.AnswerMinorNC, " ", qms.EINVALID, "evidence"},
			{"unknown result", got.Items[0].ID, "ok", "Đã xem", qms.EINVALID, "result"},
			{"unknown item", got.Items[1].ID + 100, qms.AnswerConform, "Đã xem", qms.ENOTFOUND, ""},
			{"minor", got.Items[0].ID, qms.AnswerMinorNC, "Đã xem 5 hồ sơ", "", ""},
		} {
			_, err := f.AnswerItem(ctx, "UBND", p.ID, tt.item, tt.result, tt.evidence, "")
			if qms.ErrorCode(err) != tt.code || qms.ErrorField(err) != tt.field {
				t.Errorf("answer %s: %v, want %q on %q", tt.name, err, tt.code, tt.field)
			}
		}
		if _, err := f.ReportPlan(ctx, "UBND", p.ID, "", "Đạt"); qms.ErrorCode(err) != qms.EINVALID {
			t.Fatalf("report with an unanswered item: %v", err)
		}
		if _, err := f.AnswerItem(ctx, "UBND", p.ID, got.Items[1].ID, qms.AnswerConform, "Đã xem", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := f.ReportPlan(ctx, "UBND", p.ID, "Tóm tắt", " "); qms.ErrorField(err) != "conclusion" {
			t.Fatalf("report without a conclusion: %v", err)
		}
		rep, err := f.ReportPlan(ctx, "UBND", p.ID, " Tóm tắt ", "1 điểm không phù hợp nhẹ")
		if err != nil || rep.Status != qms.PlanReported || rep.ReportedAt == nil || rep.Summary != "Tóm tắt" || rep.Tally()[qms.AnswerMinorNC] != 1 {
			t.Fatalf("report = %+v, %v", rep, err)
		}
		if _, err := f.AnswerItem(ctx, "UBND", p.ID, got.Items[1].ID, qms.AnswerMajorNC, "Đã xem", ""); qms.ErrorCode(err) != qms.EINVALID {
			t.Fatalf("answer changed after the report: %v", err)
		}
		// The audited unit's review pack counts the plan; STC's does not.
		for agency, want := range map[string]int{"UBND": 1, "SVHTT": 1, "STC": 0, "SVH": 0} {
			if ps, err := f.PlansConcerning(ctx, agency); err != nil || len(ps) != want {
				t.Errorf("plans concerning %s = %d, %v; want %d", agency, len(ps), err, want)
			}
		}
		if ps, err := f.FindPlans(ctx, "UBND"); err != nil || len(ps) != 1 || ps[0].ReportedAt == nil || len(ps[0].Items) != 2 {
			t.Fatalf("plans = %+v, %v", ps, err)
		}
		action := "internal_audit."
		if _, n, err := f.FindAuditEntries(ctx, qms.AuditFilter{Action: &action, Limit: 20}); err != nil || n != entries {
			t.Fatalf("internal audit entries = %d, %v; want %d", n, err, entries)
		}
		if _, err := f.VerifyAuditChain(ctx); err != nil {
			t.Fatal(err)
		}
	})
}
