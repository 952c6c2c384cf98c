package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"isodt/qms"
)

// SubmitSatisfaction records a citizen's answers on a returned dossier,
// found as the public status page finds it (the agency and the code,
// following merges). The checks, the throttle and the insert share one
// write transaction, so two submissions for one dossier cannot both pass
// (the unique dossier_id would refuse the second anyway).
//
// The response is de-identified (qms.SatisfactionResponse): the row keeps
// dossier_id, unique, only so that a dossier is rated once; no query
// reads it back, the audit entry names the response (qms.SatisfactionAudit)
// and the sender's address hash goes to survey_answer_throttle, which
// forgets it after the throttle's window. Whether a dossier was rated is
// told only to whom gave its survey key and a complete questionnaire:
// the status page and the form do not say it, so a dossier code alone
// tells no one whose responses there are.
func (s *Store) SubmitSatisfaction(ctx context.Context, agency, dossierCode string, r *qms.SatisfactionResponse, ip string) error {
	var hash string
	var wrongKey error
	err := s.update(ctx, func(tx Tx) error {
		if _, err := FindAgency(ctx, tx, agency); err != nil {
			return err
		}
		d, err := FollowMerges(ctx, tx, agency, dossierCode)
		if err != nil {
			return err
		}
		if hash, err = ipHash(ctx, tx, ip); err != nil {
			return err
		}
		if err := throttle(ctx, tx, hash, "survey_key_failures", "failed_at", qms.SatisfactionThrottleWindow, qms.SurveyKeyFailuresMax, "mã khảo sát sai"); err != nil {
			return err
		}
		// Not returned yet: the status page shows that to anyone.
		if err := qms.SatisfactionOpen(d, false); err != nil {
			return err
		}
		if err := qms.CheckSurveyKey(d, r.Key); err != nil {
			if qms.SurveyKeyTyped(r.Key) == "" {
				return err
			}
			// The guess is counted in this write, which commits without an
			// answer, so that the next write sees it: counted after the
			// refused write, sixty guesses sent at once were all checked.
			wrongKey = err
			return countThrottled(ctx, tx, "survey_key_failures", "failed_at", hash)
		}
		q := qms.QuestionnaireAt(tx.Now())
		r.Questionnaire = q.Code
		if err := r.Validate(q); err != nil {
			return err
		}
		// Rated before: asked last, so that only a complete answer with
		// the key learns it.
		var rated int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM satisfaction_responses WHERE dossier_id = ?`, d.ID).Scan(&rated); err != nil {
			return fmt.Errorf("read the survey of %s: %w", d.Code, err)
		}
		if err := qms.SatisfactionOpen(d, rated > 0); err != nil {
			return err
		}
		if err := throttle(ctx, tx, hash, "survey_answer_throttle", "answered_at", qms.SatisfactionThrottleWindow, qms.SatisfactionThrottleMax, "phiếu đánh giá"); err != nil {
			return err
		}
		r.AgencyCode, r.TTHCCode, r.SubmittedAt = d.AgencyCode, d.TTHCCode, tx.Now()
		answers, err := json.Marshal(r.Answers)
		if err != nil {
			return err
		}
		// dossier_id is written only for its UNIQUE constraint: one
		// response per dossier. It is never selected, shown or exported.
		if err := tx.QueryRow(ctx, `INSERT INTO satisfaction_responses (agency_code, dossier_id, tthc_code, questionnaire, answers_json,
			comment, submitted_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, r.AgencyCode, d.ID, r.TTHCCode, r.Questionnaire,
			string(answers), r.Comment, FormatTime(r.SubmittedAt)).Scan(&r.ID); err != nil {
			return fmt.Errorf("insert satisfaction response on %s: %w", d.Code, err)
		}
		if err := countThrottled(ctx, tx, "survey_answer_throttle", "answered_at", hash); err != nil {
			return err
		}
		// The response stays with its dossier's agency; a merged
		// agency is read-only, so the entry goes to the agency that
		// answers for it now.
		live, err := liveAgency(ctx, tx, d.AgencyCode)
		if err != nil {
			return err
		}
		return tx.Audit(ctx, live, "satisfaction.submit", qms.SatisfactionObject, Itoa(r.ID), nil, r.Audit(), "")
	})
	if err == nil && wrongKey != nil {
		return wrongKey
	}
	return err
}

