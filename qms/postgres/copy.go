package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"isodt/qms"
)

// The import side of `qms db copy`: a running province moves from its
// SQLite file to PostgreSQL in one transaction, so a copy that fails
// leaves the target as empty as it found it.

// CopySource is a consistent read of another store's tables
// (sqlite.Snapshot).
type CopySource interface {
	Tables(ctx context.Context) ([]string, error)
	// Columns lists what Rows can give of table.
	Columns(ctx context.Context, table string) ([]string, error)
	Count(ctx context.Context, table string) (int64, error)
	// Rows calls fn with each row of table, its values in the order of
	// columns; fn must not keep the slice.
	Rows(ctx context.Context, table string, columns []string, fn func([]any) error) error
}

// CopyReport is what a copy moved; the trail was verified on the target
// before the copy committed.
type CopyReport struct {
	Tables  int
	Rows    int64
	Entries int64 // audit trail entries verified
}

// copyBatch rows go to the server in one COPY.
const copyBatch = 5000

// notCopied are this store's own tables: see TestSchemaParity's pgOnly.
var notCopied = []string{"migrations", "row_changes", "job_slots"}

// CopyIn copies every table of src into this database, which must hold
// no agency, user or audit entry yet. Each table's rows are counted
// first (total), then progress is told of each batch. The audit trail is
// verified on the target, inside the transaction, before it commits.
//
// Foreign keys and triggers are set aside for the copy
// (session_replication_role = replica): the rows are a consistent
// snapshot already checked by the source, and the triggers that freeze
// signed rows or keep counters would refuse or double what is copied as
// it was. That needs a superuser, or the right to set that parameter.
func (db *DB) CopyIn(ctx context.Context, src CopySource, total func(rows int64), progress func(table string, rows int64)) (CopyReport, error) {
	var rep CopyReport
	tables, err := src.Tables(ctx)
	if err != nil {
		return rep, err
	}
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return rep, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	q := querier{tx}
	if err := refuseNonEmpty(ctx, q); err != nil {
		return rep, err
	}
	if _, err := tx.Exec(ctx, `SET LOCAL session_replication_role = replica`); isPermission(err) {
		return rep, qms.Errorf(qms.EFORBIDDEN, "Chép dữ liệu cần tạm tắt khóa ngoại và trigger trong giao dịch chép (session_replication_role): dùng tài khoản superuser của PostgreSQL, hoặc GRANT SET ON PARAMETER session_replication_role cho tài khoản này. (%v)", err)
	} else if err != nil {
		return rep, err
	}
	cols, err := targetColumns(ctx, q)
	if err != nil {
		return rep, err
	}
	var missing []string
	tables = slices.DeleteFunc(tables, func(t string) bool { return slices.Contains(notCopied, t) })
	for _, t := range tables {
		if _, ok := cols[t]; !ok {
			missing = append(missing, t)
		}
	}
	if len(missing) > 0 {
		return rep, qms.Errorf(qms.EINVALID, "Cơ sở dữ liệu PostgreSQL chưa có các bảng %s của cơ sở dữ liệu nguồn: chưa chép, để không mất dữ liệu. Cập nhật phiên bản qms rồi chạy lại.", strings.Join(missing, ", "))
	}
	counts := map[string]int64{}
	var sum int64
	for _, t := range tables {
		if counts[t], err = src.Count(ctx, t); err != nil {
			return rep, err
		}
		sum += counts[t]
	}
	total(sum)
	// Migrations seed some rows (the chain's head, standard forms): the
	// source's rows replace them.
	if _, err := tx.Exec(ctx, `TRUNCATE `+quoteAll(tables)); err != nil {
		return rep, err
	}
	for _, t := range tables {
		// A column only this store keeps takes its default.
		have, err := src.Columns(ctx, t)
		if err != nil {
			return rep, err
		}
		copied := slices.DeleteFunc(slices.Clone(cols[t]), func(c column) bool { return !slices.Contains(have, c.name) })
		n, err := copyTable(ctx, tx, src, t, copied, func(n int64) { progress(t, n) })
		if err != nil {
			return rep, fmt.Errorf("copy table %s: %w", t, err)
		}
		if n != counts[t] {
			return rep, fmt.Errorf("copy table %s: %d rows copied of %d counted", t, n, counts[t])
		}
		rep.Tables++
		rep.Rows += n
	}
	if err := advanceIdentities(ctx, tx, cols); err != nil {
		return rep, err
	}
	if err := auditCopy(ctx, db, tx, rep); err != nil {
		return rep, err
	}
	v, err := verifyTrail(ctx, q, nil)
	if err != nil {
		return rep, fmt.Errorf("the copied audit trail does not verify on PostgreSQL; nothing was copied: %w", err)
	}
	rep.Entries = v.Entries
	return rep, tx.Commit(ctx)
}

