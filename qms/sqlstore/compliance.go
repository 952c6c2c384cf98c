package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"isodt/qms"
	"isodt/qms/flowchart"
)

// ruleCheck finds the current candidates of one rule for some agencies.
type ruleCheck func(ctx context.Context, s *Store, q Querier, agencies []string, now time.Time) ([]qms.Candidate, error)

// checks maps each rule to its query.
var checks = map[string]ruleCheck{
	qms.RuleTTHCNotControlled:  checkNotControlled,
	qms.RuleFormNotEffective:   checkFormsInForce,
	qms.RuleFlowchartOverLimit: checkOverLimit,
	qms.RuleReviewOverdue:      checkReviewOverdue,
	qms.RuleDossierOverdue:     checkDossierOverdue,
	qms.RuleStepOverdue:        checkStepOverdue,
	qms.RuleLateWithoutApology: checkLateWithoutApology,
	qms.RuleStepMissingRecord:  checkMissingRecord,
	qms.RuleRecordWrongVersion: checkWrongFormVersion,
	qms.RuleAuditChainBroken:   auditChainCheck(false),
	qms.RuleCAPAOverdue:        checkCAPAOverdue,
	qms.RuleMergedNotReissued:  checkMergedNotReissued,
	qms.RuleRiskReviewOverdue:  checkRiskReviewOverdue,
	qms.RuleRiskActionOverdue:  checkRiskActionOverdue,
	qms.RuleAckOverdue:         checkAckOverdue,
	qms.RuleCompetenceMissing:  checkCompetenceMissing,

	// External providers (8.4) and the context register (4.1, 4.2).
	qms.RuleProviderEvaluationOverdue: checkProviderEvaluationOverdue,
	qms.RuleContextReviewOverdue:      checkContextReviewOverdue,
	qms.RuleSignatureBroken:           checkSignatures,

	// Declarations of conformity (Decision 19/2014/QĐ-TTg) and
	// satisfaction (SIPAS).
	qms.RuleDeclarationMissing:      checkDeclarationMissing,
	qms.RuleDeclarationScopeChanged: checkDeclarationScopeChanged,
	qms.RuleSatisfactionBelowTarget: checkSatisfactionBelowTarget,
	qms.RuleTTHCGovernedTwice:       checkTTHCGovernedTwice,
}

