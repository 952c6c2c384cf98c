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
	// Rows is the state, as the entry left it, of each security-relevant
	// row (user, membership, policy rule, API token) its mutation wrote:
	// verification compares the live rows with the newest state recorded.
	Rows     []RowState `json:"rows,omitempty"`
	PrevHash string     `json:"prev_hash"`
	Hash     string     `json:"hash"`
	// Deidentified says the entry is shown without what it was written
	// with that identified a citizen (DeidentifySurveyEntry): its Hash is
	// that of the entry as written, which `qms audit verify` checks in
	// the database. Not part of the hash.
	Deidentified bool `json:"deidentified,omitempty"`
	// Redacted says the entry is shown without what its reader may not
	// read (RedactAccountEntry); Hash is that of the entry as written.
	// Not part of the hash.
	Redacted bool `json:"redacted,omitempty"`
	// MergedInto names, when the entry's agency has merged, the agency it
	// merged into: the entry is a predecessor's history (AuditReach). Not
	// part of the hash.
	MergedInto string `json:"merged_into,omitempty"`
}

// GenesisHash is the PrevHash of the first entry.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// ComputeHash returns the hash of the entry over every field but Hash.
// Fields are length-prefixed so that no two entries share an encoding.
// Rows join the encoding only when there are some, so the entries written
// before rows were recorded keep their hashes.
func (e *AuditEntry) ComputeHash() string {
	h := sha256.New()
	fields := []string{
		strconv.FormatInt(e.ID, 10),
		e.At.UTC().Format(time.RFC3339Nano),
		e.Actor, e.AgencyCode, e.Action, e.ObjectType, e.ObjectID,
		string(e.Before), string(e.After), e.Reason, e.PrevHash,
	}
	if len(e.Rows) > 0 {
		var rows strings.Builder
		for _, r := range e.Rows {
			for _, f := range []string{r.Table, r.Key, r.Hash} {
				fmt.Fprintf(&rows, "%d:%s;", len(f), f)
			}
		}
		fields = append(fields, rows.String())
	}
	for _, f := range fields {
		fmt.Fprintf(h, "%d:%s;", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// RowState is the state of one security-relevant row: its table, its key
// (a JSON array of the key columns) and the hash of the columns that
// decide who may do what. An empty Hash records that the row was deleted.
type RowState struct {
	Table string `json:"table"`
	Key   string `json:"key"`
	Hash  string `json:"hash"`
}

// HashRowState hashes a row's security-relevant column values (nil for
// NULL), with its table and key, length-prefixed like ComputeHash.
func HashRowState(table, key string, values []*string) string {
	h := sha256.New()
	for _, f := range []string{table, key} {
		fmt.Fprintf(h, "%d:%s;", len(f), f)
	}
	for _, v := range values {
		if v == nil {
			fmt.Fprint(h, "N;")
			continue
		}
		fmt.Fprintf(h, "%d:%s;", len(*v), *v)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// RowChange names a security-relevant row whose live state is not the
// state the audit trail last recorded of it: it was written outside the
// application.
type RowChange struct {
	Table string `json:"table"`
	Key   string `json:"key"`
	// Label says which row it is in words (the username, the role…),
	// when the row still exists.
	Label  string `json:"label,omitempty"`
	Change string `json:"change"` // RowAdded, RowAltered or RowDeleted
}

// Kinds of RowChange.
const (
	RowAdded   = "added"
	RowAltered = "altered"
	RowDeleted = "deleted"
)

func (c RowChange) String() string {
	s := fmt.Sprintf("row %s outside the application: %s %s", c.Change, c.Table, c.Key)
	if c.Label != "" {
		s += " (" + c.Label + ")"
	}
	return s
}

// RowsTampered is the verification error for security-relevant rows that
// do not match the audit trail.
type RowsTampered struct {
	Rows []RowChange
}

func (e *RowsTampered) Error() string {
	lines := make([]string, len(e.Rows))
	for i, c := range e.Rows {
		lines[i] = c.String()
	}
	return strings.Join(lines, "\n")
}

// RowStates folds the Rows of a verified chain, oldest first, into the
// newest recorded state of each row.
type RowStates map[[2]string]string

// Record takes the rows of the next entry.
func (s RowStates) Record(e *AuditEntry) {
	for _, r := range e.Rows {
		s[[2]string{r.Table, r.Key}] = r.Hash
	}
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
	// signed holds the checkpoints to find in the chain, by entry id.
	signed map[int64][]Checkpoint
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
	for _, c := range v.signed[e.ID] {
		if c.Hash != e.Hash {
			return &ChainBreak{EntryID: e.ID, Reason: fmt.Sprintf("hash differs from the head signed at %s: the trail up to this entry was rewritten",
				c.At.UTC().Format(time.RFC3339))}
		}
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
	var lost *Checkpoint
	for id, cs := range v.signed {
		if id > v.prevID && (lost == nil || id < lost.ID) {
			lost = &cs[0]
		}
	}
	if lost != nil {
		return v.n, &ChainBreak{EntryID: v.prevID + 1, Reason: fmt.Sprintf("chain ends at entry %d but entry %d was signed at %s: entries were removed",
			v.prevID, lost.ID, lost.At.UTC().Format(time.RFC3339))}
	}
	return v.n, nil
}

// Expect makes the verification also find each checkpoint's entry, with
// the signed hash, in the chain. Signatures are checked by the caller.
func (v *ChainVerifier) Expect(cs []Checkpoint) {
	if v.signed == nil {
		v.signed = map[int64][]Checkpoint{}
	}
	for _, c := range cs {
		if c.ID > 0 {
			v.signed[c.ID] = append(v.signed[c.ID], c)
		}
	}
}

// AuditVerification is what a verification of the trail found: the
// number of entries, the head it ends at and how many signed checkpoints
// were found in it.
type AuditVerification struct {
	Entries     int64  `json:"entries"`
	HeadID      int64  `json:"head_id"`
	HeadHash    string `json:"head_hash"`
	Checkpoints int    `json:"checkpoints"`
}

// AuditFilter selects audit entries. Pointer fields mean "not set".
type AuditFilter struct {
	Within *string // entries of this agency and the agencies under it
	// Also: with Within, the entries of these agencies as well (those
	// merged into one of Within's, AuditReach).
	Also       []string
	Agency     *string // entries of this agency only
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
	// VerifyAuditChain returns the number of entries, or a *ChainBreak,
	// or a *RowsTampered when security-relevant rows differ from the
	// state the trail recorded of them.
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
