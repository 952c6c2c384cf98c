-- A dossier step records its actor's and delegator's full names as they
-- read when it was recorded (sqlstore.InsertStepRecordSQL), and a
-- signature on a leader's step covers them (sqlstore.SignedContentVersion
-- 3): a renamed account's past steps show the name they were done
-- under, not the one the account bears now. A signature made before
-- keeps its version and is checked without them.
ALTER TABLE dossier_steps ADD COLUMN actor_name TEXT NOT NULL DEFAULT '';
ALTER TABLE dossier_steps ADD COLUMN delegated_by_name TEXT NOT NULL DEFAULT '';
-- The steps recorded before take the names as they read at the upgrade,
-- the nearest known: the pages showed those until now. (The guard below
-- does not fire on these columns yet.)
UPDATE dossier_steps SET actor_name = COALESCE((SELECT CASE WHEN full_name != '' THEN full_name ELSE username END FROM users WHERE username = dossier_steps.actor), '')
WHERE actor != '';
UPDATE dossier_steps SET delegated_by_name = COALESCE((SELECT CASE WHEN full_name != '' THEN full_name ELSE username END FROM users WHERE username = dossier_steps.delegated_by), '')
WHERE delegated_by != '';
DROP TRIGGER IF EXISTS dossier_steps_signed;
CREATE TRIGGER dossier_steps_signed BEFORE UPDATE OF dossier_id, step_id, step_name, completed_at, actor, exit, form_code, form_version,
	entry_json, files_json, note, result, responsible, opened_at, due_at, delegated_by, delegation_reason, actor_name, delegated_by_name ON dossier_steps
WHEN EXISTS (SELECT 1 FROM signatures WHERE object_type = 'dossier_step' AND object_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'signed dossier step: cannot change'); END;
