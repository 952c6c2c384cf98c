package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"isodt/qms"
	"isodt/qms/flowchart"
)

// DossierDialect is what the dossier reads cannot say alike on both
// databases (Config.Dossiers): the applicant's name taken out of its JSON,
// SQLite's "no limit", and the on-time reports, whose SQLite query names
// its indexes (INDEXED BY) and takes the month with strftime. SQLite keeps
// its own SQL, measured by the benchmarks and held to its plans by tests;
// PostgreSQL has its equivalent.
type DossierDialect int

const (
	// DossiersSQLite is the dialect of qms/sqlite.
	DossiersSQLite DossierDialect = iota
	// DossiersPostgreSQL is the dialect of qms/postgres.
	DossiersPostgreSQL
)

// DossierColumns are the columns scanDossier reads.
const DossierColumns = `id, code, agency_code, tthc_code, COALESCE(procedure_id, 0), version_number, applicant_json, channel, received_at, due_at, status, result, returned_at, new_appointment, flow_json, note, updated_at, survey_key,
	tthc_name, tthc_time_limit_days, tthc_fee, agency_name`

// ScanDossier reads a row of DossierColumns.
func ScanDossier(row Row) (*qms.Dossier, error) {
	var d qms.Dossier
	var applicant, received, due, flow, updated string
	var returned, appointment *string
	var terms qms.TTHCTerms
	if err := row.Scan(&d.ID, &d.Code, &d.AgencyCode, &d.TTHCCode, &d.ProcedureID, &d.VersionNumber, &applicant, &d.Channel,
		&received, &due, &d.Status, &d.Result, &returned, &appointment, &flow, &d.Note, &updated, &d.SurveyKey,
		&terms.Name, &terms.TimeLimitDays, &terms.Fee, &d.ReceivedByName); err != nil {
		return nil, err
	}
	if terms.Name != "" {
		d.ReceivedUnder = &terms
	}
	if json.Unmarshal([]byte(applicant), &d.Applicant) != nil {
		// Not what a receipt writes (the file edited, which
		// verification names): the dossier reads without its applicant
		// rather than failing its pages and the public lookup (outsider
		// pass 26).
		d.Applicant = qms.Applicant{}
	}
	if err := json.Unmarshal([]byte(flow), &d.Flow); err != nil {
		return nil, fmt.Errorf("dossier %s flow: %w", d.Code, err)
	}
	d.ReceivedAt, d.DueAt, d.UpdatedAt = ParseTime(received), ParseTime(due), ParseTime(updated)
	d.ReturnedAt, d.NewAppointment = OptTime(returned), OptTime(appointment)
	return &d, nil
}

// FindDossier returns ENOTFOUND unless the agency has the dossier.
func (s *Store) FindDossier(ctx context.Context, agency, code string) (*qms.Dossier, error) {
	return FindDossierOn(ctx, s.read(), agency, code)
}

// FindDossierOn is FindDossier read through q (a read, or the write
// transaction).
func FindDossierOn(ctx context.Context, q Querier, agency, code string) (*qms.Dossier, error) {
	rows, err := q.Query(ctx, `SELECT `+DossierColumns+` FROM dossiers WHERE code = ? AND agency_code = ?`, strings.ToUpper(strings.TrimSpace(code)), agency)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, err
		}
		return nil, qms.Errorf(qms.ENOTFOUND, "Không tìm thấy hồ sơ %q.", code)
	}
	d, err := ScanDossier(rows)
	if err != nil {
		return nil, err
	}
	return d, rows.Close()
}

// FindDossierByCode looks a dossier up for the public status page of an
// agency: codes are unique per agency only, so the agency is part of the
// key, as in FindDossier.
func (s *Store) FindDossierByCode(ctx context.Context, agency, code string) (*qms.Dossier, error) {
	return FollowMerges(ctx, s.read(), agency, code)
}

// FollowMerges finds a dossier by its code at the agency it was received
// in even after that agency merged or split: open dossiers moved to the
// successor (or to the agency a split gave their procedure) with their
// codes, so the citizen's lookup follows merged_into and dossier_moves.
// On a successor's page it also finds its predecessors' dossiers, the
// closed ones having stayed with them (docs/agency-merge.md: "on A's page
// or on NEW's").
func FollowMerges(ctx context.Context, q Querier, agency, code string) (*qms.Dossier, error) {
	d, err := followMoves(ctx, q, agency, code)
	if qms.ErrorCode(err) != qms.ENOTFOUND {
		return d, err
	}
	// The predecessors, level by level (a successor may itself have
	// merged into a later one); a bounded walk, as the forward one.
	level := []string{agency}
	for depth := 0; depth < 16 && len(level) > 0; depth++ {
		var next []string
		for _, a := range level {
			preds, perr := QueryStrings(ctx, q, `SELECT code FROM agencies WHERE merged_into = ? ORDER BY code`, a)
			if perr != nil {
				return nil, perr
			}
			for _, p := range preds {
				if found, ferr := FindDossierOn(ctx, q, p, code); qms.ErrorCode(ferr) != qms.ENOTFOUND {
					return found, ferr
				}
			}
			next = append(next, preds...)
		}
		level = next
	}
	return d, err
}

