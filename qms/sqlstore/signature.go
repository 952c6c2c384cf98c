package sqlstore

import (
	"context"
	"fmt"
	"strconv"

	"isodt/qms"
)

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
	hash, err := SignedContentHash(ctx, tx, objectType, id, SignedContentVersion)
	if err != nil {
		return err
	} else if hash == "" {
		return fmt.Errorf("sign %s %d: no such record", objectType, id)
	}
	sig := &qms.Signature{ObjectType: objectType, ObjectID: id, ContentSHA256: hash, ContentVersion: SignedContentVersion,
		UserID: actor.UserID, Meaning: meaning, SignedAt: tx.Now()}
	if err := tx.QueryRow(ctx, `SELECT username, full_name, title FROM users WHERE id = ?`, sig.UserID).Scan(&sig.Username, &sig.FullName, &sig.Title); err != nil {
		return fmt.Errorf("sign: read signer: %w", err)
	}
	if sig.FullName == "" {
		sig.FullName = sig.Username
	}
	if sig.Title == "" {
		sig.Title = roleTitle(ctx, tx, sig.UserID, agency)
	}
	if err := tx.QueryRow(ctx, `INSERT INTO signatures (object_type, object_id, content_sha256, content_version, user_id, username, full_name, title, meaning, signed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, sig.ObjectType, sig.ObjectID, sig.ContentSHA256, sig.ContentVersion, sig.UserID, sig.Username, sig.FullName, sig.Title,
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
	rows, err := s.read().Query(ctx, `SELECT id, object_type, object_id, content_sha256, content_version, user_id, username, full_name, title, meaning, signed_at
		FROM signatures WHERE object_type = ? AND object_id IN (`+Placeholders(len(ids))+`) ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*qms.Signature
	for rows.Next() {
		var sig qms.Signature
		var at string
		if err := rows.Scan(&sig.ID, &sig.ObjectType, &sig.ObjectID, &sig.ContentSHA256, &sig.ContentVersion, &sig.UserID, &sig.Username, &sig.FullName, &sig.Title, &sig.Meaning, &at); err != nil {
			return nil, err
		}
		sig.SignedAt = ParseTime(at)
		out = append(out, &sig)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	type read struct {
		id      int64
		version int
	}
	hashes := map[read]string{}
	for _, sig := range out {
		k := read{sig.ObjectID, sig.ContentVersion}
		h, ok := hashes[k]
		if !ok {
			if h, err = SignedContentHash(ctx, s.read(), objectType, sig.ObjectID, sig.ContentVersion); err != nil {
				return nil, err
			}
			hashes[k] = h
		}
		sig.Current = h != "" && h == sig.ContentSHA256
	}
	return out, nil
}
