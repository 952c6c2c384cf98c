-- Procedures under ISO control: the TTHC catalogue per agency, internal
-- procedures (controlled documents) and their versions, and a search index
-- that ignores Vietnamese diacritics.

CREATE TABLE tthc (
	id              INTEGER PRIMARY KEY,
	agency_code     TEXT NOT NULL REFERENCES agencies (code),
	code            TEXT NOT NULL,
	name            TEXT NOT NULL,
	field           TEXT NOT NULL,
	time_limit_days INTEGER NOT NULL,
	fee             TEXT NOT NULL DEFAULT '',
	legal_basis     TEXT NOT NULL DEFAULT '',
	service_level   TEXT NOT NULL DEFAULT '',
	published_by    TEXT NOT NULL DEFAULT '',
	published_on    TEXT, -- civil date YYYY-MM-DD
	status          TEXT NOT NULL CHECK (status IN ('active', 'abolished')),
	updated_at      TEXT NOT NULL,
	UNIQUE (agency_code, code)
);

CREATE TABLE procedures (
	id             INTEGER PRIMARY KEY,
	agency_code    TEXT NOT NULL REFERENCES agencies (code),
	code           TEXT NOT NULL,
	title          TEXT NOT NULL,
	owner_unit     TEXT NOT NULL DEFAULT '',
	review_months  INTEGER NOT NULL DEFAULT 12,
	next_review_on TEXT, -- civil date; set when a version takes effect
	created_at     TEXT NOT NULL,
	updated_at     TEXT NOT NULL,
	UNIQUE (agency_code, code)
);

CREATE TABLE procedure_tthc (
	procedure_id INTEGER NOT NULL REFERENCES procedures (id),
	tthc_code    TEXT NOT NULL,
	PRIMARY KEY (procedure_id, tthc_code)
);
CREATE INDEX procedure_tthc_code ON procedure_tthc (tthc_code);

CREATE TABLE procedure_versions (
	id             INTEGER PRIMARY KEY,
	procedure_id   INTEGER NOT NULL REFERENCES procedures (id),
	number         INTEGER NOT NULL,
	status         TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'effective', 'superseded', 'withdrawn')),
	content_json   TEXT NOT NULL, -- sections 1–7 and the flowchart
	author_id      INTEGER NOT NULL,
	author         TEXT NOT NULL,
	submitted_at   TEXT,
	approver_id    INTEGER,
	approver       TEXT NOT NULL DEFAULT '',
	approved_at    TEXT,
	effective_on   TEXT,
	reason         TEXT NOT NULL DEFAULT '',
	created_at     TEXT NOT NULL,
	updated_at     TEXT NOT NULL,
	UNIQUE (procedure_id, number)
);
CREATE INDEX procedure_versions_status ON procedure_versions (status);

-- text is folded (lower case, đ → d); unicode61 strips the other marks.
CREATE VIRTUAL TABLE search_index USING fts5 (
	text, title UNINDEXED, kind UNINDEXED, ref UNINDEXED, agency_code UNINDEXED,
	tokenize = 'unicode61 remove_diacritics 2'
);

-- Default policy rows an admin removed: a restart must not bring them back,
-- while default rows added by a newer release are still seeded.
CREATE TABLE policy_removed (
	ptype TEXT NOT NULL,
	v0    TEXT NOT NULL,
	v1    TEXT NOT NULL,
	v2    TEXT NOT NULL,
	v3    TEXT NOT NULL,
	PRIMARY KEY (ptype, v0, v1, v2, v3)
);
