-- The on-time report reads, for a period, the dossiers received in it
-- (dossiers_received), those returned since its start and those still
-- open (dossiers_returned). With the figures' columns in the indexes the
-- report reads index pages only: a dossier's row, with its flow and
-- applicant, is many times larger than the few columns counted. A step
-- that changes only the flow (most steps) sets none of these columns, so
-- the indexes cost it nothing. The id follows received_at so that the
-- dossier list (newest first, then by id) still reads dossiers_received
-- in its order, as it read the index without the figures' columns.
DROP INDEX dossiers_received;
CREATE INDEX dossiers_received ON dossiers (agency_code, received_at, id, returned_at, result, status, due_at, tthc_code);
DROP INDEX dossiers_returned;
CREATE INDEX dossiers_returned ON dossiers (agency_code, returned_at, result, tthc_code, received_at, status, due_at);
