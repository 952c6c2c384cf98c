package sqlite_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/qmstest"
)

func sampleTTHC() []qms.TTHC {
	pub, _ := time.Parse("2006-01-02", "2024-03-15")
	return []qms.TTHC{
		{Code: "1.000001", Name: "Cấp giấy phép kinh doanh dịch vụ karaoke", Field: "Văn hóa", TimeLimitDays: 5, Fee: "4.000.000", PublishedOn: pub},
		{Code: "1.000004", Name: "Công nhận điểm du lịch", Field: "Du lịch", TimeLimitDays: 30, PublishedOn: pub},
		{Code: "1.000009", Name: "Đăng ký tổ chức lễ hội", Field: "Văn hóa", TimeLimitDays: 15},
	}
}

func TestSearchIgnoresDiacritics(t *testing.T) {
	db, _, ctx := openDB(t)
	db.CreateAgency(ctx, &qms.Agency{Code: "SVHTT", Name: "Sở VHTT"})
	db.CreateAgency(ctx, &qms.Agency{Code: "OTHER", Name: "Khác"})
	if _, _, err := db.ImportTTHC(ctx, "SVHTT", sampleTTHC()); err != nil {
		t.Fatal(err)
	}
	p := &qms.Procedure{AgencyCode: "SVHTT", Code: "QT-01", Title: "Quy trình cấp giấy phép karaoke", TTHCCodes: []string{"1.000001"}}
	if err := db.CreateProcedure(ctx, p); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		query, agency string
		want          int
	}{
		{"cap giay phep", "SVHTT", 2},
		{"Cấp Giấy Phép", "SVHTT", 2},
		{"dang ky le hoi", "SVHTT", 1},
		{"du lich", "SVHTT", 1},
		{"cap giay phep", "OTHER", 0},
		{`"; DROP TABLE tthc; --`, "SVHTT", 0},
	}
	for _, tt := range tests {
		hits, err := db.Search(ctx, tt.agency, tt.query, 10)
		if err != nil || len(hits) != tt.want {
			t.Errorf("Search(%q, %s) = %d hits %v, want %d", tt.query, tt.agency, len(hits), err, tt.want)
		}
	}
	// A renamed TTHC is found by its new name only, once, even after the
	// same code was imported again into another agency.
	renamed := sampleTTHC()
	renamed[0].Name = "Thủ tục đổi tên hoàn toàn"
	db.ImportTTHC(ctx, "OTHER", renamed)
	if _, u, err := db.ImportTTHC(ctx, "SVHTT", renamed); err != nil || u != 1 {
		t.Fatalf("rename: %d updated %v", u, err)
	}
	for query, want := range map[string]int{"doi ten hoan toan": 1, "cap giay phep": 1} {
		if hits, err := db.Search(ctx, "SVHTT", query, 10); err != nil || len(hits) != want {
			t.Errorf("after the rename, Search(%q) = %v %v, want %d hits", query, hits, err, want)
		}
	}
}

