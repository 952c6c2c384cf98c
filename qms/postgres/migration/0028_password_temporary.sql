-- A password set by someone other than its owner is temporary, as
-- SQLite's 0051 (qms.PasswordTemporary).
ALTER TABLE users ADD COLUMN password_temporary boolean NOT NULL DEFAULT false;
