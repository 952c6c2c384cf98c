-- SQLite's 0058: a dossier keeps its TTHC's name, time limit and fee as
-- they read at receipt (the dossiers before take them as the catalogue
-- reads at the upgrade), and a leader's signature on a step covers which
-- dossier it decides; the guard refuses their change once a step of the
-- dossier is signed.
ALTER TABLE dossiers ADD COLUMN tthc_name text NOT NULL DEFAULT '';
ALTER TABLE dossiers ADD COLUMN tthc_time_limit_days bigint NOT NULL DEFAULT 0;
ALTER TABLE dossiers ADD COLUMN tthc_fee text NOT NULL DEFAULT '';
UPDATE dossiers d SET tthc_name = t.name, tthc_time_limit_days = t.time_limit_days, tthc_fee = t.fee
FROM tthc t WHERE t.agency_code = d.agency_code AND t.code = d.tthc_code;

CREATE FUNCTION signed_dossier_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM dossier_steps st JOIN signatures s ON s.object_type = 'dossier_step' AND s.object_id = st.id WHERE st.dossier_id = OLD.id) THEN
		RAISE EXCEPTION 'signed dossier: cannot change what its signed step decides';
	END IF;
	RETURN NEW;
END $$;
CREATE TRIGGER dossiers_signed BEFORE UPDATE OF code, tthc_code, tthc_name, tthc_time_limit_days, tthc_fee, applicant_json, received_at, channel ON dossiers
	FOR EACH ROW EXECUTE FUNCTION signed_dossier_final();
