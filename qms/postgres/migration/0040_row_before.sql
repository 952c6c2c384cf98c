-- SQLite's 0063: each row an audit entry records carries the hash of its
-- state before the entry's transaction wrote it (qms.RowState.Before),
-- which verification holds to the state the trail recorded last. The
-- trigger function lists, in order, each row's state before as a JSON
-- object (to_jsonb(OLD); NULL for an insert, or for the new key of an
-- update): the row's first listing is its state before.
ALTER TABLE row_changes ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;
ALTER TABLE row_changes ADD COLUMN old_row jsonb;

CREATE OR REPLACE FUNCTION note_row_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	rs jsonb[] := ARRAY[CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END, CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END];
BEGIN
	FOR n IN 1..2 LOOP
		IF rs[n] IS NOT NULL THEN
			INSERT INTO row_changes (tbl, row_key, old_row)
			SELECT TG_TABLE_NAME, '[' || string_agg((rs[n] -> a.k)::text, ',' ORDER BY a.i) || ']', CASE WHEN n = 1 THEN rs[1] END
			FROM unnest(TG_ARGV) WITH ORDINALITY AS a(k, i);
		END IF;
	END LOOP;
	RETURN NULL;
END $$;
