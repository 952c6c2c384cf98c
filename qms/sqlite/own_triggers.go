package sqlite

import (
	"context"
	"fmt"
	"strings"

	"isodt/qms/sqlstore"
)

// ownBeforeTriggers writes the triggers that list rows' states before
// (beforeTriggers) again at every open, over whatever the file holds, and
// drops any other trigger that names row_olds. The application trusts
// them for what a row was before its write: someone with the file could
// otherwise put in one that lists the state the trail recorded while the
// row holds another, and the next write would record the tampered row as
// the application's. A trigger that writes row_olds must name it: SQLite
// runs no SQL built at run time.
func (db *DB) ownBeforeTriggers(ctx context.Context) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	names, err := sqlstore.QueryStrings(ctx, on(tx), `SELECT name FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%row\_olds%' ESCAPE '\'`)
	if err != nil {
		return fmt.Errorf("read triggers: %w", err)
	}
	for _, n := range names {
		if _, err := tx.ExecContext(ctx, `DROP TRIGGER "`+strings.ReplaceAll(n, `"`, `""`)+`"`); err != nil {
			return fmt.Errorf("drop trigger %s: %w", n, err)
		}
	}
	if err := beforeTriggers(ctx, &Tx{Tx: tx, db: db}); err != nil {
		return err
	}
	return tx.Commit()
}
