-- Notifications also go by e-mail when an SMTP server is configured;
-- emailed_at marks the ones sent so none goes twice.
ALTER TABLE notifications ADD COLUMN emailed_at TEXT;
