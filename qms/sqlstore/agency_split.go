package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"isodt/qms"
	"isodt/qms/flowchart"
)

// Agencies that split: docs/agency-merge.md ("Split") is the rule this
// file follows. Like a merge, every move is an UPDATE of agency_code, so
// the triggers that keep counts and task lists follow the rows; forms the
// source still uses are copied, never edited.

// SplitAgency moves plan.TTHC and plan.Procedures of plan.From, with
// their open dossiers, into plan.Into in one transaction.
func (s *Store) SplitAgency(ctx context.Context, plan qms.SplitPlan, dryRun bool) (*qms.SplitReport, error) {
	plan.Normalize()
	return restructure(ctx, s, dryRun, func(tx Tx) (*qms.SplitReport, error) {
		sp := &splitter{ctx: ctx, s: s, tx: tx, rep: &qms.SplitReport{Plan: plan, DryRun: dryRun, At: tx.Now()}}
		return sp.rep, sp.run()
	})
}

type splitter struct {
	ctx      context.Context
	s        *Store
	tx       Tx
	rep      *qms.SplitReport
	from, to string
	procs    map[int64]string // moving procedures: id → code
	forms    []int64          // the forms that moved (not those copied)
	tthc     map[string]bool  // moving TTHC codes
}

func (s *splitter) run() error {
	ctx, tx, p := s.ctx, s.tx, &s.rep.Plan
	find := func(code string) (*qms.Agency, error) {
		if code == "" {
			return nil, nil
		}
		a, err := FindAgency(ctx, tx, code)
		if qms.ErrorCode(err) == qms.ENOTFOUND {
			return nil, nil
		}
		return a, err
	}
	from, err := find(p.From)
	if err != nil {
		return err
	}
	into, err := find(p.Into)
	if err != nil {
		return err
	}
	if err := p.Validate(from, into); err != nil {
		return err
	}
	s.from, s.to, s.procs, s.tthc = p.From, p.Into, map[int64]string{}, map[string]bool{}
	if err := s.choose(into != nil); err != nil {
		return err
	}
	if into == nil {
		a := &qms.Agency{Code: p.Into, Name: p.Name, ParentCode: p.ParentCode}
		if err := s.s.CreateAgencyIn(ctx, tx, a); err != nil {
			return err
		}
		s.rep.Created = true
		// Moved dossiers keep counting their clocks the way they did.
		if err := copySettings(ctx, tx, p.Into, p.From); err != nil {
			return err
		}
	}
	for _, step := range []func() error{s.catalogue, s.moveForms, s.procedures, s.dossiers, s.findings, s.work} {
		if err := step(); err != nil {
			return err
		}
	}
	if err := tx.Audit(ctx, s.from, "agency.split.from", "agency", s.from, nil, s.rep, ""); err != nil {
		return err
	}
	return tx.Audit(ctx, s.to, "agency.split.into", "agency", s.to, nil, s.rep, "")
}

// countCode counts the rows of agency's TTHC catalogue of that code.
func (s *splitter) countCode(agency, code string) (int, error) {
	var n int
	err := s.tx.QueryRow(s.ctx, `SELECT COUNT(*) FROM tthc WHERE agency_code = ? AND code = ?`, agency, code).Scan(&n)
	return n, err
}

