-- SQLite's 0064, RowStateVersion 6: the audit trail vouches for a
-- dossier's open steps too (flow_json: which step may be done next, and
-- by whom). The Go step writes the tables' triggers again (rowTriggerSQL:
-- the dossiers' now fires on flow_json), then records each dossier whose
-- state before was still the recorded one (rebaseline, row_state.go).
COMMENT ON COLUMN dossiers.flow_json IS 'the open steps; vouched for by the audit trail since RowStateVersion 6';
