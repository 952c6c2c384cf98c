package sqlite

import (
	"database/sql"
	"database/sql/driver"
	"path/filepath"
	"strconv"
	"testing"

	"isodt/qms"
)

// TestOwnTriggersSchemaVersionSetBack: a trigger put in with the file,
// then the schema version set back to the one before. The writer
// connection that had the schema keeps it without the trigger; one opened
// after loads it, and the first write group on it makes the triggers the
// code's before writing.
func TestOwnTriggersSchemaVersionSetBack(t *testing.T) {
	ctx, db := openCommitTest(t, filepath.Join(t.TempDir(), "qms.db"))
	raw, err := sql.Open("sqlite3", db.path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	raw.SetMaxOpenConns(1)
	var v int64
	if err := raw.QueryRow(`PRAGMA schema_version`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`CREATE TRIGGER zz_agency AFTER INSERT ON agencies BEGIN UPDATE agencies SET name = 'Sở Giả' WHERE code = NEW.code; END`,
		`PRAGMA schema_version = ` + strconv.FormatInt(v, 10),
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	// The writer connection goes (an error can discard it); the next is new.
	conn, err := db.write.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	conn.Raw(func(any) error { return driver.ErrBadConn })
	conn.Close()
	if err := db.CreateAgency(ctx, &qms.Agency{Code: "A", Name: "Sở A"}); err != nil {
		t.Fatal(err)
	}
	var name string
	var n int
	if err := raw.QueryRow(`SELECT name, (SELECT count(*) FROM sqlite_master WHERE name = 'zz_agency') FROM agencies WHERE code = 'A'`).Scan(&name, &n); err != nil || name != "Sở A" || n != 0 {
		t.Fatalf("agency A named %q, the foreign trigger there %d times (%v); want Sở A and none", name, n, err)
	}
}
