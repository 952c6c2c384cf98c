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

-- Sessions are security rows too: a row inserted with the file alone (a
-- session id someone knows the token of, for an admin) would sign in
-- without a password. Their key, user, agency and expiry are recorded by
-- the audited write that made them (login, agency switch, logout, the
-- end of every session at a password reset or when disabled), as 0017
-- does for users and API tokens; last_seen_at moves without an entry.
CREATE TRIGGER sessions_row_insert AFTER INSERT ON sessions
BEGIN INSERT INTO row_changes VALUES ('sessions', json_array(NEW.id)); END;
CREATE TRIGGER sessions_row_update AFTER UPDATE OF id, user_id, agency_code, expires_at ON sessions
BEGIN INSERT INTO row_changes VALUES ('sessions', json_array(OLD.id)), ('sessions', json_array(NEW.id)); END;
CREATE TRIGGER sessions_row_delete AFTER DELETE ON sessions
BEGIN INSERT INTO row_changes VALUES ('sessions', json_array(OLD.id)); END;

-- A receipt repeated with the same key (the API's Idempotency-Key, the
-- receipt form's one-time nonce) by the same agency within a day returns
-- the dossier the first one created instead of a duplicate.
CREATE TABLE dossier_receipt_keys (
	agency_code TEXT NOT NULL REFERENCES agencies (code),
	key         TEXT NOT NULL,
	dossier     TEXT NOT NULL,
	created_at  TEXT NOT NULL,
	PRIMARY KEY (agency_code, key)
);
