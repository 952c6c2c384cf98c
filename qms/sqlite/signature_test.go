package sqlite_test

import (
	"context"
	"testing"

	"isodt/qms"
	"isodt/qms/sqlite"
)

// TestSignature7StoreSignsInTheActionsTransaction: a signing action on a
// context marked for signing records the signature (signer, title,
// meaning, hash) with the action; marked but without the password it is
// refused and nothing changes; unmarked (CLI, demo loader) it signs
// nothing. Only the leader's step of a dossier signs.
func TestSignature7StoreSignsInTheActionsTransaction(t *testing.T) {
	db, _, sys := openDB(t)
	staff, leader := effectiveProcedure(t, db, sys)
	leaderID := mustActor(t, leader).UserID
	title := "Phó Giám đốc Sở"
	if _, err := db.UpdateUser(sys, leaderID, qms.UserUpdate{Title: &title}); err != nil {
		t.Fatal(err)
	}
	d := &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "Nguyễn Văn An"}, Channel: qms.ChannelCounter}
	if err := db.ReceiveDossier(staff, d); err != nil {
		t.Fatal(err)
	}
	for _, in := range []qms.CompleteStep{{StepID: "check"}, {StepID: "ok", Exit: "Đạt"}} {
		// A staff step does not sign, marked or not.
		if _, err := db.CompleteStep(qms.WithSigning(staff, false), "SVHTT", d.Code, in); err != nil {
			t.Fatalf("%s: %v", in.StepID, err)
		}
	}
	if _, err := db.CompleteStep(qms.WithSigning(leader, false), "SVHTT", d.Code, qms.CompleteStep{StepID: "sign"}); qms.ErrorField(err) != "password" {
		t.Fatalf("leader's step without the password: %v", err)
	}
	p, _ := db.DossierProgress(sys, "SVHTT", d.Code)
	if len(p.Steps) != 3 || !p.Dossier.Flow.IsOpen("sign") {
		t.Fatalf("the refused step changed the dossier: %d steps", len(p.Steps))
	}
	got, err := db.CompleteStep(qms.WithSigning(leader, true), "SVHTT", d.Code, qms.CompleteStep{StepID: "sign", Note: "Đồng ý cấp phép"})
	if err != nil {
		t.Fatal(err)
	}
	p, _ = db.DossierProgress(sys, "SVHTT", d.Code)
	var ids []int64
	for _, st := range p.Steps {
		ids = append(ids, st.ID)
	}
	sigs, err := db.FindSignatures(sys, qms.SignedDossierStep, ids...)
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
	raw := rawDB(t, db)
	if _, err := raw.Exec(`UPDATE dossier_steps SET note = 'sửa sau khi ký' WHERE id = ?`, s.ObjectID); err == nil {
		t.Error("a signed step's record changed")
	}
	if _, err := raw.Exec(`UPDATE dossier_steps SET note = note || '.' WHERE id = ?`, p.Steps[1].ID); err != nil {
		t.Errorf("an unsigned step refused: %v", err)
	}
	// The store's ordinary callers, unmarked, sign nothing.
	if n := countSignatures(t, db, qms.SignedProcedureVersion); n != 0 {
		t.Fatalf("unmarked approval signed: %d", n)
	}
	es, _, _ := db.FindAuditEntries(sys, qms.AuditFilter{Action: ptr("signature.sign")})
	if len(es) != 1 || es[0].Actor != "giam.doc" || es[0].ObjectType != qms.SignedDossierStep {
		t.Fatalf("signature audit entries: %+v", es)
	}
}

