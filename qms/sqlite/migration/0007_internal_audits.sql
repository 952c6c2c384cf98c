-- Internal audit (9.2): programmes, plans, checklist items; management
-- review (9.3): reviews and their decisions.
CREATE TABLE audit_programmes (
	id          INTEGER PRIMARY KEY,
	agency_code TEXT NOT NULL REFERENCES agencies (code),
	year        INTEGER NOT NULL,
	title       TEXT NOT NULL,
	notes       TEXT NOT NULL DEFAULT '',
	created_at  TEXT NOT NULL,
	UNIQUE (agency_code, year)
);

CREATE TABLE audit_plans (
	id            INTEGER PRIMARY KEY,
	programme_id  INTEGER NOT NULL REFERENCES audit_programmes (id),
	agency_code   TEXT NOT NULL REFERENCES agencies (code),
	title         TEXT NOT NULL,
	scope_json    TEXT NOT NULL, -- units, procedure ids, clauses, auditors
	start_on      TEXT NOT NULL,
	end_on        TEXT NOT NULL,
	status        TEXT NOT NULL CHECK (status IN ('planned', 'reported')),
	summary       TEXT NOT NULL DEFAULT '',
	conclusion    TEXT NOT NULL DEFAULT '',
	reported_at   TEXT
);
CREATE INDEX audit_plans_agency ON audit_plans (agency_code);

CREATE TABLE audit_items (
	id               INTEGER PRIMARY KEY,
	plan_id          INTEGER NOT NULL REFERENCES audit_plans (id),
	clause           TEXT NOT NULL,
	question         TEXT NOT NULL,
	source           TEXT NOT NULL,
	suggestions_json TEXT NOT NULL DEFAULT '[]',
	result           TEXT NOT NULL DEFAULT '' CHECK (result IN ('', 'conform', 'observation', 'minor_nc', 'major_nc')),
	evidence         TEXT NOT NULL DEFAULT '',
	note             TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_items_plan ON audit_items (plan_id, id);

CREATE TABLE management_reviews (
	id          INTEGER PRIMARY KEY,
	agency_code TEXT NOT NULL REFERENCES agencies (code),
	title       TEXT NOT NULL,
	held_on     TEXT NOT NULL,
	pack_json   TEXT NOT NULL, -- the inputs as they were when the pack was assembled
	minutes     TEXT NOT NULL DEFAULT '',
	created_at  TEXT NOT NULL
);

CREATE TABLE review_decisions (
	id        INTEGER PRIMARY KEY,
	review_id INTEGER NOT NULL REFERENCES management_reviews (id),
	text      TEXT NOT NULL,
	owner     TEXT NOT NULL,
	due_on    TEXT NOT NULL,
	done_at   TEXT
);
