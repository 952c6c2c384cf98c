package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"isodt/qms"
	"isodt/qms/postgres/pgtest"
)

// TestBeyond1ParseDB: --db / QMS_DB select the store; errors name the
// field and never repeat a URL (it may hold a password).
func TestBeyond1ParseDB(t *testing.T) {
	tests := []struct {
		in   string
		want dbConfig
		err  string // substring of the error; "" for none
	}{
		{"data/qms.db", dbConfig{Kind: dbSQLite, Path: "data/qms.db"}, ""},
		{"  /var/lib/qms/qms.db ", dbConfig{Kind: dbSQLite, Path: "/var/lib/qms/qms.db"}, ""},
		{"sqlite:data/qms.db", dbConfig{Kind: dbSQLite, Path: "data/qms.db"}, ""},
		{"SQLITE:data/qms.db", dbConfig{Kind: dbSQLite, Path: "data/qms.db"}, ""},
		{"sqlite:///var/lib/qms/qms.db", dbConfig{Kind: dbSQLite, Path: "/var/lib/qms/qms.db"}, ""},
		{"sqlite://data/qms.db", dbConfig{Kind: dbSQLite, Path: "data/qms.db"}, ""},
		{"postgres://qms:b%C3%AD-m%E1%BA%ADt@db.internal:5432/qms?sslmode=require", dbConfig{Kind: dbPostgres, URL: "postgres://qms:b%C3%AD-m%E1%BA%ADt@db.internal:5432/qms?sslmode=require"}, ""},
		{"postgresql://qms@10.0.0.5/qms", dbConfig{Kind: dbPostgres, URL: "postgresql://qms@10.0.0.5/qms"}, ""},
		{"postgres:///qms", dbConfig{Kind: dbPostgres, URL: "postgres:///qms"}, ""},
		{"", dbConfig{}, "Chưa chỉ định cơ sở dữ liệu"},
		{"sqlite:", dbConfig{}, "cần đường dẫn tệp"},
		{"postgres:qms", dbConfig{}, "địa chỉ PostgreSQL không hợp lệ"},
		{"postgres://qms:pw@db:bad-port/qms", dbConfig{}, "địa chỉ PostgreSQL không hợp lệ"},
		{"mysql://root:pw@db/qms", dbConfig{}, `không hỗ trợ cơ sở dữ liệu "mysql"`},
		{"host=127.0.0.1 port=5432 dbname=qms password=pw", dbConfig{}, "host=… dbname=…"},
		{"dbname=qms", dbConfig{}, "host=… dbname=…"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseDB(tt.in)
			switch {
			case tt.err == "" && err != nil:
				t.Fatalf("error %v", err)
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
				t.Fatalf("err = %v, want %q", err, tt.err)
			case err != nil && (qms.ErrorField(err) != "db" || strings.Contains(err.Error(), "pw")):
				t.Fatalf("err = %v: want field db, no password", err)
			case got != tt.want:
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestBeyond1PostgresByURL: a postgres:// database, by flag or by
// QMS_DB, is opened (and migrated) as the SQLite file is; one that cannot
// be reached stops the command with the host in the message and never
// the password; sqlite:PATH opens the SQLite file as a bare path does.
func TestBeyond1PostgresByURL(t *testing.T) {
	dir := t.TempDir()
	url := "postgres://qms:ngua-o-bi-mat@127.0.0.1:1/qms"
	runQMS := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := run(context.Background(), args, strings.NewReader(""), &out, &errb)
		return code, out.String(), errb.String()
	}
	for _, args := range [][]string{
		{"migrate", "--db", url},
		{"serve", "--addr", "127.0.0.1:0", "--db", url},
		{"serve", "--demo", "--addr", "127.0.0.1:0", "--db", url},
		{"audit", "verify", "--db", url},
		{"agency", "add", "--code", "A", "--name", "A", "--db", url},
		{"backup", filepath.Join(dir, "x.dump"), "--db", url},
	} {
		code, out, errText := runQMS(args...)
		if code == exitOK || !strings.Contains(errText, "127.0.0.1:1") || strings.Contains(out+errText, "ngua-o-bi-mat") {
			t.Fatalf("%v: exit %d\nstdout %s\nstderr %s", args, code, out, errText)
		}
	}
	good := pgtest.NewDatabase(t)
	// A command that only reads creates nothing in a database qms never
	// set up.
	if code, out, errText := runQMS("jobs", "list", "--db", good); code == exitOK || !strings.Contains(errText, "chưa được khởi tạo") {
		t.Fatalf("jobs list on an empty PostgreSQL database: exit %d, %s %s", code, out, errText)
	}
	if code, out, errText := runQMS("migrate", "--db", good); code != exitOK || !strings.Contains(out, "migrations applied") {
		t.Fatalf("migrate on PostgreSQL: exit %d, %s %s", code, out, errText)
	}
	if code, out, errText := runQMS("jobs", "list", "--db", good); code != exitOK {
		t.Fatalf("jobs list after migrate: exit %d, %s %s", code, out, errText)
	}
	t.Setenv("QMS_DB", url)
	if code, _, errText := runQMS("migrate"); code == exitOK || !strings.Contains(errText, "127.0.0.1:1") {
		t.Fatalf("QMS_DB=postgres://…: exit %d, %s", code, errText)
	}
	// A --db flag given after QMS_DB wins over it.
	path := filepath.Join(dir, "qms.db")
	if code, out, errText := runQMS("migrate", "--db", "sqlite:"+path); code != exitOK || !strings.Contains(out, "migrations applied") {
		t.Fatalf("sqlite:PATH: exit %d, %s %s", code, out, errText)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("sqlite:PATH did not open %s: %v", path, err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), "postgres") {
			t.Fatalf("a file named after the URL was created: %s", e.Name())
		}
	}
}

// TestBeyond1CheckpointPaths: the signed checkpoints default beside a
// SQLite file, and per database for PostgreSQL, named without the
// password.
func TestBeyond1CheckpointPaths(t *testing.T) {
	for _, tt := range []struct{ db, key, file string }{
		{"data/qms.db", "data/qms.checkpoint.key", "data/qms.checkpoints"},
		{"sqlite:/var/qms/tinh.db", "/var/qms/tinh.checkpoint.key", "/var/qms/tinh.checkpoints"},
		{"postgres://qms:bi-mat@db:5432/qms_tinh?sslmode=require", "data/postgres-qms_tinh.checkpoint.key", "data/postgres-qms_tinh.checkpoints"},
		{"postgres://qms:bi-mat@db/", "data/postgres-postgres.checkpoint.key", "data/postgres-postgres.checkpoints"},
		{"postgres://qms@db/../../etc", "data/postgres-______etc.checkpoint.key", "data/postgres-______etc.checkpoints"},
	} {
		key, file := (&checkpointFlags{}).paths(tt.db)
		if key != tt.key || file != tt.file {
			t.Errorf("%s: %s, %s; want %s, %s", tt.db, key, file, tt.key, tt.file)
		}
	}
}
