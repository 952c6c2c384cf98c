-- A merge or split moves a document's search entry by updating its row
-- of search_docs (the SQL both stores share, qms/sqlstore); the FTS5 row
-- of the same rowid follows here.
CREATE TRIGGER search_docs_agency AFTER UPDATE OF agency_code ON search_docs BEGIN
	UPDATE search_index SET agency_code = new.agency_code WHERE rowid = new.id;
END;
