package sqlite

import (
	"context"

	"isodt/qms"
	"isodt/qms/sqlstore"
)

// The compliance engine and notifications are shared
// (qms/sqlstore/compliance.go, notification.go); the code of this store
// not shared yet (dossiers, merges) reaches them through the names below.

// PendingEmail is a notification to send to a user's e-mail address.
type PendingEmail = sqlstore.PendingEmail

func inAgencies(agencies []string) (string, []any) { return sqlstore.InAgencies(agencies) }

// notifyUser sends an in-app notification to the user named username, in
// the transaction of the change that concerns them.
func notifyUser(ctx context.Context, tx *Tx, agency, username string, n qms.Notice, link string) error {
	return sqlstore.NotifyUser(ctx, shared(tx), agency, username, n, link)
}
