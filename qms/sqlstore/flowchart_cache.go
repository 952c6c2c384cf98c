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
	m sync.Map // [2]int64{procedureID, number} → pinnedVersion
}

// pinnedVersion is what the cache keeps of a final version: its flowchart
// and its subject (nil for one submitted before subjects were kept).
type pinnedVersion struct {
	flowchart flowchart.Flowchart
	subject   *qms.ProcedureSubject
}

// contentFinal reports whether a version's content can no longer change.
func contentFinal(s qms.DocStatus) bool {
	return s == qms.StatusEffective || s == qms.StatusSuperseded || s == qms.StatusWithdrawn
}

// pinnedIn returns what the cache keeps of a procedure version, read
// through q (a read or the write transaction) when it is not kept yet.
func (s *Store) pinnedIn(ctx context.Context, q Querier, procedureID int64, number int) (pinnedVersion, error) {
	key := [2]int64{procedureID, int64(number)}
	charts := s.cfg.Flowcharts
	if charts != nil {
		if pv, ok := charts.m.Load(key); ok {
			return pv.(pinnedVersion), nil
		}
	}
	v, err := QueryVersion(ctx, q, procedureID, number)
	if err != nil {
		return pinnedVersion{}, err
	}
	pv := pinnedVersion{flowchart: v.Flowchart, subject: v.Subject}
	if charts != nil && contentFinal(v.Status) {
		charts.m.Store(key, pv)
	}
	return pv, nil
}

// PinnedFlowchartIn returns the flowchart of a procedure version, read
// through q (a read or the write transaction). The result is shared
// between callers: it must not be modified.
func (s *Store) PinnedFlowchartIn(ctx context.Context, q Querier, procedureID int64, number int) (flowchart.Flowchart, error) {
	pv, err := s.pinnedIn(ctx, q, procedureID, number)
	return pv.flowchart, err
}

// PinnedFlowchart returns the flowchart of the version a dossier pinned
// (shared: do not modify).
func (s *Store) PinnedFlowchart(ctx context.Context, procedureID int64, number int) (flowchart.Flowchart, error) {
	return s.PinnedFlowchartIn(ctx, s.read(), procedureID, number)
}

// PinnedSubject returns the subject of the version a dossier pinned: the
// procedure's title, owner unit and TTHCs as that issue was approved (nil
// for an issue submitted before subjects were kept). Shared: do not
// modify.
func (s *Store) PinnedSubject(ctx context.Context, procedureID int64, number int) (*qms.ProcedureSubject, error) {
	pv, err := s.pinnedIn(ctx, s.read(), procedureID, number)
	return pv.subject, err
}
