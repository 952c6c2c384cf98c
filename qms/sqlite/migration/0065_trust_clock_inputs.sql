-- RowStateVersion 7: the audit trail vouches for what the working-day
-- clock and the legal time limits are made of (sqlstore.SecurityTables):
-- the TTHC catalogue (a receipt takes its time limit, name, fee and
-- status), the calendar's days off and make-up days, and each agency's
-- working hours and clock mode. Each write of them is audited in its own
-- transaction; these triggers list the rows written, as those of 0017,
-- 0057 and 0062 do. The Go step of this migration writes the triggers
-- that list the rows' states before (beforeTriggers) and records every
-- row as found (rebaseline, row_state.go): the trail before carries no
-- row's state.
CREATE TRIGGER tthc_row_insert AFTER INSERT ON tthc
BEGIN INSERT INTO row_changes VALUES ('tthc', json_array(NEW.id)); END;
CREATE TRIGGER tthc_row_update AFTER UPDATE OF id, agency_code, code, name, field, time_limit_days, fee, legal_basis, service_level,
	published_by, published_on, status ON tthc
BEGIN INSERT INTO row_changes VALUES ('tthc', json_array(OLD.id)), ('tthc', json_array(NEW.id)); END;
CREATE TRIGGER tthc_row_delete AFTER DELETE ON tthc
BEGIN INSERT INTO row_changes VALUES ('tthc', json_array(OLD.id)); END;

CREATE TRIGGER calendar_overrides_row_insert AFTER INSERT ON calendar_overrides
BEGIN INSERT INTO row_changes VALUES ('calendar_overrides', json_array(NEW.id)); END;
CREATE TRIGGER calendar_overrides_row_update AFTER UPDATE OF id, date, kind, name ON calendar_overrides
BEGIN INSERT INTO row_changes VALUES ('calendar_overrides', json_array(OLD.id)), ('calendar_overrides', json_array(NEW.id)); END;
CREATE TRIGGER calendar_overrides_row_delete AFTER DELETE ON calendar_overrides
BEGIN INSERT INTO row_changes VALUES ('calendar_overrides', json_array(OLD.id)); END;

CREATE TRIGGER agency_settings_row_insert AFTER INSERT ON agency_settings
BEGIN INSERT INTO row_changes VALUES ('agency_settings', json_array(NEW.agency_code)); END;
CREATE TRIGGER agency_settings_row_update AFTER UPDATE OF agency_code, clock_mode, working_hours ON agency_settings
BEGIN INSERT INTO row_changes VALUES ('agency_settings', json_array(OLD.agency_code)), ('agency_settings', json_array(NEW.agency_code)); END;
CREATE TRIGGER agency_settings_row_delete AFTER DELETE ON agency_settings
BEGIN INSERT INTO row_changes VALUES ('agency_settings', json_array(OLD.agency_code)); END;