// RunChecks finds what holds now and reconciles it with the open
// findings in scope: new conditions open findings, cleared ones close
// with the time they cleared. It goes one agency at a time, each in its
// own audited transaction, so that a province's quarter of a million
// findings are never all in memory at once (nor the writer held for the
// whole scan); findings belong to one agency, so each agency's
// reconciliation is whole. Quality officers of agencies with new
// findings are notified.
func (s *Store) RunChecks(ctx context.Context, scope qms.CheckScope) (qms.CheckResult, error) {
	var res qms.CheckResult
	rules := qms.Rules
	if scope.Rule != "" {
		r, ok := qms.RuleByCode(scope.Rule)
		if !ok {
			return res, qms.FieldError("rule", "Quy tắc %q không tồn tại.", scope.Rule)
		}
		if r.Code == qms.RuleAuditChainBroken && scope.AgencyCode != "" && scope.AgencyCode != qms.SystemAgencyCode {
			// An agency's run would check nothing and answer as if the
			// trail were clean (outsider pass 15).
			return res, qms.FieldError("rule", "Quy tắc %s kiểm tra nhật ký của toàn hệ thống: chỉ chạy được ở đơn vị %s, không ở đơn vị %s.",
				r.Code, qms.SystemAgencyCode, scope.AgencyCode)
		}
		rules = []qms.Rule{r}
	}
	agencies, err := s.agencyCodes(ctx, scope.AgencyCode)
	if err != nil {
		return res, err
	}
	now := s.cfg.Now().UTC()
	// Rules over the whole system (the audit chain) run once; their
	// findings go with the agency they name. A run reconciles only the
	// agencies it covers: a candidate naming another (the system agency
	// in an agency's own run, a merged agency) is left to a run that
	// covers it, where attached to another agency's batch it was opened
	// again beside its open finding (UNIQUE findings) or never closed.
	var global []qms.Candidate
	for _, r := range rules {
		if check, ok := checks[r.Code]; ok && globalRules[r.Code] {
			if r.Code == qms.RuleAuditChainBroken && !slices.Contains(agencies, qms.SystemAgencyCode) {
				// Its findings are all the system agency's.
				continue
			}
			if scope.Rule == qms.RuleAuditChainBroken {
				// Run alone (the audit-verify job, an auditor's
				// check of the trail), the rule reads every row.
				check = auditChainCheck(true)
			}
			cs, err := check(ctx, s, s.read(), agencies, now)
			if err != nil {
				return res, fmt.Errorf("rule %s: %w", r.Code, err)
			}
			global = append(global, cs...)
		}
	}
	for _, a := range agencies {
		var found []qms.Candidate
		for _, r := range rules {
			check, ok := checks[r.Code]
			if !ok || globalRules[r.Code] {
				continue
			}
			cs, err := check(ctx, s, s.read(), []string{a}, now)
			if err != nil {
				return res, fmt.Errorf("rule %s: %w", r.Code, err)
			}
			found = append(found, cs...)
		}
		rest := global[:0:0]
		for _, c := range global {
			if c.AgencyCode == a {
				found = append(found, c)
			} else {
				rest = append(rest, c)
			}
		}
		global = rest
		part, err := s.reconcileFindings(ctx, scope, a, found)
		if err != nil {
			return res, err
		}
		res.Opened, res.Closed, res.Open = res.Opened+part.Opened, res.Closed+part.Closed, res.Open+part.Open
	}
	return res, nil
}

