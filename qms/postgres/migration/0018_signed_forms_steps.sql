-- SQLite 0036's guards of signed form versions and dossier steps, which
-- waited for their tables (0013, 0017) and for signatures (0015). Only
-- the content is guarded: a form version's status still moves on.
CREATE FUNCTION form_version_signed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF (NEW.schema_json IS DISTINCT FROM OLD.schema_json OR NEW.template_json IS DISTINCT FROM OLD.template_json)
		AND EXISTS (SELECT 1 FROM signatures WHERE object_type = 'form_version' AND object_id = OLD.id AND meaning = 'approved') THEN
		RAISE EXCEPTION 'signed form version: content cannot change';
	END IF;
	RETURN NEW;
END $$;
CREATE TRIGGER form_versions_signed BEFORE UPDATE OF schema_json, template_json ON form_versions
	FOR EACH ROW EXECUTE FUNCTION form_version_signed();

CREATE TRIGGER dossier_steps_signed BEFORE UPDATE OF step_id, step_name, completed_at, actor, exit, form_code, form_version, entry_json, files_json, note, result ON dossier_steps
	FOR EACH ROW EXECUTE FUNCTION signed_record_final('dossier_step', 'id', 'signed dossier step: cannot change');
