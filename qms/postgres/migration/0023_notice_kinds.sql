-- A notification keeps what it says as a kind and its values, so that a
-- page writes it in its reader's language; title stays its Vietnamese
-- text (the e-mail, and every notification written before).
ALTER TABLE notifications ADD COLUMN kind text COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE notifications ADD COLUMN args_json text COLLATE "C" NOT NULL DEFAULT '[]';
