package sqlstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"isodt/qms"
)

// The rule for a record sent twice (qms.RepeatWindow), the same for every
// record it covers, in the write transaction that makes the record:
//
//	sent, err := firstSend(ctx, tx, agency, "risk", r.Kind, r.ProcedureID, r.Description)
//	if err != nil {
//		return err // qms.SentTwice, naming the first
//	}
//	… insert the record and audit it …
//	return sent.keep(ctx, tx, "mục "+r.Code)
//
// Writes take turns on both stores, so a second click racing the first
// finds it kept. Only a digest of the content is kept, not the content,
// and rows past the window are deleted as new ones come: nothing but
// firstSend reads sent_records.

// send is a record about to be made, as the rule knows it.
type send struct{ kind, digest string }

// firstSend refuses (qms.SentTwice, naming the first) a record of kind in
// agency whose content the actor of tx sent within qms.RepeatWindow;
// otherwise it returns the send to keep once the record is made. content
// is what says which record it is, in a fixed order per kind.
func firstSend(ctx context.Context, tx Tx, agency, kind string, content ...any) (send, error) {
	for i, c := range content {
		if text, ok := c.(string); ok {
			content[i] = qms.TextKey(text) // a second space or capital is the same text
		}
	}
	b, err := json.Marshal(append([]any{kind, agency}, content...))
	if err != nil {
		return send{}, fmt.Errorf("digest of a %s: %w", kind, err)
	}
	sum := sha256.Sum256(b)
	s := send{kind: kind, digest: hex.EncodeToString(sum[:])}
	var first, at string
	if found, err := scanOne(tx.Query(ctx, `SELECT name, sent_at FROM sent_records WHERE username = ? AND digest = ? AND sent_at > ? ORDER BY sent_at DESC LIMIT 1`,
		tx.Actor().Username, s.digest, FormatTime(tx.Now().Add(-qms.RepeatWindow))))(&first, &at); err != nil {
		return send{}, fmt.Errorf("find a %s sent before: %w", kind, err)
	} else if found {
		return send{}, qms.SentTwice(first, ParseTime(at))
	}
	return s, nil
}

// keep remembers the record made for s under name, how a refusal of the
// same sent again names it ("phiếu NC-SVHTT-2026-001"), and forgets the
// sends past the window.
func (s send) keep(ctx context.Context, tx Tx, name string) error {
	now := tx.Now()
	if _, err := tx.Exec(ctx, `DELETE FROM sent_records WHERE sent_at <= ?`, FormatTime(now.Add(-qms.RepeatWindow))); err != nil {
		return fmt.Errorf("forget the records sent before: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO sent_records (username, digest, name, sent_at) VALUES (?, ?, ?, ?)`,
		tx.Actor().Username, s.digest, name, FormatTime(now)); err != nil {
		return fmt.Errorf("keep the %s sent: %w", s.kind, err)
	}
	return nil
}
