package sqlstore

import (
	"context"
	"fmt"

	"isodt/qms"
)

// The Casbin policy kept in the database: the rules (ptype p) an admin
// edits, and one grouping row per membership of an enabled user, read by
// qms/authz on start and at each change signal.

// PolicyRules returns the Casbin policy rows (ptype p) kept in the database.
func (s *Store) PolicyRules(ctx context.Context) ([][]string, error) {
	return stringRows(ctx, s.read(), 4, `SELECT v0, v1, v2, v3 FROM policy_rules WHERE ptype = 'p' ORDER BY id`)
}

// GroupingRules returns one Casbin grouping row (username, role, agency)
// per membership of an enabled user: memberships are the single source of
// who holds which role where.
func (s *Store) GroupingRules(ctx context.Context) ([][]string, error) {
	return stringRows(ctx, s.read(), 3, `SELECT u.username, m.role, m.agency_code FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE u.disabled = FALSE ORDER BY m.`+s.cfg.InsertOrder)
}

// stringRows reads the rows of a query selecting n text columns.
func stringRows(ctx context.Context, q Querier, n int, query string) ([][]string, error) {
	rows, err := q.Query(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]string
	for rows.Next() {
		r := make([]string, n)
		dest := make([]any, n)
		for i := range r {
			dest[i] = &r[i]
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// policyKnown counts a rule among the rules kept and those an admin
// removed (which a seed must not bring back).
const policyKnown = `SELECT (SELECT COUNT(*) FROM policy_rules WHERE ptype = 'p' AND v0 = ? AND v1 = ? AND v2 = ? AND v3 = ?)
	+ (SELECT COUNT(*) FROM policy_removed WHERE ptype = 'p' AND v0 = ? AND v1 = ? AND v2 = ? AND v3 = ?)`

// SeedPolicy adds the default rows the database lacks: all of them on a
// fresh database, and on an upgrade the rows a newer release added. Rows
// an admin removed stay removed.
func (s *Store) SeedPolicy(ctx context.Context, rules [][]string) (int, error) {
	// Most starts have nothing to add: find that out with reads, so the
	// start takes no write lock.
	missing := 0
	for _, r := range rules {
		if len(r) != 4 {
			missing++
			continue
		}
		var n int
		if err := s.read().QueryRow(ctx, policyKnown, r[0], r[1], r[2], r[3], r[0], r[1], r[2], r[3]).Scan(&n); err != nil {
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
	err := s.update(ctx, func(tx Tx) error {
		var fresh [][]string
		for _, r := range rules {
			if len(r) != 4 {
				return errPolicyColumns
			}
			var n int
			if err := tx.QueryRow(ctx, policyKnown, r[0], r[1], r[2], r[3], r[0], r[1], r[2], r[3]).Scan(&n); err != nil {
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
		return tx.Audit(ctx, qms.SystemAgencyCode, "policy.seed", "policy", "default", nil, fresh, "")
	})
	return added, err
}

var errPolicyColumns = qms.Errorf(qms.EINVALID, "Quy tắc phân quyền phải có 4 cột: vai trò, đơn vị, đối tượng, hành động.")

// AddPolicyRule adds a rule (role, agency or *, object, action).
func (s *Store) AddPolicyRule(ctx context.Context, r []string) error {
	return s.update(ctx, func(tx Tx) error {
		if err := insertPolicyRule(ctx, tx, r); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM policy_removed WHERE ptype = 'p' AND v0 = ? AND v1 = ? AND v2 = ? AND v3 = ?`, r[0], r[1], r[2], r[3]); err != nil {
			return err
		}
		return tx.Audit(ctx, qms.SystemAgencyCode, "policy.add", "policy", fmt.Sprint(r), nil, r, "")
	})
}

// RemovePolicyRule removes a rule; ENOTFOUND when there was none.
func (s *Store) RemovePolicyRule(ctx context.Context, r []string) error {
	return s.update(ctx, func(tx Tx) error {
		if len(r) != 4 {
			return errPolicyColumns
		}
		n, err := tx.Exec(ctx, `DELETE FROM policy_rules WHERE ptype = 'p' AND v0 = ? AND v1 = ? AND v2 = ? AND v3 = ?`, r[0], r[1], r[2], r[3])
		if err != nil {
			return err
		} else if n == 0 {
			return qms.Errorf(qms.ENOTFOUND, "Không có quy tắc phân quyền này.")
		}
		if _, err := tx.Exec(ctx, `INSERT INTO policy_removed (ptype, v0, v1, v2, v3) VALUES ('p', ?, ?, ?, ?) ON CONFLICT DO NOTHING`, r[0], r[1], r[2], r[3]); err != nil {
			return err
		}
		return tx.Audit(ctx, qms.SystemAgencyCode, "policy.remove", "policy", fmt.Sprint(r), r, nil, "")
	})
}

func insertPolicyRule(ctx context.Context, tx Tx, r []string) error {
	if len(r) != 4 {
		return errPolicyColumns
	}
	_, err := tx.Exec(ctx, `INSERT INTO policy_rules (ptype, v0, v1, v2, v3) VALUES ('p', ?, ?, ?, ?) ON CONFLICT DO NOTHING`, r[0], r[1], r[2], r[3])
	return err
}
