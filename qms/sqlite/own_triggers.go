package sqlite

import (
	"context"
	"fmt"
	"strings"

	"isodt/qms"
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
	ours := map[string]bool{}
	for _, s := range rowSpecs {
		for _, op := range []string{"insert", "update", "delete"} {
			ours[s.table+"_row_before_"+op] = true
		}
	}
	// A trigger of someone else's is dropped on the record: its text is
	// the evidence of what was done with the file (outsider pass 17).
	type foreign struct{ name, sql string }
	var found []foreign
	for _, n := range names {
		if !ours[n] {
			var text string
			if err := tx.QueryRowContext(ctx, `SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?`, n).Scan(&text); err != nil {
				return err
			}
			found = append(found, foreign{n, text})
		}
		if _, err := tx.ExecContext(ctx, `DROP TRIGGER "`+strings.ReplaceAll(n, `"`, `""`)+`"`); err != nil {
			return fmt.Errorf("drop trigger %s: %w", n, err)
		}
	}
	if err := beforeTriggers(ctx, &Tx{Tx: tx, db: db}); err != nil {
		return err
	}
	if len(found) > 0 {
		if err := discardRowChanges(tx); err != nil {
			return err
		}
		rec := &Tx{Tx: tx, db: db, now: db.now().UTC(), actor: qms.SystemActor("open"), baseline: true}
		for _, f := range found {
			if err := rec.audit(ctx, qms.SystemAgencyCode, "audit.trigger_removed", "audit_log", f.name, map[string]string{"sql": f.sql}, nil,
				"trigger không phải của ứng dụng, ghi vào bảng trạng thái trước của các dòng: đặt vào tệp cơ sở dữ liệu ngoài ứng dụng, gỡ khi mở"); err != nil {
				return err
			}
		}
	}
	return tx.Commit()
}
