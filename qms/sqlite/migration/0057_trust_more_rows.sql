-- The audit trail vouches for more security rows (sqlstore.SecurityTables,
-- RowStateVersion 3): agencies (the hierarchy decides an administrator's
-- reach, the kind what they create under it, a merge makes an agency
-- read-only), step delegations (a delegate completes a step without its
-- role), version contributors (who may not approve a version) and the
-- default policy rules an administrator removed (the start's seed brings
-- back a default rule not listed). Each write of them is audited in its
-- own transaction; these triggers list the rows written, as those of
-- 0017, 0024 and 0055 do. The Go step of this migration (rebaseline,
-- row_state.go) records each row the trail says is so
-- (sqlstore.trustRowsAsAudited); a row written with the file alone before
-- the upgrade is left for verification to name.
CREATE TRIGGER agencies_row_insert AFTER INSERT ON agencies
BEGIN INSERT INTO row_changes VALUES ('agencies', json_array(NEW.id)); END;
CREATE TRIGGER agencies_row_update AFTER UPDATE OF id, code, name, parent_code, kind, merged_into, merged_at ON agencies
BEGIN INSERT INTO row_changes VALUES ('agencies', json_array(OLD.id)), ('agencies', json_array(NEW.id)); END;
CREATE TRIGGER agencies_row_delete AFTER DELETE ON agencies
BEGIN INSERT INTO row_changes VALUES ('agencies', json_array(OLD.id)); END;

CREATE TRIGGER step_delegations_row_insert AFTER INSERT ON step_delegations
BEGIN INSERT INTO row_changes VALUES ('step_delegations', json_array(NEW.id)); END;
CREATE TRIGGER step_delegations_row_update AFTER UPDATE ON step_delegations
BEGIN INSERT INTO row_changes VALUES ('step_delegations', json_array(OLD.id)), ('step_delegations', json_array(NEW.id)); END;
CREATE TRIGGER step_delegations_row_delete AFTER DELETE ON step_delegations
BEGIN INSERT INTO row_changes VALUES ('step_delegations', json_array(OLD.id)); END;

CREATE TRIGGER version_contributors_row_insert AFTER INSERT ON version_contributors
BEGIN INSERT INTO row_changes VALUES ('version_contributors', json_array(NEW.kind, NEW.version_id, NEW.user_id, NEW.username, NEW.act)); END;
CREATE TRIGGER version_contributors_row_update AFTER UPDATE ON version_contributors
BEGIN INSERT INTO row_changes VALUES ('version_contributors', json_array(OLD.kind, OLD.version_id, OLD.user_id, OLD.username, OLD.act)),
	('version_contributors', json_array(NEW.kind, NEW.version_id, NEW.user_id, NEW.username, NEW.act)); END;
CREATE TRIGGER version_contributors_row_delete AFTER DELETE ON version_contributors
BEGIN INSERT INTO row_changes VALUES ('version_contributors', json_array(OLD.kind, OLD.version_id, OLD.user_id, OLD.username, OLD.act)); END;

CREATE TRIGGER policy_removed_row_insert AFTER INSERT ON policy_removed
BEGIN INSERT INTO row_changes VALUES ('policy_removed', json_array(NEW.ptype, NEW.v0, NEW.v1, NEW.v2, NEW.v3)); END;
CREATE TRIGGER policy_removed_row_update AFTER UPDATE ON policy_removed
BEGIN INSERT INTO row_changes VALUES ('policy_removed', json_array(OLD.ptype, OLD.v0, OLD.v1, OLD.v2, OLD.v3)),
	('policy_removed', json_array(NEW.ptype, NEW.v0, NEW.v1, NEW.v2, NEW.v3)); END;
CREATE TRIGGER policy_removed_row_delete AFTER DELETE ON policy_removed
BEGIN INSERT INTO row_changes VALUES ('policy_removed', json_array(OLD.ptype, OLD.v0, OLD.v1, OLD.v2, OLD.v3)); END;
