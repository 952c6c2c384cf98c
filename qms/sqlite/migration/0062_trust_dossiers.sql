-- The Go step sets each dossier's digest of its step records (0061) from
-- the records as found (sqlstore.FillStepChains) before the rebaseline.
-- The audit trail vouches for each dossier's decisive state
-- (sqlstore.SecurityTables, RowStateVersion 5): its agency, pinned
-- procedure version, due time, status, result, return time and new
-- appointment, which the on-time figures and the compliance checks read,
-- and what the receipt wrote once. Every write of them is audited in its
-- own transaction; these triggers list the rows written, as those of
-- 0017, 0024, 0055 and 0057 do. The UPDATE trigger fires on the state
-- columns only: a step that sets the flow and updated_at alone
-- (saveDossierIf sets only the columns that changed) notes nothing. The Go step of this
-- migration (rebaseline, row_state.go) records every dossier as found
-- (sqlstore.dossiersAsFound), in entries of at most
-- sqlstore.BaselineRows rows.
CREATE TRIGGER dossiers_row_insert AFTER INSERT ON dossiers
BEGIN INSERT INTO row_changes VALUES ('dossiers', json_array(NEW.id)); END;
CREATE TRIGGER dossiers_row_update AFTER UPDATE OF id, agency_code, procedure_id, version_number, due_at, status, result, returned_at, new_appointment,
	code, tthc_code, applicant_json, channel, received_at, tthc_name, tthc_time_limit_days, tthc_fee, agency_name, survey_key, steps_digest ON dossiers
BEGIN INSERT INTO row_changes VALUES ('dossiers', json_array(OLD.id)), ('dossiers', json_array(NEW.id)); END;
CREATE TRIGGER dossiers_row_delete AFTER DELETE ON dossiers
BEGIN INSERT INTO row_changes VALUES ('dossiers', json_array(OLD.id)); END;
