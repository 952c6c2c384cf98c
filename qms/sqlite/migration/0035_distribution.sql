-- Distribution and read-and-understood (issue #16 item 6, TCVN ISO
-- 9001:2015 7.5.3): one row per person and version of a procedure or
-- form, written in the transaction that makes the version effective;
-- acknowledged_at is set once when the person confirms "Đã đọc và hiểu".
-- Rows are never deleted. agency_code is the document's agency: a merge
-- moves the pending rows with the documents and the people.
CREATE TABLE document_reads (
	id              INTEGER PRIMARY KEY,
	agency_code     TEXT    NOT NULL REFERENCES agencies (code),
	kind            TEXT    NOT NULL CHECK (kind IN ('procedure', 'form')),
	doc_id          INTEGER NOT NULL, -- procedures.id or forms.id
	version_id      INTEGER NOT NULL, -- procedure_versions.id or form_versions.id
	number          INTEGER NOT NULL,
	user_id         INTEGER NOT NULL REFERENCES users (id),
	roles           TEXT    NOT NULL DEFAULT '', -- comma-separated roles it was distributed for; '' = asked for it
	distributed_at  TEXT    NOT NULL,
	acknowledged_at TEXT,
	UNIQUE (kind, version_id, user_id)
);
CREATE INDEX document_reads_user ON document_reads (user_id, acknowledged_at);
CREATE INDEX document_reads_doc ON document_reads (kind, doc_id, number);
CREATE INDEX document_reads_pending ON document_reads (agency_code) WHERE acknowledged_at IS NULL;

CREATE TRIGGER document_reads_no_delete BEFORE DELETE ON document_reads
BEGIN SELECT RAISE(ABORT, 'document_reads rows are never deleted'); END;
CREATE TRIGGER document_reads_ack_once BEFORE UPDATE OF acknowledged_at ON document_reads WHEN OLD.acknowledged_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'an acknowledgement is never changed'); END;
