package sqlstore

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"isodt/qms"
)

// The tables RowStateVersion 3 starts covering (agencies, step
// delegations, version contributors, removed policy rules) have no row
// state in the trail before it. At the upgrade, each row is recorded only
// if the entries the application wrote with it say it is so, as
// SignaturesAsSigned does for signatures; a row written or changed with
// the file alone before the upgrade is not, and verification names it.

// trustRowsAsAudited lists the rows of the tables version 3 covers that
// the trail vouches for.
func trustRowsAsAudited(ctx context.Context, q Querier) ([][2]string, error) {
	var out [][2]string
	for _, vouch := range []func(context.Context, Querier) ([][2]string, error){
		AgenciesAsAudited, DelegationsAsAudited, ContributorsAsAudited, RemovedRulesAsAudited,
	} {
		keys, err := vouch(ctx, q)
		if err != nil {
			return nil, err
		}
		out = append(out, keys...)
	}
	return out, nil
}

// rowKey renders a key as the triggers write it (SQLite's json_array,
// PostgreSQL's note_row_change): a JSON array without spaces.
func rowKey(vals ...any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(vals)
	return strings.TrimSuffix(b.String(), "\n")
}

// sameTime compares two times kept by FormatTime ("" for none).
func sameTime(a, b string) bool {
	if a == "" || b == "" {
		return a == b
	}
	return ParseTime(a).Equal(ParseTime(b))
}

// auditedAgency is an agency as the trail last wrote it.
type auditedAgency struct {
	name, parent string
	kind         *string // nil: written before agencies had a kind (0029 set it from the name)
	mergedInto   string
	mergedAt     string
}

