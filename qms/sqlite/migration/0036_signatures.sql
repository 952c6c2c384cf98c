-- Signatures with meaning (issue #16 item 7). A signature names what was
-- signed (object type, id and the SHA-256 of the signed content), the
-- signer as they were at that moment (user id, full name, title) and what
-- the signature means. It is written in the transaction of the action it
-- signs and never changes. No agency_code: a signature belongs to its
-- record, wherever a merger moves the record.
ALTER TABLE users ADD COLUMN title TEXT NOT NULL DEFAULT ''; -- chức vụ

CREATE TABLE signatures (
	id             INTEGER PRIMARY KEY,
	object_type    TEXT NOT NULL CHECK (object_type IN ('procedure_version', 'form_version', 'nonconformity', 'audit_plan', 'dossier_step')),
	object_id      INTEGER NOT NULL,
	content_sha256 TEXT NOT NULL,
	user_id        INTEGER NOT NULL REFERENCES users (id),
	username       TEXT NOT NULL,
	full_name      TEXT NOT NULL,
	title          TEXT NOT NULL DEFAULT '',
	meaning        TEXT NOT NULL CHECK (meaning IN ('drafted', 'reviewed', 'approved')),
	signed_at      TEXT NOT NULL
);
CREATE INDEX signatures_object ON signatures (object_type, object_id);

CREATE TRIGGER signatures_no_update BEFORE UPDATE ON signatures
BEGIN SELECT RAISE(ABORT, 'signatures are append-only'); END;
CREATE TRIGGER signatures_no_delete BEFORE DELETE ON signatures
BEGIN SELECT RAISE(ABORT, 'signatures are append-only'); END;

-- A signed record does not change; a new version does. The store refuses
-- first with a message; these triggers hold for any other writer. Only
-- the content is guarded: a version's status still moves on (superseded,
-- withdrawn), and a merger still moves a record to its successor.
-- A procedure version's content is already final once in force
-- (procedure_versions_final, migration 0014).
CREATE TRIGGER form_versions_signed BEFORE UPDATE OF schema_json, template_json ON form_versions
WHEN (NEW.schema_json IS NOT OLD.schema_json OR NEW.template_json IS NOT OLD.template_json)
	AND EXISTS (SELECT 1 FROM signatures WHERE object_type = 'form_version' AND object_id = OLD.id AND meaning = 'approved')
BEGIN SELECT RAISE(ABORT, 'signed form version: content cannot change'); END;

CREATE TRIGGER nonconformities_signed BEFORE UPDATE OF description, correction, root_cause, status, verdict, verified_by, verified_at, closed_at, close_reason ON nonconformities
WHEN EXISTS (SELECT 1 FROM signatures WHERE object_type = 'nonconformity' AND object_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'signed nonconformity: closed, cannot change'); END;

CREATE TRIGGER corrective_actions_signed_insert BEFORE INSERT ON corrective_actions
WHEN EXISTS (SELECT 1 FROM signatures WHERE object_type = 'nonconformity' AND object_id = NEW.nc_id)
BEGIN SELECT RAISE(ABORT, 'signed nonconformity: closed, cannot change'); END;
CREATE TRIGGER corrective_actions_signed_update BEFORE UPDATE ON corrective_actions
WHEN EXISTS (SELECT 1 FROM signatures WHERE object_type = 'nonconformity' AND object_id = OLD.nc_id)
BEGIN SELECT RAISE(ABORT, 'signed nonconformity: closed, cannot change'); END;

CREATE TRIGGER audit_plans_signed BEFORE UPDATE OF title, scope_json, start_on, end_on, status, summary, conclusion, reported_at ON audit_plans
WHEN EXISTS (SELECT 1 FROM signatures WHERE object_type = 'audit_plan' AND object_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'signed audit report: cannot change'); END;

CREATE TRIGGER audit_items_signed_insert BEFORE INSERT ON audit_items
WHEN EXISTS (SELECT 1 FROM signatures WHERE object_type = 'audit_plan' AND object_id = NEW.plan_id)
BEGIN SELECT RAISE(ABORT, 'signed audit report: cannot change'); END;
CREATE TRIGGER audit_items_signed_update BEFORE UPDATE ON audit_items
WHEN EXISTS (SELECT 1 FROM signatures WHERE object_type = 'audit_plan' AND object_id = OLD.plan_id)
BEGIN SELECT RAISE(ABORT, 'signed audit report: cannot change'); END;

CREATE TRIGGER dossier_steps_signed BEFORE UPDATE OF step_id, step_name, completed_at, actor, exit, form_code, form_version, entry_json, files_json, note, result ON dossier_steps
WHEN EXISTS (SELECT 1 FROM signatures WHERE object_type = 'dossier_step' AND object_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'signed dossier step: cannot change'); END;
