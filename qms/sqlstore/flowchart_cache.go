package sqlstore

import (
	"context"
	"sync"

	"isodt/qms"
	"isodt/qms/flowchart"
)

// Flowcharts keeps the decoded flowcharts of approved versions. Every
// task list, dossier page and step completion needs the flowchart its
// dossier pinned; decoding the version's JSON each time was the largest
// cost of those requests. Once final (effective, superseded, withdrawn),
// a version's content never changes, only its status among the final
// ones, and the database refuses any other change, whoever writes
// (SQLite migration 0014, PostgreSQL 0011): the key names one content for
// good, so the cache needs no invalidation, nor a change signal, and each
// server may keep its own.
type Flowcharts struct {
	m sync.Map // [2]int64{procedureID, number} → flowchart.Flowchart
}

// contentFinal reports whether a version's content can no longer change.
func contentFinal(s qms.DocStatus) bool {
	return s == qms.StatusEffective || s == qms.StatusSuperseded || s == qms.StatusWithdrawn
}

// PinnedFlowchartIn returns the flowchart of a procedure version, read
// through q (a read or the write transaction). The result is shared
// between callers: it must not be modified.
func (s *Store) PinnedFlowchartIn(ctx context.Context, q Querier, procedureID int64, number int) (flowchart.Flowchart, error) {
	key := [2]int64{procedureID, int64(number)}
	charts := s.cfg.Flowcharts
	if charts != nil {
		if fc, ok := charts.m.Load(key); ok {
			return fc.(flowchart.Flowchart), nil
		}
	}
	v, err := QueryVersion(ctx, q, procedureID, number)
	if err != nil {
		return flowchart.Flowchart{}, err
	}
	if charts != nil && contentFinal(v.Status) {
		charts.m.Store(key, v.Flowchart)
	}
	return v.Flowchart, nil
}

// PinnedFlowchart returns the flowchart of the version a dossier pinned
// (shared: do not modify).
func (s *Store) PinnedFlowchart(ctx context.Context, procedureID int64, number int) (flowchart.Flowchart, error) {
	return s.PinnedFlowchartIn(ctx, s.read(), procedureID, number)
}
