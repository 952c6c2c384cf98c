-- Who recorded a corrective action done, as SQLite's 0052.
ALTER TABLE corrective_actions ADD COLUMN done_by text COLLATE "C" NOT NULL DEFAULT '';
