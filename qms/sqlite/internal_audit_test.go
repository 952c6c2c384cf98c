package sqlite_test

import (
	"context"
	"testing"
	"time"

	"isodt/qms"
)

func TestInternalAuditAndReview(t *testing.T) {
	db, clk, sys := openDB(t)
	effectiveProcedure(t, db, sys)
	// The province audits the department under it: nobody audits their own unit.
	db.CreateAgency(sys, &qms.Agency{Code: "UBND", Name: "UBND tỉnh"})
	parent := "UBND"
	if _, err := db.UpdateAgency(sys, "SVHTT", qms.AgencyUpdate{ParentCode: &parent}); err != nil {
		t.Fatal(err)
	}
	outsider := &qms.User{Username: "dgv", Memberships: []qms.Membership{{AgencyCode: "UBND", Role: qms.RoleAuditor}}}
	if err := db.CreateUser(sys, outsider, "mat-khau-123"); err != nil {
		t.Fatal(err)
	}
	auditor := qms.WithActor(context.Background(), qms.Actor{UserID: outsider.ID, Username: "dgv", AgencyCode: "UBND"})
	prog := &qms.AuditProgramme{AgencyCode: "UBND", Year: 2026, Title: "Chương trình đánh giá nội bộ 2026"}
	if err := db.CreateProgramme(auditor, prog); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateProgramme(auditor, &qms.AuditProgramme{AgencyCode: "UBND", Year: 2026, Title: "Trùng"}); qms.ErrorField(err) != "year" {
		t.Fatalf("second programme for the year: %v", err)
	}
	ps, _ := db.FindProcedures(sys, qms.ProcedureFilter{})
	day := qms.CivilDate(clk.Now())
	plan := &qms.AuditPlan{ProgrammeID: prog.ID, AgencyCode: "UBND", Title: "Đánh giá quy trình cấp phép", Units: []string{"SVHTT"},
		ProcedureIDs: []int64{ps[0].ID}, Clauses: []string{"7.5", "8.5"}, Auditors: []string{"chuyen.vien"}, StartOn: day, EndOn: day}
	if err := db.CreatePlan(auditor, plan); qms.ErrorField(err) != "auditors" {
		t.Fatalf("an auditor of the audited unit accepted: %v", err)
	}
	plan.Auditors = []string{"dgv"}
	if err := db.CreatePlan(auditor, plan); err != nil {
		t.Fatal(err)
	}
	got, err := db.BuildChecklist(auditor, "UBND", plan.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Two clauses and the chart's task and decision steps (check, ok, sign, notice).
	if len(got.Items) != 6 || len(got.Items[0].Suggestions) == 0 {
		t.Fatalf("checklist: %d items %+v", len(got.Items), got.Items)
	}
	if _, err := db.ReportPlan(auditor, "UBND", plan.ID, "", "Đạt"); qms.ErrorCode(err) != qms.EINVALID {
		t.Fatalf("report with unanswered items: %v", err)
	}
	if _, err := db.AnswerItem(auditor, "UBND", plan.ID, got.Items[0].ID, qms.AnswerMinorNC, "", ""); qms.ErrorField(err) != "evidence" {
		t.Fatalf("answer without evidence: %v", err)
	}
	for i, it := range got.Items {
		res := qms.AnswerConform
		if i == 0 {
			res = qms.AnswerMinorNC
		}
		if _, err := db.AnswerItem(auditor, "UBND", plan.ID, it.ID, res, "Đã xem 5 hồ sơ", ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.BuildChecklist(auditor, "UBND", plan.ID); qms.ErrorCode(err) != qms.EINVALID {
		t.Fatalf("rebuilt an answered checklist: %v", err)
	}
	rep, err := db.ReportPlan(auditor, "UBND", plan.ID, "Quy trình được áp dụng", "Hệ thống phù hợp, 1 điểm không phù hợp nhẹ")
	if err != nil || rep.Status != qms.PlanReported || rep.Tally()[qms.AnswerMinorNC] != 1 {
		t.Fatalf("report: %+v %v", rep, err)
	}
	// The management review pack of the audited department reads what happened.
	db.CreateNC(auditor, &qms.Nonconformity{AgencyCode: "SVHTT", Source: qms.NCFromAudit, SourceRef: itoa(plan.ID), Description: "Thiếu phiếu"})
	r := &qms.ManagementReview{AgencyCode: "SVHTT", Title: "Họp xem xét năm 2026", HeldOn: day}
	if err := db.CreateReview(auditor, r); err != nil {
		t.Fatal(err)
	}
	if r.Pack.AuditsDone != 1 || r.Pack.AuditAnswers[qms.AnswerMinorNC] != 1 || r.Pack.NCByStatus[qms.NCOpen] != 1 || r.Pack.Uncontrolled != 2 {
		t.Fatalf("pack: %+v", r.Pack)
	}
	if _, err := db.AddDecision(auditor, "SVHTT", r.ID, qms.ReviewDecision{Text: "Xây dựng quy trình cho 2 thủ tục còn lại", Owner: "thu.ky"}); qms.ErrorField(err) != "due_on" {
		t.Fatalf("decision without due date: %v", err)
	}
	got2, err := db.AddDecision(auditor, "SVHTT", r.ID, qms.ReviewDecision{Text: "Xây dựng quy trình", Owner: "thu.ky", DueOn: day.Add(30 * 24 * time.Hour)})
	if err != nil || len(got2.Decisions) != 1 {
		t.Fatalf("decision: %v", err)
	}
	if got2, err = db.CompleteDecision(auditor, "SVHTT", r.ID, got2.Decisions[0].ID); err != nil || got2.Decisions[0].DoneAt == nil {
		t.Fatalf("complete decision: %v", err)
	}
	if _, err := db.FindReview(sys, "OTHER", r.ID); qms.ErrorCode(err) != qms.ENOTFOUND {
		t.Fatal("review visible to another agency")
	}
}
