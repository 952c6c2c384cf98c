-- The dossier list shows one agency's dossiers newest first, filtered by
-- status or by TTHC. With no index on the filter column followed by
-- received_at, a page walked the agency's dossiers newest first through
-- dossiers_received and read each row to test the filter: on the
-- province data 530 rows for page 5 of the dossiers in progress, and all
-- 50,000 of the agency (14 ms) for a status no dossier has. Here
-- a page is a range of the index, read in the list's order (the rowid,
-- last in every index entry, breaks ties as ORDER BY received_at DESC,
-- id DESC wants), and the list page's capped count reads at most its cap
-- of index entries.
CREATE INDEX dossiers_list ON dossiers (agency_code, status, received_at);

-- The same for the TTHC filter of the API, which also counts exactly:
-- without it that count read every dossier row of the agency (12 ms on
-- the province data). tthc_code and received_at never change, so the
-- index costs one entry per dossier received and nothing on updates.
CREATE INDEX dossiers_tthc ON dossiers (agency_code, tthc_code, received_at);
