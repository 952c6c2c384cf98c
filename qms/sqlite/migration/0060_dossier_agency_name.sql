-- A dossier keeps its agency's name as it read at receipt
-- (qms.Dossier.ReceivedByName), which the receipt slip the citizen holds
-- printed: an agency renamed later rewrote slips already issued
-- (outsider pass 13). The dossiers received before take the name as it
-- reads at the upgrade.
ALTER TABLE dossiers ADD COLUMN agency_name TEXT NOT NULL DEFAULT '';
UPDATE dossiers SET agency_name = COALESCE((SELECT a.name FROM agencies a WHERE a.code = dossiers.agency_code), '');
