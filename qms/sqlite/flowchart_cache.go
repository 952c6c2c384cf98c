package sqlite

import (
	"context"
	"sync"

	"isodt/qms"
	"isodt/qms/flowchart"
)

// flowcharts keeps the decoded flowcharts of approved versions. Every task
// list, dossier page and step completion needs the flowchart its dossier
// pinned; decoding the version's JSON each time was the largest cost of
// those requests. Once final (effective, superseded, withdrawn), a
// version's content never changes, only its status among the final ones,
// and the database refuses any other change, whoever writes (migration
// 0014): the key names one content for good, so the cache needs no
// invalidation, nor a change signal.
type flowcharts struct {
	m sync.Map // [2]int64{procedureID, number} → flowchart.Flowchart
}

// contentFinal reports whether a version's content can no longer change.
func contentFinal(s qms.DocStatus) bool {
	return s == qms.StatusEffective || s == qms.StatusSuperseded || s == qms.StatusWithdrawn
}

// pinnedFlowchart returns the flowchart of a procedure version, read
// through q (a read connection or the write transaction). The result is
// shared between callers: it must not be modified.
func (db *DB) pinnedFlowchart(ctx context.Context, q querier, procedureID int64, number int) (flowchart.Flowchart, error) {
	key := [2]int64{procedureID, int64(number)}
	if fc, ok := db.charts.m.Load(key); ok {
		return fc.(flowchart.Flowchart), nil
	}
	v, err := findVersion(ctx, q, procedureID, number)
	if err != nil {
		return flowchart.Flowchart{}, err
	}
	if contentFinal(v.Status) {
		db.charts.m.Store(key, v.Flowchart)
	}
	return v.Flowchart, nil
}

// PinnedFlowchart returns the flowchart of the version a dossier pinned
// (shared: do not modify).
func (db *DB) PinnedFlowchart(ctx context.Context, procedureID int64, number int) (flowchart.Flowchart, error) {
	return db.pinnedFlowchart(ctx, db.read, procedureID, number)
}
