-- Compliance findings, scheduled job runs and in-app notifications.
CREATE TABLE findings (
	id          INTEGER PRIMARY KEY,
	rule        TEXT NOT NULL,
	severity    TEXT NOT NULL,
	agency_code TEXT NOT NULL,
	object_type TEXT NOT NULL,
	object_id   TEXT NOT NULL,
	message     TEXT NOT NULL,
	opened_at   TEXT NOT NULL,
	closed_at   TEXT
);
-- At most one open finding per condition: a rerun never duplicates.
CREATE UNIQUE INDEX findings_open ON findings (rule, agency_code, object_type, object_id) WHERE closed_at IS NULL;
CREATE INDEX findings_agency ON findings (agency_code, closed_at);

CREATE TABLE job_runs (
	id          INTEGER PRIMARY KEY,
	job         TEXT NOT NULL,
	trigger     TEXT NOT NULL DEFAULT 'schedule', -- schedule or manual
	started_at  TEXT NOT NULL,
	ended_at    TEXT,
	outcome     TEXT NOT NULL DEFAULT 'running', -- running, ok, failed, skipped
	counts_json TEXT NOT NULL DEFAULT '{}',
	error       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX job_runs_job ON job_runs (job, id);

CREATE TABLE notifications (
	id          INTEGER PRIMARY KEY,
	user_id     INTEGER NOT NULL REFERENCES users (id),
	agency_code TEXT NOT NULL,
	title       TEXT NOT NULL,
	link        TEXT NOT NULL DEFAULT '',
	created_at  TEXT NOT NULL,
	read_at     TEXT
);
CREATE INDEX notifications_user ON notifications (user_id, read_at);

CREATE INDEX dossier_steps_form ON dossier_steps (form_code) WHERE form_code != '';
CREATE INDEX dossiers_late ON dossiers (result) WHERE result = 'late';
