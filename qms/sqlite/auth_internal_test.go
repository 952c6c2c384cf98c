package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"isodt/qms"
)

// TestTrust5ThrottleRowsExpire: failed logins are counted per username
// and address, and per address across usernames; a row quiet for
// LoginFailureWindow is deleted by the next failure anyone makes, so
// guesses at made-up usernames leave no rows behind.
func TestTrust5ThrottleRowsExpire(t *testing.T) {
	now := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "qms.db"), Options{PasswordCost: bcrypt.MinCost, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	rows := func() (pairs, addrs int) {
		t.Helper()
		if err := db.read.QueryRow(`SELECT COUNT(*) FILTER (WHERE username <> ?), COUNT(*) FILTER (WHERE username = ?) FROM login_throttle`,
			qms.AddrThrottleKey, qms.AddrThrottleKey).Scan(&pairs, &addrs); err != nil {
			t.Fatal(err)
		}
		return pairs, addrs
	}
	for i := range 30 { // three failures of each of ten usernames, each from one of three addresses
		db.Authenticate(ctx, fmt.Sprintf("khong-co-%d", i%10), "doan-sai", fmt.Sprintf("10.0.0.%d", i%10%3))
	}
	if pairs, addrs := rows(); pairs != 10 || addrs != 3 {
		t.Fatalf("%d rows of pairs and %d of addresses, want one per username and address (10) and one per address (3)", pairs, addrs)
	}
	now = now.Add(qms.LoginFailureWindow - time.Minute)
	db.Authenticate(ctx, "khong-co-0", "doan-sai", "10.0.0.0")
	now = now.Add(2 * time.Minute)
	db.Authenticate(ctx, "nguoi-khac", "doan-sai", "10.0.0.9")
	if pairs, addrs := rows(); pairs != 2 || addrs != 2 {
		t.Fatalf("%d rows of pairs and %d of addresses after the window, want 2 and 2 (those that failed again and the new ones)", pairs, addrs)
	}
}
