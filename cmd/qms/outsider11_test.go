package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"isodt/qms"
	"isodt/qms/sqlite"
)

// TestOutsider11VerifyNamesTrustColumns (outsider pass 11, finding 1):
// in a copy made with `qms backup`, a leader's password the system
// administrator set made to look chosen by its owner (password_temporary
// 0), and the full name and title signatures print, changed with sqlite3.
// `qms audit verify` on the copy exits 1 naming the user; before, it
// printed "ok".
func TestOutsider11VerifyNamesTrustColumns(t *testing.T) {
	c := newCLI(t)
	c.run("", "agency", "add", "--code", "A1", "--name", "A1")
	if code, _, e := c.run("ngua-o-123\n", "user", "add", "--username", "lan", "--agency", "A1", "--role", "leader", "--name", "Trần Thị Lan", "--title", "Phó Giám đốc"); code != 0 {
		t.Fatal(e)
	}
	db, err := sqlite.Open(context.Background(), c.db, sqlite.Options{PasswordCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	ctx := qms.WithActor(context.Background(), qms.SystemActor("test"))
	admin, err := db.FindUserByUsername(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	lan, err := db.FindUserByUsername(ctx, "lan")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetPassword(qms.WithActor(ctx, qms.Actor{UserID: admin.ID, Username: "admin", AgencyCode: qms.SystemAgencyCode}), lan.ID, "ngua-o-tam-456"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for i, q := range []string{
		`UPDATE users SET password_temporary = 0 WHERE username = 'lan'`,
		`UPDATE users SET full_name = 'Nguyễn Văn Giám' WHERE username = 'lan'`,
		`UPDATE users SET title = 'Giám đốc Sở' WHERE username = 'lan'`,
	} {
		copyPath := filepath.Join(t.TempDir(), fmt.Sprintf("copy%d.db", i))
		if code, _, e := c.run("", "backup", copyPath); code != 0 {
			t.Fatal(e)
		}
		copied := &cli{t: t, db: copyPath}
		if code, out, e := copied.run("", "audit", "verify"); code != 0 {
			t.Fatalf("the copy before any change: exit %d\n%s\n%s", code, out, e)
		}
		raw, _ := sql.Open("sqlite3", copyPath)
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
		raw.Close()
		code, out, e := copied.run("", "audit", "verify")
		if code != 1 || !strings.Contains(out, "row altered outside the application: users [2] (người dùng lan)") {
			t.Fatalf("after %s: exit %d\n%s\n%s", q, code, out, e)
		}
	}
}

// TestOutsider11SignedStepCheckRun (outsider pass 11, finding 2): in a
// copy made with `qms backup`, the trigger dossier_steps_signed dropped
// and the leader's signed step changed (note, actor, exit, completion
// time) with sqlite3. `qms check run --rule SIGNATURE_BROKEN --json`
// printed []; it now names the step, critical, in its agency.
func TestOutsider11SignedStepCheckRun(t *testing.T) {
	c := newCLI(t)
	seedDB(t, c.db)
	db, err := sqlite.Open(context.Background(), c.db, sqlite.Options{PasswordCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	staff := staffCtx(t, db)
	d := &qms.Dossier{AgencyCode: seedAgency, TTHCCode: seedTTHC, Applicant: qms.Applicant{Name: "Nguyễn Văn An"}, Channel: qms.ChannelCounter}
	if err := db.ReceiveDossier(staff, d); err != nil {
		t.Fatal(err)
	}
	for _, s := range seedFlow[:3] {
		ctx := userCtx(t, db, seedActor(s.step))
		if seedActor(s.step) == seedLeader {
			ctx = qms.WithSigning(ctx, true)
		}
		if _, err := db.CompleteStep(ctx, seedAgency, d.Code, qms.CompleteStep{StepID: s.step, Exit: s.exit, Note: "Đồng ý"}); err != nil {
			t.Fatalf("%s: %v", s.step, err)
		}
	}
	db.Close()
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	if code, _, e := c.run("", "backup", copyPath); code != 0 {
		t.Fatal(e)
	}
	copied := &cli{t: t, db: copyPath}
	if code, out, e := copied.run("", "check", "run", "--rule", "SIGNATURE_BROKEN", "--json"); code != 0 || strings.TrimSpace(out) != "[]" {
		t.Fatalf("before any change: exit %d\n%s\n%s", code, out, e)
	}
	raw, _ := sql.Open("sqlite3", copyPath)
	var stepID string
	if err := raw.QueryRow(`SELECT object_id FROM signatures WHERE object_type = 'dossier_step'`).Scan(&stepID); err != nil {
		t.Fatalf("the leader's signature: %v", err)
	}
	for _, q := range []string{
		`DROP TRIGGER dossier_steps_signed`,
		`UPDATE dossier_steps SET note = 'Không đồng ý', actor = 'a-staff', exit = 'Không đạt', completed_at = '2026-01-01T00:00:00Z' WHERE id = ` + stepID,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	code, out, e := copied.run("", "check", "run", "--rule", "SIGNATURE_BROKEN", "--json")
	var found []struct {
		Rule, Severity, Agency string
		ObjectType             string `json:"object_type"`
		ObjectID               string `json:"object_id"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &found) != nil || len(found) != 1 {
		t.Fatalf("after the change: exit %d\n%s\n%s", code, out, e)
	}
	if f := found[0]; f.Rule != "SIGNATURE_BROKEN" || f.Severity != "critical" || f.Agency != seedAgency || f.ObjectType != "dossier_step" || f.ObjectID != stepID {
		t.Fatalf("finding %+v, want SIGNATURE_BROKEN critical %s dossier_step %s", f, seedAgency, stepID)
	}
}
