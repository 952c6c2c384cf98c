package sqlstore

import (
	"context"
	"encoding/json"
	"slices"

	"isodt/qms"
)

// ComparePauses names each dossier whose pause in progress, as
// dossier_pauses tells it, is not the one its flow holds (FlowState.PausedAt,
// which the trail vouches for): a start moved earlier would have the next
// resume move the due time later by as much. A paused dossier without an
// open pause, or with more than one, or an open pause of a dossier that is
// not paused, is named too. A pause begun before the flow kept its start
// is held to nothing but being there.
func ComparePauses(ctx context.Context, q Querier) ([]qms.RowChange, error) {
	type dossier struct {
		code, agency, status, flow string
		open                       []string // the open pauses' starts
	}
	byID := map[int64]*dossier{}
	var order []int64
	add := func(id int64, d dossier) *dossier {
		if byID[id] == nil {
			byID[id], order = &d, append(order, id)
		}
		return byID[id]
	}
	err := eachRow(ctx, q, `SELECT d.id, d.code, d.agency_code, d.status, d.flow_json FROM dossiers d WHERE d.status = ?`, func(r Row) error {
		var id int64
		var d dossier
		if err := r.Scan(&id, &d.code, &d.agency, &d.status, &d.flow); err != nil {
			return err
		}
		add(id, d)
		return nil
	}, string(qms.DossierPaused))
	if err != nil {
		return nil, err
	}
	err = eachRow(ctx, q, `SELECT p.dossier_id, p.started_at, COALESCE(d.code, ''), COALESCE(d.agency_code, ''), COALESCE(d.status, ''), COALESCE(d.flow_json, '')
		FROM dossier_pauses p LEFT JOIN dossiers d ON d.id = p.dossier_id WHERE p.ended_at IS NULL ORDER BY p.dossier_id, p.id`, func(r Row) error {
		var id int64
		var started string
		var d dossier
		if err := r.Scan(&id, &started, &d.code, &d.agency, &d.status, &d.flow); err != nil {
			return err
		}
		got := add(id, d)
		got.open = append(got.open, started)
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(order)
	var out []qms.RowChange
	for _, id := range order {
		d := byID[id]
		var flow qms.FlowState
		bad := len(d.open) != 1 || d.status != string(qms.DossierPaused) || json.Unmarshal([]byte(d.flow), &flow) != nil
		if !bad && !flow.PausedAt.IsZero() {
			bad = FormatTime(flow.PausedAt) != d.open[0]
		}
		if bad {
			out = append(out, qms.RowChange{Table: "dossier_pauses", Key: "[" + Itoa(id) + "]", Change: qms.RowAltered,
				Label: "lần tạm dừng đang diễn ra của hồ sơ " + d.code + " của " + d.agency})
		}
	}
	return out, nil
}
