package storetest_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/crypto/bcrypt"

	"isodt/qms/postgres"
	"isodt/qms/postgres/pgtest"
	"isodt/qms/qmstest"
	"isodt/qms/sqlite"
)

// pgOnly are the PostgreSQL tables with no SQLite counterpart, and why.
var pgOnly = map[string]string{
	"migrations":  "each store records its own migrations",
	"row_changes": "PostgreSQL's triggers note changed rows here during a transaction",
	"job_slots":   "servers sharing one database claim each job's slot; one SQLite process needs none",
}

// pgColumnsOnly are columns only PostgreSQL keeps, and why.
var pgColumnsOnly = map[string]string{
	"job_runs.server":   "the server that ran the job, one of several",
	"memberships.seq":   "the order of insertion, which SQLite keeps as rowid",
	"kept_uploads.seq":  "see memberships.seq",
	"search_docs.title": "PostgreSQL searches a tsvector kept with its row; SQLite keeps the text in its FTS5 table",
	"search_docs.words": "see search_docs.title",
}

// TestSchemaParity: every table of the PostgreSQL store has the columns
// it has on SQLite. The shared services (qms/sqlstore) name each column
// once for both stores, and a column added by a SQLite migration alone
// would fail only at run time, on PostgreSQL.
func TestSchemaParity(t *testing.T) {
	ctx := context.Background()
	clk := qmstest.NewClock(time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC))
	path := filepath.Join(t.TempDir(), "qms.db")
	lite, err := sqlite.Open(ctx, path, sqlite.Options{Now: clk.Now, PasswordCost: bcrypt.MinCost, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	lite.Close()
	raw, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	url := pgtest.NewDatabase(t)
	pg, err := postgres.Open(ctx, url, postgres.Options{Now: clk.Now, PasswordCost: bcrypt.MinCost, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	pg.Close()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)

	rows, err := conn.Query(ctx, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = 'public' AND table_name IN (SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE')`)
	if err != nil {
		t.Fatal(err)
	}
	pgCols := map[string][]string{}
	for rows.Next() {
		var tbl, col string
		if err := rows.Scan(&tbl, &col); err != nil {
			t.Fatal(err)
		}
		if pgColumnsOnly[tbl+"."+col] == "" {
			pgCols[tbl] = append(pgCols[tbl], col)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(pgCols) < 10 {
		t.Fatalf("PostgreSQL has %d tables: the query found nothing to compare", len(pgCols))
	}
	for tbl, cols := range pgCols {
		if pgOnly[tbl] != "" {
			continue
		}
		var lcols []string
		lrows, err := raw.Query(`SELECT name FROM pragma_table_info(?)`, tbl)
		if err != nil {
			t.Fatal(err)
		}
		for lrows.Next() {
			var c string
			lrows.Scan(&c)
			lcols = append(lcols, c)
		}
		lrows.Close()
		if len(lcols) == 0 {
			t.Errorf("table %s is on PostgreSQL only: add it to pgOnly with the reason, or fix its name", tbl)
			continue
		}
		slices.Sort(cols)
		slices.Sort(lcols)
		if !slices.Equal(cols, lcols) {
			t.Errorf("table %s:\n  SQLite:     %s\n  PostgreSQL: %s", tbl, strings.Join(lcols, ", "), strings.Join(cols, ", "))
		}
	}
}
