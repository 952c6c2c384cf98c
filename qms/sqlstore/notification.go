package sqlstore

import (
	"context"
	"encoding/json"
	"errors"

	"isodt/qms"
)

// Notifications returns a user's latest notifications and the unread count.
func (s *Store) Notifications(ctx context.Context, userID int64, limit int) ([]qms.Notification, int, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	unread, err := s.UnreadNotifications(ctx, userID)
	if err != nil {
		return nil, 0, err
	}
	rows, err := s.read().Query(ctx, `SELECT id, agency_code, title, kind, args_json, link, created_at, read_at FROM notifications WHERE user_id = ? ORDER BY id DESC LIMIT ?`, userID, limit)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []qms.Notification{}
	for rows.Next() {
		var n qms.Notification
		var created, args string
		var read *string
		if err := rows.Scan(&n.ID, &n.Agency, &n.Title, &n.Kind, &args, &n.Link, &created, &read); err != nil {
			return nil, 0, err
		}
		if n.Kind != "" && json.Unmarshal([]byte(args), &n.Args) != nil {
			// Not what the application writes: the notification reads
			// as its stored title.
			n.Kind, n.Args = "", nil
		}
		n.Link = qms.SiteLink(n.Link)
		n.CreatedAt, n.ReadAt = ParseTime(created), OptTime(read)
		out = append(out, n)
	}
	return out, unread, rows.Err()
}

// UnreadNotifications counts a user's unread notifications.
func (s *Store) UnreadNotifications(ctx context.Context, userID int64) (int, error) {
	var unread int
	err := s.read().QueryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL`, userID).Scan(&unread)
	return unread, err
}

// MarkNotificationsRead marks every unread notification of a user read.
func (s *Store) MarkNotificationsRead(ctx context.Context, userID int64) error {
	return s.update(ctx, func(tx Tx) error {
		n, err := tx.Exec(ctx, `UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL`, FormatTime(tx.Now()), userID)
		if err != nil {
			return err
		}
		return tx.Audit(ctx, "", "notification.read", "user", Itoa(userID), nil, map[string]int64{"marked": n}, "")
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
func (s *Store) PendingEmails(ctx context.Context, limit int) ([]PendingEmail, error) {
	rows, err := s.read().Query(ctx, `SELECT n.id, u.email, n.title, n.link FROM notifications n JOIN users u ON u.id = n.user_id
		WHERE n.emailed_at IS NULL AND u.email != '' AND u.disabled = FALSE ORDER BY n.id LIMIT ?`, limit)
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
		p.Link = qms.SiteLink(p.Link)
		out = append(out, p)
	}
	return out, rows.Err()
}

// MarkEmailed records that a notification was e-mailed. It is delivery
// bookkeeping, like a job run: the notification itself was audited when
// the run that made it was.
func (s *Store) MarkEmailed(ctx context.Context, id int64) error {
	if s.cfg.Write == nil {
		return errors.New("mark e-mailed: the store has no bookkeeping writer")
	}
	_, err := s.cfg.Write.Exec(ctx, `UPDATE notifications SET emailed_at = ? WHERE id = ?`, FormatTime(s.cfg.Now()), id)
	return err
}

// NotifyUser is notifyUser for the store code not shared yet (the SQLite
// store's step delegation).
func NotifyUser(ctx context.Context, tx Tx, agency, username string, n qms.Notice, link string) error {
	return notifyUser(ctx, tx, agency, username, n, link)
}
