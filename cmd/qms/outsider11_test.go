package main

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"isodt/qms"
	"isodt/qms/sqlite"
)

// TestOutsider11VerifyNamesTrustColumns (outsider pass 11, finding 1):
// in a copy made with `qms backup`, a leader's password the system
// administrator set made to look chosen by its owner (password_temporary
// 0), and the full name and title signatures print, changed with sqlite3.
// `qms audit verify` on the copy exits 1 naming the user; before, it
// printed "ok".
func TestOutsider11VerifyNamesTrustColumns(t *testing.T) {
	c := newCLI(t)
	c.run("", "agency", "add", "--code", "A1", "--name", "A1")
	if code, _, e := c.run("ngua-o-123\n", "user", "add", "--username", "lan", "--agency", "A1", "--role", "leader", "--name", "Trần Thị Lan", "--title", "Phó Giám đốc"); code != 0 {
		t.Fatal(e)
	}
	db, err := sqlite.Open(context.Background(), c.db, sqlite.Options{PasswordCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	ctx := qms.WithActor(context.Background(), qms.SystemActor("test"))
	admin, err := db.FindUserByUsername(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	lan, err := db.FindUserByUsername(ctx, "lan")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetPassword(qms.WithActor(ctx, qms.Actor{UserID: admin.ID, Username: "admin", AgencyCode: qms.SystemAgencyCode}), lan.ID, "ngua-o-tam-456"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for i, q := range []string{
		`UPDATE users SET password_temporary = 0 WHERE username = 'lan'`,
		`UPDATE users SET full_name = 'Nguyễn Văn Giám' WHERE username = 'lan'`,
		`UPDATE users SET title = 'Giám đốc Sở' WHERE username = 'lan'`,
	} {
		copyPath := filepath.Join(t.TempDir(), fmt.Sprintf("copy%d.db", i))
		if code, _, e := c.run("", "backup", copyPath); code != 0 {
			t.Fatal(e)
		}
		copied := &cli{t: t, db: copyPath}
		if code, out, e := copied.run("", "audit", "verify"); code != 0 {
			t.Fatalf("the copy before any change: exit %d\n%s\n%s", code, out, e)
		}
		raw, _ := sql.Open("sqlite3", copyPath)
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
		raw.Close()
		code, out, e := copied.run("", "audit", "verify")
		if code != 1 || !strings.Contains(out, "row altered outside the application: users [2] (người dùng lan)") {
			t.Fatalf("after %s: exit %d\n%s\n%s", q, code, out, e)
		}
	}
}
