-- SQLite's 0063: each row an audit entry records carries the hash of its
-- state before the entry's transaction wrote it (qms.RowState.Before),
-- which verification holds to the state the trail recorded last. The
-- trigger function, which the store writes at every open with the
-- tables' triggers (own_triggers.go), lists in row_changes, in order,
-- each row's state before as a JSON object: the row's first listing is
-- its state before.
ALTER TABLE row_changes ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;
ALTER TABLE row_changes ADD COLUMN old_row jsonb;
