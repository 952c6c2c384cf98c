-- Uploaded files (form templates, evidence), kept by the SHA-256 of their
-- bytes (SQLite migration 0003): in the database, so that every server
-- serves every file.
CREATE TABLE blobs (
	sha256       text COLLATE "C" PRIMARY KEY,
	content_type text COLLATE "C" NOT NULL,
	size         bigint NOT NULL,
	data         bytea NOT NULL,
	created_at   text COLLATE "C" NOT NULL
);
