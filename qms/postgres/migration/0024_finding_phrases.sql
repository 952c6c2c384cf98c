-- A finding keeps what its message says as a phrase (qms.Phrase, JSON), so
-- that a page writes it in its reader's language; message stays its
-- Vietnamese text (the API, and every finding opened before).
ALTER TABLE findings ADD COLUMN said_json text COLLATE "C";
