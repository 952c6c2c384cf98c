package storetest_test

import (
	"context"
	"strings"
	"testing"

	"isodt/qms"
	"isodt/qms/qmstest"
)

// TestProcedureSubjectSigned: a submitted version keeps its procedure's
// title, owner unit and TTHCs in its signed content, on both stores: the
// submission's signature stops being current when they are changed behind
// the store's back, and a later rename leaves them. A TTHC is governed by
// one procedure: approving a version takes its TTHCs from any other
// procedure of the agency, audited, and receipts follow.
func TestProcedureSubjectSigned(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		staff, leader, officer := receiptFixture(t, f)
		p := soleProcedure(t, f)
		v1, err := f.FindVersion(f.ctx, p.ID, 1)
		if err != nil || v1.Subject == nil || v1.Subject.Title != "Cấp phép karaoke" || len(v1.Subject.TTHCCodes) != 1 {
			t.Fatalf("issue 01 subject %+v, %v", v1.Subject, err)
		}

		other := &qms.Procedure{AgencyCode: "SVHTT", Code: "QT-02", Title: "Khác"}
		if err := f.CreateProcedure(officer, other); err != nil {
			t.Fatal(err)
		}

		// Withdrawn and renamed, issue 01 keeps what was approved.
		if _, err := f.TransitionVersion(leader, p.ID, 1, qms.ActionWithdraw, "Đổi tên"); err != nil {
			t.Fatal(err)
		}
		renamed := *p
		renamed.Title, renamed.OwnerUnit = "Tên mới", "Phòng mới"
		if err := f.UpdateProcedure(officer, &renamed); err != nil {
			t.Fatal(err)
		}
		if v1, _ = f.FindVersion(f.ctx, p.ID, 1); v1.Subject == nil || v1.Subject.Title != "Cấp phép karaoke" || v1.As(&renamed).Title != "Cấp phép karaoke" {
			t.Fatalf("issue 01 after the rename: %+v", v1.Subject)
		}

		// Both take 1.000001 on as drafts; the one approved last holds it.
		other.TTHCCodes = []string{"1.000001"}
		if err := f.UpdateProcedure(officer, other); err != nil {
			t.Fatal(err)
		}
		draft := func(id int64) int { return draftVersion(t, f, officer, id) }
		n2, n1 := draft(p.ID), draft(other.ID)
		v2, err := f.TransitionVersion(officer, p.ID, n2, qms.ActionSubmit, "")
		if err != nil || v2.Subject == nil || v2.Subject.Title != "Tên mới" || v2.Subject.OwnerUnit != "Phòng mới" {
			t.Fatalf("issue 02 submitted: %+v, %v", v2, err)
		}
		governs := func(id int64) bool {
			t.Helper()
			q, err := f.FindProcedures(f.ctx, qms.ProcedureFilter{ID: &id})
			if err != nil || len(q) != 1 {
				t.Fatalf("procedure %d: %v", id, err)
			}
			return len(q[0].TTHCCodes) == 1
		}
		for _, step := range []struct {
			id     int64
			number int
		}{{other.ID, n1}, {p.ID, n2}} {
			if step.id == other.ID {
				if _, err := f.TransitionVersion(officer, step.id, step.number, qms.ActionSubmit, ""); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := f.TransitionVersion(leader, step.id, step.number, qms.ActionApprove, ""); err != nil {
				t.Fatal(err)
			}
			if !governs(step.id) || governs(p.ID+other.ID-step.id) {
				t.Fatalf("after approving procedure %d: QT-01 %v, QT-02 %v", step.id, governs(p.ID), governs(other.ID))
			}
			d := &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "A"}, Channel: qms.ChannelCounter}
			if err := f.ReceiveDossier(staff, d); err != nil || d.ProcedureID != step.id {
				t.Fatalf("received on %d, want %d: %v", d.ProcedureID, step.id, err)
			}
		}
		moved := "procedure.tthc_moved"
		if es, _, err := f.FindAuditEntries(f.ctx, qms.AuditFilter{Action: &moved}); err != nil || len(es) != 3 { // QT-01 to QT-02, then back to QT-01 and its own link restored
			t.Fatalf("moves audited: %d, %v", len(es), err)
		}

		// The submission's signature covers the subject.
		v3, err := f.TransitionVersion(qms.WithSigning(officer, true), p.ID, draft(p.ID), qms.ActionSubmit, "")
		if err != nil {
			t.Fatal(err)
		}
		current := func() bool {
			t.Helper()
			sigs, err := f.FindSignatures(f.ctx, qms.SignedProcedureVersion, v3.ID)
			if err != nil || len(sigs) != 1 {
				t.Fatalf("signatures %+v, %v", sigs, err)
			}
			return sigs[0].Current
		}
		if !current() {
			t.Fatal("the submission's signature is not current")
		}
		mustExec(t, f, `UPDATE procedure_versions SET content_json = REPLACE(content_json, 'Tên mới', 'Tên khác') WHERE id = `+itoa(v3.ID))
		if current() {
			t.Fatal("a changed subject left the signature current")
		}
	})
}

