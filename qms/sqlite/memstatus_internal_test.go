package sqlite

import (
	"path/filepath"
	"testing"
)

// TestWriterJournalsInMemory: the writer's connection keeps temporary
// data, its savepoints' sub-journal among them, in memory (writerDriver),
// and SQLite's allocation statistics, whose mutex that journal's
// allocations would queue on, are off (memstatus.go): SQLITE_MISUSE from
// sqlite3_config would mean a connection had opened before this
// package's initialisation, and a count above 0 that they still run.
func TestWriterJournalsInMemory(t *testing.T) {
	if memstatusOff != 0 {
		t.Fatalf("sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) = %d, want 0 (SQLITE_OK)", memstatusOff)
	}
	ctx, db := openCommitTest(t, filepath.Join(t.TempDir(), "qms.db"))
	var store int
	if err := db.write.QueryRowContext(ctx, "PRAGMA temp_store").Scan(&store); err != nil {
		t.Fatal(err)
	}
	if store != 2 {
		t.Errorf("writer's temp_store = %d, want 2 (MEMORY)", store)
	}
	if n := memoryCounted(); n != 0 {
		t.Errorf("SQLite counts %d bytes allocated: its statistics are on", n)
	}
}
