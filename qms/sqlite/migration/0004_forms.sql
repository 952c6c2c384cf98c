-- Controlled forms (biểu mẫu) and their versions.
CREATE TABLE forms (
	id           INTEGER PRIMARY KEY,
	agency_code  TEXT NOT NULL REFERENCES agencies (code),
	code         TEXT NOT NULL,
	title        TEXT NOT NULL,
	kind         TEXT NOT NULL,
	procedure_id INTEGER REFERENCES procedures (id),
	legal_basis  TEXT NOT NULL DEFAULT '',
	purpose      TEXT NOT NULL DEFAULT '',
	created_at   TEXT NOT NULL,
	UNIQUE (agency_code, code)
);

CREATE TABLE form_versions (
	id             INTEGER PRIMARY KEY,
	form_id        INTEGER NOT NULL REFERENCES forms (id),
	number         INTEGER NOT NULL,
	status         TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'effective', 'superseded', 'withdrawn')),
	schema_json    TEXT NOT NULL,
	template_json  TEXT,
	change_summary TEXT NOT NULL DEFAULT '',
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
	UNIQUE (form_id, number)
);
CREATE INDEX form_versions_status ON form_versions (form_id, status);
