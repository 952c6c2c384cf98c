-- Each document of the search index gets a row here whose id is its
-- rowid in search_index. Replacing a document used to delete it by kind,
-- ref and agency, columns FTS5 cannot index: every update read the whole
-- index, and importing a catalogue of 3,000 rows took seconds.
DELETE FROM search_index WHERE rowid NOT IN (SELECT MIN(rowid) FROM search_index GROUP BY kind, ref, agency_code);
CREATE TABLE search_docs (
	id          INTEGER PRIMARY KEY,
	kind        TEXT NOT NULL,
	ref         TEXT NOT NULL,
	agency_code TEXT NOT NULL,
	UNIQUE (kind, agency_code, ref)
);
INSERT INTO search_docs (id, kind, ref, agency_code) SELECT rowid, kind, ref, agency_code FROM search_index;
