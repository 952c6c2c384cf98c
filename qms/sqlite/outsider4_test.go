package sqlite_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"isodt/qms"
)

// TestOutsider4ForgedSessionIsNamed: a sessions row written with the file
// alone (the id is the SHA-256 of a token the forger knows, for the SYS
// admin) signed in without a password and verification did not notice.
// Sessions are now covered by the row-state hashes; the application's own
// session writes (login, agency switch, idle touch, logout, expiry, the
// end of sessions at a password reset or when disabled) still verify.
func TestOutsider4ForgedSessionIsNamed(t *testing.T) {
	db, clk, ctx := openDB(t)
	for _, a := range []string{"A", "B"} {
		if err := db.CreateAgency(ctx, &qms.Agency{Code: a, Name: "Sở " + a}); err != nil {
			t.Fatal(err)
		}
	}
	lan := &qms.User{Username: "lan", Memberships: []qms.Membership{{AgencyCode: "A", Role: qms.RoleStaff}, {AgencyCode: "B", Role: qms.RoleStaff}}}
	if err := db.CreateUser(ctx, lan, "mat-khau-123"); err != nil {
		t.Fatal(err)
	}
	var s *qms.Session
	var token string
	for _, step := range []struct {
		name string
		do   func() error
	}{
		{"login", func() (err error) { token, s, err = db.CreateSession(ctx, lan.ID, "A"); return err }},
		{"agency switch", func() error { return db.SwitchSessionAgency(ctx, s, "B") }},
		{"idle touch", func() error { clk.Add(5 * time.Minute); return db.TouchSession(ctx, s) }},
		{"logout", func() error { return db.DeleteSession(ctx, token) }},
		{"expiry", func() error {
			_, _, err := db.CreateSession(ctx, lan.ID, "A")
			clk.Add(qms.SessionLifetime + time.Hour)
			return err
		}},
		{"password reset ends sessions", func() error {
			if _, _, err := db.CreateSession(ctx, lan.ID, "A"); err != nil {
				return err
			}
			return db.SetPassword(ctx, lan.ID, "mat-khau-moi-456")
		}},
		{"disabling ends sessions", func() error {
			if _, _, err := db.CreateSession(ctx, lan.ID, "B"); err != nil {
				return err
			}
			_, err := db.UpdateUser(ctx, lan.ID, qms.UserUpdate{Disabled: ptr(true)})
			return err
		}},
	} {
		if err := step.do(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if _, err := db.VerifyAuditChain(ctx); err != nil {
			t.Fatalf("after %s: %v", step.name, err)
		}
	}

	admin, err := db.FindUserByUsername(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	_, live, err := db.CreateSession(ctx, admin.ID, qms.SystemAgencyCode)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte("the forger's token"))
	forged := hex.EncodeToString(sum[:])
	now := clk.Now().UTC()
	for _, tt := range []struct {
		name, sql, key, change, label string
	}{
		{"session inserted for the SYS admin", fmt.Sprintf(`INSERT INTO sessions (id, user_id, agency_code, csrf_token, created_at, expires_at, last_seen_at)
			VALUES ('%s', %d, 'SYS', 'x', '%s', '%s', '%s')`, forged, admin.ID, now.Format(time.RFC3339Nano), now.Add(time.Hour).Format(time.RFC3339Nano), now.Format(time.RFC3339Nano)),
			`["` + forged + `"]`, qms.RowAdded, "admin"},
		{"session's expiry pushed back", fmt.Sprintf(`UPDATE sessions SET expires_at = '2099-01-01T00:00:00Z' WHERE id = '%s'`, live.ID),
			`["` + live.ID + `"]`, qms.RowAltered, "admin"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			raw := rawDB(t, db)
			if _, err := raw.Exec(tt.sql); err != nil {
				t.Fatal(err)
			}
			_, err := db.VerifyAuditChain(ctx)
			var rt *qms.RowsTampered
			if !errors.As(err, &rt) {
				t.Fatalf("verify: %v, want the session named", err)
			}
			for _, c := range rt.Rows {
				if c.Table == "sessions" && c.Key == tt.key && c.Change == tt.change && strings.Contains(c.Label, tt.label) {
					return
				}
			}
			t.Fatalf("verify named %v, want %s sessions %s", rt.Rows, tt.change, tt.key)
		})
	}
}
