-- SQLite's 0055: the audit trail vouches for more columns of the
-- security rows (sqlstore.SecurityTables, RowStateVersion 2): a user's
-- full name, title and temporary password, an API token's prefix and a
-- session's CSRF token. The triggers of 0001 fire on them too; the Go
-- step (rebaseline, row_state.go) records the rows' states with them,
-- for each row whose state before was still the one recorded.
DROP TRIGGER IF EXISTS users_row ON users;
CREATE TRIGGER users_row AFTER INSERT OR DELETE OR UPDATE OF id, username, email, password_hash, disabled, full_name, title, password_temporary ON users
	FOR EACH ROW EXECUTE FUNCTION note_row_change('id');
DROP TRIGGER IF EXISTS api_tokens_row ON api_tokens;
CREATE TRIGGER api_tokens_row AFTER INSERT OR DELETE OR UPDATE OF id, user_id, token_hash, expires_at, revoked_at, prefix ON api_tokens
	FOR EACH ROW EXECUTE FUNCTION note_row_change('id');
DROP TRIGGER IF EXISTS sessions_row ON sessions;
CREATE TRIGGER sessions_row AFTER INSERT OR DELETE OR UPDATE OF id, user_id, agency_code, expires_at, csrf_token ON sessions
	FOR EACH ROW EXECUTE FUNCTION note_row_change('id');

-- Signed content reads more columns (SQLite's 0055,
-- sqlstore.SignedContentVersion 2); a signature keeps the version it was
-- made at and is checked at it.
ALTER TABLE signatures ADD COLUMN content_version bigint NOT NULL DEFAULT 1;
DROP TRIGGER IF EXISTS nonconformities_signed ON nonconformities;
CREATE TRIGGER nonconformities_signed BEFORE UPDATE OF code, source, source_ref, description, correction, root_cause, status, verdict,
	verified_by, verified_at, closed_at, close_reason, created_by, created_at ON nonconformities
	FOR EACH ROW EXECUTE FUNCTION signed_record_final('nonconformity', 'id', 'signed nonconformity: closed, cannot change');
DROP TRIGGER IF EXISTS dossier_steps_signed ON dossier_steps;
CREATE TRIGGER dossier_steps_signed BEFORE UPDATE OF dossier_id, step_id, step_name, completed_at, actor, exit, form_code, form_version,
	entry_json, files_json, note, result, responsible, opened_at, due_at, delegated_by, delegation_reason ON dossier_steps
	FOR EACH ROW EXECUTE FUNCTION signed_record_final('dossier_step', 'id', 'signed dossier step: cannot change');

-- Signatures are security rows too (SQLite's 0055).
CREATE TRIGGER signatures_row AFTER INSERT OR UPDATE OR DELETE ON signatures
	FOR EACH ROW EXECUTE FUNCTION note_row_change('id');
