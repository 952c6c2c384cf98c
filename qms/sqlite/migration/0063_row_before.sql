-- Each row an audit entry records carries the hash of its state before
-- the entry's transaction wrote it (qms.RowState.Before), which
-- verification holds to the state the trail recorded last: a row changed
-- with the file and then written by the application is named, where its
-- changed columns were recorded as the application's (outsider pass 15).
-- The triggers the Go step writes for each table the trail vouches for
-- (row_state.go, beforeTriggers) list here, in order, each row a
-- transaction wrote with its state before as a JSON object (NULL when it
-- did not exist); the row's first listing is its state before.
CREATE TABLE IF NOT EXISTS row_olds (
	tbl     TEXT NOT NULL,
	row_key TEXT NOT NULL,
	old_row TEXT
);
