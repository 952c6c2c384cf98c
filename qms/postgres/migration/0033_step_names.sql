-- SQLite's 0056: a dossier step records its actor's and delegator's full
-- names as they read when it was recorded, signed from
-- sqlstore.SignedContentVersion 3; the steps recorded before take the
-- names as they read at the upgrade.
ALTER TABLE dossier_steps ADD COLUMN actor_name text NOT NULL DEFAULT '';
ALTER TABLE dossier_steps ADD COLUMN delegated_by_name text NOT NULL DEFAULT '';
UPDATE dossier_steps s SET actor_name = COALESCE(CASE WHEN u.full_name != '' THEN u.full_name ELSE u.username END, '')
FROM users u WHERE u.username = s.actor;
UPDATE dossier_steps s SET delegated_by_name = COALESCE(CASE WHEN u.full_name != '' THEN u.full_name ELSE u.username END, '')
FROM users u WHERE u.username = s.delegated_by;
DROP TRIGGER IF EXISTS dossier_steps_signed ON dossier_steps;
CREATE TRIGGER dossier_steps_signed BEFORE UPDATE OF dossier_id, step_id, step_name, completed_at, actor, exit, form_code, form_version,
	entry_json, files_json, note, result, responsible, opened_at, due_at, delegated_by, delegation_reason, actor_name, delegated_by_name ON dossier_steps
	FOR EACH ROW EXECUTE FUNCTION signed_record_final('dossier_step', 'id', 'signed dossier step: cannot change');
