package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"isodt/qms"
)

// SignedContentVersion is the newest reading of what a signature covers.
// A signature keeps the version it was made at (signatures.
// content_version) and is checked at it: a column signed from a version
// on leaves the hash of what was signed before as it was.
//
//  1. migration 0036 (SQLite), 0015 (PostgreSQL): the columns a record
//     had when signatures began.
//  2. migration 0055 (SQLite), 0032 (PostgreSQL): the columns that
//     carried trust without being signed: who raised a nonconformity and
//     when, who recorded a corrective action done (done_by, 0052), an
//     audit question's source, and a dossier step's responsible role,
//     its times opened and due and the delegation it was completed on.
//  3. migrations 0056 and 0058 (SQLite), 0033 and 0035 (PostgreSQL): a
//     dossier step's actor's and delegator's full names as they read when
//     it was recorded, and what says which dossier it decides: the
//     dossier's code, procedure (with the catalogue's name, time limit
//     and fee as they read at receipt), applicant, receipt time and
//     channel.
const SignedContentVersion = 3

// contentColumn is a signed column and the SignedContentVersion that
// started signing it.
type contentColumn struct {
	name  string
	since int
}

// signedFrom lists columns signed from version since on.
func signedFrom(since int, names ...string) []contentColumn {
	out := make([]contentColumn, len(names))
	for i, n := range names {
		out[i] = contentColumn{n, since}
	}
	return out
}

// signedContent names, per signed object type, the content a signature
// covers: what may not change once signed. The same reading makes the
// hash at signing time and checks it later (FindSignatures, the rule
// SIGNATURE_BROKEN), so a record changed behind the store's back shows
// up. Every column of the record's table (and of its items') is decided:
// signed, or unsigned with the reason (TestSignedColumnsDecided).
type signedContent struct {
	// table and columns: the record's signed columns, by id, in the order
	// they are hashed (a column signed later goes last).
	table   string
	columns []contentColumn
	// items, when set, are the rows of the record's items (itemKey names
	// the record), in id order, signed with it.
	items, itemKey string
	itemColumns    []contentColumn
	// agency is the agency the record belongs to now (a merger may have
	// moved it), SQL over the record's row as r.
	agency string
	// unsigned and itemsUnsigned are the other columns of the record and
	// of its items, each with why its change is no change of what was
	// signed.
	unsigned, itemsUnsigned map[string]string
	// refIsID: the record's audit entries name it by its id (the
	// signature.sign entry's object_id), so a finding on it deleted can be
	// its agency's.
	refIsID bool
	// parent, when set, is the record the signed one belongs to, whose
	// columns say what the signature is on (a dossier step's dossier:
	// whose application, for which procedure), signed with it.
	parent *signedParent
}

// signedParent is the record a signed record belongs to: its table, the
// signed record's column holding its id, its signed columns (hashed
// after the record's) and its other columns with the reason.
type signedParent struct {
	table, key string
	columns    []contentColumn
	unsigned   map[string]string
}

// allColumns are the record's signed columns, then its parent's, in the
// order they are hashed.
func (c signedContent) allColumns() []contentColumn {
	if c.parent == nil {
		return c.columns
	}
	return slices.Concat(c.columns, c.parent.columns)
}

// selectList selects allColumns from the record as r and its parent as p.
func (c signedContent) selectList() string {
	out := "r." + strings.Join(names(c.columns), ", r.")
	if c.parent != nil {
		out += ", p." + strings.Join(names(c.parent.columns), ", p.")
	}
	return out
}

// joins joins the record r to its parent p: a parent that is gone reads
// as nulls, which hash to nothing signed.
func (c signedContent) joins() string {
	if c.parent == nil {
		return ""
	}
	return ` LEFT JOIN ` + c.parent.table + ` p ON p.id = r.` + c.parent.key
}

// versionUnsigned are a version's columns the transitions write between
// the drafting and the approving signature, which sign one content.
var versionUnsigned = map[string]string{
	"status":       "moves on after the approval (superseded, withdrawn): the signature is of the content, not of its life",
	"author_id":    "written by the transitions between the drafting and the approving signature, which sign one content; the signatures name their signers",
	"author":       "see author_id",
	"submitted_at": "see author_id; the drafting signature has its time",
	"approver_id":  "see author_id",
	"approver":     "see author_id",
	"approved_at":  "see author_id; the approving signature has its time",
	"effective_on": "set at the approval, after the drafting signature; the version's status and the audit trail keep it",
	"reason":       "the reason of the last transition (a draft sent back)",
	"created_at":   "when the draft was begun",
	"updated_at":   "moves with every write of the row",
}

