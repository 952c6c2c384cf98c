-- Nonconformities and corrective actions (ISO 9001:2015 10.2).
CREATE TABLE nonconformities (
	id          INTEGER PRIMARY KEY,
	agency_code TEXT NOT NULL REFERENCES agencies (code),
	code        TEXT NOT NULL UNIQUE,
	source      TEXT NOT NULL,
	source_ref  TEXT NOT NULL DEFAULT '',
	description TEXT NOT NULL,
	correction  TEXT NOT NULL DEFAULT '',
	root_cause  TEXT NOT NULL DEFAULT '',
	status      TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'closed')),
	verdict     TEXT NOT NULL DEFAULT '',
	verified_by TEXT NOT NULL DEFAULT '',
	verified_at TEXT,
	closed_at   TEXT,
	created_by  TEXT NOT NULL,
	created_at  TEXT NOT NULL
);
CREATE INDEX nonconformities_agency ON nonconformities (agency_code, status);

CREATE TABLE corrective_actions (
	id          INTEGER PRIMARY KEY,
	nc_id       INTEGER NOT NULL REFERENCES nonconformities (id),
	description TEXT NOT NULL,
	owner       TEXT NOT NULL,
	due_on      TEXT NOT NULL,
	done_at     TEXT,
	result      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX corrective_actions_open ON corrective_actions (due_on) WHERE done_at IS NULL;
