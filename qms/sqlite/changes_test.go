package sqlite_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"isodt/qms"
	"isodt/qms/sqlite"
)

// TestOneSource2ChangeTopics: the feed reports the topics a commit
// changed, whichever handle on the file committed it, and nothing for the
// dossier writes that make up most commits.
func TestOneSource2ChangeTopics(t *testing.T) {
	server, _, sys := openDB(t)
	staff, _ := effectiveProcedure(t, server, sys)
	other, err := sqlite.Open(context.Background(), server.Path(), sqlite.Options{PasswordCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	changes := server.Changes(ctx)
	u := &qms.User{Username: "can.bo", Memberships: []qms.Membership{{AgencyCode: "SVHTT", Role: qms.RoleStaff}}}
	receive := func(db *sqlite.DB) error {
		return db.ReceiveDossier(staff, &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "A"}, Channel: qms.ChannelCounter})
	}
	tests := []struct {
		name  string
		write func() error
		want  []qms.Topic // nil: no report
	}{
		{"dossier received elsewhere", func() error { return receive(other) }, nil},
		{"dossier received here", func() error { return receive(server) }, nil},
		{"user created elsewhere", func() error { return other.CreateUser(sys, u, "ngua-o-123") }, []qms.Topic{qms.TopicSecurity}},
		{"membership added here", func() error {
			_, err := server.SetMembership(sys, u.ID, qms.Membership{AgencyCode: "SVHTT", Role: qms.RoleLeader}, false)
			return err
		}, []qms.Topic{qms.TopicSecurity}},
		{"token created elsewhere", func() error { _, _, err := other.CreateAPIToken(sys, u.ID, "x", 0); return err }, []qms.Topic{qms.TopicSecurity}},
		{"policy rule removed elsewhere", func() error { return other.RemovePolicyRule(sys, []string{"staff", "*", "tthc", "read"}) }, []qms.Topic{qms.TopicSecurity}},
		{"calendar override elsewhere", func() error {
			return other.SetCalendarOverride(sys, qms.CalendarOverride{Date: "2026-03-04", Kind: "off", Name: "Nghỉ bù"}, false)
		}, []qms.Topic{qms.TopicCalendar}},
		{"working hours elsewhere", func() error { return other.SetAgencySettings(sys, "SVHTT", qms.ClockResume, "08:00-12:00,13:00-17:00") }, []qms.Topic{qms.TopicCalendar}},
		{"both, then a dossier here, before the next poll", func() error {
			off := true
			if _, err := other.UpdateUser(sys, u.ID, qms.UserUpdate{Disabled: &off}); err != nil {
				return err
			}
			if err := other.SetCalendarOverride(sys, qms.CalendarOverride{Date: "2026-03-05", Kind: "off", Name: "Nghỉ bù"}, false); err != nil {
				return err
			}
			return receive(server)
		}, []qms.Topic{qms.TopicSecurity, qms.TopicCalendar}},
	}
	for _, tt := range tests {
		if err := tt.write(); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		var got []qms.Topic
		// A report is due within a second; none is awaited for three polls.
		wait := time.Second
		if tt.want == nil {
			wait = 450 * time.Millisecond
		}
		timeout := time.After(wait)
	collect:
		for {
			select {
			case c := <-changes:
				for _, tp := range c.Topics {
					if !slices.Contains(got, tp) {
						got = append(got, tp)
					}
				}
				if len(got) == len(tt.want) && tt.want != nil {
					break collect
				}
			case <-timeout:
				break collect
			}
		}
		slices.Sort(got)
		want := slices.Clone(tt.want)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("%s: reported %v, want %v", tt.name, got, want)
		}
	}
	server.Close()
	select {
	case _, open := <-changes:
		if open {
			t.Fatal("a change reported after Close")
		}
	case <-time.After(time.Second):
		t.Fatal("Changes not closed with the store")
	}
}

// TestOneSource1FinalVersionIsFixed: the flowchart of a version is kept
// in memory by (procedure, number) once the version is final; the
// database refuses to change what that key names, whoever writes.
func TestOneSource1FinalVersionIsFixed(t *testing.T) {
	db, _, sys := openDB(t)
	effectiveProcedure(t, db, sys)
	raw := rawDB(t, db)
	for _, stmt := range []string{
		`UPDATE procedure_versions SET content_json = '{}' WHERE status = 'effective'`,
		`UPDATE procedure_versions SET status = 'draft' WHERE status = 'effective'`,
		`UPDATE procedure_versions SET number = number + 10 WHERE status = 'effective'`,
		`DELETE FROM procedure_versions WHERE status = 'effective'`,
	} {
		if _, err := raw.Exec(stmt); err == nil {
			t.Fatalf("%s: accepted", stmt)
		}
	}
	if _, err := raw.Exec(`UPDATE procedure_versions SET status = 'superseded' WHERE status = 'effective'`); err != nil {
		t.Fatalf("superseding a version: %v", err)
	}
}
