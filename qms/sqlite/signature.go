package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"isodt/qms"
)

// signedContentSQL reads, as one text, the content a signature covers:
// what may not change once signed. The same query makes the hash at
// signing time and checks it later (RuleSignatureBroken), so a record
// changed behind the store's back shows up.
var signedContentSQL = map[string]string{
	qms.SignedProcedureVersion: `SELECT json_array(procedure_id, number, content_json) FROM procedure_versions WHERE id = ?`,
	qms.SignedFormVersion:      `SELECT json_array(form_id, number, schema_json, template_json, change_summary) FROM form_versions WHERE id = ?`,
	qms.SignedNonconformity: `SELECT json_array(n.code, n.source, n.source_ref, n.description, n.correction, n.root_cause, n.status, n.verdict, n.verified_by, n.verified_at, n.closed_at, n.close_reason,
		(SELECT json_group_array(json_array(a.id, a.description, a.owner, a.due_on, a.done_at, a.result)) FROM (SELECT * FROM corrective_actions WHERE nc_id = n.id ORDER BY id) a))
		FROM nonconformities n WHERE n.id = ?`,
	qms.SignedAuditReport: `SELECT json_array(p.title, p.scope_json, p.start_on, p.end_on, p.status, p.summary, p.conclusion, p.reported_at,
		(SELECT json_group_array(json_array(i.id, i.clause, i.question, i.result, i.evidence, i.note)) FROM (SELECT * FROM audit_items WHERE plan_id = p.id ORDER BY id) i))
		FROM audit_plans p WHERE p.id = ?`,
	qms.SignedDossierStep: `SELECT json_array(s.dossier_id, s.step_id, s.step_name, s.completed_at, s.actor, s.exit, s.form_code, s.form_version, s.entry_json, s.files_json, s.note, s.result)
		FROM dossier_steps s WHERE s.id = ?`,
}

// signedContentHash is the hash of the signed content of one record.
func signedContentHash(ctx context.Context, q querier, objectType string, id int64) (string, error) {
	query, ok := signedContentSQL[objectType]
	if !ok {
		return "", fmt.Errorf("sign: unknown object type %q", objectType)
	}
	var content string
	if err := q.QueryRowContext(ctx, query, id).Scan(&content); err != nil {
		return "", fmt.Errorf("sign %s %d: %w", objectType, id, err)
	}
	return qms.ContentHash([]byte(content)), nil
}

// sign records the actor's signature of the action on the record in the
// action's transaction, with its audit entry, when the request asks for
// signatures (qms.WithSigning); it refuses the action when the password
// was not checked again. Call it once the record holds its signed state.
// Without the mark it does nothing: the web marks every route whose
// action may sign; the CLI and the demo loader sign nothing unless they
// mark the context themselves.
func (tx *Tx) sign(ctx context.Context, agency, objectType string, id int64, ref, action string) error {
	meaning, ok := qms.SignatureMeaning[qms.SignedAction{ObjectType: objectType, Action: action}]
	asked, reauthenticated := qms.Signing(ctx)
	if !ok || !asked {
		return nil
	}
	if !reauthenticated {
		return qms.ErrPasswordToSign()
	}
	if agency == "" {
		agency = tx.actor.AgencyCode
	}
	if tx.actor.UserID == 0 {
		return qms.Errorf(qms.EFORBIDDEN, "Chỉ người dùng đã đăng nhập mới ký được.")
	}
	hash, err := signedContentHash(ctx, tx, objectType, id)
	if err != nil {
		return err
	}
	s := &qms.Signature{ObjectType: objectType, ObjectID: id, ContentSHA256: hash, UserID: tx.actor.UserID, Meaning: meaning, SignedAt: tx.now}
	if err := tx.QueryRowContext(ctx, `SELECT username, full_name, title FROM users WHERE id = ?`, s.UserID).Scan(&s.Username, &s.FullName, &s.Title); err != nil {
		return fmt.Errorf("sign: read signer: %w", err)
	}
	if s.FullName == "" {
		s.FullName = s.Username
	}
	if s.Title == "" {
		s.Title = roleTitle(ctx, tx, s.UserID, agency)
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO signatures (object_type, object_id, content_sha256, user_id, username, full_name, title, meaning, signed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, s.ObjectType, s.ObjectID, s.ContentSHA256, s.UserID, s.Username, s.FullName, s.Title, s.Meaning, formatTime(s.SignedAt)).Scan(&s.ID); err != nil {
		return fmt.Errorf("insert signature: %w", err)
	}
	return tx.audit(ctx, agency, "signature.sign", objectType, ref, nil, s, string(meaning))
}

// roleTitles: a signer with no title of their own is named by the most
// senior role they hold in the agency, as the printed documents did.
var roleTitles = []struct {
	role  qms.Role
	title string
}{
	{qms.RoleLeader, "Lãnh đạo"}, {qms.RoleQualityOfficer, "Cán bộ ISO"}, {qms.RoleAuditor, "Đánh giá viên nội bộ"},
	{qms.RoleStaff, "Chuyên viên"}, {qms.RoleAdmin, "Quản trị"},
}

func roleTitle(ctx context.Context, q querier, userID int64, agency string) string {
	for _, rt := range roleTitles {
		var n int
		if q.QueryRowContext(ctx, `SELECT COUNT(*) FROM memberships WHERE user_id = ? AND agency_code = ? AND role = ?`, userID, agency, rt.role).Scan(&n) == nil && n > 0 {
			return rt.title
		}
	}
	return ""
}

// FindSignatures lists the signatures of the records, in signing order.
func (db *DB) FindSignatures(ctx context.Context, objectType string, ids ...int64) ([]*qms.Signature, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := []any{objectType}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, object_type, object_id, content_sha256, user_id, username, full_name, title, meaning, signed_at
		FROM signatures WHERE object_type = ? AND object_id IN (`+placeholders(len(ids))+`) ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*qms.Signature
	for rows.Next() {
		var s qms.Signature
		var at string
		if err := rows.Scan(&s.ID, &s.ObjectType, &s.ObjectID, &s.ContentSHA256, &s.UserID, &s.Username, &s.FullName, &s.Title, &s.Meaning, &at); err != nil {
			return nil, err
		}
		s.SignedAt = parseTime(at)
		out = append(out, &s)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	hashes := map[int64]string{}
	for _, s := range out {
		h, ok := hashes[s.ObjectID]
		if !ok {
			if h, err = signedContentHash(ctx, db.read, objectType, s.ObjectID); err != nil && !isNoRows(err) {
				return nil, err
			}
			hashes[s.ObjectID] = h
		}
		s.Current = h == s.ContentSHA256
	}
	return out, nil
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

func isVersion(objectType string) bool {
	return objectType == qms.SignedProcedureVersion || objectType == qms.SignedFormVersion
}
