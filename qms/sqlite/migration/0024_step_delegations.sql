-- A step handed on by someone who may complete it to someone who may not,
-- recorded by the delegating user before the delegate completes the step
-- (once: used_at). A completion naming a delegator finds its row here.
CREATE TABLE step_delegations (
	id          INTEGER PRIMARY KEY,
	agency_code TEXT NOT NULL REFERENCES agencies (code),
	dossier     TEXT NOT NULL,
	step_id     TEXT NOT NULL,
	from_user   TEXT NOT NULL,
	to_user     TEXT NOT NULL,
	reason      TEXT NOT NULL,
	created_at  TEXT NOT NULL,
	used_at     TEXT,
	revoked     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX step_delegations_open ON step_delegations (agency_code, dossier, step_id, to_user) WHERE used_at IS NULL AND revoked = 0;
