package sqlstore

import (
	"context"
	"slices"
	"strconv"
	"time"

	"isodt/qms"
)

// The two integrity rules on step records look for the few records at
// fault among millions (a province keeps five million step records). Both
// seek through partial indexes on dossier_steps (migration 0010) and read
// only the rows that break the rule, so a full scan of a province stays
// within seconds, where reading every record and asking for the version
// in force at its time, record by record, would take minutes.

// checkMissingRecord finds completed steps whose flowchart names a form
// but that carry no entry. dossier_steps_unrecorded holds only the records
// without an entry; of those, the ones on a step that needs a form in the
// version their dossier pinned are at fault.
func checkMissingRecord(ctx context.Context, s *Store, q Querier, agencies []string, now time.Time) ([]qms.Candidate, error) {
	in, args := inList(agencies)
	rows, err := q.Query(ctx, `SELECT v.procedure_id, v.number FROM procedure_versions v JOIN procedures p ON p.id = v.procedure_id
		WHERE p.agency_code IN `+in+` AND v.status IN ('effective', 'superseded', 'withdrawn')`, args...)
	if err != nil {
		return nil, err
	}
	var versions [][2]int64
	for rows.Next() {
		var pv [2]int64
		if err := rows.Scan(&pv[0], &pv[1]); err != nil {
			rows.Close()
			return nil, err
		}
		versions = append(versions, pv)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	type stepOf struct {
		pid, number int64
		step        string
	}
	needs := map[stepOf]bool{}
	var stepIDs []any
	for _, pv := range versions {
		fc, err := s.PinnedFlowchartIn(ctx, q, pv[0], int(pv[1]))
		if err != nil {
			return nil, err
		}
		for _, st := range fc.Steps {
			if len(st.Forms) > 0 {
				needs[stepOf{pv[0], pv[1], st.ID}] = true
				if !slices.Contains(stepIDs, any(st.ID)) {
					stepIDs = append(stepIDs, st.ID)
				}
			}
		}
	}
	if len(stepIDs) == 0 {
		return nil, nil
	}
	rows, err = q.Query(ctx, `SELECT s.agency_code, d.code, d.procedure_id, d.version_number, s.step_id, s.step_name
		FROM dossier_steps s JOIN dossiers d ON d.id = s.dossier_id
		WHERE s.agency_code IN `+in+` AND s.step_id IN (`+Placeholders(len(stepIDs))+`) AND (s.form_code = '' OR s.entry_json IS NULL)`,
		append(args, stepIDs...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []qms.Candidate
	for rows.Next() {
		var a, code, step, name string
		var pid, number int64
		if err := rows.Scan(&a, &code, &pid, &number, &step, &name); err != nil {
			return nil, err
		}
		if needs[stepOf{pid, number, step}] {
			out = append(out, qms.Candidate{Rule: qms.RuleStepMissingRecord, AgencyCode: a, ObjectType: "dossier_step", ObjectID: code + "/" + step}.
				Saying(qms.SayStepMissingRecord, code, name))
		}
	}
	return out, rows.Err()
}

// inForce is a stretch of time [from, to) during which version n of a
// form was the one in force in an agency; "" is unbounded. Version 0
// stands for "none yet".
type inForce struct {
	n        int
	from, to string
}

// formTimeline is when each version of form code was in force in agency:
// the agency's own versions from its first approval on, before that the
// versions of the standard form (SYS) it used, and none before either.
// A version is in force from its approval to the next approval.
func formTimeline(ctx context.Context, q Querier, agency, code string) ([]inForce, error) {
	rows, err := q.Query(ctx, `SELECT f.agency_code, v.number, v.approved_at FROM form_versions v JOIN forms f ON f.id = v.form_id
		WHERE f.code = ? AND f.agency_code IN (?, ?) AND v.status IN ('effective', 'superseded') AND v.approved_at IS NOT NULL
		ORDER BY v.approved_at`, code, agency, qms.SystemAgencyCode)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var own, std []inForce
	for rows.Next() {
		var owner, at string
		var n int
		if err := rows.Scan(&owner, &n, &at); err != nil {
			return nil, err
		}
		if owner == agency && agency != qms.SystemAgencyCode {
			own = append(own, inForce{n: n, from: at})
		} else {
			std = append(std, inForce{n: n, from: at})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Chain each list: a version ends where the next begins.
	chain := func(l []inForce, end string) []inForce {
		for i := range l {
			l[i].to = end
			if i+1 < len(l) {
				l[i].to = l[i+1].from
			}
		}
		return l
	}
	var line []inForce
	ownFrom := ""
	if len(own) > 0 {
		ownFrom = own[0].from
	}
	for _, x := range chain(std, "") {
		if ownFrom != "" && x.from >= ownFrom {
			break
		}
		if ownFrom != "" && (x.to == "" || x.to > ownFrom) {
			x.to = ownFrom
		}
		line = append(line, x)
	}
	first := ownFrom
	if len(line) > 0 {
		first = line[0].from
	}
	if first != "" {
		line = append([]inForce{{n: 0, to: first}}, line...)
	} else {
		line = []inForce{{n: 0}}
	}
	return append(line, chain(own, "")...), nil
}

// versionAt is the version in force at time at on the timeline.
func versionAt(line []inForce, at string) int {
	for _, x := range line {
		if (x.from == "" || at >= x.from) && (x.to == "" || at < x.to) {
			return x.n
		}
	}
	return 0
}

// faultRanges turns a timeline into the index ranges that hold only
// records at fault: for each version, the times outside its stretches;
// and every version number that was never in force.
func faultRanges(line []inForce) (byTime []inForce, badNumbers [][2]int) {
	stretches := map[int][]inForce{}
	var numbers []int
	for _, x := range line {
		if _, ok := stretches[x.n]; !ok {
			numbers = append(numbers, x.n)
		}
		stretches[x.n] = append(stretches[x.n], x)
	}
	slices.Sort(numbers)
	for _, n := range numbers {
		ss := stretches[n]
		slices.SortFunc(ss, func(a, b inForce) int { return cmpFrom(a.from, b.from) })
		lo := ""
		for i, s := range ss {
			if i == 0 && s.from == "" {
				lo = s.to
				continue
			}
			byTime = append(byTime, inForce{n: n, from: lo, to: s.from})
			lo = s.to
		}
		if lo != "" || len(ss) == 0 {
			byTime = append(byTime, inForce{n: n, from: lo})
		}
	}
	// Gaps between the numbers in force, as open intervals (lo, hi).
	lo := -1 << 31
	for _, n := range numbers {
		if n > lo+1 {
			badNumbers = append(badNumbers, [2]int{lo, n})
		}
		lo = n
	}
	return byTime, append(badNumbers, [2]int{lo, 1 << 31})
}

// cmpFrom orders stretch starts, the unbounded one first.
func cmpFrom(a, b string) int {
	switch {
	case a == b:
		return 0
	case a == "":
		return -1
	case b == "":
		return 1
	case a < b:
		return -1
	}
	return 1
}

// checkWrongFormVersion finds records whose form version was not the one
// in force when the step was completed. For each agency and each form its
// records are on (a skip scan of the index lists the codes), it seeks the
// ranges of dossier_steps_form that only a faulty record can be in.
func checkWrongFormVersion(ctx context.Context, s *Store, q Querier, agencies []string, now time.Time) ([]qms.Candidate, error) {
	var out []qms.Candidate
	for _, a := range agencies {
		codes, err := recordFormCodes(ctx, q, a)
		if err != nil {
			return nil, err
		}
		for _, code := range codes {
			line, err := formTimeline(ctx, q, a, code)
			if err != nil {
				return nil, err
			}
			for _, sk := range faultSeeks(line) {
				cs, err := wrongVersionRecords(ctx, q, a, code, line, sk)
				if err != nil {
					return nil, err
				}
				out = append(out, cs...)
			}
		}
	}
	return out, nil
}

// seek is one range of an index: a condition and its arguments.
type seek struct {
	cond string
	args []any
}

// faultSeeks are the fault ranges of a timeline as conditions on
// dossier_steps_form.
func faultSeeks(line []inForce) []seek {
	byTime, badNumbers := faultRanges(line)
	var seeks []seek
	for _, r := range byTime {
		cond, args := "s.form_version = ?", []any{r.n}
		if r.from != "" {
			cond, args = cond+" AND s.completed_at >= ?", append(args, r.from)
		}
		if r.to != "" {
			cond, args = cond+" AND s.completed_at < ?", append(args, r.to)
		}
		seeks = append(seeks, seek{cond, args})
	}
	for _, r := range badNumbers {
		seeks = append(seeks, seek{"s.form_version > ? AND s.form_version < ?", []any{r[0], r[1]}})
	}
	return seeks
}

// wrongVersionRecords reads the records of one fault range of an agency's
// form: each is a finding.
func wrongVersionRecords(ctx context.Context, q Querier, agency, code string, line []inForce, sk seek) ([]qms.Candidate, error) {
	rows, err := q.Query(ctx, `SELECT d.code, s.step_id, s.form_version, s.completed_at FROM dossier_steps s JOIN dossiers d ON d.id = s.dossier_id
		WHERE s.form_code != '' AND s.agency_code = ? AND s.form_code = ? AND `+sk.cond, append([]any{agency, code}, sk.args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []qms.Candidate
	for rows.Next() {
		var dossier, step, done string
		var version int
		if err := rows.Scan(&dossier, &step, &version, &done); err != nil {
			return nil, err
		}
		out = append(out, qms.Candidate{Rule: qms.RuleRecordWrongVersion, AgencyCode: agency, ObjectType: "dossier_step", ObjectID: dossier + "/" + step}.
			Saying(qms.SayRecordWrongVersion, dossier, code, strconv.Itoa(version), strconv.Itoa(versionAt(line, done))))
	}
	return out, rows.Err()
}

// recordFormCodes lists the form codes an agency's records are on: a
// skip scan that visits dossier_steps_form once per code, not per record.
func recordFormCodes(ctx context.Context, q Querier, agency string) ([]string, error) {
	return QueryStrings(ctx, q, `WITH RECURSIVE c (code) AS (
			SELECT MIN(form_code) FROM dossier_steps WHERE form_code != '' AND agency_code = ?
			UNION ALL
			SELECT (SELECT MIN(form_code) FROM dossier_steps WHERE form_code != '' AND agency_code = ? AND form_code > c.code) FROM c WHERE c.code IS NOT NULL
		) SELECT code FROM c WHERE code IS NOT NULL`, agency, agency)
}
