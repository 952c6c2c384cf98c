package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"isodt/qms"
)

// FindAPITokens lists tokens with their owner's username, newest first.
// Secrets are never stored, so never returned.
func (s *Store) FindAPITokens(ctx context.Context, f qms.TokenFilter) ([]*qms.APIToken, error) {
	return findAPITokens(ctx, s.read(), f)
}

func findAPITokens(ctx context.Context, q Querier, f qms.TokenFilter) ([]*qms.APIToken, error) {
	where, args := []string{"1 = 1"}, []any{}
	if v := f.ID; v != nil {
		where, args = append(where, "t.id = ?"), append(args, *v)
	}
	if v := f.UserID; v != nil {
		where, args = append(where, "t.user_id = ?"), append(args, *v)
	}
	if v := f.Prefix; v != nil {
		p := strings.TrimSpace(*v)
		if len(p) < qms.TokenPrefixLength {
			return nil, qms.FieldError("prefix", "Tiền tố mã truy cập phải có ít nhất %d ký tự (như trong danh sách mã).", qms.TokenPrefixLength)
		}
		where, args = append(where, "t.prefix = ?"), append(args, p[:qms.TokenPrefixLength])
	}
	rows, err := q.Query(ctx, `SELECT t.id, t.user_id, u.username, t.name, t.prefix, t.created_at, t.expires_at, t.last_used_at, t.revoked_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE `+strings.Join(where, " AND ")+` ORDER BY t.id DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*qms.APIToken
	for rows.Next() {
		var t qms.APIToken
		var created string
		var expires, used, revoked *string
		if err := rows.Scan(&t.ID, &t.UserID, &t.Username, &t.Name, &t.Prefix, &created, &expires, &used, &revoked); err != nil {
			return nil, err
		}
		t.CreatedAt = ParseTime(created)
		t.ExpiresAt, t.LastUsedAt, t.RevokedAt = OptTime(expires), OptTime(used), OptTime(revoked)
		out = append(out, &t)
	}
	return out, rows.Err()
}

// RevokeAPITokens revokes the still valid tokens matching f, audited
// once per agency of each owner.
func (s *Store) RevokeAPITokens(ctx context.Context, f qms.TokenFilter) (int, error) {
	if f.ID == nil && f.UserID == nil && f.Prefix == nil {
		return 0, qms.Errorf(qms.EINVALID, "Chọn mã truy cập cần thu hồi: theo số, theo tiền tố hoặc mọi mã của một người dùng.")
	}
	var n int
	err := s.update(ctx, func(tx Tx) error {
		// owner reads a token owner the actor may act on, each once.
		owners := map[int64]*qms.User{}
		owner := func(id int64) (*qms.User, error) {
			if u, ok := owners[id]; ok {
				return u, nil
			}
			u, err := s.FindUserOn(ctx, tx, qms.UserFilter{ID: &id})
			if err != nil {
				return nil, err
			}
			owners[id] = u
			return u, qms.CheckAccountAction(tx.Actor(), u)
		}
		if f.UserID != nil {
			// Checked whether or not the user holds a token: "saved" must
			// not answer someone who may not act on the account.
			if _, err := owner(*f.UserID); err != nil {
				return err
			}
		}
		ts, err := findAPITokens(ctx, tx, f)
		if err != nil {
			return err
		}
		// A token named by number or prefix must exist among the owner's:
		// revoking another user's token through this user's page would
		// otherwise answer "saved" and revoke nothing.
		if len(ts) == 0 && (f.UserID == nil || f.ID != nil || f.Prefix != nil) {
			return qms.FieldErrorf(qms.ENOTFOUND, "token", "Không tìm thấy mã truy cập cần thu hồi (của người dùng này).")
		}
		if f.Prefix != nil && len(ts) > 1 {
			return qms.FieldError("prefix", "Tiền tố %q khớp %d mã truy cập; thu hồi theo số (--id).", *f.Prefix, len(ts))
		}
		byUser := map[int64][]int64{}
		var ownerIDs []int64
		for _, t := range ts {
			if t.RevokedAt != nil {
				continue
			}
			if _, ok := byUser[t.UserID]; !ok {
				ownerIDs = append(ownerIDs, t.UserID)
			}
			byUser[t.UserID] = append(byUser[t.UserID], t.ID)
		}
		for _, id := range ownerIDs {
			u, err := owner(id)
			if err != nil {
				return err
			}
			ids := byUser[id]
			if _, err := tx.Exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE id IN (`+Placeholders(len(ids))+`) AND revoked_at IS NULL`,
				append([]any{FormatTime(tx.Now())}, int64sToAny(ids)...)...); err != nil {
				return fmt.Errorf("revoke tokens: %w", err)
			}
			n += len(ids)
			if err := AuditAccount(ctx, tx, u, "token.revoke", "user", Itoa(u.ID), nil, map[string]any{"tokens": ids}, ""); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

func int64sToAny(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// CreateAPIToken returns the token secret, shown once. The token expires
// after ttl (qms.APITokenLifetime when 0). As CreateSession, it is refused
// when the user's password changed since Authenticate checked it.
func (s *Store) CreateAPIToken(ctx context.Context, userID int64, name string, ttl time.Duration) (string, *qms.APIToken, error) {
	if ttl < 0 {
		return "", nil, qms.FieldError("days", "Thời hạn của mã truy cập phải dương.")
	} else if ttl == 0 {
		ttl = qms.APITokenLifetime
	}
	secret, hash := qms.NewSecret("qms_")
	t := &qms.APIToken{UserID: userID, Name: strings.TrimSpace(name), Prefix: secret[:qms.TokenPrefixLength]}
	err := s.update(ctx, func(tx Tx) error {
		u, err := findOneUser(ctx, tx, s.cfg.InsertOrder, qms.UserFilter{ID: &userID})
		if err != nil {
			return err
		} else if u.Disabled {
			return qms.Errorf(qms.EINVALID, "Tài khoản %q đã bị khóa.", u.Username)
		}
		if err := qms.CheckAccountAction(tx.Actor(), u); err != nil {
			return err
		}
		if err := CheckPasswordUnchanged(ctx, tx, userID, s.cfg.ShareLock); err != nil {
			return err
		}
		now := tx.Now()
		expires := now.Add(ttl)
		t.Username, t.CreatedAt, t.ExpiresAt = u.Username, now, &expires
		if err := tx.QueryRow(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			userID, t.Name, hash, t.Prefix, FormatTime(t.CreatedAt), FormatTime(expires)).Scan(&t.ID); err != nil {
			return fmt.Errorf("insert token: %w", err)
		}
		return AuditAccount(ctx, tx, u, "token.create", "api_token", Itoa(t.ID), nil, t, "")
	})
	return secret, t, err
}

// FindUserByAPIToken returns EUNAUTHORIZED for an unknown, revoked or
// expired token or a disabled user. It reads the token every time: a
// revocation takes effect on the next request, on every server.
func (s *Store) FindUserByAPIToken(ctx context.Context, secret string) (*qms.User, error) {
	// The token, its user and the memberships in one statement: this runs
	// on every API request.
	want := qms.HashSecret(secret)
	rows, err := s.read().Query(ctx, `SELECT t.id, t.token_hash, t.expires_at, t.revoked_at, t.last_used_at, `+joinedUserColumns+
		` FROM api_tokens t`+joinUser("t.user_id")+` WHERE t.token_hash = ? ORDER BY m.`+s.cfg.InsertOrder, want)
	if err != nil {
		return nil, internalf(err, "find API token")
	}
	defer rows.Close()
	var id int64
	var hash string
	var expires, revoked, used *string
	u, err := scanJoinedUser(rows, &id, &hash, &expires, &revoked, &used)
	if err != nil {
		return nil, internalf(err, "find API token")
	}
	now := s.cfg.Now().UTC()
	// The row found must be the token presented: an index edited with the
	// file could lead to another's (outsider pass 19).
	if u == nil || hash != want || u.Disabled || revoked != nil || (expires != nil && !now.Before(ParseTime(*expires))) {
		return nil, qms.Errorf(qms.EUNAUTHORIZED, "Mã truy cập API không hợp lệ, đã hết hạn hoặc đã bị thu hồi.")
	}
	// last_used_at moves at most once a minute, like a session's idle clock.
	if used == nil || now.Sub(ParseTime(*used)) >= TouchEvery {
		if _, err := s.cfg.Write.Exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, FormatTime(now), id); err != nil {
			return nil, fmt.Errorf("token last use: %w", err)
		}
	}
	return u, nil
}
