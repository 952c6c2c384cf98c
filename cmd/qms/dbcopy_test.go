package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"isodt/qms"
	"isodt/qms/postgres"
	"isodt/qms/postgres/pgtest"
	"isodt/qms/sqlite"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// runArgs runs qms in process with exactly args.
func runArgs(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// TestBeyond4DBCopy: `qms db copy` moves the demo province from SQLite to
// an empty PostgreSQL database: every table with every row, the trail
// verified on the target, which then takes new writes that chain on;
// a second copy into the now used target is refused and changes nothing.
func TestBeyond4DBCopy(t *testing.T) {
	url := pgtest.NewDatabase(t)
	c := newCLI(t)
	if code, _, stderr := c.run("", "demo", "--scale", "small"); code != 0 {
		t.Fatalf("demo: %d %s", code, stderr)
	}
	ctx := context.Background()
	want := tableCounts(t, c.db)

	code, stdout, stderr := runArgs("db", "copy", "--from", "sqlite:"+c.db, "--to", url)
	if code != 0 || !strings.HasPrefix(stdout, "ok copied") {
		t.Fatalf("db copy: %d %q %s", code, stdout, stderr)
	}
	pg, err := postgres.Open(ctx, url, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	raw, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close(ctx)
	// The copy writes one entry of its own on the target, chained on the
	// copied trail.
	want["audit_log"]++
	var action, actor string
	if err := raw.QueryRow(ctx, `SELECT action, actor FROM audit_log ORDER BY id DESC LIMIT 1`).Scan(&action, &actor); err != nil || action != "db.copy" || actor != "system:db copy" {
		t.Errorf("the target's last entry: %q by %q, %v", action, actor, err)
	}
	for table, n := range want {
		var got int64
		if err := raw.QueryRow(ctx, `SELECT COUNT(*) FROM "`+table+`"`).Scan(&got); err != nil {
			t.Errorf("%s: %v", table, err)
		} else if got != n {
			t.Errorf("%s: %d rows on PostgreSQL, %d on SQLite", table, got, n)
		}
	}
	if len(want) < 40 || want["dossiers"] < 1000 || want["audit_log"] < 100 {
		t.Fatalf("the demo filled too little to prove a copy: %v", want)
	}
	// The copy is a working store: a new write chains on the copied trail.
	sys := qms.WithActor(ctx, qms.SystemActor("test"))
	if err := pg.CreateAgency(sys, &qms.Agency{Code: "MOI", Name: "Đơn vị sau khi chép", Kind: qms.DefaultAgencyKind}); err != nil {
		t.Fatal(err)
	}
	n, err := pg.VerifyAuditChain(ctx)
	if err != nil || n != want["audit_log"]+1 {
		t.Fatalf("chain after a new write: %d entries (copied %d), %v", n, want["audit_log"], err)
	}
	var hits int
	if err := raw.QueryRow(ctx, `SELECT COUNT(*) FROM search_docs WHERE words @@ to_tsquery('simple', 'ho:*')`).Scan(&hits); err != nil || hits == 0 {
		t.Errorf("search index not usable after the copy: %d hits, %v", hits, err)
	}

	// qms backup on PostgreSQL is pg_dump's custom format.
	dump := filepath.Join(t.TempDir(), "qms.dump")
	if code, stdout, stderr := runArgs("backup", dump, "--db", url); code != 0 || !strings.HasPrefix(stdout, "ok backup") {
		t.Fatalf("backup on PostgreSQL: %d %q %s", code, stdout, stderr)
	}
	if b, err := os.ReadFile(dump); err != nil || !bytes.HasPrefix(b, []byte("PGDMP")) {
		t.Fatalf("backup is not a pg_dump archive: %.20q %v", b, err)
	}
	if code, _, stderr := runArgs("backup", dump, "--db", url); code == 0 {
		t.Fatalf("backup over an existing file: %d %s", code, stderr)
	}

	code, stdout, stderr = runArgs("db", "copy", "--from", "sqlite:"+c.db, "--to", url)
	if code == 0 || !strings.Contains(stderr, "đã có dữ liệu") {
		t.Fatalf("second copy: %d %q %s", code, stdout, stderr)
	}
	if got, err := pg.VerifyAuditChain(ctx); err != nil || got != n {
		t.Fatalf("refused copy changed the target: %d entries, %v", got, err)
	}
	for _, args := range [][]string{
		{"db", "copy", "--from", url, "--to", url},
		{"db", "copy", "--from", "sqlite:" + c.db, "--to", c.db},
		{"db", "copy", "--from", "sqlite:/nonexistent/qms.db", "--to", url},
	} {
		if code, _, stderr := runArgs(args...); code == 0 || strings.Contains(stderr, "pw") {
			t.Errorf("%v: code %d %s", args, code, stderr)
		}
	}
}

// tableCounts counts the rows of every table of the SQLite file.
func tableCounts(t *testing.T, path string) map[string]int64 {
	t.Helper()
	db, err := sqlite.Open(context.Background(), path, sqlite.Options{Existing: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	snap, err := db.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	tables, err := snap.Tables(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, tb := range tables {
		if out[tb], err = snap.Count(context.Background(), tb); err != nil {
			t.Fatal(err)
		}
	}
	return out
}
