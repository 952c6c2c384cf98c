package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"isodt/qms"
)

// PolicyRules returns the Casbin policy rows (ptype p) kept in the database.
func (db *DB) PolicyRules(ctx context.Context) ([][]string, error) {
	return stringRows(ctx, db.direct(), `SELECT v0, v1, v2, v3 FROM policy_rules WHERE ptype = 'p' ORDER BY id`)
}

// GroupingRules returns one Casbin grouping row (username, role, agency)
// per membership of an enabled user.
func (db *DB) GroupingRules(ctx context.Context) ([][]string, error) {
	return stringRows(ctx, db.direct(), `SELECT u.username, m.role, m.agency_code FROM memberships m JOIN users u ON u.id = m.user_id WHERE NOT u.disabled ORDER BY m.seq`)
}

func stringRows(ctx context.Context, q querier, sql string) ([][]string, error) {
	rows, err := q.query(ctx, sql)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) ([]string, error) {
		out := make([]string, len(r.FieldDescriptions()))
		dest := make([]any, len(out))
		for i := range out {
			dest[i] = &out[i]
		}
		return out, r.Scan(dest...)
	})
}

const policyKnown = `SELECT (SELECT COUNT(*) FROM policy_rules WHERE ptype = 'p' AND v0 = ? AND v1 = ? AND v2 = ? AND v3 = ?)
	+ (SELECT COUNT(*) FROM policy_removed WHERE ptype = 'p' AND v0 = ? AND v1 = ? AND v2 = ? AND v3 = ?)`

// SeedPolicy adds the default rows the database lacks: all of them on a
// fresh database, and on an upgrade the rows a newer release added. Rows
// an admin removed stay removed.
func (db *DB) SeedPolicy(ctx context.Context, rules [][]string) (int, error) {
	missing := 0
	for _, r := range rules {
		if len(r) != 4 {
			missing++
			continue
		}
		var n int
		if err := db.direct().queryRow(ctx, policyKnown, r[0], r[1], r[2], r[3], r[0], r[1], r[2], r[3]).Scan(&n); err != nil {
			return 0, err
		}
		if n == 0 {
			missing++
		}
	}
	if missing == 0 {
		return 0, nil
	}
	added := 0
	err := db.update(ctx, func(tx *Tx) error {
		var fresh [][]string
		for _, r := range rules {
			if len(r) != 4 {
				return errPolicyColumns
			}
			var n int
			if err := tx.queryRow(ctx, policyKnown, r[0], r[1], r[2], r[3], r[0], r[1], r[2], r[3]).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				if err := insertPolicyRule(ctx, tx, r); err != nil {
					return err
				}
				fresh = append(fresh, r)
			}
		}
		if added = len(fresh); added == 0 {
			return nil
		}
		return tx.audit(ctx, qms.SystemAgencyCode, "policy.seed", "policy", "default", nil, fresh, "")
	})
	return added, err
}

var errPolicyColumns = qms.Errorf(qms.EINVALID, "Quy tắc phân quyền phải có 4 cột: vai trò, đơn vị, đối tượng, hành động.")

// AddPolicyRule adds a rule (role, agency or *, object, action).
func (db *DB) AddPolicyRule(ctx context.Context, r []string) error {
	return db.update(ctx, func(tx *Tx) error {
		if err := insertPolicyRule(ctx, tx, r); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM policy_removed WHERE ptype = 'p' AND v0 = ? AND v1 = ? AND v2 = ? AND v3 = ?`, r[0], r[1], r[2], r[3]); err != nil {
			return err
		}
		return tx.audit(ctx, qms.SystemAgencyCode, "policy.add", "policy", fmt.Sprint(r), nil, r, "")
	})
}

// RemovePolicyRule removes a rule; ENOTFOUND when there was none.
func (db *DB) RemovePolicyRule(ctx context.Context, r []string) error {
	return db.update(ctx, func(tx *Tx) error {
		if len(r) != 4 {
			return errPolicyColumns
		}
		tag, err := tx.exec(ctx, `DELETE FROM policy_rules WHERE ptype = 'p' AND v0 = ? AND v1 = ? AND v2 = ? AND v3 = ?`, r[0], r[1], r[2], r[3])
		if err != nil {
			return err
		} else if tag.RowsAffected() == 0 {
			return qms.Errorf(qms.ENOTFOUND, "Không có quy tắc phân quyền này.")
		}
		if _, err := tx.exec(ctx, `INSERT INTO policy_removed (ptype, v0, v1, v2, v3) VALUES ('p', ?, ?, ?, ?) ON CONFLICT DO NOTHING`, r[0], r[1], r[2], r[3]); err != nil {
			return err
		}
		return tx.audit(ctx, qms.SystemAgencyCode, "policy.remove", "policy", fmt.Sprint(r), r, nil, "")
	})
}

func insertPolicyRule(ctx context.Context, tx *Tx, r []string) error {
	if len(r) != 4 {
		return errPolicyColumns
	}
	_, err := tx.exec(ctx, `INSERT INTO policy_rules (ptype, v0, v1, v2, v3) VALUES ('p', ?, ?, ?, ?) ON CONFLICT DO NOTHING`, r[0], r[1], r[2], r[3])
	return err
}
