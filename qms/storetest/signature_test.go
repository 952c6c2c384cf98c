package storetest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"isodt/qms"
	"isodt/qms/postgres"
)

// Signatures (qms/sqlstore): closing a nonconformity and reporting an
// audit sign when the request asks, refuse without the password and sign
// nothing unasked; the signer is named as they were; the signed records
// are frozen by the database itself; a change made around the triggers
// shows the signature as no longer current. The signed content hashes
// alike on both stores (the SQLite store's json_array, written in Go).
func TestSignatures(t *testing.T) {
	hashes := map[string][]string{}
	eachStore(t, func(t *testing.T, f *fixture) {
		officer, _ := ncAgency(t, f)
		for _, a := range []*qms.Agency{{Code: "UBND", Name: "UBND tỉnh"}, {Code: "PHONG", Name: "Phòng Văn hóa", ParentCode: "UBND"}} {
			if err := f.CreateAgency(f.ctx, a); err != nil {
				t.Fatal(err)
			}
		}
		dgv := &qms.User{Username: "dgv", FullName: "Đánh giá viên", Title: "Chuyên viên chính", Memberships: []qms.Membership{{AgencyCode: "UBND", Role: qms.RoleAuditor}}}
		if err := f.CreateUser(f.ctx, dgv, "ngua-o-123"); err != nil {
			t.Fatal(err)
		}
		auditor := qms.WithActor(context.Background(), qms.Actor{UserID: dgv.ID, Username: "dgv", AgencyCode: "UBND"})
		var store string
		if _, pg := f.Store.(*postgres.DB); pg {
			store = "postgres"
		}

		// A nonconformity whose text JSON must escape, worked to closing.
		n := &qms.Nonconformity{AgencyCode: "SVHTT", Source: qms.NCFromOther, Description: "Hồ sơ lưu thiếu \"phiếu kiểm soát\"\nở thư mục C:\\luu-tru"}
		other := &qms.Nonconformity{AgencyCode: "SVHTT", Source: qms.NCFromOther, Description: "Chưa ký"}
		for _, nc := range []*qms.Nonconformity{n, other} {
			if err := f.CreateNC(officer, nc); err != nil {
				t.Fatal(err)
			}
			got, err := f.UpdateNC(officer, "SVHTT", nc.ID, nc.Description, "Bổ sung phiếu", "Chưa hướng dẫn")
			if err == nil {
				got, err = f.AddAction(officer, "SVHTT", nc.ID, qms.CorrectiveAction{Description: "Hướng dẫn lưu hồ sơ", Owner: "thu.ky", DueOn: qms.CivilDate(f.clk.Now()).AddDate(0, 0, 7)})
			}
			if err == nil {
				_, err = f.ChangeNC(officer, "SVHTT", nc.ID, "start", "")
			}
			if err == nil {
				_, err = f.CompleteAction(officer, "SVHTT", nc.ID, got.Actions[0].ID, "Đã hướng dẫn\t(tab)")
			}
			if err == nil {
				_, err = f.ChangeNC(verifier(), "SVHTT", nc.ID, "verify", qms.VerdictEffective)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.ChangeNC(qms.WithSigning(officer, false), "SVHTT", n.ID, "close", ""); qms.ErrorField(err) != "password" {
			t.Fatalf("close without the password: %v", err)
		}
		if got, _ := f.FindNC(f.ctx, "SVHTT", n.ID); got.Status == qms.NCClosed {
			t.Fatal("the refused close closed the nonconformity")
		}
		if _, err := f.ChangeNC(qms.WithSigning(officer, true), "SVHTT", n.ID, "close", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := f.ChangeNC(officer, "SVHTT", other.ID, "close", ""); err != nil {
			t.Fatal(err)
		}

		// An audit report, its items written behind the store's back (the
		// checklist a plan builds is TestAuditChecklistFigures').
		prog := &qms.AuditProgramme{AgencyCode: "UBND", Year: 2026, Title: "Chương trình 2026"}
		if err := f.CreateProgramme(f.ctx, prog); err != nil {
			t.Fatal(err)
		}
		day := qms.CivilDate(f.clk.Now())
		plan := &qms.AuditPlan{ProgrammeID: prog.ID, AgencyCode: "UBND", Title: "Đánh giá Sở Văn hóa", Units: []string{"PHONG"}, Clauses: []string{"7.5"}, Auditors: []string{"dgv"}, StartOn: day, EndOn: day}
		if err := f.CreatePlan(f.ctx, plan); err != nil {
			t.Fatal(err)
		}
		if _, err := f.BuildChecklist(auditor, "UBND", plan.ID); err != nil {
			t.Fatal(err)
		}
		got, err := f.FindPlan(f.ctx, "UBND", plan.ID)
		if err != nil || len(got.Items) != 1 {
			t.Fatalf("plan %+v, %v", got, err)
		}
		if _, err := f.AnswerItem(auditor, "UBND", plan.ID, got.Items[0].ID, qms.AnswerConform, "Đã xem 5 hồ sơ", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := f.ReportPlan(qms.WithSigning(auditor, true), "UBND", plan.ID, "Tóm tắt", "Phù hợp"); err != nil {
			t.Fatal(err)
		}

		signed := []struct {
			name, objectType string
			id               int64
			username, title  string
			meaning          qms.Meaning
		}{
			{"closed nonconformity", qms.SignedNonconformity, n.ID, "thu.ky", "Chuyên viên", qms.MeaningReviewed}, // no title: the role's
			{"audit report", qms.SignedAuditReport, plan.ID, "dgv", "Chuyên viên chính", qms.MeaningReviewed},
		}
		for _, tt := range signed {
			sigs, err := f.FindSignatures(f.ctx, tt.objectType, tt.id, tt.id+100)
			if err != nil || len(sigs) != 1 {
				t.Fatalf("%s: signatures %+v, %v", tt.name, sigs, err)
			}
			s := sigs[0]
			if s.ObjectID != tt.id || s.Username != tt.username || s.Title != tt.title || s.Meaning != tt.meaning || s.FullName == "" || len(s.ContentSHA256) != 64 || !s.Current || !s.SignedAt.Equal(f.clk.Now()) {
				t.Errorf("%s: signature %+v", tt.name, s)
			}
			hashes[store] = append(hashes[store], s.ContentSHA256)
		}
		if sigs, err := f.FindSignatures(f.ctx, qms.SignedNonconformity, other.ID); err != nil || len(sigs) != 0 {
			t.Fatalf("an unasked close signed: %+v, %v", sigs, err)
		}
		if sigs, err := f.FindSignatures(f.ctx, qms.SignedNonconformity); err != nil || sigs != nil {
			t.Fatalf("no ids: %+v, %v", sigs, err)
		}
		if sigs, err := f.FindSignatures(f.ctx, qms.SignedFormVersion, 1); err != nil || len(sigs) != 0 {
			t.Fatalf("form version signatures: %+v, %v", sigs, err)
		}
		if es, _, err := f.FindAuditEntries(f.ctx, qms.AuditFilter{Action: ptr("signature.sign")}); err != nil || len(es) != 2 {
			t.Fatalf("signature audit entries %d, %v", len(es), err)
		}

		// The database refuses to change what was signed, whoever writes.
		for _, tt := range []struct {
			name, sql string
			ok        bool
		}{
			{"signed NC description", `UPDATE nonconformities SET description = 'khác' WHERE id = ` + itoa(n.ID), false},
			{"signed NC reopened", `UPDATE nonconformities SET status = 'in_progress', closed_at = NULL WHERE id = ` + itoa(n.ID), false},
			{"action added to a signed NC", `INSERT INTO corrective_actions (nc_id, description, owner, due_on) VALUES (` + itoa(n.ID) + `, 'x', 'thu.ky', '2026-01-01')`, false},
			{"signed NC's action changed", `UPDATE corrective_actions SET result = 'khác' WHERE nc_id = ` + itoa(n.ID), false},
			{"signed audit report", `UPDATE audit_plans SET conclusion = 'Không phù hợp' WHERE id = ` + itoa(plan.ID), false},
			{"item added to a signed report", `INSERT INTO audit_items (plan_id, clause, question, source) VALUES (` + itoa(plan.ID) + `, '8.5', 'x', 'x')`, false},
			{"signed report's item changed", `UPDATE audit_items SET evidence = 'khác' WHERE plan_id = ` + itoa(plan.ID), false},
			{"signature edited", `UPDATE signatures SET full_name = 'khác'`, false},
			{"signature deleted", `DELETE FROM signatures`, false},
			{"unsigned NC", `UPDATE nonconformities SET description = 'sửa' WHERE id = ` + itoa(other.ID), true},
			{"unsigned NC's action", `UPDATE corrective_actions SET result = 'sửa' WHERE nc_id = ` + itoa(other.ID), true},
			{"signed NC moved by a merger", `UPDATE nonconformities SET agency_code = 'OTHER' WHERE id = ` + itoa(n.ID), true},
		} {
			if err := f.exec(tt.sql); (err == nil) != tt.ok {
				t.Errorf("%s: err = %v, want accepted %v", tt.name, err, tt.ok)
			}
		}

		// Around the trigger, the signature no longer reads as current;
		// put back, it does again.
		if err := f.exec(`DROP TRIGGER audit_plans_signed ON audit_plans`); err != nil {
			if err := f.exec(`DROP TRIGGER audit_plans_signed`); err != nil {
				t.Fatal(err)
			}
		}
		for _, tt := range []struct {
			sql     string
			current bool
		}{
			{`UPDATE audit_plans SET conclusion = 'Sửa lén' WHERE id = ` + itoa(plan.ID), false},
			{`UPDATE audit_plans SET conclusion = 'Phù hợp' WHERE id = ` + itoa(plan.ID), true},
		} {
			if err := f.exec(tt.sql); err != nil {
				t.Fatal(err)
			}
			if sigs, err := f.FindSignatures(f.ctx, qms.SignedAuditReport, plan.ID); err != nil || len(sigs) != 1 || sigs[0].Current != tt.current {
				t.Fatalf("after %s: %+v, %v; want current %v", tt.sql, sigs, err, tt.current)
			}
		}
		// Unsigned, they were changed with the file all the same: the
		// trail vouches for the ISO records (RowStateVersion 8).
		want := []string{
			qms.RowAltered + " corrective_actions hành động khắc phục " + mustQuery(t, f, `SELECT id FROM corrective_actions WHERE nc_id = `+itoa(other.ID))[0] + " của " + other.Code,
			qms.RowAltered + " nonconformities sự không phù hợp " + n.Code + " của OTHER",
			qms.RowAltered + " nonconformities sự không phù hợp " + other.Code + " của SVHTT",
		}
		if got := namedRows(t, f, f.ctx); !slices.Equal(slices.Sorted(slices.Values(got)), want) {
			t.Fatalf("verify named %q, want %q", got, want)
		}
	})
	if sq, pg := hashes[""], hashes["postgres"]; len(sq) != 2 || fmt.Sprint(sq) != fmt.Sprint(pg) {
		t.Errorf("signed content hashes differ: sqlite %v, postgres %v", sq, pg)
	}
}

// TestSignature7StoreSignsInTheActionsTransaction: a signing action on a
// context marked for signing records the signature (signer, title,
// meaning, hash) with the action; marked but without the password it is
// refused and nothing changes; unmarked (CLI, demo loader) it signs
// nothing. Only the leader's step of a dossier signs.
func TestSignature7StoreSignsInTheActionsTransaction(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys := f.ctx
		staff, leader, _ := receiptFixture(t, f)
		leaderID := mustActor(t, leader).UserID
		title := "Phó Giám đốc Sở"
		if _, err := f.UpdateUser(sys, leaderID, qms.UserUpdate{Title: &title}); err != nil {
			t.Fatal(err)
		}
		d := &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "Nguyễn Văn An"}, Channel: qms.ChannelCounter}
		if err := f.ReceiveDossier(staff, d); err != nil {
			t.Fatal(err)
		}
		for _, in := range []qms.CompleteStep{{StepID: "check"}, {StepID: "ok", Exit: "Đạt"}} {
			// A staff step does not sign, marked or not.
			if _, err := f.CompleteStep(qms.WithSigning(staff, false), "SVHTT", d.Code, in); err != nil {
				t.Fatalf("%s: %v", in.StepID, err)
			}
		}
		if _, err := f.CompleteStep(qms.WithSigning(leader, false), "SVHTT", d.Code, qms.CompleteStep{StepID: "sign"}); qms.ErrorField(err) != "password" {
			t.Fatalf("leader's step without the password: %v", err)
		}
		p, _ := f.DossierProgress(sys, "SVHTT", d.Code)
		if len(p.Steps) != 3 || !p.Dossier.Flow.IsOpen("sign") {
			t.Fatalf("the refused step changed the dossier: %d steps", len(p.Steps))
		}
		got, err := f.CompleteStep(qms.WithSigning(leader, true), "SVHTT", d.Code, qms.CompleteStep{StepID: "sign", Note: "Đồng ý cấp phép"})
		if err != nil {
			t.Fatal(err)
		}
		p, _ = f.DossierProgress(sys, "SVHTT", d.Code)
		var ids []int64
		for _, st := range p.Steps {
			ids = append(ids, st.ID)
		}
		sigs, err := f.FindSignatures(sys, qms.SignedDossierStep, ids...)
		if err != nil || len(sigs) != 1 {
			t.Fatalf("signatures of %s: %+v %v", got.Code, sigs, err)
		}
		s := sigs[0]
		if s.UserID != leaderID || s.Username != "giam.doc" || s.Title != title || s.Meaning != qms.MeaningApproved || len(s.ContentSHA256) != 64 || !s.Current {
			t.Fatalf("signature: %+v", s)
		}
		if s.ObjectID != p.Steps[len(p.Steps)-1].ID {
			t.Fatalf("signed step %d, want the leader's step %d", s.ObjectID, p.Steps[len(p.Steps)-1].ID)
		}
		// The signed step does not change; an unsigned one is not guarded.
		if err := f.exec(`UPDATE dossier_steps SET note = 'sửa sau khi ký' WHERE id = ` + itoa(s.ObjectID)); err == nil {
			t.Error("a signed step's record changed")
		}
		if err := f.exec(`UPDATE dossier_steps SET note = note || '.' WHERE id = ` + itoa(p.Steps[1].ID)); err != nil {
			t.Errorf("an unsigned step refused: %v", err)
		}
		// The store's ordinary callers, unmarked, sign nothing.
		if n := countSignatures(t, f, qms.SignedProcedureVersion); n != 0 {
			t.Fatalf("unmarked approval signed: %d", n)
		}
		es, _, _ := f.FindAuditEntries(sys, qms.AuditFilter{Action: ptr("signature.sign")})
		if len(es) != 1 || es[0].Actor != "giam.doc" || es[0].ObjectType != qms.SignedDossierStep {
			t.Fatalf("signature audit entries: %+v", es)
		}
	})
}

