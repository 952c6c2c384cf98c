package sqlite

import (
	"context"

	"isodt/qms"
)

// StartJobRun records that a job started. Job runs are an operational
// log, not records of the QMS: what a job changes is audited by the
// methods it calls, not here.
func (db *DB) StartJobRun(ctx context.Context, job, trigger string) (int64, error) {
	var id int64
	err := db.write.QueryRowContext(ctx, `INSERT INTO job_runs (job, trigger, started_at, outcome) VALUES (?, ?, ?, ?) RETURNING id`,
		job, trigger, formatTime(db.now()), qms.RunRunning).Scan(&id)
	return id, err
}
