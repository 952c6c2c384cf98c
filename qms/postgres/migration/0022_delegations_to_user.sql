-- The task list reads the open delegations to its caller in an agency
-- (the steps delegated to them); the open index leads with the dossier.
CREATE INDEX step_delegations_to ON step_delegations (agency_code, to_user) WHERE used_at IS NULL AND revoked = false;
