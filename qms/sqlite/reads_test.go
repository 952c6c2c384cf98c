package sqlite_test

import (
	"context"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"isodt/qms"
	"isodt/qms/sqlite"
)

// TestOneSource1ReadsSeeOtherHandles: what another handle on the file
// (the qms CLI, a second server) commits is in the very next read of this
// one: the caller and its token, the task and dossier lists, the
// catalogue's names. Nothing waits for a watch to notice.
func TestOneSource1ReadsSeeOtherHandles(t *testing.T) {
	server, _, sys := openDB(t)
	staff, _ := effectiveProcedure(t, server, sys)
	other, err := sqlite.Open(context.Background(), server.Path(), sqlite.Options{PasswordCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	u := &qms.User{Username: "can.bo", FullName: "Cán bộ", Memberships: []qms.Membership{{AgencyCode: "SVHTT", Role: qms.RoleStaff}}}
	if err := other.CreateUser(sys, u, "mat-khau-123"); err != nil {
		t.Fatal(err)
	}
	secret, _, err := other.CreateAPIToken(sys, u.ID, "một cửa", 0)
	if err != nil {
		t.Fatal(err)
	}
	list := qms.DossierFilter{AgencyCode: ptr("SVHTT"), Limit: 50, CountLimit: 1000, Brief: true}
	// state is what the server reads; each step changes it through the
	// other handle, after the server has read it once.
	type state struct {
		memberships, tasks, dossiers int
		tthcName                     string
		tokenOK                      bool
	}
	read := func() state {
		var s state
		if got, err := server.FindUserByAPIToken(sys, secret); err == nil {
			s.tokenOK, s.memberships = true, len(got.Memberships)
		}
		ts, err := server.TasksPage(staff, "SVHTT", []qms.Role{qms.RoleStaff}, 0, 51)
		if err != nil {
			t.Fatal(err)
		}
		s.tasks = len(ts)
		if len(ts) > 0 {
			s.tthcName = ts[0].TTHCName
		}
		_, s.dossiers, err = server.FindDossiers(staff, list)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	name := sampleTTHC()[0].Name
	renamed := sampleTTHC()
	renamed[0].Name = "Cấp giấy phép karaoke (sửa đổi)"
	steps := []struct {
		name   string
		change func() error
		want   state
	}{
		{"as created", func() error { return nil }, state{memberships: 1, tokenOK: true}},
		{"role granted", func() error {
			_, err := other.SetMembership(sys, u.ID, qms.Membership{AgencyCode: "SVHTT", Role: qms.RoleLeader}, false)
			return err
		}, state{memberships: 2, tokenOK: true}},
		{"dossier received", func() error {
			return other.ReceiveDossier(staff, &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "A"}, Channel: qms.ChannelCounter})
		}, state{memberships: 2, tokenOK: true, tasks: 1, dossiers: 1, tthcName: name}},
		{"TTHC renamed", func() error { _, _, err := other.ImportTTHC(sys, "SVHTT", renamed); return err },
			state{memberships: 2, tokenOK: true, tasks: 1, dossiers: 1, tthcName: renamed[0].Name}},
		{"user disabled", func() error {
			off := true
			_, err := other.UpdateUser(sys, u.ID, qms.UserUpdate{Disabled: &off})
			return err
		}, state{tasks: 1, dossiers: 1, tthcName: renamed[0].Name}},
	}
	for _, s := range steps {
		if err := s.change(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		for range 2 { // the second read no different from the first
			if got := read(); got != s.want {
				t.Fatalf("%s: the server reads %+v, want %+v", s.name, got, s.want)
			}
		}
	}
}