// TestSignature7SignedRecordsCannotChange: the triggers refuse a change
// of a signed version's content, a signed (closed) nonconformity and a
// signed step, whoever writes; unsigned records stay writable by the
// store as before. SIGNATURE_BROKEN fires when a signed record is changed
// around the triggers and clears when the content is put back.
func TestSignature7SignedRecordsCannotChange(t *testing.T) {
	db, clk, sys := openDB(t)
	_, leader := effectiveProcedure(t, db, sys)
	officer := qms.WithActor(context.Background(), qms.Actor{UserID: mustUserID(t, db, "thu.ky"), Username: "thu.ky", AgencyCode: "SVHTT"})
	ps, _ := db.FindProcedures(sys, qms.ProcedureFilter{})
	pid := ps[0].ID
	v2, err := db.CreateVersion(officer, pid)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.TransitionVersion(qms.WithSigning(officer, true), pid, 2, qms.ActionSubmit, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.TransitionVersion(qms.WithSigning(leader, false), pid, 2, qms.ActionApprove, ""); qms.ErrorField(err) != "password" {
		t.Fatalf("approval without the password: %v", err)
	}
	if v, _ := db.FindVersion(sys, pid, 2); v.Status != qms.StatusSubmitted {
		t.Fatalf("refused approval changed the version: %s", v.Status)
	}
	if _, err := db.TransitionVersion(qms.WithSigning(leader, true), pid, 2, qms.ActionApprove, ""); err != nil {
		t.Fatal(err)
	}
	sigs, _ := db.FindSignatures(sys, qms.SignedProcedureVersion, v2.ID)
	if len(sigs) != 2 || sigs[0].Meaning != qms.MeaningDrafted || sigs[0].Username != "thu.ky" || sigs[1].Meaning != qms.MeaningApproved || sigs[1].Username != "giam.doc" {
		t.Fatalf("version signatures: %+v", sigs)
	}
	if sigs[0].ContentSHA256 != sigs[1].ContentSHA256 {
		t.Fatal("approved content differs from the submitted content")
	}

	// A closed, signed nonconformity.
	n := &qms.Nonconformity{AgencyCode: "SVHTT", Source: qms.NCFromOther, Description: "Hồ sơ lưu thiếu phiếu kiểm soát"}
	if err := db.CreateNC(officer, n); err != nil {
		t.Fatal(err)
	}
	got, err := db.UpdateNC(officer, "SVHTT", n.ID, n.Description, "Bổ sung phiếu", "Chưa hướng dẫn")
	if err == nil {
		got, err = db.AddAction(officer, "SVHTT", n.ID, qms.CorrectiveAction{Description: "Hướng dẫn lưu hồ sơ", Owner: "thu.ky", DueOn: qms.CivilDate(clk.Now()).AddDate(0, 0, 7)})
	}
	if err == nil {
		_, err = db.ChangeNC(officer, "SVHTT", n.ID, "start", "")
	}
	if err == nil {
		_, err = db.CompleteAction(officer, "SVHTT", n.ID, got.Actions[0].ID, "Đã hướng dẫn")
	}
	if err == nil {
		_, err = db.ChangeNC(leader, "SVHTT", n.ID, "verify", qms.VerdictEffective)
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ChangeNC(qms.WithSigning(officer, false), "SVHTT", n.ID, "close", ""); qms.ErrorField(err) != "password" {
		t.Fatalf("close without the password: %v", err)
	}
	if _, err := db.ChangeNC(qms.WithSigning(officer, true), "SVHTT", n.ID, "close", ""); err != nil {
		t.Fatal(err)
	}
	raw := rawDB(t, db)
	refused := []struct{ name, sql string }{
		{"signed version content", `UPDATE procedure_versions SET content_json = '{}' WHERE id = ` + itoa(v2.ID)},
		{"signed NC description", `UPDATE nonconformities SET description = 'khác' WHERE id = ` + itoa(n.ID)},
		{"signed NC reopened", `UPDATE nonconformities SET status = 'in_progress', closed_at = NULL WHERE id = ` + itoa(n.ID)},
		{"action added to a signed NC", `INSERT INTO corrective_actions (nc_id, description, owner, due_on) VALUES (` + itoa(n.ID) + `, 'x', 'thu.ky', '2026-01-01')`},
		{"signature edited", `UPDATE signatures SET full_name = 'khác'`},
		{"signature deleted", `DELETE FROM signatures`},
	}
	for _, r := range refused {
		if _, err := raw.Exec(r.sql); err == nil {
			t.Errorf("%s: accepted", r.name)
		}
	}
	// Unsigned content and a signed version's status still move on.
	if _, err := raw.Exec(`UPDATE procedure_versions SET updated_at = updated_at WHERE id = ?`, v2.ID); err != nil {
		t.Errorf("untouched content refused: %v", err)
	}
	v1, _ := db.FindVersion(sys, pid, 1)
	if v1.Status != qms.StatusSuperseded {
		t.Fatalf("version 1 after the approval of 2: %s", v1.Status)
	}
	if _, err := db.UpdateNC(officer, "SVHTT", n.ID, "khác", "", ""); qms.ErrorCode(err) == "" {
		t.Fatal("the store edited a closed NC")
	}

	// SIGNATURE_BROKEN: around the trigger, then put back.
	run(t, db, sys)
	if openFinding(t, db, qms.RuleSignatureBroken, "") {
		t.Fatal("SIGNATURE_BROKEN on untouched records")
	}
	var content string
	raw.QueryRow(`SELECT content_json FROM procedure_versions WHERE id = ?`, v2.ID).Scan(&content)
	if _, err := raw.Exec(`DROP TRIGGER procedure_versions_final`); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE procedure_versions SET content_json = json_set(content_json, '$.purpose', 'Sửa lén') WHERE id = ?`, v2.ID); err != nil {
		t.Fatal(err)
	}
	run(t, db, sys)
	if !openFinding(t, db, qms.RuleSignatureBroken, itoa(v2.ID)) {
		t.Fatal("SIGNATURE_BROKEN did not fire on a changed signed version")
	}
	if s, _ := db.FindSignatures(sys, qms.SignedProcedureVersion, v2.ID); s[1].Current {
		t.Fatal("the changed version's signature still reads as current")
	}
	if _, err := raw.Exec(`UPDATE procedure_versions SET content_json = ? WHERE id = ?`, content, v2.ID); err != nil {
		t.Fatal(err)
	}
	run(t, db, sys)
	if openFinding(t, db, qms.RuleSignatureBroken, "") {
		t.Fatal("SIGNATURE_BROKEN did not clear once the content was put back")
	}
}

func mustActor(t *testing.T, ctx context.Context) qms.Actor {
	t.Helper()
	a, ok := qms.ActorFrom(ctx)
	if !ok {
		t.Fatal("no actor")
	}
	return a
}

func mustUserID(t *testing.T, db *sqlite.DB, username string) int64 {
	t.Helper()
	u, err := db.FindUserByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func countSignatures(t *testing.T, db *sqlite.DB, objectType string) int {
	t.Helper()
	var n int
	if err := rawDB(t, db).QueryRow(`SELECT COUNT(*) FROM signatures WHERE object_type = ?`, objectType).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
