-- The dossier list shows how many dossiers its filter matches. Counting
-- a province agency's dossiers of one status reads tens of thousands of
-- index entries on every page, and even asking whether there are more
-- than the page's cap walks a thousand. The number of dossiers of each
-- agency and status is kept here instead, by triggers, in the same
-- transaction as the change whatever statement or process makes it: the
-- list of an agency, or of an agency and a status, reads one row.
CREATE TABLE dossier_counts (
	agency_code TEXT NOT NULL,
	status TEXT NOT NULL,
	n INTEGER NOT NULL,
	PRIMARY KEY (agency_code, status)
) WITHOUT ROWID;

INSERT INTO dossier_counts (agency_code, status, n)
	SELECT agency_code, status, COUNT(*) FROM dossiers GROUP BY agency_code, status;

CREATE TRIGGER dossier_counts_insert AFTER INSERT ON dossiers
BEGIN
	INSERT INTO dossier_counts (agency_code, status, n) VALUES (NEW.agency_code, NEW.status, 1)
		ON CONFLICT (agency_code, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER dossier_counts_update AFTER UPDATE OF agency_code, status ON dossiers
	WHEN NEW.status IS NOT OLD.status OR NEW.agency_code IS NOT OLD.agency_code
BEGIN
	UPDATE dossier_counts SET n = n - 1 WHERE agency_code = OLD.agency_code AND status = OLD.status;
	INSERT INTO dossier_counts (agency_code, status, n) VALUES (NEW.agency_code, NEW.status, 1)
		ON CONFLICT (agency_code, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER dossier_counts_delete AFTER DELETE ON dossiers
BEGIN
	UPDATE dossier_counts SET n = n - 1 WHERE agency_code = OLD.agency_code AND status = OLD.status;
END;
