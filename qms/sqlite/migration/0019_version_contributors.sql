-- Segregation of duties: nobody who wrote, edited or submitted a version
-- approves it. Only the author was kept, so a second person who rewrote
-- a draft, or submitted it, could approve it. Every contributor of a
-- procedure or form version is now recorded, in the transaction of the
-- change itself.
CREATE TABLE version_contributors (
	kind       TEXT NOT NULL CHECK (kind IN ('procedure', 'form')),
	version_id INTEGER NOT NULL, -- procedure_versions.id or form_versions.id
	user_id    INTEGER NOT NULL, -- 0 for a system actor, known by its name
	username   TEXT NOT NULL,
	act        TEXT NOT NULL CHECK (act IN ('create', 'edit', 'submit')),
	PRIMARY KEY (kind, version_id, user_id, username, act)
) WITHOUT ROWID;

-- Existing versions: their authors, then the edits and submissions the
-- audit trail holds (its actor is the username; object ids are
-- "procedure id/issue number, two digits" and "form id/number").
INSERT OR IGNORE INTO version_contributors (kind, version_id, user_id, username, act)
	SELECT 'procedure', id, author_id, author, 'create' FROM procedure_versions;
INSERT OR IGNORE INTO version_contributors (kind, version_id, user_id, username, act)
	SELECT 'form', id, author_id, author, 'create' FROM form_versions;
INSERT OR IGNORE INTO version_contributors (kind, version_id, user_id, username, act)
	SELECT 'procedure', v.id, COALESCE(u.id, 0), l.actor, CASE l.action WHEN 'procedure.version_submit' THEN 'submit' ELSE 'edit' END
	FROM procedure_versions v
	JOIN audit_log l ON l.object_type = 'procedure_version' AND l.object_id = v.procedure_id || '/' || printf('%02d', v.number)
	LEFT JOIN users u ON u.username = l.actor
	WHERE l.action IN ('procedure.version_update', 'procedure.version_submit');
INSERT OR IGNORE INTO version_contributors (kind, version_id, user_id, username, act)
	SELECT 'form', v.id, COALESCE(u.id, 0), l.actor, CASE l.action WHEN 'form.version_submit' THEN 'submit' ELSE 'edit' END
	FROM form_versions v
	JOIN audit_log l ON l.object_type = 'form_version' AND l.object_id = v.form_id || '/' || v.number
	LEFT JOIN users u ON u.username = l.actor
	WHERE l.action IN ('form.version_update', 'form.version_submit');
