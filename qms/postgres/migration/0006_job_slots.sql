-- Scheduled runs claimed by the servers sharing the database: the first
-- server to insert (job, slot) runs it, the others skip it (jobrun.go).
CREATE TABLE job_slots (
	job        text COLLATE "C" NOT NULL,
	slot       text COLLATE "C" NOT NULL, -- the minute it fell due, RFC 3339 UTC
	server     text COLLATE "C" NOT NULL,
	claimed_at text COLLATE "C" NOT NULL,
	PRIMARY KEY (job, slot)
);

-- The server that ran each run.
ALTER TABLE job_runs ADD COLUMN server text COLLATE "C" NOT NULL DEFAULT '';
