-- SQLite's 0055: the audit trail vouches for more columns of the
-- security rows (sqlstore.SecurityTables, RowStateVersion 2): a user's
-- full name, title and temporary password, an API token's prefix and a
-- session's CSRF token. The triggers of 0001 fire on them too; the Go
-- step (rebaseline, row_state.go) records the rows' states with them,
-- for each row whose state before was still the one recorded.
DROP TRIGGER users_row ON users;
CREATE TRIGGER users_row AFTER INSERT OR DELETE OR UPDATE OF id, username, email, password_hash, disabled, full_name, title, password_temporary ON users
	FOR EACH ROW EXECUTE FUNCTION note_row_change('id');
DROP TRIGGER api_tokens_row ON api_tokens;
CREATE TRIGGER api_tokens_row AFTER INSERT OR DELETE OR UPDATE OF id, user_id, token_hash, expires_at, revoked_at, prefix ON api_tokens
	FOR EACH ROW EXECUTE FUNCTION note_row_change('id');
DROP TRIGGER sessions_row ON sessions;
CREATE TRIGGER sessions_row AFTER INSERT OR DELETE OR UPDATE OF id, user_id, agency_code, expires_at, csrf_token ON sessions
	FOR EACH ROW EXECUTE FUNCTION note_row_change('id');