func TestProcedureLifecycle(t *testing.T) {
	db, clk, sys := openDB(t)
	db.CreateAgency(sys, &qms.Agency{Code: "SVHTT", Name: "Sở VHTT"})
	db.ImportTTHC(sys, "SVHTT", sampleTTHC())
	officer := &qms.User{Username: "thu.ky", Memberships: []qms.Membership{{AgencyCode: "SVHTT", Role: qms.RoleQualityOfficer}}}
	leader := &qms.User{Username: "giam.doc", Memberships: []qms.Membership{{AgencyCode: "SVHTT", Role: qms.RoleLeader}}}
	for _, u := range []*qms.User{officer, leader} {
		if err := db.CreateUser(sys, u, "mat-khau-123"); err != nil {
			t.Fatal(err)
		}
	}
	as := func(u *qms.User) context.Context {
		return qms.WithActor(context.Background(), qms.Actor{UserID: u.ID, Username: u.Username, AgencyCode: "SVHTT"})
	}
	p := &qms.Procedure{AgencyCode: "SVHTT", Code: "qt-01", Title: "Cấp giấy phép karaoke", TTHCCodes: []string{"1.000001"}}
	if err := db.CreateProcedure(as(officer), p); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateProcedure(as(officer), &qms.Procedure{AgencyCode: "SVHTT", Code: "QT-02", Title: "x", TTHCCodes: []string{"1.999999"}}); qms.ErrorCode(err) != qms.EINVALID {
		t.Fatalf("unknown TTHC linked: %v", err)
	}
	status := func() qms.Control {
		cs, err := db.ControlStatuses(sys, "SVHTT")
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			if c.Code == "1.000001" {
				return c
			}
		}
		t.Fatal("TTHC missing from statuses")
		return qms.Control{}
	}
	if c := status(); c.Reason != qms.ReasonNoProcedure {
		// A procedure with no version yet covers nothing.
		t.Fatalf("before any version: %+v", c)
	}
	v1, err := db.CreateVersion(as(officer), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	v1.Purpose, v1.Flowchart = "Quy định trình tự cấp giấy phép", qmstest.ValidChart(48) // 52 h > 5 days × 8
	if err := db.UpdateVersion(as(officer), v1); err != nil {
		t.Fatal(err)
	}
	if c := status(); c.Reason != qms.ReasonDraftOnly {
		t.Fatalf("draft: %+v", c)
	}
	if _, err := db.TransitionVersion(as(officer), p.ID, 1, qms.ActionSubmit, ""); qms.ErrorCode(err) != qms.EINVALID {
		t.Fatalf("over-limit flowchart submitted: %v", err)
	}
	v1.Flowchart = qmstest.ValidChart(16)
	v1.Flowchart.Steps[1].Forms = []string{"BM-KHONG-CO"}
	db.UpdateVersion(as(officer), v1)
	if _, err := db.TransitionVersion(as(officer), p.ID, 1, qms.ActionSubmit, ""); qms.ErrorCode(err) != qms.EINVALID {
		t.Fatalf("flowchart naming an unknown form submitted: %v", err)
	}
	v1.Flowchart.Steps[1].Forms = nil
	if err := db.UpdateVersion(as(officer), v1); err != nil {
		t.Fatal(err)
	}
	if _, err := db.TransitionVersion(as(officer), p.ID, 1, qms.ActionSubmit, ""); err != nil {
		t.Fatal(err)
	}
	if err := db.UpdateVersion(as(officer), v1); qms.ErrorCode(err) != qms.EINVALID {
		t.Fatalf("submitted version edited: %v", err)
	}
	if _, err := db.TransitionVersion(as(officer), p.ID, 1, qms.ActionApprove, ""); qms.ErrorCode(err) != qms.EFORBIDDEN {
		t.Fatalf("self-approval: %v", err)
	}
	if _, err := db.TransitionVersion(as(leader), p.ID, 1, qms.ActionReject, "Bổ sung bước thẩm định"); err != nil {
		t.Fatal(err)
	}
	got, _ := db.FindVersion(sys, p.ID, 1)
	if got.Status != qms.StatusDraft || got.Reason != "Bổ sung bước thẩm định" {
		t.Fatalf("after reject: %s %q", got.Status, got.Reason)
	}
	db.TransitionVersion(as(officer), p.ID, 1, qms.ActionSubmit, "")
	if got, err = db.TransitionVersion(as(leader), p.ID, 1, qms.ActionApprove, ""); err != nil || got.Status != qms.StatusEffective {
		t.Fatalf("approve: %v", err)
	}
	if c := status(); c.Status != qms.Controlled {
		t.Fatalf("effective: %+v", c)
	}
	proc, _ := db.FindProcedure(sys, "SVHTT", p.ID)
	if want := got.EffectiveOn.AddDate(1, 0, 0); !proc.NextReviewOn.Equal(want) {
		t.Fatalf("next review %v, want %v", proc.NextReviewOn, want)
	}
	// Issue 02 supersedes 01 when it takes effect.
	clk.Add(24 * time.Hour)
	v2, err := db.CreateVersion(as(officer), p.ID)
	if err != nil || v2.Number != 2 || v2.Purpose != v1.Purpose {
		t.Fatalf("v2 = %+v, %v", v2, err)
	}
	if _, err := db.CreateVersion(as(officer), p.ID); qms.ErrorCode(err) != qms.ECONFLICT {
		t.Fatalf("second open draft: %v", err)
	}
	db.TransitionVersion(as(officer), p.ID, 2, qms.ActionSubmit, "")
	if _, err := db.TransitionVersion(as(leader), p.ID, 2, qms.ActionApprove, ""); err != nil {
		t.Fatal(err)
	}
	old, _ := db.FindVersion(sys, p.ID, 1)
	if old.Status != qms.StatusSuperseded {
		t.Fatalf("v1 is %s after v2 took effect", old.Status)
	}
	for _, action := range []string{"procedure.version_submit", "procedure.version_approve", "procedure.version_reject", "procedure.version_supersede"} {
		a := action
		if es, _, _ := db.FindAuditEntries(sys, qms.AuditFilter{Action: &a}); len(es) == 0 {
			t.Errorf("%s not audited", action)
		}
	}
	// Withdrawal takes the TTHC out of control, with a reason.
	if _, err := db.TransitionVersion(as(leader), p.ID, 2, qms.ActionWithdraw, ""); qms.ErrorCode(err) != qms.EINVALID {
		t.Fatalf("withdraw without reason: %v", err)
	}
	if _, err := db.TransitionVersion(as(leader), p.ID, 2, qms.ActionWithdraw, "Thủ tục bị bãi bỏ"); err != nil {
		t.Fatal(err)
	}
	if c := status(); c.Status != qms.NotControlled {
		t.Fatalf("after withdrawal: %+v", c)
	}
	if _, err := db.VerifyAuditChain(sys); err != nil {
		var br *qms.ChainBreak
		errors.As(err, &br)
		t.Fatal(err)
	}
}
