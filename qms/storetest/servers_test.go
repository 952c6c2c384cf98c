package storetest_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/calendar"
	"isodt/qms/qmstest"
)

// Two handles on one database stand for two servers: on PostgreSQL two
// `qms serve` behind a load balancer, on SQLite a server and the CLI.

// TestBeyond3ChangeSeenOnOtherServer: a permission or calendar change
// committed through one handle reaches the Changes of the other within a
// second, the other's calendars follow it, and a write of data no server
// keeps in memory reports nothing.
func TestBeyond3ChangeSeenOnOtherServer(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ctx := f.ctx
		other := f.second(t)
		if err := f.CreateAgency(ctx, &qms.Agency{Code: "A", Name: "Sở A"}); err != nil {
			t.Fatal(err)
		}
		// A calendar built before the changes below, kept in memory.
		if _, err := f.Calendar(ctx, "A"); err != nil {
			t.Fatal(err)
		}
		watch, cancel := context.WithCancel(context.Background())
		defer cancel()
		changes := f.Changes(watch)
		// What the fixture's own writes reported, should it come late, is
		// not the first case's.
		for quiet := time.After(300 * time.Millisecond); ; {
			select {
			case <-changes:
				continue
			case <-quiet:
			}
			break
		}
		u := &qms.User{Username: "lan", Memberships: []qms.Membership{{AgencyCode: "A", Role: qms.RoleStaff}}}
		tests := []struct {
			name  string
			write func() error
			want  []qms.Topic // nil: no report
		}{
			{"agency created elsewhere", func() error { return other.CreateAgency(ctx, &qms.Agency{Code: "B", Name: "Sở B"}) }, nil},
			{"user created elsewhere", func() error { return other.CreateUser(ctx, u, "ngua-o-123") }, []qms.Topic{qms.TopicSecurity}},
			{"role granted elsewhere", func() error {
				_, err := other.SetMembership(ctx, u.ID, qms.Membership{AgencyCode: "A", Role: qms.RoleLeader}, false)
				return err
			}, []qms.Topic{qms.TopicSecurity}},
			{"policy rule removed elsewhere", func() error { return other.RemovePolicyRule(ctx, []string{"staff", "*", "tthc", "read"}) }, []qms.Topic{qms.TopicSecurity}},
			{"token created elsewhere", func() error { _, _, err := other.CreateAPIToken(ctx, u.ID, "x", 0); return err }, []qms.Topic{qms.TopicSecurity}},
			{"account disabled here", func() error {
				_, err := f.UpdateUser(ctx, u.ID, qms.UserUpdate{Disabled: ptr(true)})
				return err
			}, []qms.Topic{qms.TopicSecurity}},
			{"day off elsewhere", func() error {
				return other.SetCalendarOverride(ctx, qms.CalendarOverride{Date: "2026-03-04", Kind: "off", Name: "Nghỉ bù"}, false)
			}, []qms.Topic{qms.TopicCalendar}},
			{"working hours elsewhere", func() error { return other.SetAgencySettings(ctx, "A", qms.ClockResume, "08:00-12:00,13:00-17:00") }, []qms.Topic{qms.TopicCalendar}},
			{"both elsewhere", func() error {
				if _, err := other.SetMembership(ctx, u.ID, qms.Membership{AgencyCode: "B", Role: qms.RoleStaff}, false); err != nil {
					return err
				}
				return other.SetCalendarOverride(ctx, qms.CalendarOverride{Date: "2026-03-05", Kind: "off", Name: "Nghỉ bù"}, false)
			}, []qms.Topic{qms.TopicSecurity, qms.TopicCalendar}},
		}
		for _, tt := range tests {
			start := time.Now()
			if err := tt.write(); err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			wait := time.Second
			if tt.want == nil {
				wait = 450 * time.Millisecond // three polls of the SQLite feed
			}
			var got []qms.Topic
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
					if tt.want != nil && len(got) == len(tt.want) {
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
				t.Fatalf("%s: reported %v within %v, want %v", tt.name, got, wait, tt.want)
			}
			if tt.want != nil {
				t.Logf("%s: seen after %v", tt.name, time.Since(start).Round(time.Millisecond))
			}
		}
		// The store's calendars follow the feed: the day off and the hours
		// written elsewhere are in the calendar this handle hands out.
		c, err := f.Calendar(ctx, "A")
		if err != nil {
			t.Fatal(err)
		}
		if c.IsWorkingDay(calendar.Date{Year: 2026, Month: 3, Day: 4}) || c.Hours().String() != "08:00-12:00,13:00-17:00" {
			t.Fatalf("calendar kept from before the changes elsewhere: hours %s", c.Hours())
		}
		f.Close()
		select {
		case _, open := <-changes:
			if open {
				t.Fatal("a change reported after Close")
			}
		case <-time.After(time.Second):
			t.Fatal("Changes not closed with the store")
		}
	})
}

