package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"isodt/policies"
	"isodt/qms"
	"isodt/qms/qmstest"
	"isodt/qms/sqlite"
)

// Agency, TTHC and users of the databases the crash and drill tests seed.
const (
	seedAgency = "A"
	seedTTHC   = "1.000001"
	seedStaff  = "a-staff"
	seedLeader = "a-leader"
)

// seedActor is the user who completes a step of seedFlow: the leader signs
// ("Lãnh đạo Sở"), the staff does the rest (a step needs its role).
func seedActor(step string) string {
	if step == "sign" {
		return seedLeader
	}
	return seedStaff
}

// seedStepBody is the JSON completing step: the leader's step is signed
// with the password of seedDB's users.
func seedStepBody(step, exit string) string {
	if seedActor(step) == seedLeader {
		return fmt.Sprintf(`{"step_id":%q,"exit":%q,"password":"ngua-o-123"}`, step, exit)
	}
	return fmt.Sprintf(`{"step_id":%q,"exit":%q}`, step, exit)
}

// seedFlow is the whole happy path of a dossier after its receipt: the
// step to complete and, at the decision, the exit taken.
var seedFlow = []struct{ step, exit string }{{"check", ""}, {"ok", "Đạt"}, {"sign", ""}, {"e", ""}}

// seedDB creates the database at path with agency A, one user per role
// ("a-staff", "a-leader"…, password "ngua-o-123") and TTHC 1.000001
// under an effective procedure receive → check → decision → sign → return,
// the same shape as qms/web's effectiveProcedure. It closes the database.
func seedDB(t *testing.T, path string) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path, sqlite.Options{PasswordCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rules, err := policies.Default()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Bootstrap(ctx, rules); err != nil {
		t.Fatal(err)
	}
	sys := qms.WithActor(ctx, qms.SystemActor("test"))
	if err := db.CreateAgency(sys, &qms.Agency{Code: seedAgency, Name: "Sở A"}); err != nil {
		t.Fatal(err)
	}
	as := map[string]context.Context{}
	for _, r := range qms.Roles {
		u := &qms.User{Username: "a-" + strings.ReplaceAll(string(r), "_", "-"), FullName: "Người A " + string(r),
			Memberships: []qms.Membership{{AgencyCode: seedAgency, Role: r}}}
		if err := db.CreateUser(sys, u, "ngua-o-123"); err != nil {
			t.Fatal(err)
		}
		as[u.Username] = qms.WithActor(ctx, qms.Actor{UserID: u.ID, Username: u.Username, AgencyCode: seedAgency})
	}
	officer, leader := as["a-quality-officer"], as["a-leader"]
	if _, _, err := db.ImportTTHC(officer, seedAgency, []qms.TTHC{{Code: seedTTHC, Name: "Cấp giấy phép karaoke", Field: "Văn hóa", TimeLimitDays: 5}}); err != nil {
		t.Fatal(err)
	}
	p := &qms.Procedure{AgencyCode: seedAgency, Code: "QT-01", Title: "Cấp phép", TTHCCodes: []string{seedTTHC}}
	if err := db.CreateProcedure(officer, p); err != nil {
		t.Fatal(err)
	}
	v, err := db.CreateVersion(officer, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	v.Flowchart = qmstest.DecisionChart()
	if err := db.UpdateVersion(officer, v); err != nil {
		t.Fatal(err)
	}
	if _, err := db.TransitionVersion(officer, p.ID, v.Number, qms.ActionSubmit, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.TransitionVersion(leader, p.ID, v.Number, qms.ActionApprove, ""); err != nil {
		t.Fatal(err)
	}
}

// staffCtx is the actor context of a-staff for in-process store writes.
func staffCtx(t *testing.T, db *sqlite.DB) context.Context { return userCtx(t, db, seedStaff) }

// userCtx is the actor context of a seeded user for in-process store writes.
func userCtx(t *testing.T, db *sqlite.DB, username string) context.Context {
	t.Helper()
	u, err := db.FindUserByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return qms.WithActor(context.Background(), qms.Actor{UserID: u.ID, Username: u.Username, AgencyCode: seedAgency})
}

// checkDossiers checks, with plain SQL on a read-only connection, the
// invariants that one write transaction per mutation guarantees for every
// dossier in the file, whatever moment a crash or a backup caught it at:
//   - the open steps in flow_json are exactly the dossier_open_steps rows
//     (none once the dossier is finished);
//   - the first step record is the start step and its receipt is audited
//     exactly once;
//   - every later step record has its own audit entry (dossier.step or
//     dossier.complete), no more, no fewer.
//
// It returns the number of dossiers.
func checkDossiers(t *testing.T, path string) int {
	t.Helper()
	raw, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query(`SELECT d.id, d.code, d.status, d.flow_json,
		(SELECT COALESCE(group_concat(step_id), '') FROM (SELECT step_id FROM dossier_open_steps o WHERE o.dossier_id = d.id ORDER BY step_id)),
		(SELECT COUNT(*) FROM dossier_steps s WHERE s.dossier_id = d.id),
		(SELECT COALESCE(MIN(s.id), 0) FROM dossier_steps s WHERE s.dossier_id = d.id),
		(SELECT COUNT(*) FROM audit_log a WHERE a.object_type = 'dossier' AND a.object_id = d.code AND a.action = 'dossier.receive'),
		(SELECT COUNT(*) FROM audit_log a WHERE a.object_type = 'dossier' AND a.object_id = d.code AND a.action IN ('dossier.step', 'dossier.complete'))
		FROM dossiers d ORDER BY d.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var (
			id                                  int64
			code, status, flowJSON, openRows    string
			steps, firstStep, received, audited int
		)
		if err := rows.Scan(&id, &code, &status, &flowJSON, &openRows, &steps, &firstStep, &received, &audited); err != nil {
			t.Fatal(err)
		}
		n++
		var flow qms.FlowState
		if err := json.Unmarshal([]byte(flowJSON), &flow); err != nil {
			t.Errorf("dossier %s: flow_json %q: %v", code, flowJSON, err)
			continue
		}
		var open []string
		for _, o := range flow.Open {
			open = append(open, o.StepID)
		}
		sort.Strings(open)
		want := strings.Join(open, ",")
		if qms.DossierStatus(status).Finished() {
			want = ""
		}
		if openRows != want {
			t.Errorf("dossier %s (%s): open steps in flow_json %q, in dossier_open_steps %q", code, status, want, openRows)
		}
		var first string
		raw.QueryRow(`SELECT step_id FROM dossier_steps WHERE id = ?`, firstStep).Scan(&first)
		if steps == 0 || first != "s" {
			t.Errorf("dossier %s: %d step records, first %q: the receipt's start step is missing", code, steps, first)
		}
		if received != 1 {
			t.Errorf("dossier %s: %d dossier.receive audit entries, want 1", code, received)
		}
		if audited != steps-1 {
			t.Errorf("dossier %s: %d step records after the receipt but %d step audit entries", code, steps-1, audited)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}

// dossierCodes lists the codes of the dossiers in the file, only those in
// one of statuses when given.
func dossierCodes(t *testing.T, path string, statuses ...string) []string {
	t.Helper()
	raw, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	q, args := `SELECT code FROM dossiers ORDER BY id`, []any{}
	if len(statuses) > 0 {
		q = `SELECT code FROM dossiers WHERE status IN (?` + strings.Repeat(", ?", len(statuses)-1) + `) ORDER BY id`
		for _, s := range statuses {
			args = append(args, s)
		}
	}
	rows, err := raw.Query(q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var codes []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		codes = append(codes, c)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return codes
}

// moduleRoot is the directory of go.mod, from `go env GOMOD`.
func moduleRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil || strings.TrimSpace(string(out)) == "" || strings.TrimSpace(string(out)) == os.DevNull {
		t.Fatalf("go env GOMOD: %q %v", out, err)
	}
	return filepath.Dir(strings.TrimSpace(string(out)))
}

// buildQMS builds the real binary, with the tag make build uses, into the
// test's temp dir. With a warm build cache this is a link, about 2 s.
func buildQMS(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "qms")
	cmd := exec.Command("go", "build", "-tags", "sqlite_fts5", "-o", bin, "./cmd/qms")
	cmd.Dir = moduleRoot(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}
