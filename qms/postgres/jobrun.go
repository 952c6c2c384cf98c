package postgres

import (
	"context"
	"encoding/json"
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

// FinishJobRun records how a run ended.
func (db *DB) FinishJobRun(ctx context.Context, id int64, outcome string, counts map[string]int, errText string) error {
	if counts == nil {
		counts = map[string]int{}
	}
	b, _ := json.Marshal(counts)
	_, err := db.direct().exec(ctx, `UPDATE job_runs SET ended_at = ?, outcome = ?, counts_json = ?, error = ? WHERE id = ?`,
		formatTime(db.now()), outcome, string(b), errText, id)
	return err
}

// JobRuns returns the latest runs, of one job or all ("").
func (db *DB) JobRuns(ctx context.Context, job string, limit int) ([]qms.JobRun, error) {
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	rows, err := db.direct().query(ctx, `SELECT id, job, trigger, started_at, ended_at, outcome, counts_json, error FROM job_runs WHERE CAST(? AS text) = '' OR job = ? ORDER BY id DESC LIMIT ?`, job, job, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []qms.JobRun{}
	for rows.Next() {
		var r qms.JobRun
		var started, counts string
		var ended *string
		if err := rows.Scan(&r.ID, &r.Job, &r.Trigger, &started, &ended, &r.Outcome, &counts, &r.Error); err != nil {
			return nil, err
		}
		r.StartedAt, r.EndedAt = parseTime(started), optTime(ended)
		json.Unmarshal([]byte(counts), &r.Counts)
		out = append(out, r)
	}
	return out, rows.Err()
}
