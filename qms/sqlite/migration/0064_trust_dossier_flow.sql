-- RowStateVersion 6: the audit trail vouches for a dossier's open steps
-- too (flow_json: which step may be done next, and by whom). The UPDATE
-- triggers that list the rows written and their states before fire on
-- it as well: this one written again here, the one of 0063 by the Go
-- step (beforeTriggers), which then records each dossier whose state
-- before was still the recorded one (rebaseline, row_state.go).
DROP TRIGGER dossiers_row_update;
CREATE TRIGGER dossiers_row_update AFTER UPDATE OF id, agency_code, procedure_id, version_number, due_at, status, result, returned_at, new_appointment,
	code, tthc_code, applicant_json, channel, received_at, tthc_name, tthc_time_limit_days, tthc_fee, agency_name, survey_key, steps_digest, flow_json ON dossiers
BEGIN INSERT INTO row_changes VALUES ('dossiers', json_array(OLD.id)), ('dossiers', json_array(NEW.id)); END;
DROP TRIGGER IF EXISTS dossiers_row_before_update;
