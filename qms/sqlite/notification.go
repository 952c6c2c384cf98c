package sqlite

import (
	"context"
	"database/sql"

	"isodt/qms"
)

// Notifications returns a user's latest notifications and the unread count.
func (db *DB) Notifications(ctx context.Context, userID int64, limit int) ([]qms.Notification, int, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	var unread int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL`, userID).Scan(&unread); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, agency_code, title, link, created_at, read_at FROM notifications WHERE user_id = ? ORDER BY id DESC LIMIT ?`, userID, limit)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []qms.Notification{}
	for rows.Next() {
		var n qms.Notification
		var created string
		var read sql.NullString
		if err := rows.Scan(&n.ID, &n.Agency, &n.Title, &n.Link, &created, &read); err != nil {
			return nil, 0, err
		}
		n.CreatedAt, n.ReadAt = parseTime(created), scanNullTime(read)
		out = append(out, n)
	}
	return out, unread, rows.Err()
}

// MarkNotificationsRead marks every unread notification of a user read.
func (db *DB) MarkNotificationsRead(ctx context.Context, userID int64) error {
	return db.update(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL`, formatTime(tx.now), userID)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		return tx.audit(ctx, "", "notification.read", "user", itoa(userID), nil, map[string]int64{"marked": n}, "")
	})
}
