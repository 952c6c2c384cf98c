package authz_test

import (
	"context"
	"path/filepath"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"isodt/policies"
	"isodt/qms"
	"isodt/qms/authz"
	"isodt/qms/sqlite"
)

func TestAllowed(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "qms.db"), sqlite.Options{PasswordCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rules, err := policies.Default()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Bootstrap(ctx, rules); err != nil {
		t.Fatal(err)
	}
	sys := qms.WithActor(ctx, qms.SystemActor("test"))
	for _, code := range []string{"A", "B"} {
		if err := db.CreateAgency(sys, &qms.Agency{Code: code, Name: code}); err != nil {
			t.Fatal(err)
		}
	}
	lan := &qms.User{Username: "lan", Memberships: []qms.Membership{{AgencyCode: "A", Role: qms.RoleAdmin}, {AgencyCode: "B", Role: qms.RoleStaff}}}
	if err := db.CreateUser(sys, lan, "ngua-o-123"); err != nil {
		t.Fatal(err)
	}
	az, err := authz.New(ctx, policies.Model, db)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		user, agency, obj, act string
		want                   bool
	}{
		{"lan", "A", "user", "write", true},  // admin in A
		{"lan", "B", "user", "write", false}, // only staff in B
		{"lan", "B", "dashboard", "read", true},
		{"lan", "C", "dashboard", "read", false}, // no role in C
		{"lan", "A", "policy", "write", false},   // policy is SYS-only
		{"admin", "SYS", "policy", "write", true},
		{"admin", "A", "user", "read", false}, // SYS admin acts in SYS, not A
		{"ghost", "A", "dashboard", "read", false},
		{"lan", "A", "user", "delete", false}, // unknown action
	}
	for _, tt := range tests {
		if got, err := az.Allowed(tt.user, tt.agency, tt.obj, tt.act); err != nil || got != tt.want {
			t.Errorf("Allowed(%s, %s, %s, %s) = %v, %v; want %v", tt.user, tt.agency, tt.obj, tt.act, got, err, tt.want)
		}
	}
	// A revoked role stops working after Reload; a new policy row starts.
	if _, err := db.SetMembership(sys, lan.ID, qms.Membership{AgencyCode: "A", Role: qms.RoleAdmin}, true); err != nil {
		t.Fatal(err)
	}
	if err := db.AddPolicyRule(sys, []string{"staff", "B", "user", "read"}); err != nil {
		t.Fatal(err)
	}
	if err := az.Reload(); err != nil {
		t.Fatal(err)
	}
	if ok, _ := az.Allowed("lan", "A", "user", "write"); ok {
		t.Error("revoked admin role still allowed")
	}
	if ok, _ := az.Allowed("lan", "B", "user", "read"); !ok {
		t.Error("new policy row not loaded")
	}
	if ok, _ := az.Allowed("lan", "B", "user", "write"); ok {
		t.Error("policy row for read granted write")
	}
}
