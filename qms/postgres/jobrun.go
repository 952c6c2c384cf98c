package postgres

import (
	"context"
	"fmt"
	"time"

	"isodt/qms"
)

// StartJobRun records that a job started. Job runs are an operational
// log, not records of the QMS: what a job changes is audited by the
// methods it calls, not here.
func (db *DB) StartJobRun(ctx context.Context, job, trigger string) (int64, error) {
	var id int64
	err := db.direct().queryRow(ctx, `INSERT INTO job_runs (job, trigger, started_at, outcome, server) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		job, trigger, formatTime(db.now()), qms.RunRunning, db.server).Scan(&id)
	return id, err
}

// ClaimJobSlot claims a scheduled run for this server (jobs.SlotClaimer):
// true for the first server to claim the job's slot, false for the
// others, which skip it.
func (db *DB) ClaimJobSlot(ctx context.Context, job string, slot time.Time) (bool, error) {
	tag, err := db.direct().exec(ctx, `INSERT INTO job_slots (job, slot, server, claimed_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		job, formatTime(slot), db.server, formatTime(db.now()))
	if err != nil {
		return false, fmt.Errorf("claim job slot: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}
