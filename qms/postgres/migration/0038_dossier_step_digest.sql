-- SQLite's 0061: a dossier keeps the digest of its step records
-- (qms.ChainStepRecord), which the audit trail vouches for with the rest
-- of the dossier's state (0039).
ALTER TABLE dossiers ADD COLUMN steps_digest text COLLATE "C" NOT NULL DEFAULT '';
