-- A nonconformity closed while its source finding is still open records
-- why (the compliance scan had not cleared the finding).
ALTER TABLE nonconformities ADD COLUMN close_reason TEXT NOT NULL DEFAULT '';

-- One open nonconformity per compliance finding. Duplicates raised before
-- this rule are records and stay as they are, marked so the index passes
-- over them; they are worked and closed as usual.
ALTER TABLE nonconformities ADD COLUMN finding_duplicate INTEGER NOT NULL DEFAULT 0;
UPDATE nonconformities SET finding_duplicate = 1
WHERE source = 'finding' AND source_ref != '' AND status != 'closed' AND EXISTS (
	SELECT 1 FROM nonconformities o
	WHERE o.agency_code = nonconformities.agency_code AND o.source = 'finding' AND o.source_ref = nonconformities.source_ref
	  AND o.status != 'closed' AND o.id < nonconformities.id);
CREATE UNIQUE INDEX nonconformities_open_finding ON nonconformities (agency_code, source_ref)
WHERE source = 'finding' AND source_ref != '' AND status != 'closed' AND finding_duplicate = 0;
