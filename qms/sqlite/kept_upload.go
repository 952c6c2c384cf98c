package sqlite

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"

	"isodt/qms"
)

// keptUpload is what the audit trail records of a kept file: never its
// bytes.
type keptUpload struct {
	Session string `json:"session"`
	Name    string `json:"name"`
	SHA256  string `json:"sha256"`
	Size    int    `json:"size"`
	Expires string `json:"expires_at"`
}

// KeepUpload stores data for session and the caller until
// qms.KeptUploadTTL has passed. In the same write it deletes the expired
// kept files and this session's older ones beyond
// qms.KeptUploadsPerSession, and refuses (ECONFLICT) when all kept files
// would exceed qms.MaxKeptUploadBytes.
func (db *DB) KeepUpload(ctx context.Context, session, name string, data []byte) (string, error) {
	if session == "" {
		return "", qms.Errorf(qms.EINVALID, "Chỉ giữ lại được tệp tải lên trong một phiên đăng nhập.")
	}
	b := make([]byte, 18)
	rand.Read(b)
	id := base64.RawURLEncoding.EncodeToString(b)
	sum := sha256.Sum256(data)
	err := db.update(ctx, func(tx *Tx) error {
		now := formatTime(tx.now)
		if _, err := tx.ExecContext(ctx, `DELETE FROM kept_uploads WHERE expires_at <= ?`, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM kept_uploads WHERE session_id = ? AND id NOT IN
			(SELECT id FROM kept_uploads WHERE session_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?)`,
			session, session, qms.KeptUploadsPerSession-1); err != nil {
			return err
		}
		var total int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(size), 0) FROM kept_uploads`).Scan(&total); err != nil {
			return err
		}
		if total+int64(len(data)) > qms.MaxKeptUploadBytes {
			return qms.Errorf(qms.ECONFLICT, "Máy chủ đang giữ quá nhiều tệp chờ chọn (tối đa %d MiB): hãy chọn lại tệp.", qms.MaxKeptUploadBytes>>20)
		}
		k := keptUpload{Session: session, Name: name, SHA256: hex.EncodeToString(sum[:]), Size: len(data), Expires: formatTime(tx.now.Add(qms.KeptUploadTTL))}
		if _, err := tx.ExecContext(ctx, `INSERT INTO kept_uploads (id, session_id, user_id, name, sha256, size, data, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, session, tx.actor.UserID, name, k.SHA256, k.Size, data, now, k.Expires); err != nil {
			return err
		}
		return tx.audit(ctx, "", "upload.keep", "kept_upload", id, nil, k, "")
	})
	if err != nil {
		return "", err
	}
	return id, nil
}

// KeptUpload returns the bytes kept under id for session, when the caller
// is the user who kept them and they have not expired.
func (db *DB) KeptUpload(ctx context.Context, session, id string) ([]byte, error) {
	actor, _ := qms.ActorFrom(ctx)
	var data []byte
	err := db.read.QueryRowContext(ctx, `SELECT data FROM kept_uploads WHERE id = ? AND session_id = ? AND user_id = ? AND expires_at > ?`,
		id, session, actor.UserID, formatTime(db.now())).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, qms.Errorf(qms.ENOTFOUND, "Tệp đã tải lên không còn được giữ (quá %d phút hoặc thuộc phiên đăng nhập khác): hãy chọn lại tệp.", int(qms.KeptUploadTTL.Minutes()))
	}
	return data, err
}
