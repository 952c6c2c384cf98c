-- Public lookups by code per (salted hash of the) client address, as
-- SQLite's 0054 (qms.LookupRefused).
CREATE TABLE public_lookups (
	ip_hash      text COLLATE "C" PRIMARY KEY,
	window_start text COLLATE "C" NOT NULL,
	lookups      bigint NOT NULL,
	misses       bigint NOT NULL
);
CREATE INDEX public_lookups_window ON public_lookups (window_start);
