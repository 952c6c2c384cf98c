package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"

	"github.com/jackc/pgx/v5"

	"isodt/qms"
)

// PutFile stores bytes by their SHA-256; storing the same bytes twice
// keeps one copy.
func (db *DB) PutFile(ctx context.Context, name, contentType string, data []byte) (qms.FileRef, error) {
	sum := sha256.Sum256(data)
	ref := qms.FileRef{SHA256: hex.EncodeToString(sum[:]), Name: name, ContentType: contentType, Size: int64(len(data))}
	err := db.update(ctx, func(tx *Tx) error {
		tag, err := tx.exec(ctx, `INSERT INTO blobs (sha256, content_type, size, data, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			ref.SHA256, contentType, ref.Size, data, formatTime(tx.now))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return nil
		}
		return tx.audit(ctx, "", "file.store", "file", ref.SHA256, nil, ref, "")
	})
	return ref, err
}

// GetFile returns the stored bytes of a hash.
func (db *DB) GetFile(ctx context.Context, sum string) ([]byte, qms.FileRef, error) {
	var data []byte
	ref := qms.FileRef{SHA256: sum}
	err := db.direct().queryRow(ctx, `SELECT content_type, size, data FROM blobs WHERE sha256 = ?`, sum).Scan(&ref.ContentType, &ref.Size, &data)
	if err == pgx.ErrNoRows {
		return nil, ref, qms.Errorf(qms.ENOTFOUND, "Không tìm thấy tệp.")
	}
	return data, ref, err
}
