-- SQLite's 0060: a dossier keeps its agency's name as it read at receipt.
ALTER TABLE dossiers ADD COLUMN agency_name text NOT NULL DEFAULT '';
UPDATE dossiers d SET agency_name = a.name FROM agencies a WHERE a.code = d.agency_code;
