package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"os"

	"isodt/qms"
)

// PolicyRules returns the Casbin policy rows (ptype p) kept in the database.
func (db *DB) PolicyRules(ctx context.Context) ([][]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT v0, v1, v2, v3 FROM policy_rules WHERE ptype = 'p' ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]string
	for rows.Next() {
		r := make([]string, 4)
		if err := rows.Scan(&r[0], &r[1], &r[2], &r[3]); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// GroupingRules returns one Casbin grouping row (username, role, agency)
// per membership of an enabled user: memberships are the single source of
// who holds which role where.
func (db *DB) GroupingRules(ctx context.Context) ([][]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT u.username, m.role, m.agency_code FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.disabled = 0 ORDER BY m.rowid`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]string
	for rows.Next() {
		r := make([]string, 3)
		if err := rows.Scan(&r[0], &r[1], &r[2]); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// SeedPolicy adds the default rows the database lacks: all of them on a
// fresh database, and on an upgrade the rows a newer release added. Rows
// an admin removed stay removed.
func (db *DB) SeedPolicy(ctx context.Context, rules [][]string) (int, error) {
	// Most starts have nothing to add: find that out with reads, so the
	// start takes no write lock.
	missing := 0
	for _, r := range rules {
		if len(r) != 4 {
			missing++
			continue
		}
		var n int
		if err := db.read.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM policy_rules WHERE ptype = 'p' AND v0 = ? AND v1 = ? AND v2 = ? AND v3 = ?)
			+ (SELECT COUNT(*) FROM policy_removed WHERE ptype = 'p' AND v0 = ? AND v1 = ? AND v2 = ? AND v3 = ?)`,
			r[0], r[1], r[2], r[3], r[0], r[1], r[2], r[3]).Scan(&n); err != nil {
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
				return qms.Errorf(qms.EINVALID, "Quy tắc phân quyền phải có 4 cột: vai trò, đơn vị, đối tượng, hành động.")
			}
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM policy_rules WHERE ptype = 'p' AND v0 = ? AND v1 = ? AND v2 = ? AND v3 = ?)
				+ (SELECT COUNT(*) FROM policy_removed WHERE ptype = 'p' AND v0 = ? AND v1 = ? AND v2 = ? AND v3 = ?)`,
				r[0], r[1], r[2], r[3], r[0], r[1], r[2], r[3]).Scan(&n); err != nil {
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

// AddPolicyRule adds a rule (role, agency or *, object, action).
func (db *DB) AddPolicyRule(ctx context.Context, r []string) error {
	return db.update(ctx, func(tx *Tx) error {
		if err := insertPolicyRule(ctx, tx, r); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM policy_removed WHERE ptype = 'p' AND v0 = ? AND v1 = ? AND v2 = ? AND v3 = ?`, r[0], r[1], r[2], r[3]); err != nil {
			return err
		}
		return tx.audit(ctx, qms.SystemAgencyCode, "policy.add", "policy", fmt.Sprint(r), nil, r, "")
	})
}

// RemovePolicyRule removes a rule; ENOTFOUND when there was none.
func (db *DB) RemovePolicyRule(ctx context.Context, r []string) error {
	return db.update(ctx, func(tx *Tx) error {
		if len(r) != 4 {
			return qms.Errorf(qms.EINVALID, "Quy tắc phân quyền phải có 4 cột: vai trò, đơn vị, đối tượng, hành động.")
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM policy_rules WHERE ptype = 'p' AND v0 = ? AND v1 = ? AND v2 = ? AND v3 = ?`, r[0], r[1], r[2], r[3])
		if err != nil {
			return err
		} else if n, _ := res.RowsAffected(); n == 0 {
			return qms.Errorf(qms.ENOTFOUND, "Không có quy tắc phân quyền này.")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO policy_removed (ptype, v0, v1, v2, v3) VALUES ('p', ?, ?, ?, ?) ON CONFLICT DO NOTHING`, r[0], r[1], r[2], r[3]); err != nil {
			return err
		}
		return tx.audit(ctx, qms.SystemAgencyCode, "policy.remove", "policy", fmt.Sprint(r), r, nil, "")
	})
}

func insertPolicyRule(ctx context.Context, tx *Tx, r []string) error {
	if len(r) != 4 {
		return qms.Errorf(qms.EINVALID, "Quy tắc phân quyền phải có 4 cột: vai trò, đơn vị, đối tượng, hành động.")
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO policy_rules (ptype, v0, v1, v2, v3) VALUES ('p', ?, ?, ?, ?) ON CONFLICT DO NOTHING`, r[0], r[1], r[2], r[3])
	return err
}

// Backup writes a consistent copy of the live database to path with
// VACUUM INTO, which reads one snapshot while writers go on. It uses a
// connection of its own: the read pool is query-only and the writer must
// not wait for a copy.
func (db *DB) Backup(ctx context.Context, path string) error {
	// VACUUM INTO writes into an empty file: creating it here makes the
	// copy 0600 like the database (files.go) and refuses an existing one.
	if err := createExclusive(path); err != nil {
		return err
	}
	conn, err := sql.Open("sqlite3", dsn(db.path, "_txlock=deferred"))
	if err != nil {
		os.Remove(path)
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		os.Remove(path)
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}
