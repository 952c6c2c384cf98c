package sqlstore

import (
	"context"
	"crypto/sha256"
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
func (s *Store) SubmitFeedback(ctx context.Context, f *qms.Feedback, ip string) error {
	if err := f.Validate(); err != nil {
		return err
	}
	return s.update(ctx, func(tx Tx) error {
		a, err := FindAgency(ctx, tx, f.AgencyCode)
		if err != nil {
			return err
		}
		hash, err := ipHash(ctx, tx, ip)
		if err != nil {
			return err
		}
		if first, err := repeatedFeedback(ctx, tx, a.Code, hash, f); err != nil || first != nil {
			if first != nil {
				*f = *first
			}
			return err
		}
		if f.DossierCode != "" {
			// The code printed on the receipt slip: one of this agency's,
			// or the staff who read it follow a link to nothing.
			f.DossierCode = strings.ToUpper(f.DossierCode)
			if found, err := scanOne(tx.Query(ctx, `SELECT 1 FROM dossiers WHERE agency_code = ? AND code = ?`, a.Code, f.DossierCode))(new(int)); err != nil {
				return err
			} else if !found {
				return qms.FieldError("dossier_code", "%s không có hồ sơ mã %q: kiểm tra mã trên giấy tiếp nhận hồ sơ, hoặc để trống ô này.", a.Name, f.DossierCode)
			}
		}
		if err := throttle(ctx, tx, hash, "feedback", "received_at", qms.FeedbackThrottleWindow, qms.FeedbackThrottleMax, "phản ánh"); err != nil {
			return err
		}
		// The year's codes share the prefix "PA-AGENCY-YEAR-": a range of
		// text compared by its bytes ('.' follows '-'), as both databases
		// compare it, rather than LIKE, which they do not read alike.
		year := tx.Now().In(qms.Zone).Year()
		var k int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM feedback WHERE agency_code = ? AND code >= ? AND code < ?`,
			a.Code, fmt.Sprintf("PA-%s-%d-", a.Code, year), fmt.Sprintf("PA-%s-%d.", a.Code, year)).Scan(&k); err != nil {
			return err
		}
		f.AgencyCode, f.Code, f.Status, f.ReceivedAt = a.Code, fmt.Sprintf("PA-%s-%d-%03d", a.Code, year, k+1), qms.FeedbackReceived, tx.Now()
		if err := tx.QueryRow(ctx, `INSERT INTO feedback (agency_code, code, name, contact, content, dossier_code, status, ip_hash, received_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, f.AgencyCode, f.Code, f.Name, f.Contact, f.Content, f.DossierCode, f.Status, hash,
			FormatTime(f.ReceivedAt)).Scan(&f.ID); err != nil {
			return fmt.Errorf("insert feedback %s: %w", f.Code, err)
		}
		if err := tx.Audit(ctx, f.AgencyCode, "feedback.submit", "feedback", f.Code, nil, f, ""); err != nil {
			return err
		}
		// Those who hand feedback on learn of it at once.
		notice, link := qms.NewNotice(qms.NoticeFeedbackNew, f.Code), "/feedback/"+Itoa(f.ID)
		for _, r := range []qms.Role{qms.RoleLeader, qms.RoleQualityOfficer} {
			if err := notifyRole(ctx, tx, f.AgencyCode, r, notice, link); err != nil {
				return err
			}
		}
		return nil
	})
}

// repeatedFeedback is the same submission as f (the same person's name,
// contact, content and dossier) from the same address (by its hash) to
// agency within qms.FeedbackRepeatWindow, or nil. Another person's same
// words from the same address (a kiosk, an office's network) are theirs.
func repeatedFeedback(ctx context.Context, tx Tx, agency, hash string, f *qms.Feedback) (*qms.Feedback, error) {
	fs, err := findFeedbacks(ctx, tx, `agency_code = ? AND ip_hash = ? AND received_at > ? AND content = ? AND name = ? AND contact = ? AND dossier_code = ?`,
		agency, hash, FormatTime(tx.Now().Add(-qms.FeedbackRepeatWindow)), f.Content, f.Name, f.Contact, strings.ToUpper(f.DossierCode))
	if err != nil || len(fs) == 0 {
		return nil, err
	}
	return fs[0], nil
}

// ipHash is the salted SHA-256 of the sender's address: enough to count
// a sender's recent submissions, not to learn the address back. The
// address is counted as the login throttle counts it (qms.ThrottleAddr):
// an IPv6 address as its /64, which one client commonly holds whole and
// could otherwise spend one address a guess of.
func ipHash(ctx context.Context, q Querier, ip string) (string, error) {
	var salt []byte
	if err := q.QueryRow(ctx, `SELECT salt FROM feedback_salt WHERE singleton = 1`).Scan(&salt); err != nil {
		return "", fmt.Errorf("read feedback salt: %w", err)
	}
	sum := sha256.Sum256(append(salt, qms.ThrottleAddr(ip)...))
	return hex.EncodeToString(sum[:]), nil
}

// throttle refuses (ETOOMANY) a sender whose address, by its hash
// (ipHash), already sent max rows of table (what, in the message) within
// window, as the column of their time has them.
func throttle(ctx context.Context, tx Tx, hash, table, column string, window time.Duration, max int, what string) error {
	var recent int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM `+table+` WHERE ip_hash = ? AND `+column+` > ?`,
		hash, FormatTime(tx.Now().Add(-window))).Scan(&recent); err != nil {
		return fmt.Errorf("count recent %s: %w", strings.ReplaceAll(table, "_", " "), err)
	}
	if recent >= max {
		return qms.TooMany(window, "Bạn đã gửi %d %s trong %d phút qua. Vui lòng thử lại sau ít phút.", recent, what, int(window.Minutes()))
	}
	return nil
}

const feedbackColumns = `id, agency_code, code, name, contact, content, dossier_code, status, received_at, assigned_to, assigned_by, assigned_at,
	answer, answered_by, answered_at, published_by, published_at`

func findFeedbacks(ctx context.Context, q Querier, where string, args ...any) ([]*qms.Feedback, error) {
	rows, err := q.Query(ctx, `SELECT `+feedbackColumns+` FROM feedback WHERE `+where+` ORDER BY id DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*qms.Feedback{}
	for rows.Next() {
		var f qms.Feedback
		var received string
		var assigned, answered, published *string
		if err := rows.Scan(&f.ID, &f.AgencyCode, &f.Code, &f.Name, &f.Contact, &f.Content, &f.DossierCode, &f.Status, &received,
			&f.AssignedTo, &f.AssignedBy, &assigned, &f.Answer, &f.AnsweredBy, &answered, &f.PublishedBy, &published); err != nil {
			return nil, err
		}
		f.ReceivedAt, f.AssignedAt, f.AnsweredAt, f.PublishedAt = ParseTime(received), OptTime(assigned), OptTime(answered), OptTime(published)
		out = append(out, &f)
	}
	return out, rows.Err()
}

func findFeedback(ctx context.Context, q Querier, agency string, id int64) (*qms.Feedback, error) {
	fs, err := findFeedbacks(ctx, q, `id = ? AND agency_code = ?`, id, agency)
	if err != nil {
		return nil, err
	} else if len(fs) == 0 {
		return nil, qms.Errorf(qms.ENOTFOUND, "Không tìm thấy phản ánh, kiến nghị.")
	}
	return fs[0], nil
}

// FindFeedback returns ENOTFOUND unless the agency has the feedback.
func (s *Store) FindFeedback(ctx context.Context, agency string, id int64) (*qms.Feedback, error) {
	return findFeedback(ctx, s.read(), agency, id)
}

// FindFeedbacks lists an agency's feedback, newest first.
func (s *Store) FindFeedbacks(ctx context.Context, f qms.FeedbackFilter) ([]*qms.Feedback, error) {
	if f.Status == "" {
		return findFeedbacks(ctx, s.read(), `agency_code = ?`, f.AgencyCode)
	}
	return findFeedbacks(ctx, s.read(), `agency_code = ? AND status = ?`, f.AgencyCode, f.Status)
}

// changeFeedback loads, changes and saves feedback in one transaction
// with its audit entry.
func (s *Store) changeFeedback(ctx context.Context, agency string, id int64, action string, fn func(tx Tx, f *qms.Feedback) error) (*qms.Feedback, error) {
	var f *qms.Feedback
	err := s.update(ctx, func(tx Tx) error {
		var err error
		if f, err = findFeedback(ctx, tx, agency, id); err != nil {
			return err
		}
		before := *f
		if err := fn(tx, f); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE feedback SET status = ?, assigned_to = ?, assigned_by = ?, assigned_at = ?, answer = ?, answered_by = ?, answered_at = ?,
			published_by = ?, published_at = ? WHERE id = ?`, f.Status, f.AssignedTo, f.AssignedBy, NullTime(f.AssignedAt), f.Answer, f.AnsweredBy,
			NullTime(f.AnsweredAt), f.PublishedBy, NullTime(f.PublishedAt), f.ID); err != nil {
			return fmt.Errorf("%s feedback %s: %w", action, f.Code, err)
		}
		return tx.Audit(ctx, agency, "feedback."+action, "feedback", f.Code, before, f, "")
	})
	return f, err
}

// AssignFeedback hands the feedback to a user of the agency and tells them.
func (s *Store) AssignFeedback(ctx context.Context, agency string, id int64, assignee string) (*qms.Feedback, error) {
	return s.changeFeedback(ctx, agency, id, "assign", func(tx Tx, f *qms.Feedback) error {
		if err := f.Assign(assignee, tx.Actor().Username, tx.Now()); err != nil {
			return err
		}
		// Given to someone who may answer it (an auditor or an admin
		// would be told of it and refused when answering).
		if err := checkAssignee(ctx, tx, agency, "assignee", f.AssignedTo, qms.FeedbackAnswererRoles); err != nil {
			return err
		}
		return notifyUser(ctx, tx, agency, f.AssignedTo, qms.NewNotice(qms.NoticeFeedbackAssigned, f.Code), "/feedback/"+Itoa(f.ID))
	})
}

// AnswerFeedback records (or revises, until published) the answer.
func (s *Store) AnswerFeedback(ctx context.Context, agency string, id int64, answer string) (*qms.Feedback, error) {
	return s.changeFeedback(ctx, agency, id, "answer", func(tx Tx, f *qms.Feedback) error {
		if f.Status != qms.FeedbackReceived {
			user, roles, err := actorRoles(ctx, tx, agency)
			if err != nil {
				return err
			}
			if err := f.CheckAnswerer(user, roles); err != nil {
				return err
			}
		}
		return f.Reply(answer, tx.Actor().Username, tx.Now())
	})
}

// PublishFeedback puts the answer on the agency's public page.
func (s *Store) PublishFeedback(ctx context.Context, agency string, id int64) (*qms.Feedback, error) {
	return s.changeFeedback(ctx, agency, id, "publish", func(tx Tx, f *qms.Feedback) error {
		return f.Publish(tx.Actor().Username, tx.Now())
	})
}

// PublishedFeedback lists published answers without any personal data:
// the query does not even read the name or the contact.
func (s *Store) PublishedFeedback(ctx context.Context, agency string, limit int) ([]qms.PublicFeedback, error) {
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	rows, err := s.read().Query(ctx, `SELECT code, content, answer, received_at, published_at FROM feedback
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
		p.ReceivedAt, p.PublishedAt = ParseTime(received), ParseTime(published)
		out = append(out, p)
	}
	return out, rows.Err()
}

// FeedbackStatus tells a citizen where a submission stands. Codes run in
// sequence, so it reveals nothing but the status before publication.
func (s *Store) FeedbackStatus(ctx context.Context, agency, code string) (string, *qms.PublicFeedback, error) {
	norm := strings.ToUpper(strings.TrimSpace(code))
	rows, err := s.read().Query(ctx, `SELECT status, content, answer, received_at, published_at FROM feedback WHERE agency_code = ? AND code = ?`,
		agency, norm)
	if err != nil {
		return "", nil, err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return "", nil, err
		}
		return "", nil, qms.Errorf(qms.ENOTFOUND, "Không tìm thấy phản ánh mã %q tại đơn vị này.", code)
	}
	var status, content, answer, received string
	var published *string
	if err := rows.Scan(&status, &content, &answer, &received, &published); err != nil {
		return "", nil, err
	}
	if status != qms.FeedbackPublished {
		return status, nil, nil
	}
	p := &qms.PublicFeedback{Code: norm, Content: content, Answer: answer, ReceivedAt: ParseTime(received)}
	if published != nil {
		p.PublishedAt = ParseTime(*published)
	}
	return status, p, nil
}

// FeedbackCounts counts the feedback received in a year by status, for
// the management review pack (ReviewPack.FeedbackCount, 9.3.2 c).
func (s *Store) FeedbackCounts(ctx context.Context, agency string, year int) (map[string]int, error) {
	from := time.Date(year, 1, 1, 0, 0, 0, 0, qms.Zone)
	rows, err := s.read().Query(ctx, `SELECT status, COUNT(*) FROM feedback WHERE agency_code = ? AND received_at >= ? AND received_at < ? GROUP BY status`,
		agency, FormatTime(from), FormatTime(from.AddDate(1, 0, 0)))
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