// AgenciesAsAudited lists the agencies whose row is the agency as the
// trail last wrote it: its agency.create or agency.update entry (code,
// name, parent, kind), then the merges after it (agency.merge.from: a
// predecessor marked merged into its successor at the entry's time, and
// the agencies under it moved under the successor).
func AgenciesAsAudited(ctx context.Context, q Querier) ([][2]string, error) {
	rows, err := q.Query(ctx, `SELECT action, object_id, at, COALESCE(after_json, '') FROM audit_log
		WHERE object_type = 'agency' AND action IN ('agency.create', 'agency.update', 'agency.merge.from') ORDER BY id`)
	if err != nil {
		return nil, err
	}
	state := map[string]*auditedAgency{}
	for rows.Next() {
		var action, object, at, after string
		if err := rows.Scan(&action, &object, &at, &after); err != nil {
			rows.Close()
			return nil, err
		}
		switch action {
		case "agency.merge.from":
			var rep struct {
				Plan struct {
					Into string `json:"into"`
				} `json:"plan"`
			}
			if json.Unmarshal([]byte(after), &rep) != nil || rep.Plan.Into == "" {
				continue
			}
			if a := state[object]; a != nil {
				a.mergedInto, a.mergedAt = rep.Plan.Into, at
			}
			for code, a := range state {
				if a.parent == object && code != rep.Plan.Into {
					a.parent = rep.Plan.Into
				}
			}
		default:
			var a struct {
				Code       string     `json:"code"`
				Name       string     `json:"name"`
				ParentCode string     `json:"parent_code"`
				Kind       *string    `json:"kind"`
				MergedInto string     `json:"merged_into"`
				MergedAt   *time.Time `json:"merged_at"`
			}
			if json.Unmarshal([]byte(after), &a) != nil || a.Code == "" {
				continue
			}
			s := &auditedAgency{name: a.Name, parent: a.ParentCode, kind: a.Kind, mergedInto: a.MergedInto}
			if a.MergedAt != nil {
				s.mergedAt = FormatTime(*a.MergedAt)
			}
			state[a.Code] = s
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.Query(ctx, `SELECT id, code, name, COALESCE(parent_code, ''), kind, COALESCE(merged_into, ''), COALESCE(merged_at, '') FROM agencies ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var id int64
		var code, name, parent, kind, mergedInto, mergedAt string
		if err := rows.Scan(&id, &code, &name, &parent, &kind, &mergedInto, &mergedAt); err != nil {
			return nil, err
		}
		a := state[code]
		if a != nil && a.name == name && a.parent == parent && (a.kind == nil || *a.kind == kind) &&
			a.mergedInto == mergedInto && sameTime(a.mergedAt, mergedAt) {
			out = append(out, [2]string{"agencies", rowKey(id)})
		}
	}
	return out, rows.Err()
}

// delegationEvent is an entry that gave, ended or used delegations of a
// dossier.
type delegationEvent struct {
	id          int64
	action      string
	agency      string
	actor, at   string
	stepID      string // a completion's step
	delegatedBy string // a completion's delegator
	finished    bool   // a completion that finished the dossier
	del         qms.StepDelegation
}

// DelegationsAsAudited lists the step delegations whose row is what the
// trail says of it: given by its dossier.delegate entry (dossier, step,
// from, to, reason, time; in the entry's agency, or in the one its
// dossier moved to with a merge or split); used by a later completion of
// its step by its delegate naming its delegator, at that completion's
// time; revoked by its dossier.delegation_revoke entry or lapsed with a
// later completion of the dossier; open only if no such entry followed.
func DelegationsAsAudited(ctx context.Context, q Querier) ([][2]string, error) {
	rows, err := q.Query(ctx, `SELECT id, action, agency_code, object_id, actor, at, COALESCE(before_json, ''), COALESCE(after_json, '') FROM audit_log
		WHERE object_type = 'dossier' AND action IN ('dossier.delegate', 'dossier.delegation_revoke', 'dossier.step', 'dossier.complete')
		AND object_id IN (SELECT dossier FROM step_delegations) ORDER BY id`)
	if err != nil {
		return nil, err
	}
	events := map[string][]delegationEvent{} // by dossier code
	given := map[int64]delegationEvent{}
	for rows.Next() {
		var e delegationEvent
		var object, before, after string
		if err := rows.Scan(&e.id, &e.action, &e.agency, &object, &e.actor, &e.at, &before, &after); err != nil {
			rows.Close()
			return nil, err
		}
		switch e.action {
		case "dossier.delegate":
			if json.Unmarshal([]byte(after), &e.del) != nil || e.del.ID == 0 {
				continue
			}
			given[e.del.ID] = e
		case "dossier.delegation_revoke":
			if json.Unmarshal([]byte(before), &e.del) != nil {
				continue
			}
		default:
			var c struct {
				Step struct {
					StepID      string `json:"step_id"`
					DelegatedBy string `json:"delegated_by"`
				} `json:"step"`
				Status qms.DossierStatus `json:"status"`
			}
			if json.Unmarshal([]byte(after), &c) != nil {
				continue
			}
			e.stepID, e.delegatedBy, e.finished = c.Step.StepID, c.Step.DelegatedBy, c.Status.Finished()
		}
		events[object] = append(events[object], e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	dossierIn := map[[2]string]bool{}
	rows, err = q.Query(ctx, `SELECT agency_code, code FROM dossiers WHERE code IN (SELECT dossier FROM step_delegations)`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var agency, code string
		if err := rows.Scan(&agency, &code); err != nil {
			rows.Close()
			return nil, err
		}
		dossierIn[[2]string{agency, code}] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.Query(ctx, `SELECT id, agency_code, dossier, step_id, from_user, to_user, reason, created_at, COALESCE(used_at, ''),
		CASE WHEN revoked THEN 1 ELSE 0 END FROM step_delegations ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var id int64
		var agency, dossier, step, from, to, reason, created, used string
		var revoked int
		if err := rows.Scan(&id, &agency, &dossier, &step, &from, &to, &reason, &created, &used, &revoked); err != nil {
			return nil, err
		}
		g, ok := given[id]
		if !ok || g.del.DossierCode != dossier || g.del.StepID != step || g.del.From != from || g.del.To != to ||
			g.del.Reason != reason || !g.del.CreatedAt.Equal(ParseTime(created)) ||
			(g.agency != agency && !dossierIn[[2]string{agency, dossier}]) {
			continue
		}
		var usedBy, ended bool
		for _, e := range events[dossier] {
			if e.id <= g.id {
				continue
			}
			switch {
			case e.action == "dossier.delegation_revoke":
				ended = ended || e.del.ID == id
			case e.action == "dossier.delegate":
			default:
				if e.stepID == step && e.actor == to && e.delegatedBy == from && sameTime(e.at, used) {
					usedBy = true
				}
				ended = ended || e.stepID == step || e.finished
			}
		}
		switch {
		case used != "":
			ok = usedBy && revoked == 0
		case revoked != 0:
			ok = ended
		default:
			ok = !ended
		}
		if ok {
			out = append(out, [2]string{"step_delegations", rowKey(id)})
		}
	}
	return out, rows.Err()
}

// ContributorsAsAudited lists the contributors of procedure and form
// versions the trail names: in the contributors an entry on the version
// wrote (each change of a version since contributors were kept), as the
// actor of an edit or submission entry on it (the entries migration 0019
// read them from), or as the version's author for its creation.
func ContributorsAsAudited(ctx context.Context, q Querier) ([][2]string, error) {
	versions := map[string]int64{} // "procedure 3/01", "form 2/1" → id
	authors := map[string]qms.Contributor{}
	for _, v := range []struct{ kind, query string }{
		{"procedure", `SELECT id, procedure_id, number, author_id, author FROM procedure_versions`},
		{"form", `SELECT id, form_id, number, COALESCE(author_id, 0), author FROM form_versions`},
	} {
		rows, err := q.Query(ctx, v.query)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id, parent, author int64
			var number int
			var name string
			if err := rows.Scan(&id, &parent, &number, &author, &name); err != nil {
				rows.Close()
				return nil, err
			}
			ref := fmt.Sprintf("%d/%d", parent, number)
			if v.kind == "procedure" {
				ref = fmt.Sprintf("%d/%02d", parent, number)
			}
			versions[v.kind+" "+ref] = id
			authors[rowKey(v.kind, id)] = qms.Contributor{UserID: author, Username: name, Act: qms.ContributedCreate}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	users := map[string]int64{}
	rows, err := q.Query(ctx, `SELECT id, username FROM users`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			rows.Close()
			return nil, err
		}
		users[name] = id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	named := map[string]bool{}
	rows, err = q.Query(ctx, `SELECT object_type, object_id, action, actor, COALESCE(after_json, '') FROM audit_log
		WHERE object_type IN ('procedure_version', 'form_version') ORDER BY id`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var typ, object, action, actor, after string
		if err := rows.Scan(&typ, &object, &action, &actor, &after); err != nil {
			rows.Close()
			return nil, err
		}
		kind := strings.TrimSuffix(typ, "_version")
		id, ok := versions[kind+" "+object]
		if !ok {
			continue
		}
		var a struct {
			Contributors []qms.Contributor `json:"contributors"`
		}
		if json.Unmarshal([]byte(after), &a) == nil {
			for _, c := range a.Contributors {
				named[rowKey(kind, id, c.UserID, c.Username, c.Act)] = true
			}
		}
		act := map[string]string{"procedure.version_update": qms.ContributedEdit, "procedure.version_submit": qms.ContributedSubmit,
			"form.version_update": qms.ContributedEdit, "form.version_submit": qms.ContributedSubmit}[action]
		if act != "" {
			named[rowKey(kind, id, users[actor], actor, act)] = true
			named[rowKey(kind, id, 0, actor, act)] = true
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.Query(ctx, `SELECT kind, version_id, user_id, username, act FROM version_contributors ORDER BY kind, version_id, user_id, username, act`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var kind, name, act string
		var version, user int64
		if err := rows.Scan(&kind, &version, &user, &name, &act); err != nil {
			return nil, err
		}
		key := rowKey(kind, version, user, name, act)
		if named[key] || authors[rowKey(kind, version)] == (qms.Contributor{UserID: user, Username: name, Act: act}) {
			out = append(out, [2]string{"version_contributors", key})
		}
	}
	return out, rows.Err()
}

// RemovedRulesAsAudited lists the removed default policy rules whose last
// entry of policy.add and policy.remove is their removal.
func RemovedRulesAsAudited(ctx context.Context, q Querier) ([][2]string, error) {
	removed := map[string]bool{}
	err := eachRow(ctx, q, `SELECT action, COALESCE(before_json, ''), COALESCE(after_json, '') FROM audit_log
		WHERE action IN ('policy.add', 'policy.remove') ORDER BY id`, func(row Row) error {
		var action, before, after string
		if err := row.Scan(&action, &before, &after); err != nil {
			return err
		}
		var r []string
		raw := after
		if action == "policy.remove" {
			raw = before
		}
		if json.Unmarshal([]byte(raw), &r) == nil && len(r) == 4 {
			removed[rowKey("p", r[0], r[1], r[2], r[3])] = action == "policy.remove"
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var out [][2]string
	err = eachRow(ctx, q, `SELECT ptype, v0, v1, v2, v3 FROM policy_removed ORDER BY ptype, v0, v1, v2, v3`, func(row Row) error {
		var r [5]string
		if err := row.Scan(&r[0], &r[1], &r[2], &r[3], &r[4]); err != nil {
			return err
		}
		if key := rowKey(r[0], r[1], r[2], r[3], r[4]); removed[key] {
			out = append(out, [2]string{"policy_removed", key})
		}
		return nil
	})
	return out, err
}

// ProcedureLinksAsAudited lists the links of TTHCs to procedures
// (procedure_tthc) that the trail sets, folding each procedure's entries
// in order: its procedure.create and procedure.update entries set its
// TTHC list, a procedure.tthc_moved entry either sets the list of the
// procedure that lost a TTHC or gives one back to the procedure whose
// approval restored it, and a version's approval
// (procedure.version_approve) links the TTHCs of the subject the leader
// signed. A link the trail never set, or set and later removed, is left
// for verification to name.
func ProcedureLinksAsAudited(ctx context.Context, q Querier) ([][2]string, error) {
	linked := map[string]map[string]bool{} // procedure id → TTHC codes
	link := func(procedure, tthc string) {
		if linked[procedure] == nil {
			linked[procedure] = map[string]bool{}
		}
		linked[procedure][tthc] = true
	}
	err := eachRow(ctx, q, `SELECT action, object_id, COALESCE(after_json, '') FROM audit_log
		WHERE (object_type = 'procedure' AND action IN ('procedure.create', 'procedure.update', 'procedure.tthc_moved'))
		OR (object_type = 'procedure_version' AND action = 'procedure.version_approve') ORDER BY id`, func(r Row) error {
		var action, object, after string
		if err := r.Scan(&action, &object, &after); err != nil {
			return err
		}
		var a struct {
			TTHCCodes []string              `json:"tthc_codes"` // a procedure's list
			TTHCCode  string                `json:"tthc_code"`  // a TTHC given back
			Subject   *qms.ProcedureSubject `json:"subject"`    // an approval's
		}
		if json.Unmarshal([]byte(after), &a) != nil {
			return nil
		}
		switch {
		case action == "procedure.version_approve":
			object, _, _ = strings.Cut(object, "/") // "3/02": procedure 3, issue 02
			for _, c := range a.Subject.Codes() {
				link(object, c)
			}
		case action == "procedure.tthc_moved" && a.TTHCCode != "":
			link(object, a.TTHCCode)
		default: // the whole list, as created, edited or left by a move
			linked[object] = map[string]bool{}
			for _, c := range a.TTHCCodes {
				link(object, c)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var out [][2]string
	err = eachRow(ctx, q, `SELECT procedure_id, tthc_code FROM procedure_tthc ORDER BY procedure_id, tthc_code`, func(r Row) error {
		var id int64
		var code string
		if err := r.Scan(&id, &code); err != nil {
			return err
		}
		if linked[Itoa(id)][code] {
			out = append(out, [2]string{"procedure_tthc", rowKey(id, code)})
		}
		return nil
	})
	return out, err
}

// eachRow runs query with args and calls scan on each row of its result,
// to the first error.
func eachRow(ctx context.Context, q Querier, query string, scan func(Row) error, args ...any) error {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// dossiersAsFound lists every dossier, for RowStateVersion 5 to record as
// it is at the upgrade. The trail before it cannot vouch for a dossier's
// state: a step's entry carries the flow and the status, not the due
// time or the result, and the bulk load and the history import write one
// entry for a whole batch. A dossier changed with the file alone before
// the upgrade is recorded as changed; verification names any change
// after it.
func dossiersAsFound(ctx context.Context, q Querier) ([][2]string, error) {
	// The key as the triggers write it (json_array, note_row_change).
	keys, err := QueryStrings(ctx, q, `SELECT '[' || id || ']' FROM dossiers ORDER BY id`)
	if err != nil {
		return nil, err
	}
	out := make([][2]string, len(keys))
	for i, k := range keys {
		out[i] = [2]string{"dossiers", k}
	}
	return out, nil
}
