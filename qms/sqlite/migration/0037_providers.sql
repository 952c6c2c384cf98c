-- Externally provided processes and services (ISO 9001:2015 8.4): the
-- providers an agency relies on (the public postal service returning
-- results, outsourced IT, digitisation of records), the criteria they are
-- selected and evaluated by, their periodic evaluations and the
-- nonconformities that name them. Nothing is deleted: a provider is
-- suspended or ended with the reason on record.
CREATE TABLE providers (
	id            INTEGER PRIMARY KEY,
	agency_code   TEXT NOT NULL REFERENCES agencies (code),
	name          TEXT NOT NULL,
	service       TEXT NOT NULL,
	contract_ref  TEXT NOT NULL DEFAULT '',
	contact       TEXT NOT NULL DEFAULT '',
	criteria_json TEXT NOT NULL,
	period_months INTEGER NOT NULL CHECK (period_months BETWEEN 1 AND 60),
	status        TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'ended')),
	status_reason TEXT NOT NULL DEFAULT '',
	status_by     TEXT NOT NULL DEFAULT '',
	status_at     TEXT,
	created_by    TEXT NOT NULL,
	created_at    TEXT NOT NULL
);
CREATE INDEX providers_agency ON providers (agency_code, status);

-- Evaluations follow their provider (no agency column): when agencies
-- merge and a provider moves, its history moves with it.
CREATE TABLE provider_evaluations (
	id           INTEGER PRIMARY KEY,
	provider_id  INTEGER NOT NULL REFERENCES providers (id),
	evaluated_on TEXT NOT NULL,
	scores_json  TEXT NOT NULL,
	result       TEXT NOT NULL CHECK (result IN ('pass', 'conditional', 'fail')),
	evaluator    TEXT NOT NULL,
	note         TEXT NOT NULL DEFAULT '',
	created_at   TEXT NOT NULL
);
CREATE INDEX provider_evaluations_provider ON provider_evaluations (provider_id, evaluated_on);

CREATE TABLE provider_ncs (
	provider_id INTEGER NOT NULL REFERENCES providers (id),
	nc_id       INTEGER NOT NULL REFERENCES nonconformities (id),
	linked_by   TEXT NOT NULL,
	linked_at   TEXT NOT NULL,
	PRIMARY KEY (provider_id, nc_id)
);
CREATE INDEX provider_ncs_nc ON provider_ncs (nc_id);
