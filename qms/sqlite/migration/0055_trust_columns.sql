-- The audit trail vouches for more columns of the security rows
-- (sqlstore.SecurityTables, RowStateVersion 2): a user's full name and
-- title (what signatures and records print), whether their password is
-- temporary (set by an administrator: such an account signs nothing
-- until its owner replaces it), an API token's prefix (which names it
-- to the operator who revokes it) and a session's CSRF token. The UPDATE
-- triggers of 0017 and 0024 fire on them too; the Go step of this
-- migration (rebaseline, row_state.go) records the rows' states with
-- them, for each row whose state before was still the one recorded.
DROP TRIGGER users_row_update;
CREATE TRIGGER users_row_update AFTER UPDATE OF id, username, email, password_hash, disabled, full_name, title, password_temporary ON users
BEGIN INSERT INTO row_changes VALUES ('users', json_array(OLD.id)), ('users', json_array(NEW.id)); END;
DROP TRIGGER api_tokens_row_update;
CREATE TRIGGER api_tokens_row_update AFTER UPDATE OF id, user_id, token_hash, expires_at, revoked_at, prefix ON api_tokens
BEGIN INSERT INTO row_changes VALUES ('api_tokens', json_array(OLD.id)), ('api_tokens', json_array(NEW.id)); END;
DROP TRIGGER sessions_row_update;
CREATE TRIGGER sessions_row_update AFTER UPDATE OF id, user_id, agency_code, expires_at, csrf_token ON sessions
BEGIN INSERT INTO row_changes VALUES ('sessions', json_array(OLD.id)), ('sessions', json_array(NEW.id)); END;
