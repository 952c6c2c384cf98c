-- The context register (ISO 9001:2015 4.1, 4.2): internal and external
-- issues and interested parties with their requirements, one register per
-- agency, reviewed yearly. Entries are retired, never deleted; each review
-- of the whole register is a row (who, when, how many entries).
CREATE TABLE context_items (
	id             INTEGER PRIMARY KEY,
	agency_code    TEXT NOT NULL REFERENCES agencies (code),
	kind           TEXT NOT NULL CHECK (kind IN ('internal', 'external', 'party')),
	title          TEXT NOT NULL,
	requirements   TEXT NOT NULL DEFAULT '',
	reviewed_on    TEXT NOT NULL,
	retired        INTEGER NOT NULL DEFAULT 0,
	retired_reason TEXT NOT NULL DEFAULT '',
	retired_by     TEXT NOT NULL DEFAULT '',
	retired_at     TEXT,
	created_by     TEXT NOT NULL,
	created_at     TEXT NOT NULL
);
CREATE INDEX context_items_agency ON context_items (agency_code, retired, kind);

CREATE TABLE context_reviews (
	id          INTEGER PRIMARY KEY,
	agency_code TEXT NOT NULL REFERENCES agencies (code),
	reviewed_by TEXT NOT NULL,
	reviewed_at TEXT NOT NULL,
	note        TEXT NOT NULL DEFAULT '',
	items       INTEGER NOT NULL
);
CREATE INDEX context_reviews_agency ON context_reviews (agency_code, reviewed_at);
