-- A dossier keeps the digest of its step records (qms.ChainStepRecord:
-- each record chained onto the digest before it), which the audit trail
-- vouches for with the rest of the dossier's state (0062): a step record
-- deleted, changed or slipped in with the database file no longer chains
-- to the dossier's row. 0062 sets it for the dossiers already there.
ALTER TABLE dossiers ADD COLUMN steps_digest TEXT NOT NULL DEFAULT '';
