-- What each user made lately, by a digest of its content, as SQLite's
-- 0053: a record sent twice within qms.RepeatWindow is refused naming the
-- first. Rows past the window are deleted as new ones come.
CREATE TABLE sent_records (
	username text COLLATE "C" NOT NULL,
	digest   text COLLATE "C" NOT NULL,
	name     text COLLATE "C" NOT NULL,
	sent_at  text COLLATE "C" NOT NULL
);
CREATE INDEX sent_records_digest ON sent_records (username, digest, sent_at);
CREATE INDEX sent_records_at ON sent_records (sent_at);
