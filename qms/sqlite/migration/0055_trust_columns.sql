-- The audit trail vouches for more columns of the security rows
-- (sqlstore.SecurityTables, RowStateVersion 2): a user's full name and
-- title (what signatures and records print), whether their password is
-- temporary (set by an administrator: such an account signs nothing
-- until its owner replaces it), an API token's prefix (which names it
-- to the operator who revokes it) and a session's CSRF token. The UPDATE
-- triggers of 0017 and 0024 fire on them too; the Go step of this
-- migration (rebaseline, row_state.go) records the rows' states with
-- them, for each row whose state before was still the one recorded.
DROP TRIGGER IF EXISTS users_row_update;
CREATE TRIGGER users_row_update AFTER UPDATE OF id, username, email, password_hash, disabled, full_name, title, password_temporary ON users
BEGIN INSERT INTO row_changes VALUES ('users', json_array(OLD.id)), ('users', json_array(NEW.id)); END;
DROP TRIGGER IF EXISTS api_tokens_row_update;
CREATE TRIGGER api_tokens_row_update AFTER UPDATE OF id, user_id, token_hash, expires_at, revoked_at, prefix ON api_tokens
BEGIN INSERT INTO row_changes VALUES ('api_tokens', json_array(OLD.id)), ('api_tokens', json_array(NEW.id)); END;
DROP TRIGGER IF EXISTS sessions_row_update;
CREATE TRIGGER sessions_row_update AFTER UPDATE OF id, user_id, agency_code, expires_at, csrf_token ON sessions
BEGIN INSERT INTO row_changes VALUES ('sessions', json_array(OLD.id)), ('sessions', json_array(NEW.id)); END;

-- Signed content reads more columns (sqlstore.SignedContentVersion 2):
-- who raised a nonconformity and when, who recorded a corrective action
-- done, an audit question's source, and a dossier step's responsible
-- role, its times opened and due and the delegation it was completed on.
-- A signature keeps the version it was made at and is checked at it, so
-- the signatures made before (version 1) still check.
ALTER TABLE signatures ADD COLUMN content_version INTEGER NOT NULL DEFAULT 1;
-- The guards of 0036 refuse a change of those columns of a signed record
-- too (and of a signed nonconformity's code, source and reference, which
-- were signed from the start). IF EXISTS: a guard someone with the file
-- dropped comes back instead of stopping the upgrade.
DROP TRIGGER IF EXISTS nonconformities_signed;
CREATE TRIGGER nonconformities_signed BEFORE UPDATE OF code, source, source_ref, description, correction, root_cause, status, verdict,
	verified_by, verified_at, closed_at, close_reason, created_by, created_at ON nonconformities
WHEN EXISTS (SELECT 1 FROM signatures WHERE object_type = 'nonconformity' AND object_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'signed nonconformity: closed, cannot change'); END;
DROP TRIGGER IF EXISTS dossier_steps_signed;
CREATE TRIGGER dossier_steps_signed BEFORE UPDATE OF dossier_id, step_id, step_name, completed_at, actor, exit, form_code, form_version,
	entry_json, files_json, note, result, responsible, opened_at, due_at, delegated_by, delegation_reason ON dossier_steps
WHEN EXISTS (SELECT 1 FROM signatures WHERE object_type = 'dossier_step' AND object_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'signed dossier step: cannot change'); END;

-- Signatures are security rows too (sqlstore.SecurityTables): the hash
-- of the signed content SIGNATURE_BROKEN checks a record against, and
-- the signer's name and title the prints show, are recorded by the
-- audited action that signs; the Go step records each signature made
-- before that is the one its signature.sign entry recorded.
CREATE TRIGGER signatures_row_insert AFTER INSERT ON signatures
BEGIN INSERT INTO row_changes VALUES ('signatures', json_array(NEW.id)); END;
CREATE TRIGGER signatures_row_update AFTER UPDATE ON signatures
BEGIN INSERT INTO row_changes VALUES ('signatures', json_array(OLD.id)), ('signatures', json_array(NEW.id)); END;
CREATE TRIGGER signatures_row_delete AFTER DELETE ON signatures
BEGIN INSERT INTO row_changes VALUES ('signatures', json_array(OLD.id)); END;
