package sqlite_test

import (
	"testing"

	"isodt/qms"
)

// TestCachedReadsFollowWrites: the caller and its token are read through
// a cache; every change to them shows on the next read.
func TestCachedReadsFollowWrites(t *testing.T) {
	db, _, sys := openDB(t)
	db.CreateAgency(sys, &qms.Agency{Code: "SVHTT", Name: "Sở VHTT"})
	db.CreateAgency(sys, &qms.Agency{Code: "STP", Name: "Sở Tư pháp"})
	u := &qms.User{Username: "chuyen.vien", FullName: "Chuyên viên", Memberships: []qms.Membership{{AgencyCode: "SVHTT", Role: qms.RoleStaff}}}
	if err := db.CreateUser(sys, u, "mat-khau-du-dai-1"); err != nil {
		t.Fatal(err)
	}
	secret, _, err := db.CreateAPIToken(sys, u.ID, "một cửa")
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name   string
		change func() error
		check  func(*qms.User, error) bool
	}{
		{"first read", func() error { return nil }, func(got *qms.User, err error) bool { return err == nil && len(got.Memberships) == 1 }},
		{"role granted", func() error {
			_, err := db.SetMembership(sys, u.ID, qms.Membership{AgencyCode: "STP", Role: qms.RoleLeader}, false)
			return err
		}, func(got *qms.User, err error) bool { return err == nil && len(got.Memberships) == 2 }},
		{"renamed", func() error {
			name := "Tên mới"
			_, err := db.UpdateUser(sys, u.ID, qms.UserUpdate{FullName: &name})
			return err
		}, func(got *qms.User, err error) bool { return err == nil && got.FullName == "Tên mới" }},
		{"disabled", func() error {
			off := true
			_, err := db.UpdateUser(sys, u.ID, qms.UserUpdate{Disabled: &off})
			return err
		}, func(got *qms.User, err error) bool { return qms.ErrorCode(err) == qms.EUNAUTHORIZED }},
	}
	for _, s := range steps {
		if err := s.change(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		for range 2 { // a miss, then a hit
			got, err := db.FindUserByAPIToken(sys, secret)
			if !s.check(got, err) {
				t.Fatalf("%s: token gives %+v, %v", s.name, got, err)
			}
		}
	}
	// A caller's copy is its own: changing it changes no one else's.
	a, _ := db.FindUserByID(sys, u.ID)
	a.Memberships[0].Role = qms.RoleAdmin
	if b, _ := db.FindUserByID(sys, u.ID); b.Memberships[0].Role == qms.RoleAdmin {
		t.Fatal("a caller's change reached the cache")
	}
}
