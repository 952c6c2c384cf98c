package sqlstore

import (
	"context"
	"encoding/json"
	"strings"

	"isodt/qms"
)

// AuditColumns are the audit_log columns ScanAudit reads, in order.
const AuditColumns = `id, at, actor, agency_code, action, object_type, object_id, before_json, after_json, reason, row_states, prev_hash, hash`

// ScanAudit reads one entry of a query selecting AuditColumns.
func ScanAudit(rows Row) (*qms.AuditEntry, error) {
	var e qms.AuditEntry
	var at string
	var before, after, rowStates *string
	if err := rows.Scan(&e.ID, &at, &e.Actor, &e.AgencyCode, &e.Action, &e.ObjectType, &e.ObjectID, &before, &after, &e.Reason, &rowStates, &e.PrevHash, &e.Hash); err != nil {
		return nil, err
	}
	// Rows that do not parse stay empty: the entry's hash then shows it.
	if rowStates != nil {
		e.Rows, _ = qms.ParseRowStates(*rowStates)
	}
	e.At = ParseTime(at)
	if before != nil {
		e.Before = json.RawMessage(*before)
	}
	if after != nil {
		e.After = json.RawMessage(*after)
	}
	return &e, nil
}

// FindAuditEntries returns the entries matching f, newest first, and the
// total count for paging.
func (s *Store) FindAuditEntries(ctx context.Context, f qms.AuditFilter) ([]*qms.AuditEntry, int, error) {
	where, args := []string{"1 = 1"}, []any{}
	if v := f.Within; v != nil {
		cond := `agency_code IN (` + subtreeSQL + `)`
		args = append(args, *v)
		if len(f.Also) > 0 {
			cond = `(` + cond + ` OR agency_code IN (` + Placeholders(len(f.Also)) + `))`
			for _, code := range f.Also {
				args = append(args, code)
			}
		}
		where = append(where, cond)
	}
	if v := f.Agency; v != nil {
		where, args = append(where, "agency_code = ?"), append(args, *v)
	}
	if v := f.Actor; v != nil {
		where, args = append(where, "actor = ?"), append(args, *v)
	}
	if v := f.Action; v != nil {
		where, args = append(where, "action LIKE ? ESCAPE '\\'"), append(args, likePrefix(*v))
	}
	if v := f.ObjectType; v != nil {
		where, args = append(where, "object_type = ?"), append(args, *v)
	}
	if v := f.ObjectID; v != nil {
		where, args = append(where, "object_id = ?"), append(args, *v)
	}
	if v := f.From; v != nil {
		where, args = append(where, "at >= ?"), append(args, FormatTime(*v))
	}
	if v := f.To; v != nil {
		where, args = append(where, "at < ?"), append(args, FormatTime(*v))
	}
	// The entries of survey answers written before answers were
	// de-identified name the dossier as their object: a search by object
	// leaves them out, so that it cannot tie a dossier to a response
	// (qms.DeidentifySurveyEntry shows them without it).
	if f.ObjectType != nil || f.ObjectID != nil {
		where, args = append(where, "NOT (action = ? AND object_type <> ?)"), append(args, "satisfaction.submit", qms.SatisfactionObject)
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	cond := strings.Join(where, " AND ")
	total := 0
	if err := s.read().QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, internalf(err, "find audit entries")
	}
	rows, err := s.read().Query(ctx, `SELECT `+AuditColumns+` FROM audit_log WHERE `+cond+` ORDER BY id DESC LIMIT ? OFFSET ?`,
		append(args, limit, max(0, f.Offset))...)
	if err != nil {
		return nil, 0, internalf(err, "find audit entries")
	}
	defer rows.Close()
	var out []*qms.AuditEntry
	for rows.Next() {
		e, err := ScanAudit(rows)
		if err != nil {
			return nil, 0, internalf(err, "find audit entries")
		}
		qms.DeidentifySurveyEntry(e)
		out = append(out, e)
	}
	return out, total, internalf(rows.Err(), "find audit entries")
}

// likePrefix escapes LIKE wildcards in a prefix.
func likePrefix(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s) + "%"
}