var signedContents = map[string]signedContent{
	qms.SignedProcedureVersion: {table: "procedure_versions", columns: signedFrom(1, "procedure_id", "number", "content_json"),
		agency: `(SELECT agency_code FROM procedures WHERE id = r.procedure_id)`, unsigned: versionUnsigned},
	qms.SignedFormVersion: {table: "form_versions", columns: signedFrom(1, "form_id", "number", "schema_json", "template_json", "change_summary"),
		agency: `(SELECT agency_code FROM forms WHERE id = r.form_id)`, unsigned: versionUnsigned},
	qms.SignedNonconformity: {table: "nonconformities",
		columns: append(signedFrom(1, "code", "source", "source_ref", "description", "correction", "root_cause", "status", "verdict",
			"verified_by", "verified_at", "closed_at", "close_reason"), signedFrom(2, "created_by", "created_at")...),
		items: "corrective_actions", itemKey: "nc_id",
		itemColumns: append(signedFrom(1, "id", "description", "owner", "due_on", "done_at", "result"), signedFrom(2, "done_by")...),
		agency:      `r.agency_code`,
		unsigned: map[string]string{
			"agency_code":       "moves with a merger",
			"finding_duplicate": "marks a second nonconformity raised on one finding, for the index of open ones: decides nothing once closed",
		}},
	qms.SignedAuditReport: {table: "audit_plans", refIsID: true,
		columns: signedFrom(1, "title", "scope_json", "start_on", "end_on", "status", "summary", "conclusion", "reported_at"),
		items:   "audit_items", itemKey: "plan_id",
		itemColumns: append(signedFrom(1, "id", "clause", "question", "result", "evidence", "note"), signedFrom(2, "source")...),
		agency:      `r.agency_code`,
		unsigned: map[string]string{
			"programme_id": "the programme the plan is filed under, not what the auditor found",
			"agency_code":  "moves with a merger",
		},
		itemsUnsigned: map[string]string{"suggestions_json": "hints the checklist offered the auditor, not what the auditor found"}},
	qms.SignedDossierStep: {table: "dossier_steps", refIsID: true,
		columns: slices.Concat(signedFrom(1, "dossier_id", "step_id", "step_name", "completed_at", "actor", "exit", "form_code", "form_version",
			"entry_json", "files_json", "note", "result"), signedFrom(2, "responsible", "opened_at", "due_at", "delegated_by", "delegation_reason"),
			signedFrom(3, "actor_name", "delegated_by_name")),
		agency:   `r.agency_code`,
		unsigned: map[string]string{"agency_code": "moves with its open dossier at a merger or a split"},
		// What the leader approved is this dossier: whose application, for
		// which procedure as the catalogue read at receipt, received when
		// and how. Changed, the signed decision would read as another's
		// (outsider pass 12).
		parent: &signedParent{table: "dossiers", key: "dossier_id",
			columns: signedFrom(3, "code", "tthc_code", "tthc_name", "tthc_time_limit_days", "tthc_fee", "applicant_json", "received_at", "channel"),
			unsigned: map[string]string{
				"agency_code":     "moves with an open dossier at a merger or a split",
				"procedure_id":    "the internal procedure the dossier follows: moves with it at a merger or a split; the step's own record names the step and its role",
				"version_number":  "see procedure_id",
				"due_at":          "moves with pauses and an apology's new appointment, after the signature",
				"status":          "moves on after the signature, to the return",
				"result":          "set when the dossier is returned, after the signature",
				"returned_at":     "see result",
				"new_appointment": "see due_at",
				"flow_json":       "the open steps: moves with every step",
				"note":            "the dossier's running note, written at later steps",
				"updated_at":      "moves with every write of the row",
				"survey_key":      "the citizen's key to the survey, not what was decided",
				"steps_digest":    "the digest of the step records, which moves with every step after the signature; the signed step covers its own record",
				"agency_name":     "the agency's name the receipt slip printed, not what the leader decides (the dossier is the agency's by code)",
			}}},
}

