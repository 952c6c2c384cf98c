-- The satisfaction survey is anonymous (SIPAS practice), as SQLite's
-- 0050: a response names no dossier and no address.
-- dossier_code goes; dossier_id stays, UNIQUE, only so that a dossier is
-- rated once, never read back. ip_hash goes (it tied together one
-- address's answers and feedback): the throttle counts recent answers in
-- survey_answer_throttle, pruned after the window as survey_key_failures.
-- Audit entries written before keep naming the dossier (the trail
-- refuses changes); the store shows them without it.
CREATE TABLE survey_answer_throttle (
	ip_hash     text COLLATE "C" NOT NULL,
	answered_at text COLLATE "C" NOT NULL
);
CREATE INDEX survey_answer_throttle_ip ON survey_answer_throttle (ip_hash, answered_at);
CREATE INDEX survey_answer_throttle_at ON survey_answer_throttle (answered_at);

DROP INDEX satisfaction_throttle;
ALTER TABLE satisfaction_responses DROP COLUMN ip_hash, DROP COLUMN dossier_code;
