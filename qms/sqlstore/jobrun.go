package sqlstore

import (
	"context"
	"encoding/json"

	"isodt/qms"
)

// Job runs are an operational log, not records of the QMS: what a job
// changes is audited by the methods it calls, not here. Each store starts
// a run itself (PostgreSQL also names the server that ran it).

// FinishJobRun records how a run ended.
func (s *Store) FinishJobRun(ctx context.Context, id int64, outcome string, counts map[string]int, errText string) error {
	if counts == nil {
		counts = map[string]int{}
	}
	b, _ := json.Marshal(counts)
	_, err := s.cfg.Write.Exec(ctx, `UPDATE job_runs SET ended_at = ?, outcome = ?, counts_json = ?, error = ? WHERE id = ?`,
		FormatTime(s.cfg.Now()), outcome, string(b), errText, id)
	return err
}

// JobRuns returns the latest runs, of one job or all ("").
func (s *Store) JobRuns(ctx context.Context, job string, limit int) ([]qms.JobRun, error) {
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	rows, err := s.read().Query(ctx, `SELECT id, job, trigger, started_at, ended_at, outcome, counts_json, error FROM job_runs
		WHERE CAST(? AS text) = '' OR job = ? ORDER BY id DESC LIMIT ?`, job, job, limit)
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
		r.StartedAt, r.EndedAt = ParseTime(started), OptTime(ended)
		json.Unmarshal([]byte(counts), &r.Counts)
		out = append(out, r)
	}
	return out, rows.Err()
}
