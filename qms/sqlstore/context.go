package sqlstore

import (
	"context"
	"fmt"

	"isodt/qms"
)

// AddContextItem enters an issue or an interested party in the agency's
// context register; it counts as reviewed the day it is entered.
func (s *Store) AddContextItem(ctx context.Context, i *qms.ContextItem) error {
	if err := i.Validate(); err != nil {
		return err
	}
	return s.update(ctx, func(tx Tx) error {
		if err := agencyExists(ctx, tx, i.AgencyCode); err != nil {
			return err
		}
		sent, err := firstSend(ctx, tx, i.AgencyCode, "context_item", i.Kind, i.Title)
		if err != nil {
			return err
		}
		i.Retired, i.CreatedBy, i.CreatedAt, i.ReviewedOn = false, tx.Actor().Username, tx.Now(), qms.CivilDate(tx.Now())
		if err := tx.QueryRow(ctx, `INSERT INTO context_items (agency_code, kind, title, requirements, reviewed_on, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, i.AgencyCode, i.Kind, i.Title, i.Requirements, FormatDate(i.ReviewedOn), i.CreatedBy, FormatTime(i.CreatedAt)).Scan(&i.ID); err != nil {
			return fmt.Errorf("add context item: %w", err)
		}
		if err := tx.Audit(ctx, i.AgencyCode, "context.create", "context_item", Itoa(i.ID), nil, i, ""); err != nil {
			return err
		}
		return sent.keep(ctx, tx, "mục "+qms.QuoteShort(i.Title))
	})
}

const contextItemColumns = `id, agency_code, kind, title, requirements, reviewed_on, retired, retired_reason, retired_by, retired_at, created_by, created_at`

func findContextItems(ctx context.Context, q Querier, where string, args ...any) ([]*qms.ContextItem, error) {
	rows, err := q.Query(ctx, `SELECT `+contextItemColumns+` FROM context_items WHERE `+where+`
		ORDER BY retired, CASE kind WHEN 'internal' THEN 0 WHEN 'external' THEN 1 ELSE 2 END, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*qms.ContextItem{}
	for rows.Next() {
		var i qms.ContextItem
		var reviewed, created string
		var retiredAt *string
		if err := rows.Scan(&i.ID, &i.AgencyCode, &i.Kind, &i.Title, &i.Requirements, &reviewed, (*Flag)(&i.Retired), &i.RetiredReason, &i.RetiredBy, &retiredAt,
			&i.CreatedBy, &created); err != nil {
			return nil, err
		}
		i.ReviewedOn, i.RetiredAt, i.CreatedAt = ParseDate(reviewed), OptTime(retiredAt), ParseTime(created)
		out = append(out, &i)
	}
	return out, rows.Err()
}

// ContextItems lists the agency's entries by kind, retired ones last.
func (s *Store) ContextItems(ctx context.Context, agency string, withRetired bool) ([]*qms.ContextItem, error) {
	where := `agency_code = ?`
	if !withRetired {
		where += ` AND retired = FALSE`
	}
	return findContextItems(ctx, s.read(), where, agency)
}

// changeContextItem loads, changes and saves an entry not retired, in one
// transaction with its audit entry.
func (s *Store) changeContextItem(ctx context.Context, agency string, id int64, action, reason string, fn func(tx Tx, i *qms.ContextItem) error) (*qms.ContextItem, error) {
	var it *qms.ContextItem
	err := s.update(ctx, func(tx Tx) error {
		items, err := findContextItems(ctx, tx, `id = ? AND agency_code = ?`, id, agency)
		if err != nil {
			return err
		} else if len(items) == 0 {
			return qms.Errorf(qms.ENOTFOUND, "Không tìm thấy mục trong sổ bối cảnh.")
		}
		it = items[0]
		if it.Retired {
			return qms.Errorf(qms.EINVALID, "Mục “%s” đã được loại khỏi sổ: không thể thay đổi.", it.Title)
		}
		before := *it
		if err := fn(tx, it); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE context_items SET title = ?, requirements = ?, reviewed_on = ?, retired = ?, retired_reason = ?, retired_by = ?, retired_at = ? WHERE id = ?`,
			it.Title, it.Requirements, FormatDate(it.ReviewedOn), it.Retired, it.RetiredReason, it.RetiredBy, NullTime(it.RetiredAt), it.ID); err != nil {
			return fmt.Errorf("%s context item %d: %w", action, id, err)
		}
		return tx.Audit(ctx, agency, "context."+action, "context_item", Itoa(it.ID), before, it, reason)
	})
	return it, err
}

// UpdateContextItem rewords an entry; it counts as reviewed today.
func (s *Store) UpdateContextItem(ctx context.Context, agency string, id int64, title, requirements string) (*qms.ContextItem, error) {
	return s.changeContextItem(ctx, agency, id, "update", "", func(tx Tx, i *qms.ContextItem) error {
		i.Title, i.Requirements, i.ReviewedOn = title, requirements, qms.CivilDate(tx.Now())
		return i.Validate()
	})
}

// RetireContextItem takes an entry out of the register, keeping it on record.
func (s *Store) RetireContextItem(ctx context.Context, agency string, id int64, reason string) (*qms.ContextItem, error) {
	return s.changeContextItem(ctx, agency, id, "retire", reason, func(tx Tx, i *qms.ContextItem) error {
		return i.Retire(reason, tx.Actor().Username, tx.Now())
	})
}

// MarkContextReviewed records that the caller reviewed the whole register
// now: every entry in it takes today as its review date.
func (s *Store) MarkContextReviewed(ctx context.Context, agency, note string) (*qms.ContextReview, error) {
	if err := qms.CheckText("note", "Ghi chú xem xét", note, qms.MaxShortText); err != nil {
		return nil, err
	}
	var r *qms.ContextReview
	err := s.update(ctx, func(tx Tx) error {
		if err := agencyExists(ctx, tx, agency); err != nil {
			return err
		}
		n, err := tx.Exec(ctx, `UPDATE context_items SET reviewed_on = ? WHERE agency_code = ? AND retired = FALSE`, FormatDate(qms.CivilDate(tx.Now())), agency)
		if err != nil {
			return err
		}
		if n == 0 {
			return qms.Errorf(qms.EINVALID, "Sổ bối cảnh chưa có mục nào: nhập các vấn đề nội bộ, bên ngoài và các bên quan tâm trước khi xem xét.")
		}
		r = &qms.ContextReview{AgencyCode: agency, ReviewedBy: tx.Actor().Username, ReviewedAt: tx.Now(), Note: note, Items: int(n)}
		if err := tx.QueryRow(ctx, `INSERT INTO context_reviews (agency_code, reviewed_by, reviewed_at, note, items) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			agency, r.ReviewedBy, FormatTime(r.ReviewedAt), r.Note, r.Items).Scan(&r.ID); err != nil {
			return fmt.Errorf("mark context reviewed: %w", err)
		}
		return tx.Audit(ctx, agency, "context.review", "context_review", Itoa(r.ID), nil, r, "")
	})
	return r, err
}

func findContextReviews(ctx context.Context, q Querier, agency string, limit int) ([]*qms.ContextReview, error) {
	rows, err := q.Query(ctx, `SELECT id, agency_code, reviewed_by, reviewed_at, note, items FROM context_reviews WHERE agency_code = ?
		ORDER BY reviewed_at DESC, id DESC LIMIT ?`, agency, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*qms.ContextReview{}
	for rows.Next() {
		var r qms.ContextReview
		var at string
		if err := rows.Scan(&r.ID, &r.AgencyCode, &r.ReviewedBy, &at, &r.Note, &r.Items); err != nil {
			return nil, err
		}
		r.ReviewedAt = ParseTime(at)
		out = append(out, &r)
	}
	return out, rows.Err()
}

// ContextReviews lists the register's reviews, latest first.
func (s *Store) ContextReviews(ctx context.Context, agency string) ([]*qms.ContextReview, error) {
	return findContextReviews(ctx, s.read(), agency, 100)
}

// ContextSummary is the register for the management review pack; nil
// when the agency keeps none and never reviewed one.
func (s *Store) ContextSummary(ctx context.Context, agency string) (*qms.ContextSummary, error) {
	items, err := s.ContextItems(ctx, agency, false)
	if err != nil {
		return nil, err
	}
	reviews, err := findContextReviews(ctx, s.read(), agency, 1)
	if err != nil {
		return nil, err
	}
	if len(items) == 0 && len(reviews) == 0 {
		return nil, nil
	}
	sum := &qms.ContextSummary{Counts: map[string]int{}, Items: make([]qms.ContextItem, 0, len(items))}
	for _, i := range items {
		sum.Counts[i.Kind]++
		sum.Items = append(sum.Items, *i)
	}
	if len(reviews) > 0 {
		sum.LastReviewedAt, sum.LastReviewedBy = &reviews[0].ReviewedAt, reviews[0].ReviewedBy
	}
	return sum, nil
}
