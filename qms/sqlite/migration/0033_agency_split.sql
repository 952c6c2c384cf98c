-- Agencies that split (issue #16 item 1). A procedure moved by a split
-- records the agency it came from, so that its steps' form codes resolve
-- through merged_codes (from_agency = split_from) when a form was renamed
-- in the receiving agency; merged_from keeps meaning "brought by a merge"
-- (the MERGED_NOT_REISSUED rule reads it).
ALTER TABLE procedures ADD COLUMN split_from TEXT NOT NULL DEFAULT '';

-- An open dossier moved by a split keeps its code, whose prefix names the
-- agency that received it: the citizen's lookup on that agency's public
-- page follows this row to the agency that works on it now.
CREATE TABLE dossier_moves (
	agency_code TEXT NOT NULL REFERENCES agencies (code),
	code        TEXT NOT NULL,
	moved_to    TEXT NOT NULL REFERENCES agencies (code),
	moved_at    TEXT NOT NULL,
	PRIMARY KEY (agency_code, code)
);
