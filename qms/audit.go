package qms

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// AuditEntry records one mutation: who did what to which object, with the
// object before and after. Entries form a SHA-256 hash chain: each hash
// covers the entry's fields and the hash before it, so altering, removing
// or reordering any entry breaks every hash from there on.
type AuditEntry struct {
	ID         int64           `json:"id"`
	At         time.Time       `json:"at"`
	Actor      string          `json:"actor"`
	AgencyCode string          `json:"agency"`
	Action     string          `json:"action"`
	ObjectType string          `json:"object_type"`
	ObjectID   string          `json:"object_id"`
	Before     json.RawMessage `json:"before,omitempty"`
	After      json.RawMessage `json:"after,omitempty"`
	Reason     string          `json:"reason,omitempty"`
	PrevHash   string          `json:"prev_hash"`
	Hash       string          `json:"hash"`
}

// GenesisHash is the PrevHash of the first entry.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// ComputeHash returns the hash of the entry over every field but Hash.
// Fields are length-prefixed so that no two entries share an encoding.
func (e *AuditEntry) ComputeHash() string {
	h := sha256.New()
	for _, f := range []string{
		strconv.FormatInt(e.ID, 10),
		e.At.UTC().Format(time.RFC3339Nano),
		e.Actor, e.AgencyCode, e.Action, e.ObjectType, e.ObjectID,
		string(e.Before), string(e.After), e.Reason, e.PrevHash,
	} {
		fmt.Fprintf(h, "%d:%s;", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ChainBreak says where and why a chain stopped verifying.
type ChainBreak struct {
	EntryID int64
	Reason  string
}

func (b *ChainBreak) Error() string {
	return fmt.Sprintf("audit chain broken at entry %d: %s", b.EntryID, b.Reason)
}

// ChainVerifier checks entries one at a time, in id order, so a caller can
// stream millions of entries without holding them.
type ChainVerifier struct {
	prevID   int64
	prevHash string
	n        int64
}

// NewChainVerifier starts a verification at the genesis.
func NewChainVerifier() *ChainVerifier { return &ChainVerifier{prevHash: GenesisHash} }

// Next checks one entry; it returns a *ChainBreak at the first bad one.
func (v *ChainVerifier) Next(e *AuditEntry) error {
	switch {
	case e.ID != v.prevID+1:
		return &ChainBreak{EntryID: v.prevID + 1, Reason: fmt.Sprintf("entry missing (next entry found is %d)", e.ID)}
	case e.PrevHash != v.prevHash:
		return &ChainBreak{EntryID: e.ID, Reason: "prev_hash does not match the hash of the entry before"}
	case e.ComputeHash() != e.Hash:
		return &ChainBreak{EntryID: e.ID, Reason: "content does not match its hash (entry altered)"}
	}
	v.prevID, v.prevHash, v.n = e.ID, e.Hash, v.n+1
	return nil
}

// Finish checks the end of the chain against the recorded head (last id
// and hash), which catches the removal of the newest entries.
func (v *ChainVerifier) Finish(headID int64, headHash string) (int64, error) {
	if headID != v.prevID || (headID > 0 && headHash != v.prevHash) {
		return v.n, &ChainBreak{EntryID: v.prevID + 1, Reason: fmt.Sprintf("chain ends at entry %d but the recorded head is entry %d", v.prevID, headID)}
	}
	return v.n, nil
}

// AuditFilter selects audit entries. Pointer fields mean "not set".
type AuditFilter struct {
	Within     *string // entries of this agency and the agencies under it
	Actor      *string
	Action     *string // prefix, e.g. "user." for every user action
	ObjectType *string
	ObjectID   *string
	From, To   *time.Time
	Offset     int
	Limit      int
}

// AuditService reads and verifies the trail. Entries are written by the
// store inside the transaction of each mutation, never through here.
type AuditService interface {
	FindAuditEntries(ctx context.Context, f AuditFilter) ([]*AuditEntry, int, error)
	// VerifyAuditChain returns the number of entries, or a *ChainBreak.
	VerifyAuditChain(ctx context.Context) (int64, error)
}

// AuditJSON marshals an object for Before/After, or nil for a nil object.
// Secrets must not reach it: types with passwords tag them json:"-".
func AuditJSON(v any) json.RawMessage {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage(strconv.Quote(err.Error()))
	}
	return b
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// ActionPrefix reports whether action belongs to a family such as "user.".
func ActionPrefix(action, prefix string) bool { return strings.HasPrefix(action, prefix) }
