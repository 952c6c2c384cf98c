package sqlstore

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"isodt/qms"
)

// signedContent names, per signed object type, the content a signature
// covers: what may not change once signed. The same reading makes the
// hash at signing time and checks it later (FindSignatures, the rule
// SIGNATURE_BROKEN), so a record changed behind the store's back shows
// up.
type signedContent struct {
	// table and columns: the record's signed columns, by id.
	table   string
	columns string
	// items, when set, are the rows of the record's items (key names the
	// record), in id order, signed with it.
	items, itemKey, itemColumns string
	// agency is the agency the record belongs to now (a merger may have
	// moved it), SQL over the record's row as r.
	agency string
}

var signedContents = map[string]signedContent{
	qms.SignedProcedureVersion: {table: "procedure_versions", columns: "procedure_id, number, content_json",
		agency: `(SELECT agency_code FROM procedures WHERE id = r.procedure_id)`},
	qms.SignedFormVersion: {table: "form_versions", columns: "form_id, number, schema_json, template_json, change_summary",
		agency: `(SELECT agency_code FROM forms WHERE id = r.form_id)`},
	qms.SignedNonconformity: {table: "nonconformities",
		columns: "code, source, source_ref, description, correction, root_cause, status, verdict, verified_by, verified_at, closed_at, close_reason",
		items:   "corrective_actions", itemKey: "nc_id", itemColumns: "id, description, owner, due_on, done_at, result",
		agency: `r.agency_code`},
	qms.SignedAuditReport: {table: "audit_plans", columns: "title, scope_json, start_on, end_on, status, summary, conclusion, reported_at",
		items: "audit_items", itemKey: "plan_id", itemColumns: "id, clause, question, result, evidence, note",
		agency: `r.agency_code`},
	qms.SignedDossierStep: {table: "dossier_steps",
		columns: "dossier_id, step_id, step_name, completed_at, actor, exit, form_code, form_version, entry_json, files_json, note, result",
		agency:  `r.agency_code`},
}

