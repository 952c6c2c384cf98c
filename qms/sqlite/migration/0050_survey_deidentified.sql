-- The satisfaction survey is anonymous (SIPAS practice): a response
-- names no dossier and no address (qms.SatisfactionResponse).
--
-- dossier_code goes: a response read back named its dossier, hence the
-- applicant. dossier_id stays, UNIQUE, only so that a dossier is rated
-- once; no query reads it back, and nothing shows or exports it.
--
-- ip_hash goes: it is the same for every answer and every feedback from
-- one address, so kept on a response it tied together all of one
-- citizen's answers, and an answer to the feedback that names them. The
-- throttle counts recent answers in survey_answer_throttle instead,
-- whose rows older than qms.SatisfactionThrottleWindow are removed as
-- new ones come (as survey_key_failures); the answers of the last
-- window before the upgrade are not carried over: the throttle starts
-- afresh.
--
-- The audit entries of answers written before keep naming the dossier
-- (the trail refuses any change); the store shows them without it
-- (qms.DeidentifySurveyEntry).
CREATE TABLE survey_answer_throttle (
	ip_hash     TEXT NOT NULL,
	answered_at TEXT NOT NULL
);
CREATE INDEX survey_answer_throttle_ip ON survey_answer_throttle (ip_hash, answered_at);
CREATE INDEX survey_answer_throttle_at ON survey_answer_throttle (answered_at);

DROP INDEX satisfaction_throttle;
ALTER TABLE satisfaction_responses DROP COLUMN ip_hash;
ALTER TABLE satisfaction_responses DROP COLUMN dossier_code;
