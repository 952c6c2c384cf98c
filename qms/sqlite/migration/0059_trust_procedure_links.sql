-- The audit trail vouches for the links of TTHCs to the internal
-- procedures that govern them (sqlstore.SecurityTables, RowStateVersion
-- 4): a receipt pins the version in force its TTHC's link finds, so a
-- link moved with the file alone sent new dossiers to a procedure no
-- leader approved for them, and `qms audit verify` said ok. Each write of
-- a link is audited in its own transaction (procedure.create,
-- procedure.update, procedure.tthc_moved at a version's approval); these
-- triggers list the rows written, as those of 0017, 0024, 0055 and 0057
-- do. The Go step of this migration (rebaseline, row_state.go) records
-- each link the trail sets (sqlstore.ProcedureLinksAsAudited); one
-- written with the file alone before the upgrade is left for
-- verification to name.
CREATE TRIGGER procedure_tthc_row_insert AFTER INSERT ON procedure_tthc
BEGIN INSERT INTO row_changes VALUES ('procedure_tthc', json_array(NEW.procedure_id, NEW.tthc_code)); END;
CREATE TRIGGER procedure_tthc_row_update AFTER UPDATE ON procedure_tthc
BEGIN INSERT INTO row_changes VALUES ('procedure_tthc', json_array(OLD.procedure_id, OLD.tthc_code)),
	('procedure_tthc', json_array(NEW.procedure_id, NEW.tthc_code)); END;
CREATE TRIGGER procedure_tthc_row_delete AFTER DELETE ON procedure_tthc
BEGIN INSERT INTO row_changes VALUES ('procedure_tthc', json_array(OLD.procedure_id, OLD.tthc_code)); END;
