-- A password set by someone other than its owner (an administrator's
-- reset, or an account an administrator created) is temporary: its owner
-- replaces it before doing anything else, so that what signs in their
-- name is a password only they know (qms.PasswordTemporary).
ALTER TABLE users ADD COLUMN password_temporary INTEGER NOT NULL DEFAULT 0;