// TestBeyond3AuditChainTwoServers: two handles writing at once keep one
// audit chain: every mutation's entry follows the one before, whichever
// handle wrote it, and the whole trail verifies through either.
func TestBeyond3AuditChainTwoServers(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ctx := f.ctx
		servers := []Store{f.Store, f.second(t)}
		before, err := f.VerifyAuditChain(ctx)
		if err != nil {
			t.Fatal(err)
		}
		const perServer = 12
		var wg sync.WaitGroup
		errs := make(chan error, 2*perServer)
		for s, db := range servers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < perServer; i++ {
					code := fmt.Sprintf("S%dA%d", s, i)
					if err := db.CreateAgency(ctx, &qms.Agency{Code: code, Name: code}); err != nil {
						errs <- err
						continue
					}
					// A write of the security rows, whose states the entry records.
					u := &qms.User{Username: fmt.Sprintf("s%d.u%d", s, i), Memberships: []qms.Membership{{AgencyCode: code, Role: qms.RoleStaff}}}
					if err := db.CreateUser(ctx, u, "ngua-o-123"); err != nil {
						errs <- err
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		for i, db := range servers {
			n, err := db.VerifyAuditChain(ctx)
			if err != nil || n != before+2*2*perServer {
				t.Fatalf("verified through handle %d: %d entries (want %d), %v", i, n, before+2*2*perServer, err)
			}
		}
	})
}

// TestBeyond3FilesServedByEveryServer: an uploaded file is kept by its
// SHA-256 in the database, once however often it is stored, and any
// handle returns its exact bytes.
func TestBeyond3FilesServedByEveryServer(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ctx := f.ctx
		other := f.second(t)
		data := append([]byte("%PDF-1.7\n"), 0, 1, 2, 0xff, 0xfe)
		ref, err := f.PutFile(ctx, "minh-chung.pdf", "application/pdf", data)
		if err != nil || len(ref.SHA256) != 64 || ref.Size != int64(len(data)) {
			t.Fatalf("put = %+v, %v", ref, err)
		}
		if again, err := other.PutFile(ctx, "ban-sao.pdf", "application/pdf", data); err != nil || again.SHA256 != ref.SHA256 {
			t.Fatalf("same bytes again = %+v, %v", again, err)
		}
		got, gotRef, err := other.GetFile(ctx, ref.SHA256)
		if err != nil || string(got) != string(data) || gotRef.ContentType != "application/pdf" || gotRef.Size != ref.Size {
			t.Fatalf("get through the other handle = %q %+v, %v", got, gotRef, err)
		}
		if _, _, err := f.GetFile(ctx, strings.Repeat("0", 64)); qms.ErrorCode(err) != qms.ENOTFOUND {
			t.Fatalf("unknown file: %v", err)
		}
		action := "file.store"
		if es, _, err := f.FindAuditEntries(ctx, qms.AuditFilter{Action: &action}); err != nil || len(es) != 1 {
			t.Fatalf("stored %d times in the trail, %v", len(es), err)
		}
	})
}

// TestOneSource1ReadsSeeOtherHandles: what another handle on the file
// (the qms CLI, a second server) commits is in the very next read of this
// one: the caller and its token, the task and dossier lists, the
// catalogue's names. Nothing waits for a watch to notice.
func TestOneSource1ReadsSeeOtherHandles(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		server, sys := f.Store, f.ctx
		staff, _, _ := receiptFixture(t, f)
		other := f.second(t)
		u := &qms.User{Username: "can.bo", FullName: "Cán bộ", Memberships: []qms.Membership{{AgencyCode: "SVHTT", Role: qms.RoleStaff}}}
		if err := other.CreateUser(sys, u, "ngua-o-123"); err != nil {
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
		name := qmstest.SampleTTHC()[0].Name
		renamed := qmstest.SampleTTHC()
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
	})
}
