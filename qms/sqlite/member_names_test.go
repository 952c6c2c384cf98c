package sqlite_test

import (
	"fmt"
	"testing"

	"isodt/qms"
)

// TestOneSourceSpeedMemberNames: the delegation form's names are the
// enabled users with a role in the agency itself, each once, by name;
// not a disabled user, nor one of an agency under it or beside it.
func TestOneSourceSpeedMemberNames(t *testing.T) {
	db, _, sys := openDB(t)
	for _, a := range []qms.Agency{{Code: "SVHTT", Name: "Sở VHTT"}, {Code: "PVH", Name: "Phòng Văn hóa", ParentCode: "SVHTT"}, {Code: "STP", Name: "Sở TP"}} {
		if err := db.CreateAgency(sys, &a); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range []struct {
		name string
		ms   []qms.Membership
	}{
		{"c.staff", []qms.Membership{{AgencyCode: "SVHTT", Role: qms.RoleStaff}}},
		{"a.leader", []qms.Membership{{AgencyCode: "SVHTT", Role: qms.RoleLeader}, {AgencyCode: "SVHTT", Role: qms.RoleStaff}}},
		{"b.disabled", []qms.Membership{{AgencyCode: "SVHTT", Role: qms.RoleStaff}}},
		{"d.below", []qms.Membership{{AgencyCode: "PVH", Role: qms.RoleStaff}}},
		{"e.beside", []qms.Membership{{AgencyCode: "STP", Role: qms.RoleStaff}}},
	} {
		usr := &qms.User{Username: u.name, Memberships: u.ms}
		if err := db.CreateUser(sys, usr, "mat-khau-123"); err != nil {
			t.Fatal(err)
		}
		if u.name == "b.disabled" {
			yes := true
			if _, err := db.UpdateUser(sys, usr.ID, qms.UserUpdate{Disabled: &yes}); err != nil {
				t.Fatal(err)
			}
		}
	}
	people, err := db.MemberNames(sys, "SVHTT")
	var names []string
	for _, p := range people {
		names = append(names, p.Username)
	}
	if got := fmt.Sprint(names); err != nil || got != "[a.leader c.staff]" {
		t.Fatalf("member names %s, %v", got, err)
	}
}
