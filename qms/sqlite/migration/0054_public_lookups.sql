-- Public lookups by code (a dossier's status, its survey, a feedback's
-- tracking page) per (salted hash of the) client address, in a window of
-- qms.LookupWindow that begins with the address's first lookup: how many,
-- and how many named nothing (qms.LookupRefused). A row is rewritten as
-- its address looks up; rows of windows past are deleted as new windows
-- begin. Nothing else reads them.
CREATE TABLE public_lookups (
	ip_hash      TEXT PRIMARY KEY,
	window_start TEXT NOT NULL,
	lookups      INTEGER NOT NULL,
	misses       INTEGER NOT NULL
);
CREATE INDEX public_lookups_window ON public_lookups (window_start);
