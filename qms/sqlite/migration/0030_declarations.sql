-- Declarations of conformity (issue #16 item 3): the decision by which
-- the head of an agency declares its quality management system conforms
-- to TCVN ISO 9001:2015, with its scope (TTHC codes and internal
-- procedure codes, JSON arrays) and the signed decision in the file store
-- (blobs). Never deleted, never edited: a new declaration supersedes the
-- current one (superseded_at first, so that at most one per agency is
-- current, then superseded_by once the new row has its id).
CREATE TABLE declarations (
	id            INTEGER PRIMARY KEY,
	agency_code   TEXT NOT NULL REFERENCES agencies (code),
	number        TEXT NOT NULL,
	decided_on    TEXT NOT NULL, -- civil date YYYY-MM-DD
	signed_by     TEXT NOT NULL DEFAULT '',
	tthc_codes    TEXT NOT NULL DEFAULT '[]',
	processes     TEXT NOT NULL DEFAULT '[]',
	file_sha256   TEXT NOT NULL REFERENCES blobs (sha256),
	file_name     TEXT NOT NULL,
	file_type     TEXT NOT NULL,
	file_size     INTEGER NOT NULL,
	note          TEXT NOT NULL DEFAULT '',
	created_at    TEXT NOT NULL,
	created_by    TEXT NOT NULL,
	superseded_at TEXT,
	superseded_by INTEGER REFERENCES declarations (id),
	UNIQUE (agency_code, number)
);
CREATE UNIQUE INDEX declarations_current ON declarations (agency_code) WHERE superseded_at IS NULL;

CREATE TRIGGER declarations_never_deleted BEFORE DELETE ON declarations
BEGIN SELECT RAISE(ABORT, 'declarations are never deleted'); END;
CREATE TRIGGER declarations_never_edited BEFORE UPDATE OF agency_code, number, decided_on, signed_by, tthc_codes, processes, file_sha256, created_at ON declarations
BEGIN SELECT RAISE(ABORT, 'declarations are never edited: record a new one'); END;
