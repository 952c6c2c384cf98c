-- A dossier keeps what the catalogue said of its TTHC when it was
-- received (qms.TTHCTerms: name, legal time limit, fee), as its receipt
-- slip printed them: a catalogue renamed or repriced later rewrote the
-- slips the citizen had been given (outsider pass 12). The dossiers
-- received before take them as the catalogue reads at the upgrade.
ALTER TABLE dossiers ADD COLUMN tthc_name TEXT NOT NULL DEFAULT '';
ALTER TABLE dossiers ADD COLUMN tthc_time_limit_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dossiers ADD COLUMN tthc_fee TEXT NOT NULL DEFAULT '';
UPDATE dossiers SET (tthc_name, tthc_time_limit_days, tthc_fee) =
	(SELECT t.name, t.time_limit_days, t.fee FROM tthc t WHERE t.agency_code = dossiers.agency_code AND t.code = dossiers.tthc_code)
WHERE EXISTS (SELECT 1 FROM tthc t WHERE t.agency_code = dossiers.agency_code AND t.code = dossiers.tthc_code);

-- A leader's signature on a step covers which dossier it decides
-- (sqlstore.SignedContentVersion 3): the dossier's code, TTHC and its
-- terms, applicant, receipt time and channel; the guard refuses their
-- change once a step of the dossier is signed.
CREATE TRIGGER dossiers_signed BEFORE UPDATE OF code, tthc_code, tthc_name, tthc_time_limit_days, tthc_fee, applicant_json, received_at, channel ON dossiers
WHEN EXISTS (SELECT 1 FROM dossier_steps st JOIN signatures s ON s.object_type = 'dossier_step' AND s.object_id = st.id WHERE st.dossier_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'signed dossier: cannot change what its signed step decides'); END;
