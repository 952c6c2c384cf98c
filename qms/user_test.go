package qms_test

import (
	"testing"

	"isodt/qms"
)

// TestTrust1AccountRules: who may act on a whole account, and who may
// grant or withdraw a role where.
func TestTrust1AccountRules(t *testing.T) {
	x := &qms.User{ID: 7, Username: "x", Memberships: []qms.Membership{{AgencyCode: "A", Role: qms.RoleLeader}, {AgencyCode: "B", Role: qms.RoleStaff}}}
	onlyA := &qms.User{ID: 8, Username: "y", Memberships: []qms.Membership{{AgencyCode: "A", Role: qms.RoleStaff}}}
	adminOf := func(code string) qms.Actor { return qms.Actor{UserID: 1, Username: "admin-" + code, AgencyCode: code} }
	account := []struct {
		name  string
		actor qms.Actor
		u     *qms.User
		ok    bool
	}{
		{"B's admin on a user also in A", adminOf("B"), x, false},
		{"A's admin on a user also in B", adminOf("A"), x, false},
		{"A's admin on a user of A alone", adminOf("A"), onlyA, true},
		{"B's admin on a user of A alone", adminOf("B"), onlyA, false},
		{"system admin", adminOf(qms.SystemAgencyCode), x, true},
		{"CLI", qms.SystemActor("test"), x, true},
		{"the user themself", qms.Actor{UserID: 7, Username: "x", AgencyCode: "B"}, x, true},
		{"a failed login, filed under SYS", qms.PublicActor(qms.SystemAgencyCode), onlyA, false},
	}
	for _, tt := range account {
		t.Run(tt.name, func(t *testing.T) {
			err := qms.CheckAccountAction(tt.actor, tt.u)
			if (err == nil) != tt.ok || (err != nil && qms.ErrorCode(err) != qms.EFORBIDDEN) {
				t.Fatalf("CheckAccountAction = %v, want allowed %v", err, tt.ok)
			}
		})
	}
	membership := []struct {
		name   string
		actor  qms.Actor
		user   int64
		agency string
		ok     bool
	}{
		{"own agency", adminOf("B"), x.ID, "B", true},
		{"another agency", adminOf("B"), x.ID, "A", false},
		{"system admin anywhere", adminOf(qms.SystemAgencyCode), x.ID, "A", true},
		// Nobody changes their own roles (outsider pass 8), but the CLI.
		{"own roles, own agency", adminOf("B"), 1, "B", false},
		{"a system admin's own roles", adminOf(qms.SystemAgencyCode), 1, "A", false},
		{"CLI", qms.SystemActor("test"), 1, "A", true},
	}
	for _, tt := range membership {
		t.Run(tt.name, func(t *testing.T) {
			err := qms.CheckMembershipChange(tt.actor, tt.user, qms.Membership{AgencyCode: tt.agency, Role: qms.RoleAdmin})
			if (err == nil) != tt.ok || (err != nil && qms.ErrorCode(err) != qms.EFORBIDDEN) {
				t.Fatalf("CheckMembershipChange = %v, want allowed %v", err, tt.ok)
			}
		})
	}
}

// TestPublicIsNoAccountName: the audit trail's actor for citizens and
// failed logins is not a name an account can take, and acting under it
// for the system agency administers nothing.
func TestPublicIsNoAccountName(t *testing.T) {
	if err := (&qms.User{Username: qms.PublicActorName}).Validate(); qms.ErrorField(err) != "username" {
		t.Fatalf("Validate(%q) = %v, want a username field error", qms.PublicActorName, err)
	}
	if qms.PublicActor(qms.SystemAgencyCode).SystemAdmin() {
		t.Fatal("the public actor filed under SYS counts as a system admin")
	}
	if err := qms.CheckAddressUnlock(qms.PublicActor(qms.SystemAgencyCode)); qms.ErrorCode(err) != qms.EFORBIDDEN {
		t.Fatalf("CheckAddressUnlock(public) = %v, want EFORBIDDEN", err)
	}
}