// followMoves finds the dossier at agency or where it moved: along
// dossier_moves and merged_into.
func followMoves(ctx context.Context, q Querier, agency, code string) (*qms.Dossier, error) {
	for hops := 0; ; hops++ {
		d, err := FindDossierOn(ctx, q, agency, code)
		if qms.ErrorCode(err) != qms.ENOTFOUND || hops > 16 {
			return d, err
		}
		var into *string
		if qerr := q.QueryRow(ctx, `SELECT COALESCE((SELECT moved_to FROM dossier_moves WHERE agency_code = ? AND code = ?),
			(SELECT merged_into FROM agencies WHERE code = ?))`, agency, code, agency).Scan(&into); qerr != nil || into == nil {
			return d, err
		}
		agency = *into
	}
}

// FindDossiers returns a page of dossiers, newest first, and the total:
// exact, or with f.CountLimit > 0 at most f.CountLimit+1 (meaning "more
// than f.CountLimit").
func (s *Store) FindDossiers(ctx context.Context, f qms.DossierFilter) ([]*qms.Dossier, int, error) {
	cond, args := DossierWhere(f, s.cfg.Now())
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	offset := max(0, f.Offset)
	// The indexes dossiers_received, dossiers_list and dossiers_tthc
	// (agency, the filter column, received_at) hold the matches in this
	// order: a page reads offset+limit index entries and limit rows, and
	// no row that does not match (SQLite migration 0011).
	cols, scan := DossierColumns, ScanDossier
	if f.Brief {
		cols, scan = s.cfg.Dossiers.BriefDossierColumns(), scanBriefDossier
	}
	q := s.read()
	rows, err := q.Query(ctx, DossierPageSQL(cols, cond), append(append([]any{}, args...), limit, offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := make([]*qms.Dossier, 0, limit)
	for rows.Next() {
		d, err := scan(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	rows.Close()
	total := offset + len(out)
	// A page that is not full is the last one and tells the total; only
	// a full page, or one past the end, needs counting.
	if len(out) == limit || len(out) == 0 && offset > 0 {
		if cond, args, ok := dossierCountsWhere(f); ok {
			// dossier_counts keeps the count of each agency and status
			// (SQLite migration 0026).
			if err := q.QueryRow(ctx, `SELECT COALESCE(SUM(n), 0) FROM dossier_counts WHERE `+cond, args...).Scan(&total); err != nil {
				return nil, 0, err
			}
			if f.CountLimit > 0 {
				total = min(total, f.CountLimit+1)
			}
			return out, total, nil
		}
		more := false
		if f.CountLimit > 0 {
			// An exact count of a province agency's dossiers reads 50,000
			// index entries. Whether there is one past the cap is a walk
			// of CountLimit entries that yields none, half the cost of
			// counting them; only a total under the cap is then counted.
			err = q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM dossiers WHERE `+cond+` LIMIT 1 OFFSET ?)`, append(args, f.CountLimit)...).Scan(&more)
			if err != nil {
				return nil, 0, err
			}
			total = f.CountLimit + 1
		}
		if !more {
			if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM dossiers WHERE `+cond, args...).Scan(&total); err != nil {
				return nil, 0, err
			}
		}
	}
	if f.CountLimit > 0 {
		total = min(total, f.CountLimit+1)
	}
	return out, total, nil
}

// DossierPageSQL is the query of a page of FindDossiers.
func DossierPageSQL(cols, cond string) string {
	return `SELECT ` + cols + ` FROM dossiers WHERE ` + cond + ` ORDER BY received_at DESC, id DESC LIMIT ? OFFSET ?`
}

// DossierWhere is the condition of a DossierFilter and its arguments.
func DossierWhere(f qms.DossierFilter, now time.Time) (string, []any) {
	where, args := []string{"1 = 1"}, []any{}
	if v := f.AgencyCode; v != nil {
		where, args = append(where, "agency_code = ?"), append(args, *v)
	}
	if v := f.Code; v != nil {
		where, args = append(where, "code = ?"), append(args, strings.ToUpper(*v))
	}
	if v := f.Status; v != nil {
		where, args = append(where, "status = ?"), append(args, *v)
	}
	if v := f.TTHCCode; v != nil {
		where, args = append(where, "tthc_code = ?"), append(args, *v)
	}
	if v := f.Overdue; v != nil && *v {
		where, args = append(where, "status IN ('received', 'in_progress', 'paused') AND due_at < ?"), append(args, FormatTime(now))
	}
	return strings.Join(where, " AND "), args
}

// dossierCountsWhere is the condition on dossier_counts that sums to the
// number of dossiers f matches, when f filters on nothing but the agency
// and the status; ok is false otherwise.
func dossierCountsWhere(f qms.DossierFilter) (cond string, args []any, ok bool) {
	if f.Code != nil || f.TTHCCode != nil || f.Overdue != nil && *f.Overdue {
		return "", nil, false
	}
	cond = "1 = 1"
	if v := f.AgencyCode; v != nil {
		cond, args = cond+" AND agency_code = ?", append(args, *v)
	}
	if v := f.Status; v != nil {
		cond, args = cond+" AND status = ?", append(args, *v)
	}
	return cond, args, true
}

// BriefDossierColumns are the columns of a DossierFilter.Brief list: the
// applicant's name is taken out of its JSON by the database.
func (d DossierDialect) BriefDossierColumns() string {
	// A value that is not JSON fails SQLite's ->> and with it the whole
	// list (outsider pass 26): read as no name.
	name := `CASE WHEN json_valid(applicant_json) THEN applicant_json ->> '$.name' END`
	if d == DossiersPostgreSQL {
		name = `CAST(applicant_json AS jsonb) ->> 'name'`
	}
	return `id, code, agency_code, tthc_code, COALESCE(procedure_id, 0), version_number, COALESCE(` + name + `, ''), channel, received_at, due_at, status, result, returned_at, new_appointment, updated_at`
}

func scanBriefDossier(row Row) (*qms.Dossier, error) {
	var d qms.Dossier
	var received, due, updated string
	var returned, appointment *string
	if err := row.Scan(&d.ID, &d.Code, &d.AgencyCode, &d.TTHCCode, &d.ProcedureID, &d.VersionNumber, &d.Applicant.Name, &d.Channel,
		&received, &due, &d.Status, &d.Result, &returned, &appointment, &updated); err != nil {
		return nil, err
	}
	d.ReceivedAt, d.DueAt, d.UpdatedAt = ParseTime(received), ParseTime(due), ParseTime(updated)
	d.ReturnedAt, d.NewAppointment = OptTime(returned), OptTime(appointment)
	return &d, nil
}

// Tasks lists the open steps of an agency for the given roles, overdue
// first then by due time (at most 500).
func (s *Store) Tasks(ctx context.Context, agency string, roles []qms.Role) ([]qms.Task, error) {
	return s.TasksPage(ctx, agency, roles, 0, 500)
}

// TasksPageSQL is the query of TasksPage for n roles; its arguments are
// (agency, role, offset+limit) for each role, then, with delegated,
// (agency, delegate, the n roles, offset+limit), then limit and offset.
// Each arm is a subquery named for PostgreSQL, which wants the name.
// Steps due at the same time come in the order of their dossiers' codes
// (the index's next column), so that pages neither repeat nor skip one.
//
// The delegation arm lists the open steps delegated to the caller
// (DelegateStep) that none of the caller's roles already lists: a
// delegate who lacks the step's role would otherwise learn of it only
// from a notification. Two delegations of one step are one task.
func TasksPageSQL(n int, delegated bool) string {
	arms := make([]string, n, n+1)
	for i := range arms {
		arms[i] = `SELECT * FROM (SELECT dossier_code, tthc_code, agency_code, step_id, opened_at, due_at, dossier_due, procedure_id, version_number
			FROM dossier_open_steps WHERE agency_code = ? AND role = ? AND paused = FALSE ORDER BY due_at, dossier_code LIMIT ?) AS arm` + Itoa(int64(i))
	}
	if delegated {
		arms = append(arms, `SELECT * FROM (SELECT o.dossier_code, o.tthc_code, o.agency_code, o.step_id, o.opened_at, o.due_at, o.dossier_due, o.procedure_id, o.version_number
			FROM step_delegations sd
			JOIN dossiers d ON d.agency_code = sd.agency_code AND d.code = sd.dossier
			JOIN dossier_open_steps o ON o.dossier_id = d.id AND o.step_id = sd.step_id
			WHERE sd.agency_code = ? AND sd.to_user = ? AND `+openDelegationSD+`
				AND o.paused = FALSE AND o.role NOT IN (`+strings.TrimSuffix(strings.Repeat("?, ", n), ", ")+`)
			GROUP BY o.dossier_id, o.step_id ORDER BY o.due_at, o.dossier_code LIMIT ?) AS arm`+Itoa(int64(n)))
	}
	return `SELECT o.dossier_code, COALESCE(t.name, o.tthc_code), o.step_id, o.opened_at, o.due_at, o.dossier_due, o.procedure_id, o.version_number
		FROM (` + strings.Join(arms, " UNION ALL ") + `) o LEFT JOIN tthc t ON t.agency_code = o.agency_code AND t.code = o.tthc_code
		ORDER BY o.due_at, o.dossier_code, o.step_id LIMIT ? OFFSET ?`
}

// delegatedStep is a step of a dossier, as a delegation names it.
type delegatedStep struct{ dossier, step string }

// delegationsTo are the open delegations to user in agency, by step, with
// the full name of the delegator (one of them, for a step delegated
// twice). A delegation ends with its step's round, so these are few.
func (s *Store) delegationsTo(ctx context.Context, agency, user string) (map[delegatedStep]string, error) {
	if user == "" {
		return nil, nil
	}
	rows, err := s.read().Query(ctx, `SELECT sd.dossier, sd.step_id, MAX(COALESCE(NULLIF(u.full_name, ''), sd.from_user))
		FROM step_delegations sd LEFT JOIN users u ON u.username = sd.from_user
		WHERE sd.agency_code = ? AND sd.to_user = ? AND `+openDelegationSD+`
		GROUP BY sd.dossier, sd.step_id`, agency, strings.ToLower(user))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[delegatedStep]string{}
	for rows.Next() {
		var k delegatedStep
		var from string
		if err := rows.Scan(&k.dossier, &k.step, &from); err != nil {
			return nil, err
		}
		out[k] = from
	}
	return out, rows.Err()
}

// noLimit is the LIMIT argument that sets none.
func (d DossierDialect) noLimit() any {
	if d == DossiersPostgreSQL {
		return nil
	}
	return -1
}

// TasksPage is one page of Tasks, most urgent first: ordering by due time
// alone already puts the overdue steps first. Each role's open steps are
// a range of the index in that order; the page takes the first
// offset+limit of each and merges them, so a caller with several roles
// sorts a few pages' worth of rows, never all the agency's open steps.
// The steps delegated to the actor of ctx are one more such arm, asked
// only when there are some.
func (s *Store) TasksPage(ctx context.Context, agency string, roles []qms.Role, offset, limit int) ([]qms.Task, error) {
	if len(roles) == 0 {
		return []qms.Task{}, nil
	}
	offset = max(0, offset)
	upTo, pageLimit := s.cfg.Dossiers.noLimit(), s.cfg.Dossiers.noLimit()
	if limit >= 0 {
		upTo, pageLimit = offset+limit, limit
	}
	actor, _ := qms.ActorFrom(ctx)
	delegated, err := s.delegationsTo(ctx, agency, actor.Username)
	if err != nil {
		return nil, err
	}
	args := make([]any, 0, 4*len(roles)+5)
	for _, r := range roles {
		args = append(args, agency, string(r), upTo)
	}
	if len(delegated) > 0 {
		args = append(args, agency, strings.ToLower(actor.Username))
		for _, r := range roles {
			args = append(args, string(r))
		}
		args = append(args, upTo)
	}
	rows, err := s.read().Query(ctx, TasksPageSQL(len(roles), len(delegated) > 0), append(args, pageLimit, offset)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	// Sized for a page of the web list (51 rows): growing the slice row by
	// row copied the tasks over and over (a Task is some 250 bytes).
	out := make([]qms.Task, 0, min(max(limit, 0), 64))
	type pinned struct {
		pid    int64
		number int
	}
	versions := make([]pinned, 0, cap(out))
	for rows.Next() {
		var t qms.Task
		var v pinned
		var opened, due, ddue string
		if err := rows.Scan(&t.DossierCode, &t.TTHCName, &t.StepID, &opened, &due, &ddue, &v.pid, &v.number); err != nil {
			return nil, err
		}
		// Marked whether the step came by the delegation or by a role
		// the delegate also holds: either way it was handed to them.
		t.DelegatedBy = delegated[delegatedStep{t.DossierCode, t.StepID}]
		t.OpenedAt, t.DueAt, t.DossierDue = ParseTime(opened), ParseTime(due), ParseTime(ddue)
		out, versions = append(out, t), append(versions, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	for i := range out {
		t := &out[i]
		fc, err := s.PinnedFlowchart(ctx, versions[i].pid, versions[i].number)
		if err != nil {
			return nil, err
		}
		st, _ := flowchart.FindStep(fc, t.StepID)
		t.StepName, t.Responsible, t.Kind = st.Name, st.Responsible, string(st.Kind)
		t.Exits = qms.Exits(fc, st.ID)
		if len(st.Forms) > 0 {
			t.Form = st.Forms[0]
		}
	}
	qms.SortTasks(out, s.cfg.Now())
	return out, nil
}
