package sqlite

import "isodt/qms/sqlstore"

// DossierImport is one row of a one-stop system's history, as
// ImportDossiers (qms/sqlstore/dossier_import.go) loads it.
type DossierImport = sqlstore.DossierImport
