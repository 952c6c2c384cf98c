-- The dashboards read the current data on every visit, one query per
-- section: these indexes keep each one a range of one index.
-- Open findings of an agency by rule (quality officer, auditor).
CREATE INDEX findings_open_rule ON findings (agency_code, rule) WHERE closed_at IS NULL;
-- Open review decisions of a review (quality officer).
CREATE INDEX review_decisions_open ON review_decisions (review_id, due_on) WHERE done_at IS NULL;
-- Management reviews and audit plans of an agency in date order.
CREATE INDEX management_reviews_agency ON management_reviews (agency_code, held_on);
CREATE INDEX audit_plans_next ON audit_plans (agency_code, status, end_on);
