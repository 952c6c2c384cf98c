package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"isodt/qms"
)

// Agencies that merge: docs/agency-merge.md is the table-by-table rule
// this file follows. Every move is an UPDATE of agency_code, so that the
// triggers that keep counts and task lists follow the rows.

// openDossierSQL selects the dossiers still being worked on: they move,
// the closed ones stay as the predecessor's history.
const openDossierSQL = `status IN ('received', 'in_progress', 'paused')`

// errDryRun rolls a dry run's transaction back after it has done the work.
var errDryRun = errors.New("dry run")

// MergeAgencies merges plan.From into plan.Into in one transaction.
func (s *Store) MergeAgencies(ctx context.Context, plan qms.MergePlan, dryRun bool) (*qms.MergeReport, error) {
	plan.Normalize()
	return restructure(ctx, s, dryRun, func(tx Tx) (*qms.MergeReport, error) {
		m := &merger{ctx: ctx, s: s, tx: tx, rep: &qms.MergeReport{Plan: plan, DryRun: dryRun, At: tx.Now()}}
		return m.rep, m.run()
	})
}

// restructure runs a merge or a split by the system admin as one write;
// a dry run does all the work and its report, then rolls it back.
func restructure[R any](ctx context.Context, s *Store, dryRun bool, run func(tx Tx) (*R, error)) (*R, error) {
	var rep *R
	err := s.update(ctx, func(tx Tx) error {
		if err := requireSysAdmin(ctx, tx); err != nil {
			return err
		}
		r, err := run(tx)
		if err != nil {
			return err
		}
		rep = r
		if dryRun {
			return errDryRun
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// requireSysAdmin refuses a merge or split asked by anyone but a system
// actor (the CLI, a job) or an admin of the system agency acting for it:
// the web route's Casbin rule says the same, and this holds for every
// other way in.
func requireSysAdmin(ctx context.Context, tx Tx) error {
	a := tx.Actor()
	if a.System {
		return nil
	}
	var n int
	if a.UserID != 0 && a.AgencyCode == qms.SystemAgencyCode {
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM memberships WHERE user_id = ? AND agency_code = ? AND role = ?`,
			a.UserID, qms.SystemAgencyCode, string(qms.RoleAdmin)).Scan(&n); err != nil {
			return err
		}
	}
	if n == 0 {
		return qms.Errorf(qms.EFORBIDDEN, "Chỉ quản trị hệ thống (quản trị của đơn vị %s) được sáp nhập hoặc chia tách đơn vị.", qms.SystemAgencyCode)
	}
	return nil
}

// copySettings gives a new agency the clock settings of the one whose
// dossiers it receives: they keep counting their clocks as they did.
func copySettings(ctx context.Context, tx Tx, to, from string) error {
	_, err := tx.Exec(ctx, `INSERT INTO agency_settings (agency_code, clock_mode, working_hours)
		SELECT ?, clock_mode, working_hours FROM agency_settings WHERE agency_code = ? ON CONFLICT DO NOTHING`, to, from)
	return err
}

// recordCode maps a code renamed (or reconciled) in agency to the code it
// has now; a split may have recorded the same mapping key before: the
// newer one holds.
func recordCode(ctx context.Context, tx Tx, agency, kind, from, oldCode, newCode string) error {
	_, err := tx.Exec(ctx, `INSERT INTO merged_codes (agency_code, kind, from_agency, old_code, new_code, merged_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (agency_code, kind, from_agency, old_code) DO UPDATE SET new_code = excluded.new_code, merged_at = excluded.merged_at`,
		agency, kind, from, oldCode, newCode, FormatTime(tx.Now()))
	return err
}

// moveSearchDoc moves a document's search entry from one agency to
// another (on SQLite a trigger moves the FTS row with it).
func moveSearchDoc(ctx context.Context, tx Tx, kind, from, to, ref string) error {
	if _, err := tx.Exec(ctx, `UPDATE search_docs SET agency_code = ? WHERE kind = ? AND agency_code = ? AND ref = ?`, to, kind, from, ref); err != nil {
		return fmt.Errorf("reindex %s %s: %w", kind, ref, err)
	}
	return nil
}

type merger struct {
	ctx   context.Context
	s     *Store
	tx    Tx
	rep   *qms.MergeReport
	into  string
	preds []any // the predecessors' codes, as arguments
	in    string
}

func (m *merger) run() error {
	ctx, tx, p := m.ctx, m.tx, &m.rep.Plan
	succ, err := FindAgency(ctx, tx, p.Into)
	if qms.ErrorCode(err) == qms.ENOTFOUND {
		succ, err = nil, nil
	}
	if err != nil {
		return err
	}
	preds := map[string]*qms.Agency{}
	for _, c := range p.From {
		if a, err := FindAgency(ctx, tx, c); err == nil {
			preds[c] = a
		} else if qms.ErrorCode(err) != qms.ENOTFOUND {
			return err
		}
	}
	var walkErr error
	ancestorOf := func(a, b string) bool {
		in, err := IsWithinOn(ctx, tx, b, a)
		if err != nil {
			walkErr = err
		}
		return in && a != b
	}
	if err := p.Validate(succ, preds, ancestorOf); err != nil {
		return err
	}
	if walkErr != nil {
		return walkErr
	}
	m.into, m.in = p.Into, Placeholders(len(p.From))
	for _, c := range p.From {
		m.preds = append(m.preds, c)
	}
	if succ == nil {
		if p.ParentCode == "" {
			p.ParentCode = preds[p.From[0]].ParentCode
		}
		a := &qms.Agency{Code: p.Into, Name: p.Name, ParentCode: p.ParentCode}
		if err := m.s.createAgencyIn(ctx, tx, a, p.From); err != nil {
			return err
		}
		m.rep.Created = true
		// The dossiers that move keep counting their clocks the way their
		// agency did.
		if err := copySettings(ctx, tx, p.Into, p.From[0]); err != nil {
			return err
		}
	}
	steps := []func() error{m.catalogue, m.documents("procedures", "procedure"), m.documents("forms", "form"), m.dossiers, m.records, m.people}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	for _, c := range p.From {
		if err := tx.Audit(ctx, c, "agency.merge.from", "agency", c, preds[c], m.rep, ""); err != nil {
			return err
		}
	}
	if _, err := tx.Exec(ctx, `UPDATE agencies SET merged_into = ?, merged_at = ?, updated_at = ? WHERE code IN (`+m.in+`)`,
		append([]any{p.Into, FormatTime(tx.Now()), FormatTime(tx.Now())}, m.preds...)...); err != nil {
		return fmt.Errorf("mark merged: %w", err)
	}
	return tx.Audit(ctx, p.Into, "agency.merge.into", "agency", p.Into, nil, m.rep, "")
}

// args prepends the successor's code to the predecessors'.
func (m *merger) args(extra ...any) []any {
	return append(append([]any{m.into}, m.preds...), extra...)
}

// move updates the predecessors' rows of table that match cond to the
// successor and counts what moved and what stayed.
func (m *merger) move(table, cond string, condArgs ...any) error {
	var total int
	if err := m.tx.QueryRow(m.ctx, `SELECT COUNT(*) FROM `+table+` WHERE agency_code IN (`+m.in+`)`, m.preds...).Scan(&total); err != nil {
		return fmt.Errorf("count %s: %w", table, err)
	}
	moved, err := m.tx.Exec(m.ctx, `UPDATE `+table+` SET agency_code = ? WHERE agency_code IN (`+m.in+`) AND (`+cond+`)`, m.args(condArgs...)...)
	if err != nil {
		return fmt.Errorf("move %s: %w", table, err)
	}
	m.count(table, int(moved), total-int(moved), 0)
	return nil
}

func (m *merger) count(table string, moved, stayed, reconciled int) {
	m.rep.Tables = append(m.rep.Tables, qms.MergeCount{Table: table, Moved: moved, Stayed: stayed, Reconciled: reconciled})
}

func (m *merger) record(kind, from, oldCode, newCode string) error {
	// A split may have recorded the same mapping key before: the merge's is the newer.
	return recordCode(m.ctx, m.tx, m.into, kind, from, oldCode, newCode)
}

// codeTaken reports whether the successor already has code in table.
func (m *merger) codeTaken(table, code string) (bool, error) {
	var n int
	err := m.tx.QueryRow(m.ctx, `SELECT COUNT(*) FROM `+table+` WHERE agency_code = ? AND code = ?`, m.into, code).Scan(&n)
	return n > 0, err
}

type codedRow struct {
	id           int64
	agency, code string
}

func (m *merger) rows(query string) ([]codedRow, error) {
	rows, err := m.tx.Query(m.ctx, query, m.preds...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []codedRow
	for rows.Next() {
		var r codedRow
		if err := rows.Scan(&r.id, &r.agency, &r.code); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// planRank is an SQL expression for the position in the plan of the
// agency code in column (the predecessors' codes are checked letters and
// digits, safe to inline).
func (m *merger) planRank(column string) string {
	var b strings.Builder
	b.WriteString("CASE " + column)
	for i, c := range m.rep.Plan.From {
		fmt.Fprintf(&b, " WHEN '%s' THEN %d", strings.ReplaceAll(c, "'", "''"), i)
	}
	b.WriteString(" END")
	return b.String()
}

// byPlanOrder sorts rows by the predecessors' order in the plan, then by
// code: the first predecessor listed keeps a clashing code.
func (m *merger) byPlanOrder(rs []codedRow) {
	rank := map[string]int{}
	for i, c := range m.rep.Plan.From {
		rank[c] = i
	}
	sort.SliceStable(rs, func(i, j int) bool {
		if rank[rs[i].agency] != rank[rs[j].agency] {
			return rank[rs[i].agency] < rank[rs[j].agency]
		}
		return rs[i].code < rs[j].code
	})
}

// catalogue moves the TTHC entries; an entry the successor already has
// (its own, or brought by an earlier predecessor) is reconciled: the
// successor's row remains, the duplicate stays with its predecessor, and
// merged_codes lists every predecessor that had it.
func (m *merger) catalogue() error {
	rs, err := m.rows(`SELECT id, agency_code, code FROM tthc WHERE agency_code IN (` + m.in + `)`)
	if err != nil {
		return err
	}
	m.byPlanOrder(rs)
	var moved, reconciled int
	dups := map[string]bool{}
	for _, r := range rs {
		taken, err := m.codeTaken("tthc", r.code)
		if err != nil {
			return err
		}
		if taken {
			reconciled++
			dups[r.code] = true
		} else {
			if _, err := m.tx.Exec(m.ctx, `UPDATE tthc SET agency_code = ? WHERE id = ?`, m.into, r.id); err != nil {
				return fmt.Errorf("move tthc %s: %w", r.code, err)
			}
			if err := m.reindex("tthc", r.agency, r.code); err != nil {
				return err
			}
			moved++
		}
		if err := m.record("tthc", r.agency, r.code, r.code); err != nil {
			return err
		}
	}
	for _, code := range sortedSet(dups) {
		// The predecessor whose row moved (if any) is listed too.
		all, err := QueryStrings(m.ctx, m.tx, `SELECT from_agency FROM merged_codes WHERE agency_code = ? AND kind = 'tthc' AND new_code = ? ORDER BY from_agency`, m.into, code)
		if err != nil {
			return err
		}
		m.rep.Duplicates = append(m.rep.Duplicates, qms.MergeDuplicate{Code: code, Predecessors: all})
	}
	m.count("tthc", moved, reconciled, reconciled)
	return nil
}

// reindex moves a document's search entry with it.
func (m *merger) reindex(kind, from, ref string) error {
	return moveSearchDoc(m.ctx, m.tx, kind, from, m.into, ref)
}

// documents moves procedures or forms with their versions untouched (they
// are controlled documents); a code the successor already has takes the
// predecessor's code as a suffix, and merged_codes maps the old code so
// that a moved procedure's steps still find their own forms.
func (m *merger) documents(table, kind string) func() error {
	return func() error {
		rs, err := m.rows(`SELECT id, agency_code, code FROM ` + table + ` WHERE agency_code IN (` + m.in + `)`)
		if err != nil {
			return err
		}
		m.byPlanOrder(rs)
		for _, r := range rs {
			code, err := m.freeCode(table, kind, r)
			if err != nil {
				return err
			}
			if _, err := m.tx.Exec(m.ctx, `UPDATE `+table+` SET agency_code = ?, code = ?, merged_from = ? WHERE id = ?`, m.into, code, r.agency, r.id); err != nil {
				return fmt.Errorf("move %s %s: %w", kind, r.code, err)
			}
			if kind == "procedure" {
				if err := m.reindex(kind, r.agency, Itoa(r.id)); err != nil {
					return err
				}
			}
			if err := m.record(kind, r.agency, r.code, code); err != nil {
				return err
			}
		}
		m.count(table, len(rs), 0, 0)
		return nil
	}
}

// freeCode is the row's code, or its code with the predecessor's as a
// suffix when the successor already has it in table.
func (m *merger) freeCode(table, kind string, r codedRow) (string, error) {
	if taken, err := m.codeTaken(table, r.code); err != nil || !taken {
		return r.code, err
	}
	code := qms.MergedCode(r.code, r.agency)
	if taken, err := m.codeTaken(table, code); err != nil {
		return "", err
	} else if taken {
		if kind == "competence" {
			return "", qms.Errorf(qms.ECONFLICT, "Không thể chuyển năng lực %q của %q: đơn vị %q đã có cả mã %q và %q.", r.code, r.agency, m.into, r.code, code)
		}
		return "", qms.Errorf(qms.ECONFLICT, "Không thể chuyển %s %q của %q: đơn vị %q đã có cả mã %q và %q.", kind, r.code, r.agency, m.into, r.code, code)
	}
	m.rep.Renamed = append(m.rep.Renamed, qms.MergeRename{Kind: kind, From: r.agency, OldCode: r.code, NewCode: code})
	return code, nil
}

// dossiers moves the open dossiers with their codes, clocks and pinned
// versions as they are; their step records, open tasks, delegations and
// receipt keys follow. Closed dossiers stay: the predecessor's reports by
// period keep counting them.
func (m *merger) dossiers() error {
	open := `(agency_code, ` + `%s` + `) IN (SELECT agency_code, %s FROM dossiers WHERE agency_code IN (` + m.in + `) AND ` + openDossierSQL + `)`
	followers := []struct{ table, cond string }{
		{"dossier_steps", fmt.Sprintf(open, "dossier_id", "id")},
		{"dossier_open_steps", fmt.Sprintf(open, "dossier_id", "id")},
		{"step_delegations", fmt.Sprintf(open, "dossier", "code")},
		{"dossier_receipt_keys", fmt.Sprintf(open, "dossier", "code")},
	}
	for _, f := range followers {
		if err := m.move(f.table, f.cond, m.preds...); err != nil {
			return err
		}
	}
	return m.move("dossiers", openDossierSQL)
}

// records moves the quality records still in progress; closed ones stay
// with the predecessor as its history.
func (m *merger) records() error {
	year := m.tx.Now().In(qms.Zone).Year()
	moves := []struct {
		table, cond string
		args        []any
	}{
		{"findings", `closed_at IS NULL`, nil},
		{"nonconformities", `status != 'closed'`, nil},
		{"objectives", `year >= ? AND withdrawn = FALSE`, []any{year}},
		{"feedback", `status != 'published'`, nil},
		{"risks", `status = 'open'`, nil},
		{"document_reads", `acknowledged_at IS NULL`, nil},
		{"providers", `status != 'ended'`, nil},
		{"context_items", `retired = FALSE`, nil},
	}
	// Findings are derived by the compliance scans and keyed by their
	// object, which for a TTHC is its code: two predecessors may both
	// have one open on the same code. The first (in plan order) moves,
	// the others are closed now and counted as reconciled; the
	// successor's next scan judges the object afresh.
	dupFindings, err := m.tx.Exec(m.ctx, `UPDATE findings SET closed_at = ? WHERE closed_at IS NULL AND agency_code IN (`+m.in+`)
		AND EXISTS (SELECT 1 FROM findings o WHERE o.closed_at IS NULL AND o.rule = findings.rule AND o.object_type = findings.object_type
			AND o.object_id = findings.object_id AND (o.agency_code = ? OR o.agency_code IN (`+m.in+`) AND `+m.planRank("o.agency_code")+` < `+m.planRank("findings.agency_code")+`))`,
		append(append(append([]any{FormatTime(m.tx.Now())}, m.preds...), m.into), m.preds...)...)
	if err != nil {
		return fmt.Errorf("reconcile findings: %w", err)
	}
	for _, mv := range moves {
		if err := m.move(mv.table, mv.cond, mv.args...); err != nil {
			return err
		}
		if mv.table == "findings" {
			m.rep.Tables[len(m.rep.Tables)-1].Reconciled = int(dupFindings)
		}
	}
	if err := m.competences(); err != nil {
		return err
	}
	for _, table := range []string{"audit_programmes", "audit_plans", "management_reviews", "notifications", "dossier_seq", "dossier_moves", "declarations", "context_reviews", "satisfaction_responses"} {
		if err := m.move(table, `FALSE`); err != nil {
			return err
		}
	}
	// Agencies under a predecessor now sit under the successor.
	n, err := m.tx.Exec(m.ctx, `UPDATE agencies SET parent_code = ?, updated_at = ? WHERE code != ? AND parent_code IN (`+m.in+`)`,
		append([]any{m.into, FormatTime(m.tx.Now()), m.into}, m.preds...)...)
	if err != nil {
		return err
	}
	m.count("agencies (children)", int(n), 0, 0)
	return nil
}

// people moves the memberships (Casbin reads its grouping from them) and
// the sessions opened in a predecessor.
func (m *merger) people() error {
	users, err := QueryStrings(m.ctx, m.tx, `SELECT DISTINCT u.username FROM memberships ms JOIN users u ON u.id = ms.user_id WHERE ms.agency_code IN (`+m.in+`) ORDER BY u.username`, m.preds...)
	if err != nil {
		return err
	}
	m.rep.Users = append(m.rep.Users, users...)
	var total int
	if err := m.tx.QueryRow(m.ctx, `SELECT COUNT(*) FROM memberships WHERE agency_code IN (`+m.in+`)`, m.preds...).Scan(&total); err != nil {
		return err
	}
	// A user already holding the role in the successor (or in a
	// predecessor listed earlier, whose row moves) keeps one row.
	if _, err := m.tx.Exec(m.ctx, `UPDATE memberships SET agency_code = ? WHERE agency_code IN (`+m.in+`)
		AND NOT EXISTS (SELECT 1 FROM memberships o WHERE o.user_id = memberships.user_id AND o.role = memberships.role
			AND (o.agency_code = ? OR o.agency_code IN (`+m.in+`) AND `+m.planRank("o.agency_code")+` < `+m.planRank("memberships.agency_code")+`))`,
		append(append(m.args(), m.into), m.preds...)...); err != nil {
		return err
	}
	dup, err := m.tx.Exec(m.ctx, `DELETE FROM memberships WHERE agency_code IN (`+m.in+`)`, m.preds...)
	if err != nil {
		return err
	}
	m.count("memberships", total-int(dup), 0, int(dup))
	return m.move("sessions", `TRUE`)
}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
