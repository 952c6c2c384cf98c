-- The audit trail holds against whoever can write the database file.
--
-- 1. audit_log is append-only: UPDATE and DELETE are refused. (Someone
--    with the file can drop these triggers; the signed checkpoints kept
--    outside the database catch what they then rewrite.) audit_head is
--    rewritten by every append, so it stays updatable, but only forward;
--    verification checks it against the entries.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'audit_log: nhật ký hệ thống chỉ được ghi thêm, không được sửa mục đã ghi');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'audit_log: nhật ký hệ thống chỉ được ghi thêm, không được xóa mục đã ghi');
END;
CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_head WHEN NEW.last_id <= OLD.last_id
BEGIN
	SELECT RAISE(ABORT, 'audit_head: đầu chuỗi nhật ký chỉ tiến lên, không lùi lại');
END;
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
BEGIN
	SELECT RAISE(ABORT, 'audit_head: không được xóa đầu chuỗi nhật ký');
END;

-- 2. Each audit entry records the state of the security-relevant rows its
--    mutation wrote (row_states, JSON, covered by the entry's hash).
--    row_changes lists the rows written since the last audit append: the
--    triggers below fill it, the store's audit helper empties it and hashes
--    each row's current state (rowSpecs in qms/sqlite/row_state.go names the
--    same columns). Columns that change without deciding anything
--    (updated_at, a token's name) are left out of the UPDATE triggers.
ALTER TABLE audit_log ADD COLUMN row_states TEXT;

CREATE TABLE row_changes (
	tbl TEXT NOT NULL,
	row_key TEXT NOT NULL -- JSON array of the key columns
);

CREATE TRIGGER users_row_insert AFTER INSERT ON users
BEGIN INSERT INTO row_changes VALUES ('users', json_array(NEW.id)); END;
CREATE TRIGGER users_row_update AFTER UPDATE OF id, username, email, password_hash, disabled ON users
BEGIN INSERT INTO row_changes VALUES ('users', json_array(OLD.id)), ('users', json_array(NEW.id)); END;
CREATE TRIGGER users_row_delete AFTER DELETE ON users
BEGIN INSERT INTO row_changes VALUES ('users', json_array(OLD.id)); END;

CREATE TRIGGER memberships_row_insert AFTER INSERT ON memberships
BEGIN INSERT INTO row_changes VALUES ('memberships', json_array(NEW.user_id, NEW.agency_code, NEW.role)); END;
CREATE TRIGGER memberships_row_update AFTER UPDATE ON memberships
BEGIN INSERT INTO row_changes VALUES ('memberships', json_array(OLD.user_id, OLD.agency_code, OLD.role)),
	('memberships', json_array(NEW.user_id, NEW.agency_code, NEW.role)); END;
CREATE TRIGGER memberships_row_delete AFTER DELETE ON memberships
BEGIN INSERT INTO row_changes VALUES ('memberships', json_array(OLD.user_id, OLD.agency_code, OLD.role)); END;

CREATE TRIGGER api_tokens_row_insert AFTER INSERT ON api_tokens
BEGIN INSERT INTO row_changes VALUES ('api_tokens', json_array(NEW.id)); END;
CREATE TRIGGER api_tokens_row_update AFTER UPDATE OF id, user_id, token_hash, expires_at, revoked_at ON api_tokens
BEGIN INSERT INTO row_changes VALUES ('api_tokens', json_array(OLD.id)), ('api_tokens', json_array(NEW.id)); END;
CREATE TRIGGER api_tokens_row_delete AFTER DELETE ON api_tokens
BEGIN INSERT INTO row_changes VALUES ('api_tokens', json_array(OLD.id)); END;

CREATE TRIGGER policy_rules_row_insert AFTER INSERT ON policy_rules
BEGIN INSERT INTO row_changes VALUES ('policy_rules', json_array(NEW.id)); END;
CREATE TRIGGER policy_rules_row_update AFTER UPDATE ON policy_rules
BEGIN INSERT INTO row_changes VALUES ('policy_rules', json_array(OLD.id)), ('policy_rules', json_array(NEW.id)); END;
CREATE TRIGGER policy_rules_row_delete AFTER DELETE ON policy_rules
BEGIN INSERT INTO row_changes VALUES ('policy_rules', json_array(OLD.id)); END;