// TestSignature7SignedRecordsCannotChange: a version submitted and
// approved with signing is signed twice over the same content; the
// approval is refused without the password and changes nothing; the
// database refuses a change of the signed content, not of the rest.
// SIGNATURE_BROKEN fires when the content is changed around the trigger
// and clears when it is put back. (Signed nonconformities and audit
// reports: TestSignatures.)
func TestSignature7SignedRecordsCannotChange(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys := f.ctx
		_, leader, officer := receiptFixture(t, f)
		ps, _ := f.FindProcedures(sys, qms.ProcedureFilter{})
		pid := ps[0].ID
		v2, err := f.CreateVersion(officer, pid)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.TransitionVersion(qms.WithSigning(officer, true), pid, 2, qms.ActionSubmit, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := f.TransitionVersion(qms.WithSigning(leader, false), pid, 2, qms.ActionApprove, ""); qms.ErrorField(err) != "password" {
			t.Fatalf("approval without the password: %v", err)
		}
		if v, _ := f.FindVersion(sys, pid, 2); v.Status != qms.StatusSubmitted {
			t.Fatalf("refused approval changed the version: %s", v.Status)
		}
		if _, err := f.TransitionVersion(qms.WithSigning(leader, true), pid, 2, qms.ActionApprove, ""); err != nil {
			t.Fatal(err)
		}
		sigs, _ := f.FindSignatures(sys, qms.SignedProcedureVersion, v2.ID)
		if len(sigs) != 2 || sigs[0].Meaning != qms.MeaningDrafted || sigs[0].Username != "thu.ky" || sigs[1].Meaning != qms.MeaningApproved || sigs[1].Username != "giam.doc" {
			t.Fatalf("version signatures: %+v", sigs)
		}
		if sigs[0].ContentSHA256 != sigs[1].ContentSHA256 {
			t.Fatal("approved content differs from the submitted content")
		}
		if err := f.exec(`UPDATE procedure_versions SET content_json = '{}' WHERE id = ` + itoa(v2.ID)); err == nil {
			t.Error("signed version content: accepted")
		}
		// Unsigned content and a signed version's status still move on.
		if err := f.exec(`UPDATE procedure_versions SET updated_at = updated_at WHERE id = ` + itoa(v2.ID)); err != nil {
			t.Errorf("untouched content refused: %v", err)
		}
		v1, _ := f.FindVersion(sys, pid, 1)
		if v1.Status != qms.StatusSuperseded {
			t.Fatalf("version 1 after the approval of 2: %s", v1.Status)
		}

		// SIGNATURE_BROKEN: around the trigger, then put back.
		run(t, f)
		if openFinding(t, f, qms.RuleSignatureBroken, "") {
			t.Fatal("SIGNATURE_BROKEN on untouched records")
		}
		content := mustQuery(t, f, `SELECT content_json FROM procedure_versions WHERE id = `+itoa(v2.ID))[0]
		var c map[string]any
		if err := json.Unmarshal([]byte(content), &c); err != nil {
			t.Fatal(err)
		}
		c["purpose"] = "Sửa lén"
		changed, _ := json.Marshal(c)
		if err := f.exec(`DROP TRIGGER procedure_versions_final ON procedure_versions`); err != nil {
			if err := f.exec(`DROP TRIGGER procedure_versions_final`); err != nil {
				t.Fatal(err)
			}
		}
		setContent := func(s string) {
			t.Helper()
			if err := f.tamper(`UPDATE procedure_versions SET content_json = '` + strings.ReplaceAll(s, "'", "''") + `' WHERE id = ` + itoa(v2.ID)); err != nil {
				t.Fatal(err)
			}
		}
		setContent(string(changed))
		run(t, f)
		if !openFinding(t, f, qms.RuleSignatureBroken, itoa(v2.ID)) {
			t.Fatal("SIGNATURE_BROKEN did not fire on a changed signed version")
		}
		if s, _ := f.FindSignatures(sys, qms.SignedProcedureVersion, v2.ID); s[1].Current {
			t.Fatal("the changed version's signature still reads as current")
		}
		setContent(content)
		run(t, f)
		if openFinding(t, f, qms.RuleSignatureBroken, "") {
			t.Fatal("SIGNATURE_BROKEN did not clear once the content was put back")
		}
	})
}

func mustActor(t *testing.T, ctx context.Context) qms.Actor {
	t.Helper()
	a, ok := qms.ActorFrom(ctx)
	if !ok {
		t.Fatal("no actor")
	}
	return a
}

func countSignatures(t *testing.T, f *fixture, objectType string) int {
	t.Helper()
	var n int
	fmt.Sscan(mustQuery(t, f, `SELECT COUNT(*) FROM signatures WHERE object_type = '`+objectType+`'`)[0], &n)
	return n
}
