package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"isodt/qms"
)

// stepChainColumns are the columns of a step record its dossier's digest
// covers (qms.ChainStepRecord), in order: all but agency_code, which a
// merge or a split moves with the dossier, whose agency the trail vouches
// for. A step record is never changed once written (a signed one cannot
// be: dossier_steps_signed).
var stepChainColumns = []string{"id", "step_id", "step_name", "responsible", "opened_at", "due_at", "completed_at", "actor", "exit",
	"form_code", "form_version", "entry_json", "files_json", "note", "result", "delegated_by", "delegation_reason", "actor_name", "delegated_by_name"}

// stepChainSelect renders stepChainColumns of alias as text, as both
// stores read them the same.
func stepChainSelect(alias string) string {
	cols := make([]string, len(stepChainColumns))
	for i, c := range stepChainColumns {
		cols[i] = "CAST(" + alias + "." + c + " AS TEXT)"
	}
	return strings.Join(cols, ", ")
}

// scanStepChain reads a step record's stepChainColumns after the columns
// in head; ok is false for a dossier without step records (a LEFT JOIN's
// NULLs).
func scanStepChain(r Row, head ...any) (vals []*string, ok bool, err error) {
	raw := make([]sql.NullString, len(stepChainColumns))
	dest := head
	for i := range raw {
		dest = append(dest, &raw[i])
	}
	if err := r.Scan(dest...); err != nil {
		return nil, false, err
	}
	vals = make([]*string, len(raw))
	for i := range raw {
		if raw[i].Valid {
			vals[i] = &raw[i].String
		}
	}
	return vals, raw[0].Valid, nil
}

// chainStepRecord moves the digest of r's dossier past r, just written
// with args (StepRecordArgs) in tx, from the values as written rather
// than read back: the receipt and each step pay one lookup by key and one
// update. A value that differed from the stored one would show at the
// first verification (TestTrust5DossierFlowsVerify). The first record
// chains from "".
func chainStepRecord(ctx context.Context, tx Querier, r *qms.StepRecord, args []any, first bool) error {
	var before string
	if !first {
		if err := tx.QueryRow(ctx, `SELECT steps_digest FROM dossiers WHERE id = ?`, r.DossierID).Scan(&before); err != nil {
			return err
		}
	}
	// args in InsertStepRecordSQL's order, less the dossier (0), the
	// agency (15) and the two usernames the names are read by (18, 19);
	// the id and the names are what the insert returned.
	vals := []*string{text(r.ID)}
	for _, a := range args[1:15] {
		vals = append(vals, text(a))
	}
	vals = append(vals, text(args[16]), text(args[17]), &r.ActorName, &r.DelegatedByName)
	_, err := tx.Exec(ctx, `UPDATE dossiers SET steps_digest = ? WHERE id = ?`, qms.ChainStepRecord(before, vals), r.DossierID)
	return err
}

// text is an argument as its column reads back as text; nil for NULL.
func text(v any) *string {
	var s string
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		s = x
	default:
		s = fmt.Sprint(x)
	}
	return &s
}

// ChainDossierSteps sets the digest of dossier's step records from all of
// them, in the transaction that wrote them (a bulk load).
func ChainDossierSteps(ctx context.Context, tx Querier, dossier int64) error {
	digest := ""
	err := eachRow(ctx, tx, `SELECT `+stepChainSelect("s")+` FROM dossier_steps s WHERE s.dossier_id = ? ORDER BY s.id`, func(r Row) error {
		vals, _, err := scanStepChain(r)
		digest = qms.ChainStepRecord(digest, vals)
		return err
	}, dossier)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE dossiers SET steps_digest = ? WHERE id = ?`, digest, dossier)
	return err
}

// StepChain is one dossier's digest as stored and as its step records
// chain now.
type StepChain struct {
	Dossier            int64
	Code, Agency       string
	Stored, Recomputed string
	// Misplaced: a record of it names another agency. The digest leaves
	// a record's agency out (a merge or split moves it with the
	// dossier), so it must be the dossier's.
	Misplaced bool
}

// EachStepChain streams every dossier, in id order, with its digest as
// stored and as its step records chain, reading the records once.
func EachStepChain(ctx context.Context, q Querier, fn func(StepChain) error) error {
	var cur StepChain
	started := false
	err := eachRow(ctx, q, `SELECT d.id, d.code, d.agency_code, d.steps_digest, COALESCE(s.agency_code = d.agency_code, TRUE), `+stepChainSelect("s")+`
		FROM dossiers d LEFT JOIN dossier_steps s ON s.dossier_id = d.id ORDER BY d.id, s.id`, func(r Row) error {
		var c StepChain
		var placed bool
		vals, ok, err := scanStepChain(r, &c.Dossier, &c.Code, &c.Agency, &c.Stored, &placed)
		if err != nil {
			return err
		}
		c.Misplaced = !placed
		if !started || c.Dossier != cur.Dossier {
			if started {
				if err := fn(cur); err != nil {
					return err
				}
			}
			cur, started = c, true
		}
		if ok {
			cur.Recomputed = qms.ChainStepRecord(cur.Recomputed, vals)
		}
		cur.Misplaced = cur.Misplaced || c.Misplaced
		return nil
	})
	if err != nil || !started {
		return err
	}
	return fn(cur)
}

// CompareStepChains names each dossier whose step records no longer
// chain to the digest its row keeps (a record deleted, changed or added
// outside the application), and each step record of no dossier.
func CompareStepChains(ctx context.Context, q Querier) ([]qms.RowChange, error) {
	var out []qms.RowChange
	err := EachStepChain(ctx, q, func(c StepChain) error {
		if c.Stored != c.Recomputed || c.Misplaced {
			out = append(out, qms.RowChange{Table: "dossier_steps", Key: "[" + Itoa(c.Dossier) + "]",
				Label: "các bước của hồ sơ " + c.Code + " của " + c.Agency, Change: qms.RowAltered})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	orphans, err := QueryStrings(ctx, q, `SELECT DISTINCT CAST(s.dossier_id AS TEXT) FROM dossier_steps s
		WHERE NOT EXISTS (SELECT 1 FROM dossiers d WHERE d.id = s.dossier_id) ORDER BY 1`)
	for _, id := range orphans {
		out = append(out, qms.RowChange{Table: "dossier_steps", Key: "[" + id + "]", Label: "các bước của hồ sơ không còn", Change: qms.RowAdded})
	}
	return out, err
}

// FillStepChains sets every dossier's digest from its step records as
// found, at the upgrade that starts keeping it (migration 0062, 0039).
// The digests are read first (a hundred bytes a dossier), then written:
// no row is written under the cursor reading it.
func FillStepChains(ctx context.Context, q Querier) error {
	type digest struct {
		dossier int64
		sum     string
	}
	var todo []digest
	err := EachStepChain(ctx, q, func(c StepChain) error {
		if c.Stored != c.Recomputed {
			todo = append(todo, digest{c.Dossier, c.Recomputed})
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, d := range todo {
		if _, err := q.Exec(ctx, `UPDATE dossiers SET steps_digest = ? WHERE id = ?`, d.sum, d.dossier); err != nil {
			return err
		}
	}
	return nil
}
