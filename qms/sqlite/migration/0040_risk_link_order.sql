-- The order a risk's links were made in, which the register lists them
-- by: the shared SQL (qms/sqlstore) reads this column, as PostgreSQL has
-- no rowid. Links made before keep their rowid order.
ALTER TABLE risk_links ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
UPDATE risk_links SET seq = rowid;
