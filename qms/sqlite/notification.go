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
	unread, err := db.UnreadNotifications(ctx, userID)
	if err != nil {
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

// UnreadNotifications counts a user's unread notifications.
func (db *DB) UnreadNotifications(ctx context.Context, userID int64) (int, error) {
	var unread int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL`, userID).Scan(&unread)
	return unread, err
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

// PendingEmail is a notification to send to a user's e-mail address.
type PendingEmail struct {
	ID    int64
	To    string
	Title string
	Link  string
}

// PendingEmails lists notifications not yet e-mailed to users who have an
// address.
func (db *DB) PendingEmails(ctx context.Context, limit int) ([]PendingEmail, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT n.id, u.email, n.title, n.link FROM notifications n JOIN users u ON u.id = n.user_id
		WHERE n.emailed_at IS NULL AND u.email != '' AND u.disabled = 0 ORDER BY n.id LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PendingEmail
	for rows.Next() {
		var p PendingEmail
		if err := rows.Scan(&p.ID, &p.To, &p.Title, &p.Link); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// MarkEmailed records that a notification was e-mailed. It is delivery
// bookkeeping, like a job run: the notification itself was audited when
// the run that made it was.
func (db *DB) MarkEmailed(ctx context.Context, id int64) error {
	_, err := db.write.ExecContext(ctx, `UPDATE notifications SET emailed_at = ? WHERE id = ?`, formatTime(db.now()), id)
	return err
}

// notifyUser sends an in-app notification to the user named username, in
// the transaction of the change that concerns them.
func notifyUser(ctx context.Context, tx *Tx, agency, username, title, link string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO notifications (user_id, agency_code, title, link, created_at)
		SELECT id, ?, ?, ?, ? FROM users WHERE username = ? AND disabled = 0`, agency, title, link, formatTime(tx.now), username)
	return err
}