// checkMergedNotReissued flags a procedure a merge brought when no
// version of it has been approved since the merge and the grace period
// (Config.ReissueDays) has run out: the successor runs it on a document
// its predecessor issued.
func checkMergedNotReissued(ctx context.Context, s *Store, q Querier, agencies []string, now time.Time) ([]qms.Candidate, error) {
	days := s.cfg.ReissueDays
	if days <= 0 {
		days = qms.DefaultMergeReissueDays
	}
	in, args := inList(agencies)
	cutoff := FormatTime(now.AddDate(0, 0, -days))
	// status || '': SQLite reads the versions by procedure, not by status.
	rows, err := q.Query(ctx, `SELECT p.id, p.agency_code, p.code, p.merged_from, a.merged_at FROM procedures p JOIN agencies a ON a.code = p.merged_from
		WHERE p.agency_code IN `+in+` AND a.merged_at < ? AND NOT EXISTS (SELECT 1 FROM procedure_versions v
			WHERE v.procedure_id = p.id AND v.status || '' IN ('effective', 'superseded') AND v.approved_at > a.merged_at)`, append(args, cutoff)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []qms.Candidate
	for rows.Next() {
		var id int64
		var agency, code, from, at string
		if err := rows.Scan(&id, &agency, &code, &from, &at); err != nil {
			return nil, err
		}
		out = append(out, qms.Candidate{Rule: qms.RuleMergedNotReissued, AgencyCode: agency, ObjectType: "procedure", ObjectID: Itoa(id)}.
			Saying(qms.SayMergedNotReissued, code, from, ParseTime(at).In(qms.Zone).Format("02/01/2006"), days))
	}
	return out, rows.Err()
}

// checkTTHCGovernedTwice finds the TTHCs that two or more procedures with a
// version in force name: an approval moves a TTHC to its procedure, but a
// merger brings the predecessors' procedures as they were.
func checkTTHCGovernedTwice(ctx context.Context, s *Store, q Querier, agencies []string, now time.Time) ([]qms.Candidate, error) {
	in, args := inList(agencies)
	// status || '': SQLite reads each procedure's versions by procedure;
	// by status it read every version in force once per link (2,400 ×
	// 2,400 in the province: the scan took 5 s instead of 2.5).
	rows, err := q.Query(ctx, `SELECT p.agency_code, pt.tthc_code, p.id, p.code FROM procedure_tthc pt JOIN procedures p ON p.id = pt.procedure_id
		WHERE p.agency_code IN `+in+` AND EXISTS (SELECT 1 FROM procedure_versions v WHERE v.procedure_id = p.id AND v.status || '' = 'effective')
		ORDER BY p.agency_code, pt.tthc_code, p.code`, args...)
	if err != nil {
		return nil, err
	}
	type claim struct{ agency, tthc string }
	var order []claim
	codes := map[claim][]string{}
	names := map[int64]string{}
	for rows.Next() {
		var c claim
		var id int64
		var code string
		if err := rows.Scan(&c.agency, &c.tthc, &id, &code); err != nil {
			rows.Close()
			return nil, err
		}
		if codes[c] == nil {
			order = append(order, c)
		}
		codes[c], names[id] = append(codes[c], code), code
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []qms.Candidate
	for _, c := range order {
		if len(codes[c]) < 2 {
			continue
		}
		pid, _, err := s.inForceKey(ctx, q, c.agency, c.tthc)
		if err != nil {
			return nil, err
		}
		out = append(out, qms.Candidate{Rule: qms.RuleTTHCGovernedTwice, AgencyCode: c.agency, ObjectType: "tthc", ObjectID: c.tthc}.
			Saying(qms.SayTTHCGovernedTwice, c.tthc, strings.Join(codes[c], ", "), names[pid]))
	}
	return out, nil
}

// globalRules are the rules checked over the whole system at once: the
// audit chain, and the signatures (one pass over every signed record).
var globalRules = map[string]bool{qms.RuleAuditChainBroken: true, qms.RuleSignatureBroken: true}

// reconcileFindings opens and closes agency's findings of scope against
// what was found, in one audited transaction.
func (s *Store) reconcileFindings(ctx context.Context, scope qms.CheckScope, agency string, found []qms.Candidate) (qms.CheckResult, error) {
	var res qms.CheckResult
	err := s.update(ctx, func(tx Tx) error {
		f := scopeFilter(scope, true)
		if scope.AgencyCode == "" {
			f.AgencyCode = &agency
		}
		open, err := openFindings(ctx, tx, f)
		if err != nil {
			return err
		}
		toOpen, still, toClose := qms.Reconcile(open, found)
		for _, c := range toOpen {
			r, _ := qms.RuleByCode(c.Rule)
			said, err := phraseJSON(c.Said)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO findings (rule, severity, agency_code, object_type, object_id, message, said_json, opened_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
				c.Rule, r.Severity, c.AgencyCode, c.ObjectType, c.ObjectID, c.Text(), said, FormatTime(tx.Now())); err != nil {
				return fmt.Errorf("open finding: %w", err)
			}
		}
		for id, p := range qms.Unphrased(still, found) {
			said, err := phraseJSON(p)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE findings SET said_json = ? WHERE id = ? AND said_json IS NULL`, said, id); err != nil {
				return err
			}
		}
		for _, f := range toClose {
			if _, err := tx.Exec(ctx, `UPDATE findings SET closed_at = ? WHERE id = ?`, FormatTime(tx.Now()), f.ID); err != nil {
				return err
			}
		}
		res = qms.CheckResult{Opened: len(toOpen), Closed: len(toClose), Open: len(still) + len(toOpen)}
		newByAgency := map[string]int{}
		for _, c := range toOpen {
			newByAgency[c.AgencyCode]++
		}
		for a, n := range newByAgency {
			if err := notifyRole(ctx, tx, a, qms.RoleQualityOfficer, qms.NewNotice(qms.NoticeComplianceFindings, qms.Count(n)), "/compliance?agency="+a); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, qms.SystemAgencyCode, "compliance.run", "compliance", scope.AgencyCode+"/"+scope.Rule, nil, res, "đơn vị "+agency)
	})
	return res, err
}

// phraseJSON is a finding's phrase as stored: NULL for none.
func phraseJSON(p qms.Phrase) (*string, error) {
	if p.Kind == "" {
		return nil, nil
	}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	text := string(b)
	return &text, nil
}

func scopeFilter(scope qms.CheckScope, open bool) qms.FindingFilter {
	f := qms.FindingFilter{Open: &open}
	if scope.AgencyCode != "" {
		f.AgencyCode = &scope.AgencyCode
	}
	if scope.Rule != "" {
		f.Rule = &scope.Rule
	}
	return f
}

// phraseKept stands for a finding's stored phrase while a scan
// reconciles: only whether it has one matters there (qms.Unphrased).
var phraseKept = &qms.Phrase{}

// openFindings lists the open findings of f with what reconciling them
// needs: their keys, and whether they keep their phrase (not the phrase
// itself, nor the message: an agency has some ten thousand open).
func openFindings(ctx context.Context, q Querier, f qms.FindingFilter) ([]*qms.Finding, error) {
	where, args := findingsWhere(f)
	return queryFindings(ctx, q, `SELECT id, rule, agency_code, object_type, object_id, said_json IS NOT NULL FROM findings WHERE `+where+` ORDER BY id DESC`, args,
		func(rows Row, x *qms.Finding) error {
			var phrased bool
			if err := rows.Scan(&x.ID, &x.Rule, &x.AgencyCode, &x.ObjectType, &x.ObjectID, &phrased); err != nil {
				return err
			}
			if phrased {
				x.Said = phraseKept
			}
			return nil
		})
}

// FindFindings returns findings, open first, newest first.
func (s *Store) FindFindings(ctx context.Context, f qms.FindingFilter) ([]*qms.Finding, error) {
	return findFindings(ctx, s.read(), f)
}

func findFindings(ctx context.Context, q Querier, f qms.FindingFilter) ([]*qms.Finding, error) {
	where, args := findingsWhere(f)
	query := `SELECT id, rule, severity, agency_code, object_type, object_id, message, said_json, opened_at, closed_at FROM findings WHERE ` + where +
		` ORDER BY closed_at IS NOT NULL, id DESC`
	if f.Limit > 0 {
		query, args = query+` LIMIT ?`, append(args, f.Limit)
	}
	return queryFindings(ctx, q, query, args, func(rows Row, x *qms.Finding) error {
		var opened string
		var closed, said *string
		if err := rows.Scan(&x.ID, &x.Rule, &x.Severity, &x.AgencyCode, &x.ObjectType, &x.ObjectID, &x.Message, &said, &opened, &closed); err != nil {
			return err
		}
		if said != nil {
			// A sentence the application did not write (the file edited:
			// outsider pass 25 had /compliance answer 500 for every
			// finding) leaves the finding to its stored message.
			x.Said = new(qms.Phrase)
			if json.Unmarshal([]byte(*said), x.Said) != nil {
				x.Said = nil
			}
		}
		x.OpenedAt, x.ClosedAt = ParseTime(opened), OptTime(closed)
		return nil
	})
}

// queryFindings runs query and reads each row with scan.
func queryFindings(ctx context.Context, q Querier, query string, args []any, scan func(Row, *qms.Finding) error) ([]*qms.Finding, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*qms.Finding
	for rows.Next() {
		var x qms.Finding
		if err := scan(rows, &x); err != nil {
			return nil, err
		}
		out = append(out, &x)
	}
	return out, rows.Err()
}

// findingsWhere is the condition of f (but its limit) and its arguments.
func findingsWhere(f qms.FindingFilter) (string, []any) {
	where, args := []string{"1 = 1"}, []any{}
	if v := f.ID; v != nil {
		where, args = append(where, "id = ?"), append(args, *v)
	}
	if v := f.AgencyCode; v != nil {
		where, args = append(where, "agency_code = ?"), append(args, *v)
	}
	if v := f.Rule; v != nil {
		where, args = append(where, "rule = ?"), append(args, *v)
	}
	if v := f.Severity; v != nil {
		where, args = append(where, "severity = ?"), append(args, *v)
	}
	if v := f.Open; v != nil {
		if *v {
			where = append(where, "closed_at IS NULL")
		} else {
			where = append(where, "closed_at IS NOT NULL")
		}
	}
	return strings.Join(where, " AND "), args
}

// agencyCodes lists the agencies a run covers.
func (s *Store) agencyCodes(ctx context.Context, one string) ([]string, error) {
	if one != "" {
		a, err := s.FindAgencyByCode(ctx, one)
		if err != nil {
			return nil, err
		}
		return []string{a.Code}, nil
	}
	// A merged agency's records moved to its successor; what stayed is
	// history that no scan may reopen.
	as, err := s.FindAgencies(ctx, qms.AgencyFilter{Active: true})
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(as))
	for _, a := range as {
		out = append(out, a.Code)
	}
	return out, nil
}

// InAgencies returns "(?, ?)" and the arguments for an IN over agency
// codes (the rules the SQLite store still checks itself use it too).
func InAgencies(agencies []string) (string, []any) { return inList(agencies) }

func checkNotControlled(ctx context.Context, s *Store, q Querier, agencies []string, now time.Time) ([]qms.Candidate, error) {
	var out []qms.Candidate
	for _, a := range agencies {
		cs, err := s.ControlStatuses(ctx, a)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			if c.Status == qms.NotControlled && (c.Reason == qms.ReasonNoProcedure || c.Reason == qms.ReasonDraftOnly || c.Reason == qms.ReasonOlderThanDecision) {
				out = append(out, qms.Candidate{Rule: qms.RuleTTHCNotControlled, AgencyCode: a, ObjectType: "tthc", ObjectID: c.Code}.
					Saying(qms.SayTTHCNotControlled, c.Code, c.Name, qms.Say("control_reason."+c.Reason)))
			}
		}
	}
	return out, nil
}

func checkFormsInForce(ctx context.Context, s *Store, q Querier, agencies []string, now time.Time) ([]qms.Candidate, error) {
	var out []qms.Candidate
	inForce := map[[2]string]bool{} // agency, form code → has a version in force
	err := InForceVersions(ctx, q, agencies, func(a string, p *qms.Procedure, v *qms.ProcedureVersion) error {
		codes := append([]string{}, v.Forms...)
		for _, st := range v.Flowchart.Steps {
			codes = append(codes, st.Forms...)
		}
		seen := map[string]bool{}
		for _, code := range codes {
			if seen[code] {
				continue
			}
			seen[code] = true
			ok, known := inForce[[2]string{a, code}]
			if !known {
				_, _, err := EffectiveFormRef(ctx, q, a, code)
				ok = err == nil
				inForce[[2]string{a, code}] = ok
			}
			if !ok {
				out = append(out, qms.Candidate{Rule: qms.RuleFormNotEffective, AgencyCode: a, ObjectType: "procedure", ObjectID: fmt.Sprintf("%d/%s", p.ID, code)}.
					Saying(qms.SayFormNotEffective, p.Code, v.IssueNumber(), code))
			}
		}
		return nil
	})
	return out, err
}

func checkOverLimit(ctx context.Context, s *Store, q Querier, agencies []string, now time.Time) ([]qms.Candidate, error) {
	var out []qms.Candidate
	// The catalogue is each store's own (Config.TTHCs): read once an
	// agency; one it cannot read has no limit to exceed.
	catalogues := map[string]map[string]*qms.TTHC{}
	err := InForceVersions(ctx, q, agencies, func(a string, p *qms.Procedure, v *qms.ProcedureVersion) error {
		tthcs, ok := catalogues[a]
		if !ok {
			tthcs = map[string]*qms.TTHC{}
			ts, _ := QueryTTHCs(ctx, s.read(), a, nil)
			for _, t := range ts {
				tthcs[t.Code] = t
			}
			catalogues[a] = tthcs
		}
		for _, code := range p.TTHCCodes {
			t, ok := tthcs[code]
			if !ok {
				continue
			}
			limit, longest := qms.LimitHours(t), flowchart.LongestPathHours(v.Flowchart)
			if longest > limit {
				out = append(out, qms.Candidate{Rule: qms.RuleFlowchartOverLimit, AgencyCode: a, ObjectType: "procedure", ObjectID: fmt.Sprintf("%d/%s", p.ID, code)}.
					Saying(qms.SayFlowchartOverLimit, p.Code, qms.DecimalPhrase(flowchart.FormatHours(longest, "en")), t.TimeLimitDays,
						qms.DecimalPhrase(flowchart.FormatHours(limit, "en")), code))
			}
		}
		return nil
	})
	return out, err
}

func checkReviewOverdue(ctx context.Context, s *Store, q Querier, agencies []string, now time.Time) ([]qms.Candidate, error) {
	in, args := inList(agencies)
	rows, err := q.Query(ctx, `SELECT id, agency_code, code, next_review_on FROM procedures WHERE agency_code IN `+in+` AND next_review_on IS NOT NULL AND next_review_on < ?`,
		append(args, qms.CivilDate(now).Format("2006-01-02"))...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []qms.Candidate
	for rows.Next() {
		var id int64
		var a, code, due string
		if err := rows.Scan(&id, &a, &code, &due); err != nil {
			return nil, err
		}
		out = append(out, qms.Candidate{Rule: qms.RuleReviewOverdue, AgencyCode: a, ObjectType: "procedure", ObjectID: Itoa(id)}.
			Saying(qms.SayReviewOverdue, code, ParseDate(due).Format("02/01/2006")))
	}
	return out, rows.Err()
}

// dossierCandidates turns rows of (agency, code, due) into candidates.
func dossierCandidates(ctx context.Context, q Querier, rule, say, query string, args ...any) ([]qms.Candidate, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []qms.Candidate
	for rows.Next() {
		var a, code, due string
		if err := rows.Scan(&a, &code, &due); err != nil {
			return nil, err
		}
		out = append(out, qms.Candidate{Rule: rule, AgencyCode: a, ObjectType: "dossier", ObjectID: code}.
			Saying(say, code, ParseTime(due).In(qms.Zone).Format("02/01/2006 15:04")))
	}
	return out, rows.Err()
}

func checkDossierOverdue(ctx context.Context, s *Store, q Querier, agencies []string, now time.Time) ([]qms.Candidate, error) {
	in, args := inList(agencies)
	return dossierCandidates(ctx, q, qms.RuleDossierOverdue, qms.SayDossierOverdue,
		`SELECT agency_code, code, due_at FROM dossiers WHERE agency_code IN `+in+` AND status IN ('received', 'in_progress') AND due_at < ?`, append(args, FormatTime(now))...)
}

func checkStepOverdue(ctx context.Context, s *Store, q Querier, agencies []string, now time.Time) ([]qms.Candidate, error) {
	in, args := inList(agencies)
	rows, err := q.Query(ctx, `SELECT agency_code, dossier_code, step_id, due_at, procedure_id, version_number FROM dossier_open_steps
		WHERE agency_code IN `+in+` AND paused = FALSE AND due_at < ?`, append(args, FormatTime(now))...)
	if err != nil {
		return nil, err
	}
	type open struct {
		a, code, step, due string
		pid                int64
		number             int
	}
	var steps []open
	for rows.Next() {
		var o open
		if err := rows.Scan(&o.a, &o.code, &o.step, &o.due, &o.pid, &o.number); err != nil {
			rows.Close()
			return nil, err
		}
		steps = append(steps, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// The message names the step as its flowchart does: the step's id is
	// only the object's reference.
	out := make([]qms.Candidate, 0, len(steps))
	for _, o := range steps {
		name := o.step
		if fc, err := s.PinnedFlowchartIn(ctx, q, o.pid, o.number); err == nil {
			if st, ok := flowchart.FindStep(fc, o.step); ok && st.Name != "" {
				name = st.Name
			}
		}
		out = append(out, qms.Candidate{Rule: qms.RuleStepOverdue, AgencyCode: o.a, ObjectType: "dossier_step", ObjectID: o.code + "/" + o.step}.
			Saying(qms.SayStepOverdue, o.code, name, ParseTime(o.due).In(qms.Zone).Format("02/01/2006 15:04")))
	}
	return out, nil
}

func checkLateWithoutApology(ctx context.Context, s *Store, q Querier, agencies []string, now time.Time) ([]qms.Candidate, error) {
	in, args := inList(agencies)
	return dossierCandidates(ctx, q, qms.RuleLateWithoutApology, qms.SayLateWithoutApology,
		// Two halves, each on its own index (dossiers_late, dossiers_status):
		// with OR, SQLite reads every dossier of the province.
		`SELECT agency_code, code, due_at FROM dossiers WHERE agency_code IN `+in+` AND new_appointment IS NULL AND result = 'late'
		UNION ALL
		SELECT agency_code, code, due_at FROM dossiers WHERE agency_code IN `+in+` AND new_appointment IS NULL AND result != 'late'
			AND status IN ('received', 'in_progress', 'paused') AND due_at < ?`, append(append(args, args...), FormatTime(now))...)
}

// WholeCheckObjects are the object types only a whole verification
// names: the bulk tables' rows, the dossiers' step records
// (CompareStepChains), their open steps (CompareOpenSteps), their
// counts (CompareDossierCounts) and their pauses (ComparePauses).
func WholeCheckObjects() []string {
	out := []string{"dossier_steps", "dossier_open_steps", "dossier_counts", "dossier_pauses"}
	for _, t := range SecurityTables {
		if t.Bulk {
			out = append(out, t.Table)
		}
	}
	return out
}

// auditChainCheck verifies the trail and the rows it vouches for, the
// bulk tables' (dossiers) only when bulk. A check that does not read
// them keeps their open findings: a finding clears only when a check
// that looks at its row no longer sees it.
func auditChainCheck(bulk bool) ruleCheck {
	return func(ctx context.Context, s *Store, q Querier, agencies []string, now time.Time) ([]qms.Candidate, error) {
		out, err := checkAuditChain(ctx, s, bulk)
		if err != nil || bulk {
			return out, err
		}
		in, args := inList(WholeCheckObjects())
		rows, err := q.Query(ctx, `SELECT agency_code, object_type, object_id, message FROM findings
			WHERE rule = ? AND closed_at IS NULL AND object_type IN `+in, append([]any{qms.RuleAuditChainBroken}, args...)...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			c := qms.Candidate{Rule: qms.RuleAuditChainBroken}
			if err := rows.Scan(&c.AgencyCode, &c.ObjectType, &c.ObjectID, &c.Message); err != nil {
				return nil, err
			}
			out = append(out, c)
		}
		return out, rows.Err()
	}
}

func checkAuditChain(ctx context.Context, s *Store, bulk bool) ([]qms.Candidate, error) {
	_, err := s.cfg.VerifyAudit(ctx, bulk)
	var br *qms.ChainBreak
	if errors.As(err, &br) {
		return []qms.Candidate{{Rule: qms.RuleAuditChainBroken, AgencyCode: qms.SystemAgencyCode, ObjectType: "audit_log", ObjectID: Itoa(br.EntryID), Message: br.Error()}}, nil
	}
	// A row written outside the application is a finding of its own,
	// named by its table and key.
	var rt *qms.RowsTampered
	if errors.As(err, &rt) {
		out := make([]qms.Candidate, 0, len(rt.Rows))
		for _, c := range rt.Rows {
			out = append(out, qms.Candidate{Rule: qms.RuleAuditChainBroken, AgencyCode: qms.SystemAgencyCode, ObjectType: c.Table, ObjectID: c.Key, Message: c.String()})
		}
		return out, nil
	}
	return nil, err
}
