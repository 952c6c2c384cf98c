package qms

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
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
	var b []byte
	for _, f := range fields {
		b = AppendRowField(b, f)
	}
	if len(e.Rows) > 0 {
		// The rows are one more field: their encodings, length-prefixed
		// as a whole. An upgrade's baseline entry records 10,000 rows:
		// they go to the hash row by row, their length counted first,
		// rather than through a copy of them all.
		n := 0
		for _, r := range e.Rows {
			n += fieldLen(r.Table) + fieldLen(r.Key) + fieldLen(r.Hash)
			if r.Before != nil {
				n += fieldLen(beforeMark + *r.Before)
			}
		}
		b = append(strconv.AppendInt(b, int64(n), 10), ':')
		for _, r := range e.Rows {
			b = AppendRowField(AppendRowField(AppendRowField(b, r.Table), r.Key), r.Hash)
			if r.Before != nil {
				b = AppendRowField(b, beforeMark+*r.Before)
			}
			if len(b) > 4096 {
				h.Write(b)
				b = b[:0]
			}
		}
		b = append(b, ';')
	}
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

// RowState is the state of one security-relevant row: its table, its key
// (a JSON array of the key columns) and the hash of the columns that
// decide who may do what. An empty Hash records that the row was deleted.
type RowState struct {
	Table string `json:"table"`
	Key   string `json:"key"`
	Hash  string `json:"hash"`
	// Before is the hash of the row's state before the entry's
	// transaction wrote it ("" when it did not exist), which must be the
	// state the trail recorded last: a row changed with the file and then
	// written by the application would otherwise have its changed
	// columns recorded as the application's (outsider pass 15). Nil in
	// entries written before it was kept.
	Before *string `json:"before,omitempty"`
}

// HashRowState hashes a row's security-relevant column values (nil for
// NULL), with its table and key, length-prefixed like ComputeHash.
func HashRowState(table, key string, values []*string) string {
	b := make([]byte, 0, 256)
	for _, v := range values {
		if v == nil {
			b = append(b, "N;"...)
			continue
		}
		b = AppendRowField(b, *v)
	}
	return HashEncodedRow(table, key, b)
}

// StateBeforeUnlisted is a row's Before when no trigger listed its state
// before the transaction: no recorded state is it, so verification names
// the row.
const StateBeforeUnlisted = "unlisted"

// beforeMark starts a row's Before in the entry's hash, which no table
// name does: entries without it hash as they always did.
const beforeMark = "before="

// fieldLen is the length of v as AppendRowField writes it.
func fieldLen(v string) int {
	digits := 1
	for n := len(v); n >= 10; n /= 10 {
		digits++
	}
	return digits + 1 + len(v) + 1
}

// AppendRowField appends one value of a row's state as HashRowState
// writes it: its length in bytes, a colon, the value and a semicolon (a
// NULL is "N;"). A store may render a row's state so in SQL and pass it
// to HashEncodedRow whole, instead of reading each column.
func AppendRowField(b []byte, v string) []byte {
	b = strconv.AppendInt(b, int64(len(v)), 10)
	b = append(b, ':')
	b = append(b, v...)
	return append(b, ';')
}

