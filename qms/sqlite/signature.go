package sqlite

import "context"

// Signatures are shared (qms/sqlstore/signature.go); forms and dossier
// steps, not shared yet, sign through these.

// sign records the actor's signature of the action on the record in the
// action's transaction (sqlstore's sign).
func (tx *Tx) sign(ctx context.Context, agency, objectType string, id int64, ref, action string) error {
	return tx.db.Store.SignAction(ctx, shared(tx), agency, objectType, id, ref, action)
}
