-- Dossiers on the working-day clock: calendar overrides, per-agency
-- settings, dossiers with their open steps, step records and pauses, and
-- a content-addressed store for files.

CREATE TABLE agency_settings (
	agency_code   TEXT PRIMARY KEY REFERENCES agencies (code),
	clock_mode    TEXT NOT NULL DEFAULT 'resume' CHECK (clock_mode IN ('resume', 'restart')),
	working_hours TEXT NOT NULL DEFAULT '07:30-11:30,13:30-17:00'
);

CREATE TABLE calendar_overrides (
	id   INTEGER PRIMARY KEY,
	date TEXT NOT NULL, -- YYYY-MM-DD
	kind TEXT NOT NULL CHECK (kind IN ('off', 'work', 'tet')),
	name TEXT NOT NULL,
	UNIQUE (date, kind)
);

CREATE TABLE dossier_seq (
	agency_code TEXT NOT NULL,
	year        INTEGER NOT NULL,
	last        INTEGER NOT NULL,
	PRIMARY KEY (agency_code, year)
);

CREATE TABLE dossiers (
	id              INTEGER PRIMARY KEY,
	code            TEXT NOT NULL UNIQUE,
	agency_code     TEXT NOT NULL REFERENCES agencies (code),
	tthc_code       TEXT NOT NULL,
	procedure_id    INTEGER REFERENCES procedures (id),
	version_number  INTEGER NOT NULL DEFAULT 0,
	applicant_json  TEXT NOT NULL,
	channel         TEXT NOT NULL,
	received_at     TEXT NOT NULL,
	due_at          TEXT NOT NULL,
	status          TEXT NOT NULL CHECK (status IN ('received', 'in_progress', 'paused', 'completed', 'refused', 'withdrawn')),
	result          TEXT NOT NULL DEFAULT '' CHECK (result IN ('', 'early', 'on_time', 'late')),
	returned_at     TEXT,
	new_appointment TEXT,
	flow_json       TEXT NOT NULL DEFAULT '{"open":[]}',
	note            TEXT NOT NULL DEFAULT '',
	updated_at      TEXT NOT NULL
);
CREATE INDEX dossiers_received ON dossiers (agency_code, received_at);
CREATE INDEX dossiers_returned ON dossiers (agency_code, returned_at);
CREATE INDEX dossiers_status ON dossiers (agency_code, status, due_at);

-- The steps waiting now, one row each, so a task list is an index read.
CREATE TABLE dossier_open_steps (
	dossier_id  INTEGER NOT NULL REFERENCES dossiers (id),
	step_id     TEXT NOT NULL,
	agency_code TEXT NOT NULL,
	role        TEXT NOT NULL,
	opened_at   TEXT NOT NULL,
	due_at      TEXT NOT NULL,
	PRIMARY KEY (dossier_id, step_id)
);
CREATE INDEX dossier_open_steps_role ON dossier_open_steps (agency_code, role, due_at);

CREATE TABLE dossier_steps (
	id           INTEGER PRIMARY KEY,
	dossier_id   INTEGER NOT NULL REFERENCES dossiers (id),
	step_id      TEXT NOT NULL,
	step_name    TEXT NOT NULL,
	responsible  TEXT NOT NULL DEFAULT '',
	opened_at    TEXT NOT NULL,
	due_at       TEXT NOT NULL,
	completed_at TEXT NOT NULL,
	actor        TEXT NOT NULL,
	exit         TEXT NOT NULL DEFAULT '',
	form_code    TEXT NOT NULL DEFAULT '',
	form_version INTEGER NOT NULL DEFAULT 0,
	entry_json   TEXT,
	files_json   TEXT,
	note         TEXT NOT NULL DEFAULT '',
	result       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX dossier_steps_dossier ON dossier_steps (dossier_id, id);

CREATE TABLE dossier_pauses (
	id         INTEGER PRIMARY KEY,
	dossier_id INTEGER NOT NULL REFERENCES dossiers (id),
	started_at TEXT NOT NULL,
	ended_at   TEXT,
	reason     TEXT NOT NULL
);
CREATE INDEX dossier_pauses_dossier ON dossier_pauses (dossier_id);

-- Files (form templates, evidence) by SHA-256 of their bytes.
CREATE TABLE blobs (
	sha256       TEXT PRIMARY KEY,
	content_type TEXT NOT NULL,
	size         INTEGER NOT NULL,
	data         BLOB NOT NULL,
	created_at   TEXT NOT NULL
);
