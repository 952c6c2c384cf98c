package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/sqlstore"
)

// The version in force of a TTHC is found from the TTHC, not from every
// version in force of the province: the query runs inside each receipt's
// write (its check), so its cost is paid by every write queued behind.
func TestOneSource5InForcePlan(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "qms.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	plan := queryPlan(t, db, sqlstore.DossiersSQLite.InForceSQL(), "SVHTT", "1.000001")
	if len(plan) == 0 || !strings.Contains(plan[0], "procedure_tthc_code") || strings.Contains(strings.Join(plan, "\n"), "procedure_versions_status") {
		t.Fatalf("plan:\n%s", strings.Join(plan, "\n"))
	}
}

// The writer never checkpoints (a checkpoint in a commit holds every
// write queued behind it); the checkpointer does, after commits.
func TestOneSource5CheckpointsOffTheWriter(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "qms.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var auto int
	if err := db.write.QueryRowContext(ctx, `PRAGMA wal_autocheckpoint`).Scan(&auto); err != nil || auto != 0 {
		t.Fatalf("writer's wal_autocheckpoint = %d (%v), want 0", auto, err)
	}
	before := db.ckpt.runs.Load()
	sys := qms.WithActor(ctx, qms.SystemActor("test"))
	if err := db.CreateAgency(sys, &qms.Agency{Code: "SVHTT", Name: "Sở VHTT"}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(3 * time.Second)
	for db.ckpt.runs.Load() == before {
		if time.Now().After(deadline) {
			t.Fatal("no checkpoint after a commit")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A completion on a delegation finds it through the partial index of the
// open delegations (migration 0042), not by reading every delegation.
func TestOpenDelegationPlan(t *testing.T) {
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "qms.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	plan := queryPlan(t, db, `SELECT id FROM step_delegations WHERE agency_code = ? AND dossier = ? AND step_id = ? AND to_user = ? AND `+sqlstore.OpenDelegation+` ORDER BY id DESC LIMIT 1`,
		"SVHTT", "SVHTT-2026-000001", "check", "thu.ky")
	if len(plan) == 0 || !strings.Contains(plan[0], "USING INDEX step_delegations_open") {
		t.Fatalf("plan:\n%s", strings.Join(plan, "\n"))
	}
}
