-- Competence (ISO 9001:2015 7.2, issue #16 item 5). An agency keeps a
-- catalogue of the competences its work needs, says which role or which
-- step of a procedure needs each, and records each person's training and
-- qualifications with their evidence and expiry. Nothing here is
-- deleted: a requirement is withdrawn and a record revoked, with who,
-- when and why. A merge moves all three to the successor (the people
-- they concern move with their memberships); a catalogue code the
-- successor already has takes the predecessor's code as a suffix, like
-- procedures and forms (docs/agency-merge.md).
CREATE TABLE competences (
	id          INTEGER PRIMARY KEY,
	agency_code TEXT NOT NULL REFERENCES agencies (code),
	code        TEXT NOT NULL,
	name        TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	merged_from TEXT NOT NULL DEFAULT '',
	created_by  TEXT NOT NULL,
	created_at  TEXT NOT NULL,
	UNIQUE (agency_code, code)
);

-- A requirement names a role (every holder of the role in the agency
-- needs the competence) or a step of a procedure (whoever holds the role
-- the step's "responsible" names, in the version in force, needs it).
CREATE TABLE competence_requirements (
	id               INTEGER PRIMARY KEY,
	agency_code      TEXT NOT NULL REFERENCES agencies (code),
	competence_id    INTEGER NOT NULL REFERENCES competences (id),
	role             TEXT NOT NULL DEFAULT '',
	procedure_id     INTEGER REFERENCES procedures (id),
	step_id          TEXT NOT NULL DEFAULT '',
	withdrawn        INTEGER NOT NULL DEFAULT 0,
	withdrawn_reason TEXT NOT NULL DEFAULT '',
	withdrawn_by     TEXT NOT NULL DEFAULT '',
	withdrawn_at     TEXT,
	created_by       TEXT NOT NULL,
	created_at       TEXT NOT NULL,
	CHECK ((role != '') != (procedure_id IS NOT NULL AND step_id != ''))
);
CREATE INDEX competence_requirements_agency ON competence_requirements (agency_code, withdrawn);

CREATE TABLE competence_records (
	id             INTEGER PRIMARY KEY,
	agency_code    TEXT NOT NULL REFERENCES agencies (code),
	user_id        INTEGER NOT NULL REFERENCES users (id),
	competence_id  INTEGER NOT NULL REFERENCES competences (id),
	course         TEXT NOT NULL,            -- khóa đào tạo / chứng chỉ
	certificate_no TEXT NOT NULL DEFAULT '',
	issuer         TEXT NOT NULL DEFAULT '',
	obtained_on    TEXT NOT NULL,            -- YYYY-MM-DD
	expires_on     TEXT,                     -- YYYY-MM-DD; NULL: does not expire
	evidence_sha256 TEXT REFERENCES blobs (sha256),
	evidence_name  TEXT NOT NULL DEFAULT '',
	evidence_type  TEXT NOT NULL DEFAULT '',
	evidence_size  INTEGER NOT NULL DEFAULT 0,
	revoked        INTEGER NOT NULL DEFAULT 0,
	revoked_reason TEXT NOT NULL DEFAULT '',
	revoked_by     TEXT NOT NULL DEFAULT '',
	revoked_at     TEXT,
	created_by     TEXT NOT NULL,
	created_at     TEXT NOT NULL
);
CREATE INDEX competence_records_agency_user ON competence_records (agency_code, user_id);
CREATE TRIGGER competence_records_no_delete BEFORE DELETE ON competence_records
BEGIN
	SELECT RAISE(ABORT, 'competence_records: hồ sơ năng lực không được xóa, chỉ được thu hồi có lý do');
END;
