package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"isodt/qms"
)

// SubmitFeedback records a citizen's feedback with its next code
// (PA-AGENCY-YEAR-NNN), refusing a sender past the throttle. The count
// and the insert share one write transaction, so parallel floods cannot
// slip between them.
func (db *DB) SubmitFeedback(ctx context.Context, f *qms.Feedback, ip string) error {
	if err := f.Validate(); err != nil {
		return err
	}
	return db.update(ctx, func(tx *Tx) error {
		a, err := findAgencyByCode(ctx, tx, f.AgencyCode)
		if err != nil {
			return err
		}
		hash, err := ipHash(ctx, tx, ip)
		if err != nil {
			return err
		}
		var recent int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM feedback WHERE ip_hash = ? AND received_at > ?`,
			hash, formatTime(tx.now.Add(-qms.FeedbackThrottleWindow))).Scan(&recent); err != nil {
			return fmt.Errorf("count recent feedback: %w", err)
		}
		if recent >= qms.FeedbackThrottleMax {
			return qms.TooMany(qms.FeedbackThrottleWindow, "Bạn đã gửi %d phản ánh trong %d phút qua. Vui lòng thử lại sau ít phút.",
				recent, int(qms.FeedbackThrottleWindow.Minutes()))
		}
		year := tx.now.In(qms.Zone).Year()
		var k int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM feedback WHERE agency_code = ? AND code LIKE ?`,
			a.Code, fmt.Sprintf("PA-%s-%d-%%", a.Code, year)).Scan(&k); err != nil {
			return err
		}
		f.AgencyCode, f.Code, f.Status, f.ReceivedAt = a.Code, fmt.Sprintf("PA-%s-%d-%03d", a.Code, year, k+1), qms.FeedbackReceived, tx.now
		if err := tx.QueryRowContext(ctx, `INSERT INTO feedback (agency_code, code, name, contact, content, dossier_code, status, ip_hash, received_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, f.AgencyCode, f.Code, f.Name, f.Contact, f.Content, f.DossierCode, f.Status, hash,
			formatTime(f.ReceivedAt)).Scan(&f.ID); err != nil {
			return fmt.Errorf("insert feedback %s: %w", f.Code, err)
		}
		if err := tx.audit(ctx, f.AgencyCode, "feedback.submit", "feedback", f.Code, nil, f, ""); err != nil {
			return err
		}
		// Those who hand feedback on learn of it at once.
		title, link := "Phản ánh, kiến nghị mới "+f.Code, "/feedback/"+itoa(f.ID)
		for _, r := range []qms.Role{qms.RoleLeader, qms.RoleQualityOfficer} {
			if err := notifyRole(ctx, tx, f.AgencyCode, r, title, link); err != nil {
				return err
			}
		}
		return nil
	})
}

// ipHash is the salted SHA-256 of the sender's address: enough to count
// a sender's recent submissions, not to learn the address back.
func ipHash(ctx context.Context, tx *Tx, ip string) (string, error) {
	var salt []byte
	if err := tx.QueryRowContext(ctx, `SELECT salt FROM feedback_salt WHERE singleton = 1`).Scan(&salt); err != nil {
		return "", fmt.Errorf("read feedback salt: %w", err)
	}
	sum := sha256.Sum256(append(salt, strings.TrimSpace(ip)...))
	return hex.EncodeToString(sum[:]), nil
}

const feedbackColumns = `id, agency_code, code, name, contact, content, dossier_code, status, received_at, assigned_to, assigned_by, assigned_at,
	answer, answered_by, answered_at, published_by, published_at`

func findFeedbacks(ctx context.Context, q querier, where string, args ...any) ([]*qms.Feedback, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+feedbackColumns+` FROM feedback WHERE `+where+` ORDER BY id DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*qms.Feedback{}
	for rows.Next() {
		var f qms.Feedback
		var received string
		var assigned, answered, published sql.NullString
		if err := rows.Scan(&f.ID, &f.AgencyCode, &f.Code, &f.Name, &f.Contact, &f.Content, &f.DossierCode, &f.Status, &received,
			&f.AssignedTo, &f.AssignedBy, &assigned, &f.Answer, &f.AnsweredBy, &answered, &f.PublishedBy, &published); err != nil {
			return nil, err
		}
		f.ReceivedAt, f.AssignedAt, f.AnsweredAt, f.PublishedAt = parseTime(received), scanNullTime(assigned), scanNullTime(answered), scanNullTime(published)
		out = append(out, &f)
	}
	return out, rows.Err()
}

func findFeedback(ctx context.Context, q querier, agency string, id int64) (*qms.Feedback, error) {
	fs, err := findFeedbacks(ctx, q, `id = ? AND agency_code = ?`, id, agency)
	if err != nil {
		return nil, err
	} else if len(fs) == 0 {
		return nil, qms.Errorf(qms.ENOTFOUND, "Không tìm thấy phản ánh, kiến nghị.")
	}
	return fs[0], nil
}

// FindFeedback returns ENOTFOUND unless the agency has the feedback.
func (db *DB) FindFeedback(ctx context.Context, agency string, id int64) (*qms.Feedback, error) {
	return findFeedback(ctx, db.read, agency, id)
}

// FindFeedbacks lists an agency's feedback, newest first.
func (db *DB) FindFeedbacks(ctx context.Context, f qms.FeedbackFilter) ([]*qms.Feedback, error) {
	if f.Status == "" {
		return findFeedbacks(ctx, db.read, `agency_code = ?`, f.AgencyCode)
	}
	return findFeedbacks(ctx, db.read, `agency_code = ? AND status = ?`, f.AgencyCode, f.Status)
}

// changeFeedback loads, changes and saves feedback in one transaction
// with its audit entry.
func (db *DB) changeFeedback(ctx context.Context, agency string, id int64, action string, fn func(tx *Tx, f *qms.Feedback) error) (*qms.Feedback, error) {
	var f *qms.Feedback
	err := db.update(ctx, func(tx *Tx) error {
		var err error
		if f, err = findFeedback(ctx, tx, agency, id); err != nil {
			return err
		}
		before := *f
		if err := fn(tx, f); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE feedback SET status = ?, assigned_to = ?, assigned_by = ?, assigned_at = ?, answer = ?, answered_by = ?, answered_at = ?,
			published_by = ?, published_at = ? WHERE id = ?`, f.Status, f.AssignedTo, f.AssignedBy, nullTime(f.AssignedAt), f.Answer, f.AnsweredBy,
			nullTime(f.AnsweredAt), f.PublishedBy, nullTime(f.PublishedAt), f.ID); err != nil {
			return fmt.Errorf("%s feedback %s: %w", action, f.Code, err)
		}
		return tx.audit(ctx, agency, "feedback."+action, "feedback", f.Code, before, f, "")
	})
	return f, err
}

// AssignFeedback hands the feedback to a user of the agency and tells them.
func (db *DB) AssignFeedback(ctx context.Context, agency string, id int64, assignee string) (*qms.Feedback, error) {
	return db.changeFeedback(ctx, agency, id, "assign", func(tx *Tx, f *qms.Feedback) error {
		if err := f.Assign(assignee, tx.actor.Username, tx.now); err != nil {
			return err
		}
		var userID int64
		err := tx.QueryRowContext(ctx, `SELECT u.id FROM users u JOIN memberships m ON m.user_id = u.id
			WHERE u.username = ? AND m.agency_code = ? AND u.disabled = 0 LIMIT 1`, f.AssignedTo, agency).Scan(&userID)
		if err == sql.ErrNoRows {
			return qms.FieldError("assignee", "Người xử lý %q không thuộc đơn vị %s.", f.AssignedTo, agency)
		} else if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO notifications (user_id, agency_code, title, link, created_at) VALUES (?, ?, ?, ?, ?)`,
			userID, agency, "Bạn được giao xử lý phản ánh "+f.Code, "/feedback/"+itoa(f.ID), formatTime(tx.now))
		return err
	})
}

// AnswerFeedback records (or revises, until published) the answer.
func (db *DB) AnswerFeedback(ctx context.Context, agency string, id int64, answer string) (*qms.Feedback, error) {
	return db.changeFeedback(ctx, agency, id, "answer", func(tx *Tx, f *qms.Feedback) error {
		return f.Reply(answer, tx.actor.Username, tx.now)
	})
}

// PublishFeedback puts the answer on the agency's public page.
func (db *DB) PublishFeedback(ctx context.Context, agency string, id int64) (*qms.Feedback, error) {
	return db.changeFeedback(ctx, agency, id, "publish", func(tx *Tx, f *qms.Feedback) error {
		return f.Publish(tx.actor.Username, tx.now)
	})
}

// PublishedFeedback lists published answers without any personal data:
// the query does not even read the name or the contact.
func (db *DB) PublishedFeedback(ctx context.Context, agency string, limit int) ([]qms.PublicFeedback, error) {
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	rows, err := db.read.QueryContext(ctx, `SELECT code, content, answer, received_at, published_at FROM feedback
		WHERE agency_code = ? AND status = 'published' ORDER BY published_at DESC, id DESC LIMIT ?`, agency, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []qms.PublicFeedback{}
	for rows.Next() {
		var p qms.PublicFeedback
		var received, published string
		if err := rows.Scan(&p.Code, &p.Content, &p.Answer, &received, &published); err != nil {
			return nil, err
		}
		p.ReceivedAt, p.PublishedAt = parseTime(received), parseTime(published)
		out = append(out, p)
	}
	return out, rows.Err()
}

// FeedbackStatus tells a citizen where a submission stands. Codes run in
// sequence, so it reveals nothing but the status before publication.
func (db *DB) FeedbackStatus(ctx context.Context, agency, code string) (string, *qms.PublicFeedback, error) {
	var status, content, answer, received string
	var published sql.NullString
	err := db.read.QueryRowContext(ctx, `SELECT status, content, answer, received_at, published_at FROM feedback WHERE agency_code = ? AND code = ?`,
		agency, strings.ToUpper(strings.TrimSpace(code))).Scan(&status, &content, &answer, &received, &published)
	if err == sql.ErrNoRows {
		return "", nil, qms.Errorf(qms.ENOTFOUND, "Không tìm thấy phản ánh mã %q tại đơn vị này.", code)
	} else if err != nil {
		return "", nil, err
	}
	if status != qms.FeedbackPublished {
		return status, nil, nil
	}
	return status, &qms.PublicFeedback{Code: strings.ToUpper(strings.TrimSpace(code)), Content: content, Answer: answer,
		ReceivedAt: parseTime(received), PublishedAt: parseTime(published.String)}, nil
}

// feedbackCounts counts the feedback received in a year by status, for
// the management review pack (ReviewPack.FeedbackCount, 9.3.2 c).
func (db *DB) feedbackCounts(ctx context.Context, agency string, year int) (map[string]int, error) {
	from := time.Date(year, 1, 1, 0, 0, 0, 0, qms.Zone)
	rows, err := db.read.QueryContext(ctx, `SELECT status, COUNT(*) FROM feedback WHERE agency_code = ? AND received_at >= ? AND received_at < ? GROUP BY status`,
		agency, formatTime(from), formatTime(from.AddDate(1, 0, 0)))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var status string
		var n int
		if err := rows.Scan(&status, &n); err != nil {
			return nil, err
		}
		out[status] = n
	}
	return out, rows.Err()
}
