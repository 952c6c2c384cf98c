-- A BPMN file with several pools is kept while its uploader picks the
-- pool to import, so that the file is not chosen again (issue 15, item 8).
-- A kept upload belongs to one session and its user and expires
-- (qms.KeptUploadTTL). It is a working copy, not a record: expired rows
-- are deleted, and a session keeps only its latest few.
CREATE TABLE kept_uploads (
	id         TEXT PRIMARY KEY, -- random, sent back by the picker's form
	session_id TEXT NOT NULL,    -- sessions.id of the uploader
	user_id    INTEGER NOT NULL REFERENCES users (id),
	name       TEXT NOT NULL,
	sha256     TEXT NOT NULL,
	size       INTEGER NOT NULL,
	data       BLOB NOT NULL,
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL
);
CREATE INDEX kept_uploads_session ON kept_uploads (session_id, created_at);
CREATE INDEX kept_uploads_expiry ON kept_uploads (expires_at);