// SignedObjectTypes are the object types a signature can be on, in order.
func SignedObjectTypes() []string {
	out := make([]string, 0, len(signedContents))
	for t := range signedContents {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// SignedContentHash is the hash of the signed content of one record, ""
// when the record is gone.
//
// The content is the JSON array the SQLite store first hashed with
// json_array (its items as one more element: the text of their own array
// of arrays), written here byte for byte as SQLite writes it, so that the
// signatures made before this was shared still check.
func SignedContentHash(ctx context.Context, q Querier, objectType string, id int64) (string, error) {
	c, ok := signedContents[objectType]
	if !ok {
		return "", fmt.Errorf("sign: unknown object type %q", objectType)
	}
	vals, dest := c.values()
	found, err := scanOne(q.Query(ctx, `SELECT `+c.columns+` FROM `+c.table+` WHERE id = ?`, id))(dest...)
	if err != nil {
		return "", fmt.Errorf("sign %s %d: %w", objectType, id, err)
	} else if !found {
		return "", nil
	}
	var items []byte
	if c.items != "" {
		if items, err = signedItems(ctx, q, c, id); err != nil {
			return "", fmt.Errorf("sign %s %d: %w", objectType, id, err)
		}
	}
	h, err := c.hash(vals, items)
	if err != nil {
		return "", fmt.Errorf("sign %s %d: %w", objectType, id, err)
	}
	return h, nil
}

// values makes the destinations a row of the record's columns scans into.
func (c signedContent) values() (vals, dest []any) {
	n := len(strings.Split(c.columns, ","))
	vals, dest = make([]any, n), make([]any, n)
	for i := range vals {
		dest[i] = &vals[i]
	}
	return vals, dest
}

// hash is the hash of the signed content: the record's column values,
// then, for a record with items, the JSON text of its items.
func (c signedContent) hash(vals []any, items []byte) (string, error) {
	content, err := appendJSONArray(nil, vals)
	if err != nil {
		return "", err
	}
	if c.items != "" {
		content = appendJSONString(append(content[:len(content)-1], ','), string(items))
		content = append(content, ']')
	}
	return qms.ContentHash(content), nil
}

// signedItems is the JSON array of the arrays of a record's items.
func signedItems(ctx context.Context, q Querier, c signedContent, id int64) ([]byte, error) {
	rows, err := q.Query(ctx, `SELECT `+c.itemColumns+` FROM `+c.items+` WHERE `+c.itemKey+` = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	n := len(strings.Split(c.itemColumns, ","))
	out := []byte{'['}
	for rows.Next() {
		vals := make([]any, n)
		dest := make([]any, n)
		for i := range vals {
			dest[i] = &vals[i]
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		if len(out) > 1 {
			out = append(out, ',')
		}
		if out, err = appendJSONArray(out, vals); err != nil {
			return nil, err
		}
	}
	return append(out, ']'), rows.Err()
}

// appendJSONArray appends the values as SQLite's json_array writes them.
func appendJSONArray(b []byte, vals []any) ([]byte, error) {
	b = append(b, '[')
	for i, v := range vals {
		if i > 0 {
			b = append(b, ',')
		}
		switch v := v.(type) {
		case nil:
			b = append(b, "null"...)
		case int64:
			b = strconv.AppendInt(b, v, 10)
		case int32:
			b = strconv.AppendInt(b, int64(v), 10)
		case string:
			b = appendJSONString(b, v)
		case []byte:
			b = appendJSONString(b, string(v))
		default:
			return nil, fmt.Errorf("signed content: unexpected %T", v)
		}
	}
	return append(b, ']'), nil
}

// appendJSONString appends s quoted as SQLite's JSON functions quote a
// text: only the quote, the backslash and the control characters below
// 0x20 escaped, these as \b \t \n \f \r or \u00xx.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\b':
			b = append(b, `\b`...)
		case c == '\t':
			b = append(b, `\t`...)
		case c == '\n':
			b = append(b, `\n`...)
		case c == '\f':
			b = append(b, `\f`...)
		case c == '\r':
			b = append(b, `\r`...)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// sign records the actor's signature of the action on the record in the
// action's transaction, with its audit entry, when the request asks for
// signatures (qms.WithSigning); it refuses the action when the password
// was not checked again. Call it once the record holds its signed state.
// Without the mark it does nothing: the web marks every route whose
// action may sign; the CLI and the demo loader sign nothing unless they
// mark the context themselves.
func (s *Store) sign(ctx context.Context, tx Tx, agency, objectType string, id int64, ref, action string) error {
	meaning, ok := qms.SignatureMeaning[qms.SignedAction{ObjectType: objectType, Action: action}]
	asked, reauthenticated := qms.Signing(ctx)
	if !ok || !asked {
		return nil
	}
	if !reauthenticated {
		return qms.ErrPasswordToSign()
	}
	actor := tx.Actor()
	if agency == "" {
		agency = actor.AgencyCode
	}
	if actor.UserID == 0 {
		return qms.Errorf(qms.EFORBIDDEN, "Chỉ người dùng đã đăng nhập mới ký được.")
	}
	hash, err := SignedContentHash(ctx, tx, objectType, id)
	if err != nil {
		return err
	} else if hash == "" {
		return fmt.Errorf("sign %s %d: no such record", objectType, id)
	}
	sig := &qms.Signature{ObjectType: objectType, ObjectID: id, ContentSHA256: hash, UserID: actor.UserID, Meaning: meaning, SignedAt: tx.Now()}
	if err := tx.QueryRow(ctx, `SELECT username, full_name, title FROM users WHERE id = ?`, sig.UserID).Scan(&sig.Username, &sig.FullName, &sig.Title); err != nil {
		return fmt.Errorf("sign: read signer: %w", err)
	}
	if sig.FullName == "" {
		sig.FullName = sig.Username
	}
	if sig.Title == "" {
		sig.Title = roleTitle(ctx, tx, sig.UserID, agency)
	}
	if err := tx.QueryRow(ctx, `INSERT INTO signatures (object_type, object_id, content_sha256, user_id, username, full_name, title, meaning, signed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, sig.ObjectType, sig.ObjectID, sig.ContentSHA256, sig.UserID, sig.Username, sig.FullName, sig.Title,
		string(sig.Meaning), FormatTime(sig.SignedAt)).Scan(&sig.ID); err != nil {
		return fmt.Errorf("insert signature: %w", err)
	}
	return tx.Audit(ctx, agency, "signature.sign", objectType, ref, nil, sig, string(meaning))
}

// SignAction is sign for the store's own code not shared yet (forms,
// dossier steps).
func (s *Store) SignAction(ctx context.Context, tx Tx, agency, objectType string, id int64, ref, action string) error {
	return s.sign(ctx, tx, agency, objectType, id, ref, action)
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

func roleTitle(ctx context.Context, q Querier, userID int64, agency string) string {
	for _, rt := range roleTitles {
		var n int
		if q.QueryRow(ctx, `SELECT COUNT(*) FROM memberships WHERE user_id = ? AND agency_code = ? AND role = ?`, userID, agency, string(rt.role)).Scan(&n) == nil && n > 0 {
			return rt.title
		}
	}
	return ""
}

// FindSignatures lists the signatures of the records, in signing order.
func (s *Store) FindSignatures(ctx context.Context, objectType string, ids ...int64) ([]*qms.Signature, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := []any{objectType}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := s.read().Query(ctx, `SELECT id, object_type, object_id, content_sha256, user_id, username, full_name, title, meaning, signed_at
		FROM signatures WHERE object_type = ? AND object_id IN (`+Placeholders(len(ids))+`) ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*qms.Signature
	for rows.Next() {
		var sig qms.Signature
		var at string
		if err := rows.Scan(&sig.ID, &sig.ObjectType, &sig.ObjectID, &sig.ContentSHA256, &sig.UserID, &sig.Username, &sig.FullName, &sig.Title, &sig.Meaning, &at); err != nil {
			return nil, err
		}
		sig.SignedAt = ParseTime(at)
		out = append(out, &sig)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	hashes := map[int64]string{}
	for _, sig := range out {
		h, ok := hashes[sig.ObjectID]
		if !ok {
			if h, err = SignedContentHash(ctx, s.read(), objectType, sig.ObjectID); err != nil {
				return nil, err
			}
			hashes[sig.ObjectID] = h
		}
		sig.Current = h == sig.ContentSHA256
	}
	return out, nil
}
