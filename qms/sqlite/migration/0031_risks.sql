-- The register of risks and opportunities (TCVN ISO 9001:2015 6.1), per
-- agency and process (procedure). Score and level are computed from
-- likelihood × impact, never stored. No row is ever deleted: an entry is
-- closed with a reason, an action marked done, a link kept.
CREATE TABLE risks (
	id           INTEGER PRIMARY KEY,
	agency_code  TEXT NOT NULL REFERENCES agencies (code),
	code         TEXT NOT NULL UNIQUE,
	kind         TEXT NOT NULL CHECK (kind IN ('risk', 'opportunity')),
	description  TEXT NOT NULL,
	procedure_id INTEGER NOT NULL REFERENCES procedures (id),
	likelihood   INTEGER NOT NULL CHECK (likelihood BETWEEN 1 AND 5),
	impact       INTEGER NOT NULL CHECK (impact BETWEEN 1 AND 5),
	owner        TEXT NOT NULL,
	review_on    TEXT NOT NULL,
	status       TEXT NOT NULL CHECK (status IN ('open', 'closed')),
	close_reason TEXT NOT NULL DEFAULT '',
	closed_by    TEXT NOT NULL DEFAULT '',
	closed_at    TEXT,
	created_by   TEXT NOT NULL,
	created_at   TEXT NOT NULL
);
CREATE INDEX risks_agency ON risks (agency_code, status, review_on);

CREATE TABLE risk_actions (
	id          INTEGER PRIMARY KEY,
	risk_id     INTEGER NOT NULL REFERENCES risks (id),
	description TEXT NOT NULL,
	owner       TEXT NOT NULL,
	due_on      TEXT NOT NULL,
	done_at     TEXT,
	done_by     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX risk_actions_risk ON risk_actions (risk_id);

-- Every judgement of an entry, the first included: the history of its score.
CREATE TABLE risk_assessments (
	id          INTEGER PRIMARY KEY,
	risk_id     INTEGER NOT NULL REFERENCES risks (id),
	likelihood  INTEGER NOT NULL CHECK (likelihood BETWEEN 1 AND 5),
	impact      INTEGER NOT NULL CHECK (impact BETWEEN 1 AND 5),
	note        TEXT NOT NULL DEFAULT '',
	review_on   TEXT NOT NULL,
	assessed_by TEXT NOT NULL,
	assessed_at TEXT NOT NULL
);
CREATE INDEX risk_assessments_risk ON risk_assessments (risk_id);

-- Links to the procedures, compliance findings and nonconformities the
-- entry concerns (ref is their id).
CREATE TABLE risk_links (
	risk_id    INTEGER NOT NULL REFERENCES risks (id),
	kind       TEXT NOT NULL CHECK (kind IN ('procedure', 'finding', 'nc')),
	ref        INTEGER NOT NULL,
	created_by TEXT NOT NULL,
	created_at TEXT NOT NULL,
	PRIMARY KEY (risk_id, kind, ref)
);
