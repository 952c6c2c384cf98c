package sqlite_test

import (
	"context"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"isodt/qms"
	"isodt/qms/sqlite"
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
	secret, _, err := db.CreateAPIToken(sys, u.ID, "một cửa", 0)
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

// TestCachedPagesFollowWrites: pages of the task and dossier lists are
// kept per agency until the agency's dossiers or catalogue change.
func TestCachedPagesFollowWrites(t *testing.T) {
	db, _, sys := openDB(t)
	staff, _ := effectiveProcedure(t, db, sys)
	receive := func() *qms.Dossier {
		t.Helper()
		d := &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "Lê Thị Hoa"}, Channel: qms.ChannelCounter}
		if err := db.ReceiveDossier(staff, d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	list := qms.DossierFilter{AgencyCode: ptr("SVHTT"), Limit: 50, CountLimit: 1000, Brief: true}
	check := func(when string, tasks, dossiers int, tthcName string) {
		t.Helper()
		for range 2 { // a miss, then a hit
			ts, err := db.TasksPage(staff, "SVHTT", []qms.Role{qms.RoleStaff}, 0, 51)
			if err != nil || len(ts) != tasks || tasks > 0 && ts[0].TTHCName != tthcName {
				t.Fatalf("%s: %d tasks (%v), want %d named %q: %+v", when, len(ts), err, tasks, tthcName, ts)
			}
			ds, total, err := db.FindDossiers(staff, list)
			if err != nil || len(ds) != dossiers || total != dossiers {
				t.Fatalf("%s: %d dossiers of %d (%v), want %d", when, len(ds), total, err, dossiers)
			}
		}
	}
	name := sampleTTHC()[0].Name
	check("empty", 0, 0, "")
	first := receive()
	check("one received", 1, 1, name)
	receive()
	check("two received", 2, 2, name)
	if _, err := db.PauseDossier(staff, "SVHTT", first.Code, "Bổ sung giấy tờ"); err != nil {
		t.Fatal(err)
	}
	check("one paused", 1, 2, name)
	renamed := sampleTTHC()
	renamed[0].Name = "Cấp giấy phép karaoke (sửa đổi)"
	if _, _, err := db.ImportTTHC(sys, "SVHTT", renamed); err != nil {
		t.Fatal(err)
	}
	check("TTHC renamed", 1, 2, renamed[0].Name)
	// A caller's page is its own: cutting it changes no one else's.
	ts, _ := db.TasksPage(staff, "SVHTT", []qms.Role{qms.RoleStaff}, 0, 51)
	ts[0].DossierCode = "X"
	if again, _ := db.TasksPage(staff, "SVHTT", []qms.Role{qms.RoleStaff}, 0, 51); again[0].DossierCode == "X" {
		t.Fatal("a caller's change reached the cache")
	}
}

// TestCachesSeeOtherProcesses: a write made through another handle on the
// file (the qms CLI while the server runs) reaches the cached reads once
// the watch has seen the audit chain move.
func TestCachesSeeOtherProcesses(t *testing.T) {
	cli, _, sys := openDB(t)
	staff, _ := effectiveProcedure(t, cli, sys)
	server, err := sqlite.Open(context.Background(), cli.Path(), sqlite.Options{WatchInterval: 5 * time.Millisecond, PasswordCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	u := &qms.User{Username: "can.bo", FullName: "Cán bộ", Memberships: []qms.Membership{{AgencyCode: "SVHTT", Role: qms.RoleStaff}}}
	if err := cli.CreateUser(sys, u, "mat-khau-du-dai-1"); err != nil {
		t.Fatal(err)
	}
	// The server reads both through its caches.
	eventually := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); !ok(); time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("the server never saw %s", what)
			}
		}
	}
	eventually("the new user", func() bool { _, err := server.FindUserByID(sys, u.ID); return err == nil })
	if ts, _ := server.TasksPage(sys, "SVHTT", []qms.Role{qms.RoleStaff}, 0, 51); len(ts) != 0 {
		t.Fatalf("%d tasks before any dossier", len(ts))
	}
	if err := cli.ReceiveDossier(staff, &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "A"}, Channel: qms.ChannelCounter}); err != nil {
		t.Fatal(err)
	}
	off := true
	if _, err := cli.UpdateUser(sys, u.ID, qms.UserUpdate{Disabled: &off}); err != nil {
		t.Fatal(err)
	}
	eventually("the dossier received", func() bool {
		ts, _ := server.TasksPage(sys, "SVHTT", []qms.Role{qms.RoleStaff}, 0, 51)
		return len(ts) == 1
	})
	eventually("the user disabled", func() bool { got, err := server.FindUserByID(sys, u.ID); return err != nil || got.Disabled })
}
