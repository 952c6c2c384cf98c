package sqlite

import (
	"context"
	"path/filepath"
	"testing"
)

// TestTrust3MigrationLeavesForeignKeysOn: migration 0016 runs with
// foreign keys off on the writer's connection; the writer must not keep
// that connection, so its writes check references again.
func TestTrust3MigrationLeavesForeignKeysOn(t *testing.T) {
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "qms.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var on int
	if err := db.write.QueryRowContext(context.Background(), `PRAGMA foreign_keys`).Scan(&on); err != nil || on != 1 {
		t.Fatalf("writer's foreign_keys = %d (%v), want 1", on, err)
	}
}
