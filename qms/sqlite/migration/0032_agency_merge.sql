-- Agencies that merge (issue #16 item 1). A merged agency keeps its row,
-- its history and its code (the prefix of its dossier codes) and points at
-- its successor. A procedure or form that moved records the predecessor it
-- came from, so that it is marked for review and so that its steps' form
-- codes resolve through merged_codes when a code clashed in the successor.
ALTER TABLE agencies ADD COLUMN merged_into TEXT REFERENCES agencies (code);
ALTER TABLE agencies ADD COLUMN merged_at TEXT;
ALTER TABLE procedures ADD COLUMN merged_from TEXT NOT NULL DEFAULT '';
ALTER TABLE forms ADD COLUMN merged_from TEXT NOT NULL DEFAULT '';

-- One row per catalogue entry, procedure or form a predecessor brought:
-- old_code is its code in the predecessor, new_code its code in the
-- successor (the same unless it clashed). A TTHC present in several
-- predecessors has one row per predecessor and the same new_code.
CREATE TABLE merged_codes (
	agency_code TEXT NOT NULL REFERENCES agencies (code),
	kind        TEXT NOT NULL CHECK (kind IN ('tthc', 'procedure', 'form')),
	from_agency TEXT NOT NULL REFERENCES agencies (code),
	old_code    TEXT NOT NULL,
	new_code    TEXT NOT NULL,
	merged_at   TEXT NOT NULL,
	PRIMARY KEY (agency_code, kind, from_agency, old_code)
);
