-- qms: foreign_keys off
-- Dossier codes are unique per agency, no longer across the province: a
-- code chosen by one agency's client (the one-stop system) took that
-- number from every other agency, and a receipt there failed on it for
-- good. SQLite cannot drop a column's UNIQUE constraint, so the table is
-- rebuilt (the documented twelve-step ALTER TABLE, with foreign keys off
-- for the file: the step records, open steps and pauses keep referencing
-- "dossiers" by id, and foreign_key_check runs before the commit). Every
-- row is kept with its id.
DROP TRIGGER dossier_open_steps_follow;

CREATE TABLE dossiers_0016 (
	id              INTEGER PRIMARY KEY,
	code            TEXT NOT NULL,
	agency_code     TEXT NOT NULL REFERENCES agencies (code),
	tthc_code       TEXT NOT NULL,
	procedure_id    INTEGER REFERENCES procedures (id),
	version_number  INTEGER NOT NULL DEFAULT 0,
	applicant_json  TEXT NOT NULL,
	channel         TEXT NOT NULL,
	received_at     TEXT NOT NULL,
	due_at          TEXT NOT NULL,
	status          TEXT NOT NULL CHECK (status IN ('received', 'in_progress', 'paused', 'completed', 'refused', 'withdrawn')),
	result          TEXT NOT NULL DEFAULT '' CHECK (result IN ('', 'early', 'on_time', 'late')),
	returned_at     TEXT,
	new_appointment TEXT,
	flow_json       TEXT NOT NULL DEFAULT '{"open":[]}',
	note            TEXT NOT NULL DEFAULT '',
	updated_at      TEXT NOT NULL,
	UNIQUE (agency_code, code)
);
INSERT INTO dossiers_0016 (id, code, agency_code, tthc_code, procedure_id, version_number, applicant_json, channel, received_at, due_at,
		status, result, returned_at, new_appointment, flow_json, note, updated_at)
	SELECT id, code, agency_code, tthc_code, procedure_id, version_number, applicant_json, channel, received_at, due_at,
		status, result, returned_at, new_appointment, flow_json, note, updated_at FROM dossiers;
DROP TABLE dossiers;
ALTER TABLE dossiers_0016 RENAME TO dossiers;

CREATE INDEX dossiers_received ON dossiers (agency_code, received_at);
CREATE INDEX dossiers_returned ON dossiers (agency_code, returned_at);
CREATE INDEX dossiers_status ON dossiers (agency_code, status, due_at);
CREATE INDEX dossiers_late ON dossiers (result) WHERE result = 'late';
CREATE INDEX dossiers_list ON dossiers (agency_code, status, received_at);
CREATE INDEX dossiers_tthc ON dossiers (agency_code, tthc_code, received_at);

CREATE TRIGGER dossier_open_steps_follow AFTER UPDATE OF status, due_at ON dossiers
	WHEN NEW.status IS NOT OLD.status OR NEW.due_at IS NOT OLD.due_at
BEGIN
	UPDATE dossier_open_steps SET paused = NEW.status = 'paused', dossier_due = NEW.due_at WHERE dossier_id = NEW.id;
END;

-- A step done by someone without the step's role, on the word of a user
-- who holds it (or of a leader): who delegated and why, on the record.
ALTER TABLE dossier_steps ADD COLUMN delegated_by TEXT NOT NULL DEFAULT '';
ALTER TABLE dossier_steps ADD COLUMN delegation_reason TEXT NOT NULL DEFAULT '';
