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
		prior, err := findSatisfactions(ctx, tx, `dossier_id = ?`, d.ID)
		if err != nil {
			return err
		}
		var first *qms.SatisfactionResponse
		if len(prior) > 0 {
			first = prior[0]
		}
		if err := qms.SatisfactionOpen(d, first); err != nil {
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
			return countKeyFailure(ctx, tx, hash)
		}
		q := qms.QuestionnaireAt(tx.Now())
		r.Questionnaire = q.Code
		if err := r.Validate(q); err != nil {
			return err
		}
		if err := throttle(ctx, tx, hash, "satisfaction_responses", "submitted_at", qms.SatisfactionThrottleWindow, qms.SatisfactionThrottleMax, "phiếu đánh giá"); err != nil {
			return err
		}
		r.AgencyCode, r.DossierCode, r.TTHCCode, r.SubmittedAt = d.AgencyCode, d.Code, d.TTHCCode, tx.Now()
		answers, err := json.Marshal(r.Answers)
		if err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO satisfaction_responses (agency_code, dossier_id, dossier_code, tthc_code, questionnaire, answers_json,
			comment, ip_hash, submitted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, r.AgencyCode, d.ID, r.DossierCode, r.TTHCCode, r.Questionnaire,
			string(answers), r.Comment, hash, FormatTime(r.SubmittedAt)).Scan(&r.ID); err != nil {
			return fmt.Errorf("insert satisfaction response on %s: %w", d.Code, err)
		}
		// The response stays with its dossier's agency; a merged
		// agency is read-only, so the entry goes to the agency that
		// answers for it now.
		live, err := liveAgency(ctx, tx, d.AgencyCode)
		if err != nil {
			return err
		}
		return tx.Audit(ctx, live, "satisfaction.submit", "dossier", d.Code, nil, r, "")
	})
	if err == nil && wrongKey != nil {
		return wrongKey
	}
	return err
}

// countKeyFailure keeps a wrong survey key against the address, as a
// failed login is kept: a counter, not a record, so it writes no audit
// entry. Failures older than the window go at the same time.
func countKeyFailure(ctx context.Context, tx Tx, hash string) error {
	now := tx.Now()
	if _, err := tx.Exec(ctx, `DELETE FROM survey_key_failures WHERE failed_at <= ?`, FormatTime(now.Add(-qms.SatisfactionThrottleWindow))); err != nil {
		return fmt.Errorf("prune survey key failures: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO survey_key_failures (ip_hash, failed_at) VALUES (?, ?)`, hash, FormatTime(now)); err != nil {
		return fmt.Errorf("count survey key failure: %w", err)
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

// DossierSatisfaction returns the response on the dossier the public
// lookup finds, ENOTFOUND when there is none.
func (s *Store) DossierSatisfaction(ctx context.Context, agency, dossierCode string) (*qms.SatisfactionResponse, error) {
	d, err := FollowMerges(ctx, s.read(), agency, dossierCode)
	if err != nil {
		return nil, err
	}
	rs, err := findSatisfactions(ctx, s.read(), `dossier_id = ?`, d.ID)
	if err != nil {
		return nil, err
	} else if len(rs) == 0 {
		return nil, qms.Errorf(qms.ENOTFOUND, "Hồ sơ %s chưa có phiếu đánh giá mức độ hài lòng.", d.Code)
	}
	return rs[0], nil
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
	rows, err := q.Query(ctx, `SELECT id, agency_code, dossier_code, tthc_code, questionnaire, answers_json, comment, submitted_at
		FROM satisfaction_responses WHERE `+where+` ORDER BY submitted_at, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*qms.SatisfactionResponse{}
	for rows.Next() {
		var r qms.SatisfactionResponse
		var answers, at string
		if err := rows.Scan(&r.ID, &r.AgencyCode, &r.DossierCode, &r.TTHCCode, &r.Questionnaire, &answers, &r.Comment, &at); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(answers), &r.Answers); err != nil {
			return nil, fmt.Errorf("satisfaction response %d: %w", r.ID, err)
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