// HashEncodedRow is HashRowState of a state already encoded value by
// value (AppendRowField).
func HashEncodedRow(table, key string, state []byte) string {
	h := sha256.New()
	head := make([]byte, 0, 64)
	head = AppendRowField(AppendRowField(head, table), key)
	h.Write(head)
	h.Write(state)
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
// newest recorded state of each row. A province's trail records a
// million dossiers: a row keyed by one number ("[12]", as the triggers
// write it) keeps its state as the first 16 bytes of its hash in a map
// without pointers, which the collector does not scan; a forged row
// would have to match 128 bits of SHA-256. Other keys, and a hash that
// is not one, are kept as written.
type RowStates struct {
	byID  map[string]map[int64]rowDigest
	other map[[2]string]string
	// only, when set, are the tables kept: a verification that leaves
	// the bulk ones out need not hold their states.
	only map[string]bool
}

// rowDigest is a recorded hash cut to 16 bytes; zero is a row recorded
// as gone.
type rowDigest [16]byte

// NewRowStates is an empty RowStates that keeps the states of tables,
// or of every table when none is named.
func NewRowStates(tables ...string) *RowStates {
	s := &RowStates{byID: map[string]map[int64]rowDigest{}, other: map[[2]string]string{}}
	if len(tables) > 0 {
		s.only = map[string]bool{}
		for _, t := range tables {
			s.only[t] = true
		}
	}
	return s
}

// Record takes the rows of the next entry.
func (s *RowStates) Record(e *AuditEntry) {
	for _, r := range e.Rows {
		s.put(r.Table, r.Key, r.Hash)
	}
}

func (s *RowStates) put(table, key, hash string) {
	if s.only != nil && !s.only[table] {
		return
	}
	id, ok := numericKey(key)
	d, okHash := digestOf(hash)
	if !ok || !okHash {
		s.other[[2]string{table, key}] = hash
		return
	}
	m := s.byID[table]
	if m == nil {
		m = map[int64]rowDigest{}
		s.byID[table] = m
	}
	// A row recorded by number last is the one to compare, whatever was
	// recorded of it as written before.
	delete(s.other, [2]string{table, key})
	m[id] = d
}

// Matches says whether the trail recorded the row as existing, and if
// so whether hash is the state it recorded last.
func (s *RowStates) Matches(table, key, hash string) (recorded, same bool) {
	if want, ok := s.other[[2]string{table, key}]; ok {
		return want != "", want == hash
	}
	id, ok := numericKey(key)
	if !ok {
		return false, false
	}
	want, ok := s.byID[table][id]
	if !ok || want == (rowDigest{}) {
		return false, false
	}
	got, _ := digestOf(hash)
	return true, got == want
}

// Keeps says whether s keeps table's states.
func (s *RowStates) Keeps(table string) bool { return s.only == nil || s.only[table] }

// Continues says whether each row of e whose state before e was kept
// (RowState.Before) was then the state s recorded last ("" for a row
// not there), and returns those that were not, each changed outside the
// application before e wrote it. Call it before Record(e).
func (s *RowStates) Continues(e *AuditEntry) []RowChange {
	var out []RowChange
	for _, r := range e.Rows {
		if r.Before == nil || !s.Keeps(r.Table) {
			continue
		}
		was, same := s.Matches(r.Table, r.Key, *r.Before)
		if (*r.Before == "" && !was) || (*r.Before != "" && was && same) {
			continue
		}
		out = append(out, RowChange{Table: r.Table, Key: r.Key, Change: RowAltered,
			Label: fmt.Sprintf("trước khi ứng dụng ghi mục nhật ký %d", e.ID)})
	}
	return out
}

// Covers says whether the trail recorded any row of table, existing or
// gone: an upgrade that would vouch for its rows as found has run before.
func (s *RowStates) Covers(table string) bool {
	if len(s.byID[table]) > 0 {
		return true
	}
	for k := range s.other {
		if k[0] == table {
			return true
		}
	}
	return false
}

// Forget takes a row out, once compared.
func (s *RowStates) Forget(table, key string) {
	delete(s.other, [2]string{table, key})
	if id, ok := numericKey(key); ok {
		delete(s.byID[table], id)
	}
}

// Existing lists the keys of table's rows recorded as existing and not
// forgotten, sorted.
func (s *RowStates) Existing(table string) []string {
	var out []string
	for k, hash := range s.other {
		if k[0] == table && hash != "" {
			out = append(out, k[1])
		}
	}
	for id, d := range s.byID[table] {
		if d != (rowDigest{}) {
			out = append(out, "["+strconv.FormatInt(id, 10)+"]")
		}
	}
	sort.Strings(out)
	return out
}

// numericKey reads a key of one number as the triggers write it
// (json_array(id)), only in its one spelling, so that the key it reads
// back is the same.
func numericKey(key string) (int64, bool) {
	if len(key) < 3 || key[0] != '[' || key[len(key)-1] != ']' {
		return 0, false
	}
	id, err := strconv.ParseInt(key[1:len(key)-1], 10, 64)
	if err != nil || "["+strconv.FormatInt(id, 10)+"]" != key {
		return 0, false
	}
	return id, true
}

// digestOf cuts a recorded hash to its rowDigest; "" (recorded as gone)
// is zero. ok is false for anything else that is not a SHA-256 in hex.
func digestOf(hash string) (d rowDigest, ok bool) {
	if hash == "" {
		return d, true
	}
	if len(hash) != 64 {
		return d, false
	}
	if _, err := hex.Decode(d[:], []byte(hash[:32])); err != nil {
		return d, false
	}
	if _, err := hex.DecodeString(hash[32:]); err != nil {
		return d, false
	}
	return d, d != rowDigest{}
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

// ParseRowStates reads an entry's row states as AuditJSON wrote them,
// as encoding/json would. A province's trail holds a million of them (an
// upgrade's baseline entries record every dossier), which every
// verification reads: the shape AuditJSON writes — the three fields in
// order, no space, no escape — is read directly, anything else through
// encoding/json.
// The states read share data's memory.
func ParseRowStates(data string) ([]RowState, error) {
	if out, ok := parsePlainRowStates(data); ok {
		return out, nil
	}
	var out []RowState
	err := json.Unmarshal([]byte(data), &out)
	return out, err
}

func parsePlainRowStates(data string) ([]RowState, bool) {
	const open, key, hash, before, end = `{"table":"`, `","key":"`, `","hash":"`, `","before":"`, `"}`
	// Without a backslash every quote is the end of a value; valid UTF-8
	// without control characters reads as encoding/json reads it.
	if len(data) < 2 || data[0] != '[' || data[len(data)-1] != ']' || !utf8.ValidString(data) {
		return nil, false
	}
	for i := 0; i < len(data); i++ {
		if c := data[i]; c == '\\' || c < 0x20 {
			return nil, false
		}
	}
	s := data[1 : len(data)-1]
	out := make([]RowState, 0, strings.Count(s, open))
	for len(s) > 0 {
		var r RowState
		var ok bool
		for _, f := range []struct {
			prefix string
			value  *string
		}{{open, &r.Table}, {key, &r.Key}, {hash, &r.Hash}} {
			if s, ok = strings.CutPrefix(s, f.prefix); !ok {
				return nil, false
			}
			i := strings.IndexByte(s, '"')
			if i < 0 {
				return nil, false
			}
			*f.value, s = s[:i], s[i:]
		}
		if rest, has := strings.CutPrefix(s, before); has {
			i := strings.IndexByte(rest, '"')
			if i < 0 {
				return nil, false
			}
			b := rest[:i]
			r.Before, s = &b, rest[i:]
		}
		if s, ok = strings.CutPrefix(s, end); !ok {
			return nil, false
		}
		out = append(out, r)
		if len(s) > 0 {
			if s, ok = strings.CutPrefix(s, ","); !ok || s == "" {
				return nil, false
			}
		}
	}
	return out, len(out) > 0
}
