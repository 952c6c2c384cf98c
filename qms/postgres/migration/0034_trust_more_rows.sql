-- SQLite's 0057: the audit trail vouches for more security rows
-- (sqlstore.SecurityTables, RowStateVersion 3): agencies, step
-- delegations, version contributors and the default policy rules an
-- administrator removed. The triggers list the rows written, as those of
-- 0001 and 0032 do; the Go step (rebaseline, row_state.go) records each
-- row the trail says is so, and leaves one written with the database
-- alone before the upgrade for verification to name.
CREATE TRIGGER agencies_row AFTER INSERT OR DELETE OR UPDATE OF id, code, name, parent_code, kind, merged_into, merged_at ON agencies
	FOR EACH ROW EXECUTE FUNCTION note_row_change('id');
CREATE TRIGGER step_delegations_row AFTER INSERT OR UPDATE OR DELETE ON step_delegations
	FOR EACH ROW EXECUTE FUNCTION note_row_change('id');
CREATE TRIGGER version_contributors_row AFTER INSERT OR UPDATE OR DELETE ON version_contributors
	FOR EACH ROW EXECUTE FUNCTION note_row_change('kind', 'version_id', 'user_id', 'username', 'act');
CREATE TRIGGER policy_removed_row AFTER INSERT OR UPDATE OR DELETE ON policy_removed
	FOR EACH ROW EXECUTE FUNCTION note_row_change('ptype', 'v0', 'v1', 'v2', 'v3');