// auditCopy chains the copy's own entry onto the copied trail, in the
// copy's transaction: the copy is the target's first mutation, and the
// trail says who made it, when, and how much it brought. The actor is
// the one of ctx, else the system named after the command.
func auditCopy(ctx context.Context, db *DB, ptx pgx.Tx, rep CopyReport) error {
	actor, ok := qms.ActorFrom(ctx)
	if !ok {
		actor = qms.SystemActor("db copy")
	}
	tx := &Tx{querier: querier{ptx}, db: db, actor: actor, now: db.now().UTC()}
	if err := ptx.QueryRow(ctx, `SELECT last_id, last_hash FROM audit_head WHERE singleton = 1 FOR UPDATE`).Scan(&tx.headID, &tx.headHash); err != nil {
		return fmt.Errorf("lock the copied audit head: %w", err)
	}
	return tx.audit(ctx, qms.SystemAgencyCode, "db.copy", "database", "", nil,
		map[string]int64{"tables": int64(rep.Tables), "rows": rep.Rows},
		"Chép toàn bộ dữ liệu từ SQLite sang PostgreSQL (qms db copy)")
}

// RefuseNonEmpty refuses, as CopyIn does, a database that already holds
// a province's data: a caller that prepares a copy checks it first.
func (db *DB) RefuseNonEmpty(ctx context.Context) error { return refuseNonEmpty(ctx, db.direct()) }

