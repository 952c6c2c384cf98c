-- SQLite's 0065, RowStateVersion 7: the audit trail vouches for what the
-- working-day clock and the legal time limits are made of: the TTHC
-- catalogue, the calendar's days off and make-up days, and each agency's
-- working hours and clock mode. The Go step writes the tables' triggers
-- again (rowTriggerSQL: these three get theirs), then records every row
-- of them as found (rebaseline, row_state.go).
COMMENT ON TABLE tthc IS 'the TTHC catalogue; vouched for by the audit trail since RowStateVersion 7';
