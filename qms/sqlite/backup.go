package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"os"
)

// Backup writes a consistent copy of the live database to path with
// VACUUM INTO, which reads one snapshot while writers go on. It uses a
// connection of its own: the read pool is query-only and the writer must
// not wait for a copy.
func (db *DB) Backup(ctx context.Context, path string) error {
	// VACUUM INTO writes into an empty file: creating it here makes the
	// copy 0600 like the database (files.go) and refuses an existing one.
	if err := createExclusive(path); err != nil {
		return err
	}
	conn, err := sql.Open("sqlite3", dsn(db.path, "_txlock=deferred"))
	if err != nil {
		os.Remove(path)
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		os.Remove(path)
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}