// TestProcedureSubjectEditorsDoNotApprove: whoever changed a procedure's
// title, owner unit or TTHCs since its last approval is an editor of the
// version submitted next, on both stores: a user who is also a leader
// may not approve what they renamed or re-scoped (outsider pass 6: a
// dual-role user renamed the procedure, took a TTHC, and approved it).
// Planning the review interval alone does not count.
func TestProcedureSubjectEditorsDoNotApprove(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		_, leader, officer := receiptFixture(t, f)
		dual, as := dualRoleUser(t, f)
		p := soleProcedure(t, f)
		if _, err := f.TransitionVersion(leader, p.ID, 1, qms.ActionWithdraw, "Đổi tên"); err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			name   string
			change func(p *qms.Procedure)
			may    bool
		}{
			{"review interval only", func(p *qms.Procedure) { p.ReviewMonths = 24 }, true},
			{"renamed", func(p *qms.Procedure) { p.Title = "Tên do người duyệt đặt" }, false},
		} {
			edited := *p
			tt.change(&edited)
			if err := f.UpdateProcedure(as, &edited); err != nil {
				t.Fatal(err)
			}
			v := &qms.ProcedureVersion{Number: draftVersion(t, f, officer, p.ID)}
			if _, err := f.TransitionVersion(officer, p.ID, v.Number, qms.ActionSubmit, ""); err != nil {
				t.Fatal(err)
			}
			_, err := f.TransitionVersion(as, p.ID, v.Number, qms.ActionApprove, "")
			if tt.may && err != nil || !tt.may && qms.ErrorCode(err) != qms.EFORBIDDEN {
				t.Fatalf("%s: the editor's approval: %v", tt.name, err)
			}
			if !tt.may {
				got, _ := f.FindVersion(f.ctx, p.ID, v.Number)
				if !got.ContributedBy(qms.Actor{UserID: dual.ID, Username: dual.Username}) {
					t.Fatalf("%s: the editor is not among the contributors: %+v", tt.name, got.Contributors)
				}
				continue
			}
			if _, err := f.TransitionVersion(leader, p.ID, v.Number, qms.ActionWithdraw, "Tiếp tục sửa"); err != nil {
				t.Fatal(err)
			}
			p, _ = f.FindProcedure(f.ctx, "SVHTT", p.ID)
		}
	})
}

// TestTTHCGovernedTwiceFound: a TTHC that two procedures in force name
// (what a merger brings: each predecessor's procedure as it was) is a
// finding naming both and the one receipts follow, on both stores; an
// approval that takes the TTHC over clears it.
func TestTTHCGovernedTwiceFound(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		_, leader, officer := receiptFixture(t, f)
		first := soleProcedure(t, f)
		second := &qms.Procedure{AgencyCode: "SVHTT", Code: "QT-09", Title: "Của đơn vị sáp nhập", TTHCCodes: []string{"1.000001"}}
		if err := f.CreateProcedure(officer, second); err != nil {
			t.Fatal(err)
		}
		approve := func(id int64) {
			t.Helper()
			n := draftVersion(t, f, officer, id)
			if _, err := f.TransitionVersion(officer, id, n, qms.ActionSubmit, ""); err != nil {
				t.Fatal(err)
			}
			if _, err := f.TransitionVersion(leader, id, n, qms.ActionApprove, ""); err != nil {
				t.Fatal(err)
			}
		}
		approve(second.ID)
		rule := qms.RuleTTHCGovernedTwice
		if got := findingLines(t, f, "SVHTT", rule); len(got) != 0 {
			t.Fatalf("one procedure per TTHC, yet: %v", got)
		}
		// As a merger leaves it: the first procedure names it again.
		mustExec(t, f, `INSERT INTO procedure_tthc (procedure_id, tthc_code) VALUES (`+itoa(first.ID)+`, '1.000001')`)
		got := findingLines(t, f, "SVHTT", rule)
		if len(got) != 1 || !strings.Contains(got[0], "SVHTT 1.000001: Thủ tục 1.000001 thuộc các quy trình đang có hiệu lực QT-01, QT-09; hồ sơ mới được tiếp nhận theo quy trình QT-09.") {
			t.Fatalf("findings %q", got)
		}
		approve(first.ID)
		if got := findingLines(t, f, "SVHTT", rule); len(got) != 0 {
			t.Fatalf("still found after the approval that took it over: %v", got)
		}
	})
}

