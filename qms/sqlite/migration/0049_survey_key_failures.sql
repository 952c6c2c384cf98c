-- A wrong survey key is counted per (salted hash of the) address, so that
-- an address guessing keys is held back (qms.SurveyKeyFailuresMax in
-- qms.SatisfactionThrottleWindow) while a counter kiosk answering with the
-- right keys is not. Rows older than the window are removed as new ones
-- come; nothing else reads them.
CREATE TABLE survey_key_failures (
	ip_hash   TEXT NOT NULL,
	failed_at TEXT NOT NULL
);
CREATE INDEX survey_key_failures_ip ON survey_key_failures (ip_hash, failed_at);
CREATE INDEX survey_key_failures_at ON survey_key_failures (failed_at);
