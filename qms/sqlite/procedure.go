package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"isodt/qms"
)

// CreateProcedure stores a new internal procedure (no version yet).
func (db *DB) CreateProcedure(ctx context.Context, p *qms.Procedure) error {
	p.Normalize()
	if err := p.Validate(); err != nil {
		return err
	}
	return db.update(ctx, func(tx *Tx) error {
		if _, err := findAgencyByCode(ctx, tx, p.AgencyCode); err != nil {
			return err
		}
		p.CreatedAt, p.UpdatedAt = tx.now, tx.now
		err := tx.QueryRowContext(ctx, `INSERT INTO procedures (agency_code, code, title, owner_unit, review_months, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			p.AgencyCode, p.Code, p.Title, p.OwnerUnit, p.ReviewMonths, formatTime(p.CreatedAt), formatTime(p.UpdatedAt)).Scan(&p.ID)
		if isUnique(err) {
			return &qms.Error{Code: qms.ECONFLICT, Field: "code", Message: fmt.Sprintf("Mã quy trình %q đã có trong đơn vị.", p.Code)}
		} else if err != nil {
			return fmt.Errorf("insert procedure: %w", err)
		}
		if err := setProcedureTTHC(ctx, tx, p); err != nil {
			return err
		}
		return tx.audit(ctx, p.AgencyCode, "procedure.create", "procedure", itoa(p.ID), nil, p, "")
	})
}

// UpdateProcedure changes title, owner unit, linked TTHC and review interval.
func (db *DB) UpdateProcedure(ctx context.Context, p *qms.Procedure) error {
	p.Normalize()
	if err := p.Validate(); err != nil {
		return err
	}
	return db.update(ctx, func(tx *Tx) error {
		before, err := findProcedure(ctx, tx, p.AgencyCode, p.ID)
		if err != nil {
			return err
		}
		p.Code, p.CreatedAt, p.UpdatedAt, p.NextReviewOn = before.Code, before.CreatedAt, tx.now, before.NextReviewOn
		if p.ReviewMonths != before.ReviewMonths && !before.NextReviewOn.IsZero() {
			p.NextReviewOn = before.NextReviewOn.AddDate(0, p.ReviewMonths-before.ReviewMonths, 0)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE procedures SET title = ?, owner_unit = ?, review_months = ?, next_review_on = ?, updated_at = ? WHERE id = ?`,
			p.Title, p.OwnerUnit, p.ReviewMonths, formatDate(p.NextReviewOn), formatTime(p.UpdatedAt), p.ID); err != nil {
			return err
		}
		if err := setProcedureTTHC(ctx, tx, p); err != nil {
			return err
		}
		return tx.audit(ctx, p.AgencyCode, "procedure.update", "procedure", itoa(p.ID), before, p, "")
	})
}

