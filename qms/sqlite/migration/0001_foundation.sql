-- Foundation: agencies, users, memberships, sessions, tokens, login
-- throttling, policy rows and the hash-chained audit trail.
-- Times are UTC text in RFC 3339 with nanoseconds, so they sort as text.

CREATE TABLE agencies (
	id          INTEGER PRIMARY KEY,
	code        TEXT NOT NULL UNIQUE,
	name        TEXT NOT NULL,
	parent_code TEXT REFERENCES agencies (code),
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL
);
CREATE INDEX agencies_parent ON agencies (parent_code);

CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	username      TEXT NOT NULL UNIQUE,
	full_name     TEXT NOT NULL DEFAULT '',
	email         TEXT NOT NULL DEFAULT '',
	password_hash TEXT NOT NULL,
	disabled      INTEGER NOT NULL DEFAULT 0,
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL
);

CREATE TABLE memberships (
	user_id     INTEGER NOT NULL REFERENCES users (id),
	agency_code TEXT NOT NULL REFERENCES agencies (code),
	role        TEXT NOT NULL CHECK (role IN ('admin', 'quality_officer', 'leader', 'staff', 'auditor')),
	PRIMARY KEY (user_id, agency_code, role)
);
CREATE INDEX memberships_agency ON memberships (agency_code);

CREATE TABLE sessions (
	id           TEXT PRIMARY KEY, -- SHA-256 of the cookie token
	user_id      INTEGER NOT NULL REFERENCES users (id),
	agency_code  TEXT NOT NULL REFERENCES agencies (code),
	csrf_token   TEXT NOT NULL,
	created_at   TEXT NOT NULL,
	expires_at   TEXT NOT NULL,
	last_seen_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
	id         INTEGER PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users (id),
	name       TEXT NOT NULL DEFAULT '',
	token_hash TEXT NOT NULL UNIQUE,
	created_at TEXT NOT NULL,
	expires_at TEXT,
	revoked_at TEXT
);

CREATE TABLE login_throttle (
	username     TEXT PRIMARY KEY,
	failures     INTEGER NOT NULL,
	locked_until TEXT,
	updated_at   TEXT NOT NULL
);

-- Casbin policy rows (ptype p); grouping rows come from memberships.
CREATE TABLE policy_rules (
	id     INTEGER PRIMARY KEY,
	ptype  TEXT NOT NULL,
	v0     TEXT NOT NULL DEFAULT '',
	v1     TEXT NOT NULL DEFAULT '',
	v2     TEXT NOT NULL DEFAULT '',
	v3     TEXT NOT NULL DEFAULT '',
	UNIQUE (ptype, v0, v1, v2, v3)
);

CREATE TABLE audit_log (
	id          INTEGER PRIMARY KEY,
	at          TEXT NOT NULL,
	actor       TEXT NOT NULL,
	agency_code TEXT NOT NULL,
	action      TEXT NOT NULL,
	object_type TEXT NOT NULL,
	object_id   TEXT NOT NULL,
	before_json TEXT,
	after_json  TEXT,
	reason      TEXT NOT NULL DEFAULT '',
	prev_hash   TEXT NOT NULL,
	hash        TEXT NOT NULL
);
CREATE INDEX audit_log_agency ON audit_log (agency_code, id);
CREATE INDEX audit_log_object ON audit_log (object_type, object_id);

-- The newest entry, written with it: deleting the newest rows of
-- audit_log then shows as a chain that ends too early.
CREATE TABLE audit_head (
	singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
	last_id   INTEGER NOT NULL,
	last_hash TEXT NOT NULL
);
