-- Citizen satisfaction (ISO 9001:2015 9.1.2, issue #16 item 9): one
-- response per returned dossier to the SIPAS questionnaire named by
-- `questionnaire` (its questions are data in qms.Questionnaires). A
-- response is a record: the triggers refuse any change or deletion.
-- agency_code is the dossier's; a response stays with its dossier when
-- agencies merge (a returned dossier is closed, and closed dossiers stay).
-- ip_hash is the salted hash of the sender's address (feedback_salt),
-- kept only to throttle floods.
CREATE TABLE satisfaction_responses (
	id            INTEGER PRIMARY KEY,
	agency_code   TEXT NOT NULL REFERENCES agencies (code),
	dossier_id    INTEGER NOT NULL UNIQUE REFERENCES dossiers (id),
	dossier_code  TEXT NOT NULL,
	tthc_code     TEXT NOT NULL,
	questionnaire TEXT NOT NULL,
	answers_json  TEXT NOT NULL,
	comment       TEXT NOT NULL DEFAULT '',
	ip_hash       TEXT NOT NULL,
	submitted_at  TEXT NOT NULL
);
CREATE INDEX satisfaction_agency ON satisfaction_responses (agency_code, submitted_at);
CREATE INDEX satisfaction_throttle ON satisfaction_responses (ip_hash, submitted_at);

CREATE TRIGGER satisfaction_responses_final BEFORE UPDATE ON satisfaction_responses
BEGIN
	SELECT RAISE(ABORT, 'a satisfaction response is a record');
END;
CREATE TRIGGER satisfaction_responses_final_del BEFORE DELETE ON satisfaction_responses
BEGIN
	SELECT RAISE(ABORT, 'a satisfaction response is a record');
END;
