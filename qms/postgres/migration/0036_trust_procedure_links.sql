-- SQLite's 0059: the audit trail vouches for the links of TTHCs to the
-- internal procedures that govern them (sqlstore.SecurityTables,
-- RowStateVersion 4): a receipt pins the version in force its TTHC's
-- link finds. The trigger lists the rows written, as those of 0001, 0032
-- and 0034 do; the Go step (rebaseline, row_state.go) records each link
-- the trail sets, and leaves one written with the database alone before
-- the upgrade for verification to name.
CREATE TRIGGER procedure_tthc_row AFTER INSERT OR UPDATE OR DELETE ON procedure_tthc
	FOR EACH ROW EXECUTE FUNCTION note_row_change('procedure_id', 'tthc_code');