// refuseNonEmpty refuses a target that already holds a province's data.
func refuseNonEmpty(ctx context.Context, q querier) error {
	var used bool
	err := q.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM agencies) OR EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM audit_log)`).Scan(&used)
	if err != nil {
		return err
	}
	if used {
		return qms.Errorf(qms.ECONFLICT, "Cơ sở dữ liệu đích đã có dữ liệu (đơn vị, người dùng hoặc nhật ký): chỉ chép vào một cơ sở dữ liệu PostgreSQL mới tạo, chưa chạy qms serve trên đó.")
	}
	return nil
}

// column is one column of a target table.
type column struct {
	name, dataType string
	identity       bool
}

// targetColumns reads the target's tables and columns (generated
// columns excluded: the server computes them).
func targetColumns(ctx context.Context, q querier) (map[string][]column, error) {
	rows, err := q.query(ctx, `SELECT c.table_name, c.column_name, c.data_type, c.is_identity = 'YES'
		FROM information_schema.columns c JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
		WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND c.is_generated = 'NEVER'
		ORDER BY c.table_name, c.ordinal_position`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]column{}
	for rows.Next() {
		var t string
		var c column
		if err := rows.Scan(&t, &c.name, &c.dataType, &c.identity); err != nil {
			return nil, err
		}
		out[t] = append(out[t], c)
	}
	return out, rows.Err()
}

// copyTable streams one table in batches: COPY for most, INSERT for a
// table with a tsvector (made from the source's text by to_tsvector).
func copyTable(ctx context.Context, tx pgx.Tx, src CopySource, table string, cols []column, progress func(int64)) (int64, error) {
	names := make([]string, len(cols))
	hasVector := false
	for i, c := range cols {
		names[i] = c.name
		hasVector = hasVector || c.dataType == "tsvector"
	}
	var n int64
	batch := make([][]any, 0, copyBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		var err error
		if hasVector {
			err = insertRows(ctx, tx, table, cols, batch)
		} else {
			_, err = tx.CopyFrom(ctx, pgx.Identifier{table}, names, pgx.CopyFromRows(batch))
		}
		if err != nil {
			return err
		}
		n += int64(len(batch))
		progress(int64(len(batch)))
		batch = batch[:0]
		return nil
	}
	err := src.Rows(ctx, table, names, func(vals []any) error {
		row := make([]any, len(vals))
		for i, v := range vals {
			var err error
			if row[i], err = convert(v, cols[i].dataType); err != nil {
				return fmt.Errorf("column %s: %w", cols[i].name, err)
			}
		}
		batch = append(batch, row)
		if len(batch) == copyBatch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	return n, err
}

// convert turns a SQLite value into what the PostgreSQL column takes:
// flags kept as 0/1 become booleans, text read as bytes becomes text.
func convert(v any, dataType string) (any, error) {
	switch dataType {
	case "boolean":
		switch x := v.(type) {
		case int64:
			return x != 0, nil
		case nil:
			return nil, nil
		}
		return nil, fmt.Errorf("%T is not a flag", v)
	case "text", "tsvector":
		if b, ok := v.([]byte); ok {
			return string(b), nil
		}
	case "double precision":
		if i, ok := v.(int64); ok {
			return float64(i), nil
		}
	}
	return v, nil
}

// insertRows inserts rows one statement each, in one round trip; the
// tsvector columns are made from the source's text as the store indexes.
func insertRows(ctx context.Context, tx pgx.Tx, table string, cols []column, rows [][]any) error {
	vals := make([]string, len(cols))
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = pgx.Identifier{c.name}.Sanitize()
		vals[i] = fmt.Sprintf("$%d", i+1)
		if c.dataType == "tsvector" {
			vals[i] = fmt.Sprintf("to_tsvector('simple', $%d)", i+1)
		}
	}
	stmt := `INSERT INTO ` + pgx.Identifier{table}.Sanitize() + ` (` + strings.Join(names, ", ") + `) VALUES (` + strings.Join(vals, ", ") + `)`
	b := &pgx.Batch{}
	for _, r := range rows {
		for i, c := range cols {
			if s, ok := r[i].(string); ok && c.dataType == "tsvector" {
				r[i] = strings.Join(searchWords(s), " ")
			}
		}
		b.Queue(stmt, r...)
	}
	return tx.SendBatch(ctx, b).Close()
}

// advanceIdentities moves each identity column's sequence past the
// copied ids, so the next row inserted gets a new one.
func advanceIdentities(ctx context.Context, tx pgx.Tx, cols map[string][]column) error {
	for t, cs := range cols {
		for _, c := range cs {
			if !c.identity {
				continue
			}
			tbl, col := pgx.Identifier{t}.Sanitize(), pgx.Identifier{c.name}.Sanitize()
			if _, err := tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence($1, $2), COALESCE(MAX(`+col+`), 0) + 1, false) FROM `+tbl, t, c.name); err != nil {
				return fmt.Errorf("sequence of %s.%s: %w", t, c.name, err)
			}
		}
	}
	return nil
}

// quoteAll is tables as a list of quoted identifiers.
func quoteAll(tables []string) string {
	q := make([]string, len(tables))
	for i, t := range tables {
		q[i] = pgx.Identifier{t}.Sanitize()
	}
	return strings.Join(q, ", ")
}

// isPermission reports a PostgreSQL permission error.
func isPermission(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "42501"
}
