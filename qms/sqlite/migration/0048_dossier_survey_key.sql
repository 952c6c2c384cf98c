-- The satisfaction survey asks for a key printed on the receipt slip
-- (qms.Dossier.SurveyKey): a dossier's code is sequential, so the code
-- alone let anyone answer for any returned dossier. Dossiers received
-- before get a key too, shown on a reprinted slip; 10 hexadecimal digits
-- from SQLite's own random source, as qms.NewSurveyKey writes them.
ALTER TABLE dossiers ADD COLUMN survey_key TEXT NOT NULL DEFAULT '';
UPDATE dossiers SET survey_key = upper(hex(randomblob(5)));
