-- The open delegations' partial index said revoked = 0; the query, shared
-- with PostgreSQL (a boolean column there), says revoked = FALSE, which
-- SQLite does not match to that index's condition: the index names it
-- the query's way.
DROP INDEX step_delegations_open;
CREATE INDEX step_delegations_open ON step_delegations (agency_code, dossier, step_id, to_user) WHERE used_at IS NULL AND revoked = FALSE;