// choose resolves the plan's codes in the source and checks that the
// catalogue and the procedures go together: a procedure leaves with the
// TTHC it serves, and a TTHC with every procedure of the source serving
// it, so that each side can still receive the dossiers of what it keeps.
func (s *splitter) choose(intoExists bool) error {
	ctx, tx, p := s.ctx, s.tx, &s.rep.Plan
	for _, code := range p.Procedures {
		var id int64
		if found, err := scanOne(tx.Query(ctx, `SELECT id FROM procedures WHERE agency_code = ? AND code = ?`, s.from, code))(&id); err != nil {
			return err
		} else if !found {
			return qms.Errorf(qms.ENOTFOUND, "Không tìm thấy quy trình %q của đơn vị %q.", code, s.from)
		}
		s.procs[id] = code
	}
	for _, code := range p.TTHC {
		if n, err := s.countCode(s.from, code); err != nil {
			return err
		} else if n == 0 {
			return qms.Errorf(qms.ENOTFOUND, "Không tìm thấy thủ tục %q trong danh mục của đơn vị %q.", code, s.from)
		}
		if intoExists {
			if n, err := s.countCode(s.to, code); err != nil {
				return err
			} else if n > 0 {
				return qms.FieldErrorf(qms.ECONFLICT, "tthc", "Đơn vị %q đã có thủ tục %q trong danh mục.", s.to, code)
			}
		}
		s.tthc[code] = true
	}
	rows, err := tx.Query(ctx, `SELECT p.id, p.code, pt.tthc_code FROM procedure_tthc pt JOIN procedures p ON p.id = pt.procedure_id
		WHERE p.agency_code = ? ORDER BY p.code, pt.tthc_code`, s.from)
	if err != nil {
		return err
	}
	type served struct {
		id         int64
		code, tthc string
	}
	var all []served
	for rows.Next() {
		var r served
		if err := rows.Scan(&r.id, &r.code, &r.tthc); err != nil {
			rows.Close()
			return err
		}
		all = append(all, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, r := range all {
		_, moving := s.procs[r.id]
		switch {
		case moving && !s.tthc[r.tthc] && !intoExists:
			return qms.FieldError("tthc", "Quy trình %q áp dụng cho thủ tục %q: chọn chuyển cả thủ tục này.", r.code, r.tthc)
		case moving && !s.tthc[r.tthc]:
			if n, err := s.countCode(s.to, r.tthc); err != nil {
				return err
			} else if n == 0 {
				return qms.FieldError("tthc", "Quy trình %q áp dụng cho thủ tục %q: chọn chuyển cả thủ tục này.", r.code, r.tthc)
			}
		case !moving && s.tthc[r.tthc]:
			return qms.FieldError("procedures", "Thủ tục %q được quy trình %q của đơn vị %q áp dụng: chọn chuyển cả quy trình này.", r.tthc, r.code, s.from)
		}
	}
	return nil
}

func (s *splitter) count(table string, moved, stayed, reconciled int) {
	s.rep.Tables = append(s.rep.Tables, qms.MergeCount{Table: table, Moved: moved, Stayed: stayed, Reconciled: reconciled})
}

// freeCode is code, or code with the source's code as a suffix when the
// receiving agency already has it in table (the merge's rule).
func (s *splitter) freeCode(table, kind, code string) (string, error) {
	taken := func(c string) (bool, error) {
		var n int
		err := s.tx.QueryRow(s.ctx, `SELECT COUNT(*) FROM `+table+` WHERE agency_code = ? AND code = ?`, s.to, c).Scan(&n)
		return n > 0, err
	}
	if t, err := taken(code); err != nil || !t {
		return code, err
	}
	renamed := qms.MergedCode(code, s.from)
	if t, err := taken(renamed); err != nil {
		return "", err
	} else if t {
		return "", qms.Errorf(qms.ECONFLICT, "Không thể chuyển %s %q của %q: đơn vị %q đã có cả mã %q và %q.", kind, code, s.from, s.to, code, renamed)
	}
	s.rep.Renamed = append(s.rep.Renamed, qms.MergeRename{Kind: kind, From: s.from, OldCode: code, NewCode: renamed})
	return renamed, nil
}

func (s *splitter) catalogue() error {
	var total int
	if err := s.tx.QueryRow(s.ctx, `SELECT COUNT(*) FROM tthc WHERE agency_code = ?`, s.from).Scan(&total); err != nil {
		return err
	}
	for _, code := range sortedSet(s.tthc) {
		if _, err := s.tx.Exec(s.ctx, `UPDATE tthc SET agency_code = ? WHERE agency_code = ? AND code = ?`, s.to, s.from, code); err != nil {
			return fmt.Errorf("move tthc %s: %w", code, err)
		}
		if err := moveSearchDoc(s.ctx, s.tx, "tthc", s.from, s.to, code); err != nil {
			return err
		}
	}
	s.count("tthc", len(s.tthc), total-len(s.tthc), 0)
	return nil
}

// stepFormUse is a form code a procedure of the source names, in a step
// or in its list of forms.
type stepFormUse struct {
	procID   int64
	stepCode string // as the flowchart names it
	code     string // the source's form code it resolves to
}

// stepForms returns, for each procedure of the source (moving or not),
// the form codes its versions name (in any version: dossiers stay pinned
// to old ones), resolved to the source's own form codes (a procedure a
// merge brought may name a renamed form).
func (s *splitter) stepForms() ([]stepFormUse, error) {
	rows, err := s.tx.Query(s.ctx, `SELECT v.procedure_id, v.content_json FROM procedure_versions v JOIN procedures p ON p.id = v.procedure_id
		WHERE p.agency_code = ? ORDER BY v.procedure_id, v.number`, s.from)
	if err != nil {
		return nil, err
	}
	type content struct {
		Flowchart flowchart.Flowchart `json:"flowchart"`
		Forms     []string            `json:"forms"` // the document's list of forms (section 5)
	}
	seen := map[stepFormUse]bool{}
	var out []stepFormUse
	for rows.Next() {
		var id int64
		var raw string
		if err := rows.Scan(&id, &raw); err != nil {
			rows.Close()
			return nil, err
		}
		var c content
		if err := json.Unmarshal([]byte(raw), &c); err != nil {
			rows.Close()
			return nil, fmt.Errorf("procedure %d content: %w", id, err)
		}
		codes := append([]string{}, c.Forms...)
		for _, st := range c.Flowchart.Steps {
			codes = append(codes, st.Forms...)
		}
		for _, f := range codes {
			u := stepFormUse{procID: id, stepCode: f}
			if !seen[u] {
				seen[u] = true
				out = append(out, u)
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].code, err = MergedFormCode(s.ctx, s.tx, s.from, out[i].procID, out[i].stepCode); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// moveForms gives the receiving agency the source's forms the moving
// procedures' steps name: moved when no remaining procedure of the source
// names them, otherwise copied with every version as it is (both sides
// keep recording on the same content; no controlled version is edited).
// merged_codes maps the steps' code to the receiving agency's code, read
// through procedures.split_from.
func (s *splitter) moveForms() error {
	uses, err := s.stepForms()
	if err != nil {
		return err
	}
	moving, staying := map[string][]stepFormUse{}, map[string]bool{}
	for _, u := range uses {
		if _, ok := s.procs[u.procID]; ok {
			moving[u.code] = append(moving[u.code], u)
		} else {
			staying[u.code] = true
		}
	}
	var moved, copied int
	codes := make([]string, 0, len(moving))
	for c := range moving {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, code := range codes {
		var id int64
		if found, err := scanOne(s.tx.Query(s.ctx, `SELECT id FROM forms WHERE agency_code = ? AND code = ?`, s.from, code))(&id); err != nil {
			return err
		} else if !found {
			continue // a standard form of SYS: every agency finds it
		}
		newCode, err := s.freeCode("forms", "form", code)
		if err != nil {
			return err
		}
		if staying[code] {
			newID, err := s.copyRows("forms", "id", id, map[string]any{"agency_code": s.to, "code": newCode, "merged_from": s.from, "created_at": FormatTime(s.tx.Now())})
			if err != nil {
				return fmt.Errorf("copy form %s: %w", code, err)
			}
			if _, err := s.copyRows("form_versions", "form_id", id, map[string]any{"form_id": newID}); err != nil {
				return fmt.Errorf("copy form %s versions: %w", code, err)
			}
			if err := s.copyContributors(id, newID); err != nil {
				return fmt.Errorf("copy form %s contributors: %w", code, err)
			}
			s.rep.Copied = append(s.rep.Copied, qms.MergeRename{Kind: "form", From: s.from, OldCode: code, NewCode: newCode})
			copied++
		} else {
			if _, err := s.tx.Exec(s.ctx, `UPDATE forms SET agency_code = ?, code = ?, merged_from = ? WHERE id = ?`, s.to, newCode, s.from, id); err != nil {
				return fmt.Errorf("move form %s: %w", code, err)
			}
			s.forms = append(s.forms, id)
			moved++
		}
		for _, u := range moving[code] {
			if u.stepCode == newCode {
				continue
			}
			if err := recordCode(s.ctx, s.tx, s.to, "form", s.from, u.stepCode, newCode); err != nil {
				return err
			}
		}
	}
	s.count("forms", moved, 0, 0)
	s.count("forms (copied)", copied, 0, 0)
	return nil
}

// copyContributors credits each version of the copy newForm with whoever
// created, edited or submitted the same version of form: the copy's
// content is theirs, and a draft or submitted copy without them could be
// approved by its own writer in the receiving agency. The rows are
// written in the split's transaction, so its audit entries record their
// states (the version_contributors triggers list them in row_changes).
func (s *splitter) copyContributors(form, newForm int64) error {
	_, err := s.tx.Exec(s.ctx, `INSERT INTO version_contributors (kind, version_id, user_id, username, act)
		SELECT 'form', nv.id, c.user_id, c.username, c.act FROM version_contributors c
		JOIN form_versions ov ON ov.id = c.version_id JOIN form_versions nv ON nv.number = ov.number
		WHERE c.kind = 'form' AND ov.form_id = ? AND nv.form_id = ? ON CONFLICT DO NOTHING`, form, newForm)
	return err
}

// copyRows inserts a copy of the rows of table whose column equals value,
// every column as it is (whatever columns later migrations add) except
// id and those in set; it returns the last new id.
func (s *splitter) copyRows(table, column string, value any, set map[string]any) (int64, error) {
	all, err := QueryStrings(s.ctx, s.tx, s.s.cfg.TableColumns, table)
	if err != nil {
		return 0, err
	}
	var cols, exprs []string
	var args []any
	for _, c := range all {
		if c == "id" {
			continue
		}
		cols = append(cols, c)
		if v, ok := set[c].(int64); ok {
			// A literal: a parameter in the SELECT list would be text on
			// PostgreSQL, which has no column to infer its type from.
			exprs = append(exprs, Itoa(v))
		} else if v, ok := set[c]; ok {
			exprs, args = append(exprs, "?"), append(args, v)
		} else {
			exprs = append(exprs, `"`+c+`"`)
		}
	}
	rows, err := s.tx.Query(s.ctx, `INSERT INTO `+table+` ("`+strings.Join(cols, `", "`)+`") SELECT `+strings.Join(exprs, ", ")+` FROM `+table+` WHERE `+column+` = ? ORDER BY id RETURNING id`,
		append(args, value)...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var last int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return 0, err
		}
		last = max(last, id)
	}
	return last, rows.Err()
}

// procedures moves the chosen procedures with their versions untouched.
func (s *splitter) procedures() error {
	ids := make([]int64, 0, len(s.procs))
	for id := range s.procs {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return s.procs[ids[i]] < s.procs[ids[j]] })
	var total int
	if err := s.tx.QueryRow(s.ctx, `SELECT COUNT(*) FROM procedures WHERE agency_code = ?`, s.from).Scan(&total); err != nil {
		return err
	}
	for _, id := range ids {
		code, err := s.freeCode("procedures", "procedure", s.procs[id])
		if err != nil {
			return err
		}
		if _, err := s.tx.Exec(s.ctx, `UPDATE procedures SET agency_code = ?, code = ?, split_from = ?, updated_at = ? WHERE id = ?`,
			s.to, code, s.from, FormatTime(s.tx.Now()), id); err != nil {
			return fmt.Errorf("move procedure %s: %w", s.procs[id], err)
		}
		if err := moveSearchDoc(s.ctx, s.tx, "procedure", s.from, s.to, Itoa(id)); err != nil {
			return err
		}
	}
	s.count("procedures", len(ids), total-len(ids), 0)
	return nil
}

// dossiers moves the open dossiers of the moving procedures (and of the
// moving TTHC received without a procedure) with their codes, clocks and
// pinned versions; their step records, open tasks, delegations and
// receipt keys follow. Closed dossiers stay as the source's history.
func (s *splitter) dossiers() error {
	procIn, procArgs := inAny(s.procIDs())
	_, tthc := inList(sortedSet(s.tthc))
	tthcIn, tthcArgs := inAny(tthc)
	rows, err := s.tx.Query(s.ctx, `SELECT id, code FROM dossiers WHERE agency_code = ? AND `+openDossierSQL+`
		AND (procedure_id IN `+procIn+` OR (COALESCE(procedure_id, 0) = 0 AND tthc_code IN `+tthcIn+`)) ORDER BY code`,
		append(append([]any{s.from}, procArgs...), tthcArgs...)...)
	if err != nil {
		return err
	}
	var ids []any
	var codes []any
	for rows.Next() {
		var id int64
		var code string
		if err := rows.Scan(&id, &code); err != nil {
			rows.Close()
			return err
		}
		ids, codes = append(ids, id), append(codes, code)
		s.rep.Dossiers = append(s.rep.Dossiers, code)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(ids) > 0 {
		var clash string
		if found, err := scanOne(s.tx.Query(s.ctx, `SELECT code FROM dossiers WHERE agency_code = ? AND code IN (`+Placeholders(len(codes))+`) ORDER BY code LIMIT 1`, append([]any{s.to}, codes...)...))(&clash); err != nil {
			return err
		} else if found {
			return qms.Errorf(qms.ECONFLICT, "Đơn vị %q đã có hồ sơ mã %q: không thể chuyển hồ sơ cùng mã của %q.", s.to, clash, s.from)
		}
	}
	idIn, codeIn := Placeholders(len(ids)), Placeholders(len(codes))
	for _, f := range []struct {
		table, cond string
		args        []any
	}{
		{"dossier_steps", "dossier_id IN (" + idIn + ")", ids},
		{"dossier_open_steps", "dossier_id IN (" + idIn + ")", ids},
		{"step_delegations", "dossier IN (" + codeIn + ")", codes},
		{"dossier_receipt_keys", "dossier IN (" + codeIn + ")", codes},
		{"dossiers", "id IN (" + idIn + ")", ids},
	} {
		if err := s.move(f.table, f.cond, f.args); err != nil {
			return err
		}
	}
	for _, c := range codes {
		if _, err := s.tx.Exec(s.ctx, `INSERT INTO dossier_moves (agency_code, code, moved_to, moved_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (agency_code, code) DO UPDATE SET moved_to = excluded.moved_to, moved_at = excluded.moved_at`,
			s.from, c, s.to, FormatTime(s.tx.Now())); err != nil {
			return err
		}
	}
	return nil
}

// move updates the source's rows of table matching cond to the receiving
// agency and counts what moved and what stayed.
func (s *splitter) move(table, cond string, args []any) error {
	var total int
	if err := s.tx.QueryRow(s.ctx, `SELECT COUNT(*) FROM `+table+` WHERE agency_code = ?`, s.from).Scan(&total); err != nil {
		return fmt.Errorf("count %s: %w", table, err)
	}
	moved := 0
	if len(args) > 0 {
		n, err := s.tx.Exec(s.ctx, `UPDATE `+table+` SET agency_code = ? WHERE agency_code = ? AND `+cond, append([]any{s.to, s.from}, args...)...)
		if err != nil {
			return fmt.Errorf("move %s: %w", table, err)
		}
		moved = int(n)
	}
	s.count(table, moved, total-moved, 0)
	return nil
}

// findings moves the open findings on what moved (a procedure or one of
// its versions, a TTHC, a dossier or one of its steps, a moved form's
// version); one the receiving agency already has open on the same object
// is closed instead and counted as reconciled. The rest stay: they are
// the source's quality records, as are its NCs, objectives and audits.
func (s *splitter) findings() error {
	procs := map[string]bool{}
	for id := range s.procs {
		procs[Itoa(id)] = true
	}
	dossiers := map[string]bool{}
	for _, c := range s.rep.Dossiers {
		dossiers[c] = true
	}
	forms := map[string]bool{}
	for _, id := range s.forms {
		forms[Itoa(id)] = true
	}
	var total int
	if err := s.tx.QueryRow(s.ctx, `SELECT COUNT(*) FROM findings WHERE agency_code = ?`, s.from).Scan(&total); err != nil {
		return err
	}
	// A finding names its object by id, or by id and a part ("12/BM-01",
	// "HS-001/tra", "12/3" for a version): what precedes the first "/"
	// is the procedure, dossier or form it belongs to.
	rows, err := s.tx.Query(s.ctx, `SELECT id, object_type, object_id FROM findings WHERE agency_code = ? AND closed_at IS NULL ORDER BY id`, s.from)
	if err != nil {
		return err
	}
	var ids []any
	for rows.Next() {
		var id int64
		var typ, obj string
		if err := rows.Scan(&id, &typ, &obj); err != nil {
			rows.Close()
			return err
		}
		owner, _, _ := strings.Cut(obj, "/")
		switch {
		case (typ == "procedure" || typ == "procedure_version") && procs[owner],
			typ == "tthc" && s.tthc[obj],
			(typ == "dossier" || typ == "dossier_step") && dossiers[owner],
			typ == "form_version" && forms[owner]:
			ids = append(ids, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	var moved, dup int64
	if len(ids) > 0 {
		in := `id IN (` + Placeholders(len(ids)) + `)`
		if moved, err = s.tx.Exec(s.ctx, `UPDATE findings SET agency_code = ? WHERE agency_code = ? AND `+in+`
			AND NOT EXISTS (SELECT 1 FROM findings o WHERE o.closed_at IS NULL AND o.agency_code = ? AND o.rule = findings.rule
				AND o.object_type = findings.object_type AND o.object_id = findings.object_id)`,
			append(append([]any{s.to, s.from}, ids...), s.to)...); err != nil {
			return fmt.Errorf("move findings: %w", err)
		}
		if dup, err = s.tx.Exec(s.ctx, `UPDATE findings SET closed_at = ? WHERE agency_code = ? AND `+in, append([]any{FormatTime(s.tx.Now()), s.from}, ids...)...); err != nil {
			return fmt.Errorf("reconcile findings: %w", err)
		}
	}
	s.count("findings", int(moved), total-int(moved), int(dup))
	return nil
}

// procIDs are the moving procedures' ids, as arguments.
func (s *splitter) procIDs() []any {
	out := make([]any, 0, len(s.procs))
	for id := range s.procs {
		out = append(out, id)
	}
	return out
}

// inAny is an IN list of args ("(NULL)" when empty, which matches
// nothing).
func inAny(args []any) (string, []any) {
	if len(args) == 0 {
		return "(NULL)", nil
	}
	return "(" + Placeholders(len(args)) + ")", args
}

// work moves what is still to be done about what moved: the pending
// reads of its versions (the people of the receiving agency acknowledge
// them there) and the open risks of the processes that moved. Done work
// (acknowledgements, closed risks) stays as the source's history.
func (s *splitter) work() error {
	procs := s.procIDs()
	forms := make([]any, len(s.forms))
	for i, id := range s.forms {
		forms[i] = id
	}
	procIn, _ := inAny(procs)
	formIn, _ := inAny(forms)
	if err := s.move("document_reads", `acknowledged_at IS NULL AND (kind = 'procedure' AND doc_id IN `+procIn+`
		OR kind = 'form' AND doc_id IN `+formIn+`)`, append(append([]any{}, procs...), forms...)); err != nil {
		return err
	}
	return s.move("risks", `status = 'open' AND procedure_id IN `+procIn, procs)
}
