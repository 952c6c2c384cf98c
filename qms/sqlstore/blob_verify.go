package sqlstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sort"

	"isodt/qms"
)

// storedFiles collects, from the trail as VerifyTrail streams it, the
// files the application stored (file.store entries name each by its
// SHA-256): the ones whose loss is a deletion outside the application.
type storedFiles map[string]bool

func (s storedFiles) record(e *qms.AuditEntry) {
	if e.Action == "file.store" && e.ObjectType == "file" {
		s[e.ObjectID] = true
	}
}

// CompareFiles checks every stored file against the SHA-256 it is stored
// and referenced by: the evidence of a step (a leader's signed step's
// included, whose signature covers the hashes its record names) and a
// declaration's signed decision are served by that hash, so bytes
// replaced with the file are content the signer never saw (outsider pass
// 12). A file the trail recorded storing that is gone was deleted.
func CompareFiles(ctx context.Context, q Querier, stored storedFiles) ([]qms.RowChange, error) {
	rows, err := q.Query(ctx, `SELECT sha256, size, data FROM blobs ORDER BY sha256`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []qms.RowChange
	live := map[string]bool{}
	for rows.Next() {
		var key string
		var size int64
		var data []byte
		if err := rows.Scan(&key, &size, &data); err != nil {
			return nil, err
		}
		live[key] = true
		if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != key || int64(len(data)) != size {
			out = append(out, qms.RowChange{Table: "blobs", Key: key, Label: "tệp có nội dung không khớp mã SHA-256 của nó", Change: qms.RowAltered})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var gone []string
	for key := range stored {
		if !live[key] {
			gone = append(gone, key)
		}
	}
	sort.Strings(gone)
	for _, key := range gone {
		out = append(out, qms.RowChange{Table: "blobs", Key: key, Label: "tệp đã lưu", Change: qms.RowDeleted})
	}
	return out, nil
}
