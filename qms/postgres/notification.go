package postgres

import (
	"context"

	"isodt/qms"
)

// Notifications returns a user's latest notifications and the unread count.
func (db *DB) Notifications(ctx context.Context, userID int64, limit int) ([]qms.Notification, int, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	unread, err := db.UnreadNotifications(ctx, userID)
	if err != nil {
		return nil, 0, err
	}
	rows, err := db.direct().query(ctx, `SELECT id, agency_code, title, link, created_at, read_at FROM notifications WHERE user_id = ? ORDER BY id DESC LIMIT ?`, userID, limit)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []qms.Notification{}
	for rows.Next() {
		var n qms.Notification
		var created string
		var read *string
		if err := rows.Scan(&n.ID, &n.Agency, &n.Title, &n.Link, &created, &read); err != nil {
			return nil, 0, err
		}
		n.CreatedAt, n.ReadAt = parseTime(created), optTime(read)
		out = append(out, n)
	}
	return out, unread, rows.Err()
}

// UnreadNotifications counts a user's unread notifications.
func (db *DB) UnreadNotifications(ctx context.Context, userID int64) (int, error) {
	var unread int
	err := db.direct().queryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL`, userID).Scan(&unread)
	return unread, err
}

// MarkNotificationsRead marks every unread notification of a user read.
func (db *DB) MarkNotificationsRead(ctx context.Context, userID int64) error {
	return db.update(ctx, func(tx *Tx) error {
		tag, err := tx.exec(ctx, `UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL`, formatTime(tx.now), userID)
		if err != nil {
			return err
		}
		return tx.audit(ctx, "", "notification.read", "user", itoa(userID), nil, map[string]int64{"marked": tag.RowsAffected()}, "")
	})
}
