-- Quality objectives (ISO 9001:2015 6.2). Their results are computed from
-- the dossiers each time, so only the objective itself is stored; it is
-- never deleted, only withdrawn with a reason.
CREATE TABLE objectives (
	id               INTEGER PRIMARY KEY,
	agency_code      TEXT NOT NULL REFERENCES agencies (code),
	year             INTEGER NOT NULL,
	title            TEXT NOT NULL,
	measure          TEXT NOT NULL,
	target           REAL NOT NULL,
	period           TEXT NOT NULL CHECK (period IN ('quarter', 'year')),
	withdrawn        INTEGER NOT NULL DEFAULT 0,
	withdrawn_reason TEXT NOT NULL DEFAULT '',
	withdrawn_by     TEXT NOT NULL DEFAULT '',
	withdrawn_at     TEXT,
	created_by       TEXT NOT NULL,
	created_at       TEXT NOT NULL
);
CREATE INDEX objectives_agency_year ON objectives (agency_code, year);

-- Citizen feedback (phản ánh, kiến nghị) and its answer (ISO 9001:2015
-- 9.1.2). No row is ever deleted. ip_hash is a salted hash of the sender's
-- address, kept only to throttle floods.
CREATE TABLE feedback (
	id           INTEGER PRIMARY KEY,
	agency_code  TEXT NOT NULL REFERENCES agencies (code),
	code         TEXT NOT NULL UNIQUE,
	name         TEXT NOT NULL,
	contact      TEXT NOT NULL,
	content      TEXT NOT NULL,
	dossier_code TEXT NOT NULL DEFAULT '',
	status       TEXT NOT NULL CHECK (status IN ('received', 'assigned', 'answered', 'published')),
	ip_hash      TEXT NOT NULL,
	received_at  TEXT NOT NULL,
	assigned_to  TEXT NOT NULL DEFAULT '',
	assigned_by  TEXT NOT NULL DEFAULT '',
	assigned_at  TEXT,
	answer       TEXT NOT NULL DEFAULT '',
	answered_by  TEXT NOT NULL DEFAULT '',
	answered_at  TEXT,
	published_by TEXT NOT NULL DEFAULT '',
	published_at TEXT
);
CREATE INDEX feedback_agency ON feedback (agency_code, status);
CREATE INDEX feedback_throttle ON feedback (ip_hash, received_at);

-- The salt of ip_hash, made once per database: an unsalted hash of an
-- IPv4 address is reversed by trying all 2^32 of them.
CREATE TABLE feedback_salt (
	singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
	salt      BLOB NOT NULL
);
INSERT INTO feedback_salt (singleton, salt) VALUES (1, randomblob(32));