// SignedObjectTypes are the object types a signature can be on, in order.
func SignedObjectTypes() []string {
	out := make([]string, 0, len(signedContents))
	for t := range signedContents {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// SignedTable is a table signed content is read from: its key, its
// signed columns and its unsigned ones with the reason.
type SignedTable struct {
	Table    string
	Key      string
	Signed   []string
	Unsigned map[string]string
}

// SignedTables lists the tables of every signed object type and of its
// items.
func SignedTables() []SignedTable {
	var out []SignedTable
	for _, t := range SignedObjectTypes() {
		c := signedContents[t]
		out = append(out, SignedTable{Table: c.table, Key: "id", Signed: names(c.columns), Unsigned: c.unsigned})
		if c.parent != nil {
			out = append(out, SignedTable{Table: c.parent.table, Key: "id", Signed: names(c.parent.columns), Unsigned: c.parent.unsigned})
		}
		if c.items != "" {
			out = append(out, SignedTable{Table: c.items, Key: c.itemKey, Signed: names(c.itemColumns), Unsigned: c.itemsUnsigned})
		}
	}
	return out
}

func names(cols []contentColumn) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.name
	}
	return out
}

// SignedContentHash is the hash of the signed content of one record as
// version reads it, "" when the record is gone.
//
// The content is the JSON array the SQLite store first hashed with
// json_array (its items as one more element: the text of their own array
// of arrays), written here byte for byte as SQLite writes it, so that the
// signatures made before this was shared still check.
func SignedContentHash(ctx context.Context, q Querier, objectType string, id int64, version int) (string, error) {
	c, ok := signedContents[objectType]
	if !ok {
		return "", fmt.Errorf("sign: unknown object type %q", objectType)
	}
	vals, dest := c.values()
	found, err := scanOne(q.Query(ctx, `SELECT `+c.selectList()+` FROM `+c.table+` r`+c.joins()+` WHERE r.id = ?`, id))(dest...)
	if err != nil {
		return "", fmt.Errorf("sign %s %d: %w", objectType, id, err)
	} else if !found {
		return "", nil
	}
	var items []byte
	if c.items != "" {
		if items, err = signedItems(ctx, q, c, id, version); err != nil {
			return "", fmt.Errorf("sign %s %d: %w", objectType, id, err)
		}
	}
	h, err := c.hash(vals, items, version)
	if err != nil {
		return "", fmt.Errorf("sign %s %d: %w", objectType, id, err)
	}
	return h, nil
}

// values makes the destinations a row of the record's columns scans into.
func (c signedContent) values() (vals, dest []any) {
	n := len(c.allColumns())
	vals, dest = make([]any, n), make([]any, n)
	for i := range vals {
		dest[i] = &vals[i]
	}
	return vals, dest
}

// at keeps the values of the columns version signs.
func at(cols []contentColumn, vals []any, version int) []any {
	out := make([]any, 0, len(vals))
	for i, v := range vals {
		if cols[i].since <= version {
			out = append(out, v)
		}
	}
	return out
}

// hash is the hash of the signed content as version reads it: the
// record's column values, then, for a record with items, the JSON text
// of its items (signedItems, at the same version). A version this
// release does not know hashes to nothing that matches.
func (c signedContent) hash(vals []any, items []byte, version int) (string, error) {
	if version < 1 || version > SignedContentVersion {
		return "", nil
	}
	content, err := appendJSONArray(nil, at(c.allColumns(), vals, version))
	if err != nil {
		return "", err
	}
	if c.items != "" {
		content = appendJSONString(append(content[:len(content)-1], ','), string(items))
		content = append(content, ']')
	}
	return qms.ContentHash(content), nil
}

// signedItems is the JSON array of the arrays of a record's items as
// version reads them.
func signedItems(ctx context.Context, q Querier, c signedContent, id int64, version int) ([]byte, error) {
	rows, err := q.Query(ctx, `SELECT `+strings.Join(names(c.itemColumns), ", ")+` FROM `+c.items+` WHERE `+c.itemKey+` = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	n := len(c.itemColumns)
	out := []byte{'['}
	for rows.Next() {
		vals := make([]any, n)
		dest := make([]any, n)
		for i := range vals {
			dest[i] = &vals[i]
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		if len(out) > 1 {
			out = append(out, ',')
		}
		if out, err = appendJSONArray(out, at(c.itemColumns, vals, version)); err != nil {
			return nil, err
		}
	}
	return append(out, ']'), rows.Err()
}