// countThrottled keeps one event of an address (its hash) in a throttle
// table (survey_answer_throttle, survey_key_failures: hash and time),
// pruning the events older than the survey's window at the same time. A
// counter, not a record, so it writes no audit entry. The answers are
// counted apart from the responses: the hash is the same for every answer
// (and feedback) from one address, so kept on the responses it would tie
// together all a citizen's answers, and an answer to the feedback that
// names them.
func countThrottled(ctx context.Context, tx Tx, table, column, hash string) error {
	now := tx.Now()
	if _, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE `+column+` <= ?`, FormatTime(now.Add(-qms.SatisfactionThrottleWindow))); err != nil {
		return fmt.Errorf("prune %s: %w", table, err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO `+table+` (ip_hash, `+column+`) VALUES (?, ?)`, hash, FormatTime(now)); err != nil {
		return fmt.Errorf("count in %s: %w", table, err)
	}
	return nil
}

// liveAgency follows merged_into from code to the agency not merged.
func liveAgency(ctx context.Context, q Querier, code string) (string, error) {
	for hops := 0; hops <= 16; hops++ {
		var into *string
		if err := q.QueryRow(ctx, `SELECT merged_into FROM agencies WHERE code = ?`, code).Scan(&into); err != nil {
			return "", fmt.Errorf("read agency %s: %w", code, err)
		}
		if into == nil {
			return code, nil
		}
		code = *into
	}
	return code, nil
}

// FindSatisfaction lists the responses of the filter's agencies in its
// period, oldest first.
func (s *Store) FindSatisfaction(ctx context.Context, f qms.SatisfactionFilter) ([]*qms.SatisfactionResponse, error) {
	if len(f.Agencies) == 0 {
		return []*qms.SatisfactionResponse{}, nil
	}
	where := `agency_code IN (` + Placeholders(len(f.Agencies)) + `)`
	args := make([]any, 0, len(f.Agencies)+2)
	for _, a := range f.Agencies {
		args = append(args, a)
	}
	if !f.From.IsZero() {
		where += ` AND submitted_at >= ?`
		args = append(args, FormatTime(f.From))
	}
	if !f.To.IsZero() {
		where += ` AND submitted_at < ?`
		args = append(args, FormatTime(f.To))
	}
	return findSatisfactions(ctx, s.read(), where, args...)
}

// SatisfactionScope is the agency, the units under it and the agencies
// merged into it (and theirs): whose figures its report shows.
func (s *Store) SatisfactionScope(ctx context.Context, agency string) ([]string, error) {
	return QueryStrings(ctx, s.read(), `WITH RECURSIVE sub(code) AS (SELECT code FROM agencies WHERE code = ?
		UNION SELECT a.code FROM agencies a JOIN sub ON a.parent_code = sub.code OR a.merged_into = sub.code) SELECT code FROM sub ORDER BY code`, agency)
}

func findSatisfactions(ctx context.Context, q Querier, where string, args ...any) ([]*qms.SatisfactionResponse, error) {
	// dossier_id is not among the columns: a response read back names no
	// dossier (qms.SatisfactionResponse).
	rows, err := q.Query(ctx, `SELECT id, agency_code, tthc_code, questionnaire, answers_json, comment, submitted_at
		FROM satisfaction_responses WHERE `+where+` ORDER BY submitted_at, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*qms.SatisfactionResponse{}
	for rows.Next() {
		var r qms.SatisfactionResponse
		var answers, at string
		if err := rows.Scan(&r.ID, &r.AgencyCode, &r.TTHCCode, &r.Questionnaire, &answers, &r.Comment, &at); err != nil {
			return nil, err
		}
		if json.Unmarshal([]byte(answers), &r.Answers) != nil {
			// Not what the application writes (the file edited, which
			// verification names): the response counts with no answer
			// rather than taking the page down (outsider pass 25).
			r.Answers = nil
		}
		r.SubmittedAt = ParseTime(at)
		out = append(out, &r)
	}
	return out, rows.Err()
}

// SatisfactionSummary is the review pack's view of the year's responses
// of the agency and those it reports for.
func (s *Store) SatisfactionSummary(ctx context.Context, agency string, year int) (*qms.SatisfactionSummary, error) {
	scope, err := s.SatisfactionScope(ctx, agency)
	if err != nil {
		return nil, err
	}
	from := time.Date(year, 1, 1, 0, 0, 0, 0, qms.Zone)
	rs, err := s.FindSatisfaction(ctx, qms.SatisfactionFilter{Agencies: scope, From: from, To: from.AddDate(1, 0, 0)})
	if err != nil {
		return nil, err
	}
	sum := qms.SummarizeSatisfaction(rs, s.cfg.Now())
	return &sum, nil
}
