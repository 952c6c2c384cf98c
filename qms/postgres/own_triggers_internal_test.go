package postgres

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"golang.org/x/crypto/bcrypt"

	"isodt/qms"
	"isodt/qms/postgres/pgtest"
)

// TestChangeDuringWriteFailsIt: a trigger's function replaced by another
// connection after a write started, before its audit entry: the entry's
// move of the head no longer finds the print the write started with, so
// the write fails and keeps nothing; the next write puts the function
// right, on the record.
func TestChangeDuringWriteFailsIt(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	db, err := Open(ctx, url, Options{PasswordCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	raw, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close(ctx)
	sys := qms.WithActor(ctx, qms.SystemActor("test"))
	count := func(action string) int {
		t.Helper()
		var n int
		if err := raw.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = $1`, action).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count("agency.settings")
	err = db.update(sys, func(tx *Tx) error {
		if _, err := raw.Exec(ctx, `CREATE OR REPLACE FUNCTION note_row_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$`); err != nil {
			t.Fatal(err)
		}
		return tx.audit(sys, qms.SystemAgencyCode, "agency.settings", "agency", qms.SystemAgencyCode, nil, nil, "test")
	})
	if qms.ErrorCode(err) != qms.ECONFLICT || count("agency.settings") != before {
		t.Errorf("a write during which the function was replaced: %v, %d entries kept", err, count("agency.settings")-before)
	}
	if err := db.CreateAgency(sys, &qms.Agency{Code: "B", Name: "Sở B"}); err != nil {
		t.Fatal(err)
	}
	var restored int
	if err := raw.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'audit.trigger_restored' AND object_id = 'note_row_change()'`).Scan(&restored); err != nil || restored != 1 {
		t.Errorf("the function written again: %d entries, %v; want 1", restored, err)
	}
}
