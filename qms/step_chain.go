package qms

import (
	"crypto/sha256"
	"encoding/hex"
)

// ChainStepRecord is a dossier's digest of its step records after one
// more: the SHA-256 of the digest before and the record's values, each
// written as AppendRowField writes it (a NULL "N;"). The first record
// chains from "". The dossier row keeps the digest, and the audit trail
// vouches for the dossier row (its steps_digest column): a step record
// deleted, changed or slipped in with the database file no longer chains
// to it.
func ChainStepRecord(before string, values []*string) string {
	b := AppendRowField(make([]byte, 0, 512), before)
	for _, v := range values {
		if v == nil {
			b = append(b, "N;"...)
			continue
		}
		b = AppendRowField(b, *v)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
