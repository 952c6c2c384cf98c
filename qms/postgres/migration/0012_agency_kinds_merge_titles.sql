-- What SQLite's 0029 (agency kinds), 0032 (merges) and 0036 (a signer's
-- title) added to the foundation tables. Agencies created before this
-- migration are departments (so_nganh); an operator sets the others.
ALTER TABLE agencies ADD COLUMN kind text COLLATE "C" NOT NULL DEFAULT 'so_nganh';
ALTER TABLE agencies ADD COLUMN merged_into text COLLATE "C" REFERENCES agencies (code);
ALTER TABLE agencies ADD COLUMN merged_at text COLLATE "C";
ALTER TABLE users ADD COLUMN title text COLLATE "C" NOT NULL DEFAULT ''; -- chức vụ
