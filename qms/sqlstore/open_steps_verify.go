package sqlstore

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"isodt/qms"
)

// CompareOpenSteps names each dossier whose open steps as the task lists,
// the dashboard and the compliance checks read them (dossier_open_steps,
// kept in step by each write) are not those its flow holds (flow_json,
// which the trail vouches for since RowStateVersion 6): a row deleted (a
// task hidden, an overdue step no check sees), added, paused, or telling
// another dossier's code, agency, due time or procedure version, or a
// step's role other than its flowchart's (a task moved to another role's
// list: pass 19), or a due time other than the flow's (moved later, it
// closed the overdue findings: pass 19; a flow written before the due
// times were kept in it has none to compare).
func CompareOpenSteps(ctx context.Context, q Querier) ([]qms.RowChange, error) {
	roles, err := openStepRoles(ctx, q)
	if err != nil {
		return nil, err
	}
	type dossier struct {
		id                   int64
		code, agency, status string
		flow                 string
		mirror               []string // step id, opening and due time of each row
		mismatch             bool     // a row tells other values than the dossier's
	}
	var out []qms.RowChange
	check := func(d *dossier) {
		var want []string
		var flow qms.FlowState
		bad := d.mismatch
		if !qms.DossierStatus(d.status).Finished() {
			if err := json.Unmarshal([]byte(d.flow), &flow); err != nil {
				bad = true
			}
			for _, o := range flow.Open {
				due := "*" // a flow written before the due times were kept
				if !o.DueAt.IsZero() {
					due = FormatTime(o.DueAt)
				}
				want = append(want, o.StepID+" "+FormatTime(o.OpenedAt)+" "+due)
			}
		}
		slices.Sort(want)
		slices.Sort(d.mirror)
		same := slices.EqualFunc(want, d.mirror, func(w, m string) bool {
			if k, ok := strings.CutSuffix(w, " *"); ok {
				return strings.HasPrefix(m, k+" ")
			}
			return w == m
		})
		if bad || len(want) != len(d.mirror) || !same {
			out = append(out, qms.RowChange{Table: "dossier_open_steps", Key: "[" + Itoa(d.id) + "]",
				Label: "các bước đang mở của hồ sơ " + d.code + " của " + d.agency, Change: qms.RowAltered})
		}
	}
	var cur *dossier
	err = eachRow(ctx, q, `SELECT d.id, d.code, d.agency_code, d.status, d.flow_json, COALESCE(o.step_id || ' ' || o.opened_at || ' ' || o.due_at, ''),
		COALESCE(o.procedure_id, 0), COALESCE(o.version_number, 0), COALESCE(o.step_id, ''), COALESCE(o.role, ''),
		CASE WHEN o.dossier_id IS NULL OR (o.agency_code = d.agency_code AND o.dossier_code = d.code AND o.tthc_code = d.tthc_code
			AND o.dossier_due = d.due_at AND o.procedure_id = COALESCE(d.procedure_id, 0) AND o.version_number = d.version_number
			AND o.paused = (d.status = ?)) THEN 0 ELSE 1 END
		FROM dossiers d LEFT JOIN dossier_open_steps o ON o.dossier_id = d.id ORDER BY d.id`, func(r Row) error {
		var d dossier
		var step, stepID, role string
		var procedure, version int64
		var mismatch int
		if err := r.Scan(&d.id, &d.code, &d.agency, &d.status, &d.flow, &step, &procedure, &version, &stepID, &role, &mismatch); err != nil {
			return err
		}
		if step != "" && roles[openStepKey{procedure, version, stepID}] != role {
			mismatch = 1
		}
		if cur == nil || cur.id != d.id {
			if cur != nil {
				check(cur)
			}
			cur = &d
		}
		if step != "" {
			cur.mirror = append(cur.mirror, step)
		}
		cur.mismatch = cur.mismatch || mismatch != 0
		return nil
	}, string(qms.DossierPaused))
	if err != nil {
		return nil, err
	}
	if cur != nil {
		check(cur)
	}
	orphans, err := QueryStrings(ctx, q, `SELECT DISTINCT CAST(o.dossier_id AS TEXT) FROM dossier_open_steps o
		WHERE NOT EXISTS (SELECT 1 FROM dossiers d WHERE d.id = o.dossier_id) ORDER BY 1`)
	for _, id := range orphans {
		out = append(out, qms.RowChange{Table: "dossier_open_steps", Key: "[" + id + "]", Label: "các bước đang mở của hồ sơ không còn", Change: qms.RowAdded})
	}
	return out, err
}

// openStepKey names a step of a procedure version.
type openStepKey struct {
	procedure, version int64
	step               string
}

// openStepRoles is the role each step of the procedure versions the open
// steps pinned waits for, from their flowcharts (final: their content
// cannot change), read before the open steps are: a PostgreSQL connection
// runs one statement at a time.
func openStepRoles(ctx context.Context, q Querier) (map[openStepKey]string, error) {
	type pin struct{ procedure, version int64 }
	var pins []pin
	err := eachRow(ctx, q, `SELECT DISTINCT procedure_id, version_number FROM dossier_open_steps`, func(r Row) error {
		var p pin
		if err := r.Scan(&p.procedure, &p.version); err != nil {
			return err
		}
		pins = append(pins, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := map[openStepKey]string{}
	for _, p := range pins {
		v, err := QueryVersion(ctx, q, p.procedure, int(p.version))
		if qms.ErrorCode(err) == qms.ENOTFOUND {
			continue // no such version: every row of it is named
		} else if err != nil {
			return nil, err
		}
		for _, st := range v.Flowchart.Steps {
			out[openStepKey{p.procedure, p.version, st.ID}] = string(qms.RoleForStep(st.Responsible))
		}
	}
	return out, nil
}