func setProcedureTTHC(ctx context.Context, tx *Tx, p *qms.Procedure) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM procedure_tthc WHERE procedure_id = ?`, p.ID); err != nil {
		return err
	}
	for _, code := range p.TTHCCodes {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM tthc WHERE agency_code = ? AND code = ?`, p.AgencyCode, code).Scan(&n); err != nil {
			return err
		} else if n == 0 {
			return qms.FieldError("tthc_codes", "Thủ tục %q chưa có trong danh mục của đơn vị: nhập danh mục trước.", code)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO procedure_tthc (procedure_id, tthc_code) VALUES (?, ?)`, p.ID, code); err != nil {
			return err
		}
	}
	return indexSearch(ctx, tx, "procedure", itoa(p.ID), p.AgencyCode, p.Code+" "+p.Title+" "+p.OwnerUnit, p.Code+" – "+p.Title)
}

// FindProcedure returns ENOTFOUND unless the agency has the procedure.
func (db *DB) FindProcedure(ctx context.Context, agency string, id int64) (*qms.Procedure, error) {
	var p *qms.Procedure
	err := db.view(ctx, func(q *sql.Conn) (err error) {
		p, err = findProcedure(ctx, q, agency, id)
		return err
	})
	return p, internalf(err, "find procedure %d of %s", id, agency)
}

func findProcedure(ctx context.Context, q querier, agency string, id int64) (*qms.Procedure, error) {
	ps, err := findProcedures(ctx, q, qms.ProcedureFilter{ID: &id, AgencyCode: &agency})
	if err != nil {
		return nil, err
	} else if len(ps) == 0 {
		return nil, qms.Errorf(qms.ENOTFOUND, "Không tìm thấy quy trình.")
	}
	return ps[0], nil
}

// FindProcedures returns the procedures matching f, by code.
func (db *DB) FindProcedures(ctx context.Context, f qms.ProcedureFilter) ([]*qms.Procedure, error) {
	var out []*qms.Procedure
	err := db.view(ctx, func(q *sql.Conn) (err error) {
		out, err = findProcedures(ctx, q, f)
		return err
	})
	return out, internalf(err, "find procedures")
}

func findProcedures(ctx context.Context, q querier, f qms.ProcedureFilter) ([]*qms.Procedure, error) {
	where, args := []string{"1 = 1"}, []any{}
	if v := f.ID; v != nil {
		where, args = append(where, "p.id = ?"), append(args, *v)
	}
	if v := f.AgencyCode; v != nil {
		where, args = append(where, "p.agency_code = ?"), append(args, *v)
	}
	if v := f.Within; v != nil {
		where, args = append(where, "p.agency_code IN ("+subtreeSQL+")"), append(args, *v)
	}
	if v := f.Code; v != nil {
		where, args = append(where, "p.code = ?"), append(args, *v)
	}
	if v := f.TTHCCode; v != nil {
		where, args = append(where, "p.id IN (SELECT procedure_id FROM procedure_tthc WHERE tthc_code = ?)"), append(args, *v)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100000
	}
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.agency_code, p.code, p.title, p.owner_unit, p.review_months, COALESCE(p.next_review_on, ''), p.created_at, p.updated_at,
		COALESCE((SELECT group_concat(tthc_code, ',') FROM (SELECT tthc_code FROM procedure_tthc WHERE procedure_id = p.id ORDER BY tthc_code)), ''),
		CASE WHEN p.split_from != '' THEN p.split_from ELSE p.merged_from END
		FROM procedures p WHERE `+strings.Join(where, " AND ")+` ORDER BY p.code LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*qms.Procedure
	for rows.Next() {
		var p qms.Procedure
		var next, created, updated, codes string
		if err := rows.Scan(&p.ID, &p.AgencyCode, &p.Code, &p.Title, &p.OwnerUnit, &p.ReviewMonths, &next, &created, &updated, &codes, &p.MovedFrom); err != nil {
			return nil, err
		}
		p.NextReviewOn, p.CreatedAt, p.UpdatedAt = parseDate(next), parseTime(created), parseTime(updated)
		p.TTHCCodes = []string{}
		if codes != "" {
			p.TTHCCodes = strings.Split(codes, ",")
		}
		out = append(out, &p)
	}
	return out, rows.Err()
}

// versionContent is what content_json holds: everything a draft edits.
type versionContent struct {
	Purpose       string             `json:"purpose"`
	Scope         string             `json:"scope"`
	References    string             `json:"references"`
	Definitions   string             `json:"definitions"`
	Flowchart     json.RawMessage    `json:"flowchart"`
	Forms         []string           `json:"forms"`
	Records       []qms.RecordToKeep `json:"records"`
	ChangeSummary string             `json:"change_summary"`
	Reviewer      string             `json:"reviewer"`
}

func contentOf(v *qms.ProcedureVersion) (string, error) {
	fc, err := json.Marshal(v.Flowchart)
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(versionContent{v.Purpose, v.Scope, v.References, v.Definitions, fc, v.Forms, v.Records, v.ChangeSummary, v.Reviewer})
	return string(b), err
}

const versionColumns = `id, procedure_id, number, status, content_json, author_id, author, submitted_at, COALESCE(approver_id, 0), approver, approved_at, effective_on, reason, created_at, updated_at`

func scanVersion(rows *sql.Rows) (*qms.ProcedureVersion, error) {
	var v qms.ProcedureVersion
	var content, created, updated string
	var submitted, approved, effective sql.NullString
	if err := rows.Scan(&v.ID, &v.ProcedureID, &v.Number, &v.Status, &content, &v.AuthorID, &v.Author, &submitted, &v.ApproverID, &v.Approver, &approved, &effective, &v.Reason, &created, &updated); err != nil {
		return nil, err
	}
	var c versionContent
	if err := json.Unmarshal([]byte(content), &c); err != nil {
		return nil, fmt.Errorf("version %d content: %w", v.ID, err)
	}
	if err := json.Unmarshal(c.Flowchart, &v.Flowchart); err != nil {
		return nil, fmt.Errorf("version %d flowchart: %w", v.ID, err)
	}
	v.Purpose, v.Scope, v.References, v.Definitions = c.Purpose, c.Scope, c.References, c.Definitions
	v.Forms, v.Records, v.ChangeSummary, v.Reviewer = c.Forms, c.Records, c.ChangeSummary, c.Reviewer
	v.SubmittedAt, v.ApprovedAt = scanNullTime(submitted), scanNullTime(approved)
	if effective.Valid {
		d := parseDate(effective.String)
		v.EffectiveOn = &d
	}
	v.CreatedAt, v.UpdatedAt = parseTime(created), parseTime(updated)
	v.Normalize()
	return &v, nil
}

func findVersions(ctx context.Context, q querier, procedureID int64, number *int) ([]*qms.ProcedureVersion, error) {
	query, args := `SELECT `+versionColumns+` FROM procedure_versions WHERE procedure_id = ?`, []any{procedureID}
	if number != nil {
		query, args = query+` AND number = ?`, append(args, *number)
	}
	rows, err := q.QueryContext(ctx, query+` ORDER BY number`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*qms.ProcedureVersion
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
