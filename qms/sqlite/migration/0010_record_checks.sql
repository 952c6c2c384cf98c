-- Step records carry their agency, so that the compliance scan's
-- integrity rules (a record on the wrong form version, a step done
-- without its record) seek the few rows at fault through an index
-- instead of reading every record of a province.
ALTER TABLE dossier_steps ADD COLUMN agency_code TEXT NOT NULL DEFAULT '';
UPDATE dossier_steps SET agency_code = (SELECT agency_code FROM dossiers WHERE dossiers.id = dossier_steps.dossier_id);

DROP INDEX dossier_steps_form;
CREATE INDEX dossier_steps_form ON dossier_steps (agency_code, form_code, form_version, completed_at) WHERE form_code != '';
-- Records that lack their entry: the steps that need none, and any that
-- should have one.
CREATE INDEX dossier_steps_unrecorded ON dossier_steps (agency_code, step_id) WHERE form_code = '' OR entry_json IS NULL;
