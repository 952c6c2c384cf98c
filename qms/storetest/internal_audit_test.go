package storetest_test

import (
	"context"
	"testing"
	"time"

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
			{Username: "nhan.vien", Memberships: []qms.Membership{{AgencyCode: "UBND", Role: qms.RoleStaff}}},
			{Username: "lanh.dao", Memberships: []qms.Membership{{AgencyCode: "UBND", Role: qms.RoleLeader}}},
			{Username: "quan.tri", Memberships: []qms.Membership{{AgencyCode: "UBND", Role: qms.RoleAdmin}}},
			{Username: "thu.ky", Memberships: []qms.Membership{{AgencyCode: "UBND", Role: qms.RoleQualityOfficer}}},
		} {
			if err := f.CreateUser(ctx, &u, "ngua-o-123"); err != nil {
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
			// A member of the team holds a role that works on the plan
			// (qms.AuditTeamRoles) in the planning agency.
			{"staff of the agency", plan([]string{"SVHTT"}, []string{"dgv", "nhan.vien"}), "auditors"},
			{"a leader of the agency", plan([]string{"SVHTT"}, []string{"lanh.dao"}), "auditors"},
			{"an admin of the agency", plan([]string{"SVHTT"}, []string{"quan.tri"}), "auditors"},
			{"unit outside the reach", plan([]string{"STC"}, []string{"dgv"}), "units"},
			{"another agency's programme", &qms.AuditPlan{ProgrammeID: prog.ID, AgencyCode: "STC", Title: "x", Units: []string{"STC"}, Auditors: []string{"dgv"}, StartOn: day, EndOn: day}, "programme_id"},
		} {
			if err := f.CreatePlan(ctx, tt.p); qms.ErrorField(err) != tt.field {
				t.Errorf("%s: %v, want an error on %s", tt.name, err, tt.field)
			}
		}
		if plans, err := f.FindPlans(ctx, "UBND"); err != nil || len(plans) != 0 {
			t.Fatalf("refused plans recorded: %d, %v", len(plans), err)
		}
		// A quality officer, who manages the programme, may sit on a team.
		p := plan([]string{"svhtt"}, []string{"DGV", "thu.ky"})
		if err := f.CreatePlan(ctx, p); err != nil || p.Status != qms.PlanPlanned {
			t.Fatalf("plan = %+v, %v", p, err)
		}
		if _, err := f.FindPlan(ctx, "SVHTT", p.ID); qms.ErrorCode(err) != qms.ENOTFOUND {
			t.Fatalf("the audited unit reads the plan as its own: %v", err)
		}
		// The team records the audit; an auditor of the agency who is not
		// on it does not (qms.AuditPlan.CheckAuditTeam).
		team := qms.WithActor(context.Background(), qms.Actor{Username: "dgv", AgencyCode: "UBND"})
		other := &qms.User{Username: "dgv.khac", Memberships: []qms.Membership{{AgencyCode: "UBND", Role: qms.RoleAuditor}}}
		if err := f.CreateUser(ctx, other, "ngua-o-123"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.BuildChecklist(qms.WithActor(context.Background(), qms.Actor{UserID: other.ID, Username: other.Username, AgencyCode: "UBND"}), "UBND", p.ID); qms.ErrorCode(err) != qms.EFORBIDDEN {
			t.Fatalf("an auditor off the team builds the checklist: %v", err)
		}
		ctx = team
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

// TestInternalAuditAndReview: the province audits a department's
// procedure: the checklist takes the clauses and the procedure's steps,
// cannot be rebuilt once answered; the report needs every answer; the
// department's management review pack reads the audit and its NC.
func TestInternalAuditAndReview(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys, clk := f.ctx, f.clk
		receiptFixture(t, f)
		// The province audits the department under it: nobody audits their own unit.
		f.CreateAgency(sys, &qms.Agency{Code: "UBND", Name: "UBND tỉnh"})
		parent := "UBND"
		if _, err := f.UpdateAgency(sys, "SVHTT", qms.AgencyUpdate{ParentCode: &parent}); err != nil {
			t.Fatal(err)
		}
		outsider := &qms.User{Username: "dgv", Memberships: []qms.Membership{{AgencyCode: "UBND", Role: qms.RoleAuditor}}}
		if err := f.CreateUser(sys, outsider, "ngua-o-123"); err != nil {
			t.Fatal(err)
		}
		auditor := qms.WithActor(context.Background(), qms.Actor{UserID: outsider.ID, Username: "dgv", AgencyCode: "UBND"})
		prog := &qms.AuditProgramme{AgencyCode: "UBND", Year: 2026, Title: "Chương trình đánh giá nội bộ 2026"}
		if err := f.CreateProgramme(auditor, prog); err != nil {
			t.Fatal(err)
		}
		if err := f.CreateProgramme(auditor, &qms.AuditProgramme{AgencyCode: "UBND", Year: 2026, Title: "Trùng"}); qms.ErrorField(err) != "year" {
			t.Fatalf("second programme for the year: %v", err)
		}
		ps, _ := f.FindProcedures(sys, qms.ProcedureFilter{})
		day := qms.CivilDate(clk.Now())
		plan := &qms.AuditPlan{ProgrammeID: prog.ID, AgencyCode: "UBND", Title: "Đánh giá quy trình cấp phép", Units: []string{"SVHTT"},
			ProcedureIDs: []int64{ps[0].ID}, Clauses: []string{"7.5", "8.5"}, Auditors: []string{"chuyen.vien"}, StartOn: day, EndOn: day}
		if err := f.CreatePlan(auditor, plan); qms.ErrorField(err) != "auditors" {
			t.Fatalf("an auditor of the audited unit accepted: %v", err)
		}
		plan.Auditors = []string{"dgv"}
		if err := f.CreatePlan(auditor, plan); err != nil {
			t.Fatal(err)
		}
		got, err := f.BuildChecklist(auditor, "UBND", plan.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Two clauses and the chart's task and decision steps (check, ok, sign, notice).
		if len(got.Items) != 6 || len(got.Items[0].Suggestions) == 0 {
			t.Fatalf("checklist: %d items %+v", len(got.Items), got.Items)
		}
		if _, err := f.ReportPlan(auditor, "UBND", plan.ID, "", "Đạt"); qms.ErrorCode(err) != qms.EINVALID {
			t.Fatalf("report with unanswered items: %v", err)
		}
		if _, err := f.AnswerItem(auditor, "UBND", plan.ID, got.Items[0].ID, qms.AnswerMinorNC, "", ""); qms.ErrorField(err) != "evidence" {
			t.Fatalf("answer without evidence: %v", err)
		}
		for i, it := range got.Items {
			res := qms.AnswerConform
			if i == 0 {
				res = qms.AnswerMinorNC
			}
			if _, err := f.AnswerItem(auditor, "UBND", plan.ID, it.ID, res, "Đã xem 5 hồ sơ", ""); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.BuildChecklist(auditor, "UBND", plan.ID); qms.ErrorCode(err) != qms.EINVALID {
			t.Fatalf("rebuilt an answered checklist: %v", err)
		}
		rep, err := f.ReportPlan(auditor, "UBND", plan.ID, "Quy trình được áp dụng", "Hệ thống phù hợp, 1 điểm không phù hợp nhẹ")
		if err != nil || rep.Status != qms.PlanReported || rep.Tally()[qms.AnswerMinorNC] != 1 {
			t.Fatalf("report: %+v %v", rep, err)
		}
		// The management review pack of the audited department reads what happened.
		f.CreateNC(auditor, &qms.Nonconformity{AgencyCode: "SVHTT", Source: qms.NCFromAudit, SourceRef: itoa(plan.ID), Description: "Thiếu phiếu"})
		r := &qms.ManagementReview{AgencyCode: "SVHTT", Title: "Họp xem xét năm 2026", HeldOn: day}
		if err := f.CreateReview(auditor, r); err != nil {
			t.Fatal(err)
		}
		if r.Pack.AuditsDone != 1 || r.Pack.AuditAnswers[qms.AnswerMinorNC] != 1 || r.Pack.NCByStatus[qms.NCOpen] != 1 || r.Pack.Uncontrolled != 2 {
			t.Fatalf("pack: %+v", r.Pack)
		}
		if _, err := f.AddDecision(auditor, "SVHTT", r.ID, qms.ReviewDecision{Text: "Xây dựng quy trình cho 2 thủ tục còn lại", Owner: "thu.ky"}); qms.ErrorField(err) != "due_on" {
			t.Fatalf("decision without due date: %v", err)
		}
		got2, err := f.AddDecision(auditor, "SVHTT", r.ID, qms.ReviewDecision{Text: "Xây dựng quy trình", Owner: "thu.ky", DueOn: day.Add(30 * 24 * time.Hour)})
		if err != nil || len(got2.Decisions) != 1 {
			t.Fatalf("decision: %v", err)
		}
		if got2, err = f.CompleteDecision(auditor, "SVHTT", r.ID, got2.Decisions[0].ID); err != nil || got2.Decisions[0].DoneAt == nil {
			t.Fatalf("complete decision: %v", err)
		}
		if _, err := f.FindReview(sys, "OTHER", r.ID); qms.ErrorCode(err) != qms.ENOTFOUND {
			t.Fatal("review visible to another agency")
		}
	})
}