// soleProcedure is the one procedure receiptFixture made.
func soleProcedure(t *testing.T, f *fixture) *qms.Procedure {
	t.Helper()
	ps, err := f.FindProcedures(f.ctx, qms.ProcedureFilter{AgencyCode: ptr("SVHTT")})
	if err != nil || len(ps) != 1 {
		t.Fatalf("procedures %v, %v", ps, err)
	}
	return ps[0]
}

// draftVersion starts the next draft of a procedure with a valid
// flowchart and returns its number.
func draftVersion(t *testing.T, f *fixture, officer context.Context, id int64) int {
	t.Helper()
	v, err := f.CreateVersion(officer, id)
	if err != nil {
		t.Fatal(err)
	}
	v.Flowchart = qmstest.DecisionChart()
	if err := f.UpdateVersion(officer, v); err != nil {
		t.Fatal(err)
	}
	return v.Number
}

// TestCopiedDraftKeepsItsWriters: a new draft copies the last version; when
// that version was never approved (a draft withdrawn), its writers are the
// new draft's editors too, on both stores, for procedures and forms. A
// user who is also a leader wrote a draft, withdrew it, let a quality
// officer start the next from it and submit it, and approved their own
// text (outsider pass 7). An approved version's writers are not credited.
func TestCopiedDraftKeepsItsWriters(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		_, leader, officer := receiptFixture(t, f)
		_, as := dualRoleUser(t, f)
		p := soleProcedure(t, f)

		// Issue 01 was approved by giam.doc, written by thu.ky: the dual
		// user's revision of it is theirs alone.
		mine := draftVersion(t, f, as, p.ID)
		if _, err := f.TransitionVersion(as, p.ID, mine, qms.ActionWithdraw, "Soạn lại"); err != nil {
			t.Fatal(err)
		}
		copied := draftVersion(t, f, officer, p.ID)
		if _, err := f.TransitionVersion(officer, p.ID, copied, qms.ActionSubmit, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := f.TransitionVersion(as, p.ID, copied, qms.ActionApprove, ""); qms.ErrorCode(err) != qms.EFORBIDDEN {
			t.Fatalf("the writer of the copied draft approved it: %v", err)
		}
		if _, err := f.TransitionVersion(leader, p.ID, copied, qms.ActionApprove, ""); err != nil {
			t.Fatal(err)
		}
		// Copied from an approved issue: the dual user wrote none of it.
		next := draftVersion(t, f, officer, p.ID)
		if _, err := f.TransitionVersion(officer, p.ID, next, qms.ActionSubmit, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := f.TransitionVersion(as, p.ID, next, qms.ActionApprove, ""); err != nil {
			t.Fatalf("copied from an approved issue, yet: %v", err)
		}

		// The same for a form.
		form := &qms.Form{AgencyCode: "SVHTT", Code: "BM-KN-01", Title: "Phiếu kiểm tra"}
		if err := f.CreateForm(as, form, []byte(checkSchema)); err != nil {
			t.Fatal(err)
		}
		if _, err := f.TransitionFormVersion(as, form.ID, 1, qms.ActionWithdraw, "Soạn lại"); err != nil {
			t.Fatal(err)
		}
		v2, err := f.CreateFormVersion(officer, form.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.TransitionFormVersion(officer, form.ID, v2.Number, qms.ActionSubmit, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := f.TransitionFormVersion(as, form.ID, v2.Number, qms.ActionApprove, ""); qms.ErrorCode(err) != qms.EFORBIDDEN {
			t.Fatalf("the writer of the copied form draft approved it: %v", err)
		}
	})
}

// dualRoleUser is a user of SVHTT who is both quality officer and leader,
// and a context acting as them.
func dualRoleUser(t *testing.T, f *fixture) (*qms.User, context.Context) {
	t.Helper()
	dual := &qms.User{Username: "kiem.nhiem", Memberships: []qms.Membership{{AgencyCode: "SVHTT", Role: qms.RoleQualityOfficer}, {AgencyCode: "SVHTT", Role: qms.RoleLeader}}}
	if err := f.CreateUser(f.ctx, dual, "ngua-o-123"); err != nil {
		t.Fatal(err)
	}
	return dual, qms.WithActor(f.ctx, qms.Actor{UserID: dual.ID, Username: dual.Username, AgencyCode: "SVHTT"})
}
