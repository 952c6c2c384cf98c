-- SQLite's 0062: the Go step sets each dossier's digest of its step
-- records (0038) from the records as found; the audit trail vouches for
-- each dossier's decisive state (sqlstore.SecurityTables, RowStateVersion 5). The trigger lists
-- the rows written, as those of 0001, 0032 and 0034 do, on an insert, a
-- delete or an update of a state column only: a step that changes the
-- flow and updated_at alone notes nothing. The Go step (rebaseline,
-- row_state.go) records every dossier as found, in entries of at most
-- sqlstore.BaselineRows rows.
CREATE TRIGGER dossiers_row AFTER INSERT OR DELETE OR UPDATE OF id, agency_code, procedure_id, version_number, due_at, status, result, returned_at,
	new_appointment, code, tthc_code, applicant_json, channel, received_at, tthc_name, tthc_time_limit_days, tthc_fee, agency_name, survey_key, steps_digest ON dossiers
	FOR EACH ROW EXECUTE FUNCTION note_row_change('id');
