-- What each user made lately, by a digest of its content (sqlstore
-- sentOnce), so that a record sent twice (a second click without
-- JavaScript, the back button) is refused naming the first within
-- qms.RepeatWindow instead of being numbered again. name is the first as
-- the refusal names it ("phiếu NC-…"). Rows past the window are deleted
-- as new ones come; nothing else reads them.
CREATE TABLE sent_records (
	username TEXT NOT NULL,
	digest   TEXT NOT NULL,
	name     TEXT NOT NULL,
	sent_at  TEXT NOT NULL
);
CREATE INDEX sent_records_digest ON sent_records (username, digest, sent_at);
CREATE INDEX sent_records_at ON sent_records (sent_at);
