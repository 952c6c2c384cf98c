package web_test

import (
	"context"
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/authz"
	"isodt/qms/web"
)

// follow wires the server's rules to the store's change feed as qms serve
// does, and opens a second handle on the same file: another server or the
// qms CLI writing while this one runs.
func (a *app) follow() web.StoreUnderTest {
	a.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	az := a.srv.Deps.Authz.(*authz.Authorizer)
	changes := a.db.Changes(ctx)
	if err := az.Reload(); err != nil { // what changed before the subscription
		a.t.Fatal(err)
	}
	followed := make(chan struct{})
	go func() {
		defer close(followed)
		az.Follow(changes, func(err error) { a.t.Errorf("reload: %v", err) })
	}()
	// Before the store closes (cleanups run last first): no reload then.
	a.t.Cleanup(func() { cancel(); <-followed })
	return a.second()
}

// within polls ok until it holds, failing the test after d.
func within(t *testing.T, d time.Duration, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(d); !ok(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, d)
		}
	}
}

// TestOneSource2ForeignWrites: a change committed through another handle
// on the database file (the qms CLI, a second server) rules this server's
// answers within a second, also when this server commits a write of its
// own between the foreign write and the next request.
func TestOneSource2ForeignWrites(t *testing.T) {
	sys := qms.WithActor(context.Background(), qms.SystemActor("cli"))
	// fixture is one case's server, the other handle and what the probe uses.
	type fixture struct {
		a       *app
		other   web.StoreUnderTest
		token   string
		session session
	}
	status := func(f *fixture, target string) int {
		return f.a.api("GET", target, f.token, "").StatusCode
	}
	// canReadAudit: GET /api/v1/audit needs role auditor (a-staff has not).
	canReadAudit := func(f *fixture) bool { return status(f, "/api/v1/audit") == 200 }
	signedIn := func(f *fixture) bool {
		return status(f, "/api/v1/me") == 200 || f.a.do("GET", "/tasks", &f.session, nil).StatusCode == 200
	}
	staff := func(f *fixture) int64 { return f.a.users["a-staff"].ID }
	tests := []struct {
		name   string
		setup  func(t *testing.T, f *fixture)
		probe  func(f *fixture) bool
		before bool
		write  func(t *testing.T, f *fixture) error
		after  bool
	}{
		{"user and membership added by the CLI", func(t *testing.T, f *fixture) { f.token = "" },
			func(f *fixture) bool { return f.token != "" && status(f, "/api/v1/me") == 200 }, false,
			func(t *testing.T, f *fixture) error {
				u := &qms.User{Username: "moi", FullName: "Người mới", Memberships: []qms.Membership{{AgencyCode: "A", Role: qms.RoleStaff}}}
				if err := f.other.CreateUser(sys, u, "ngua-o-123"); err != nil {
					return err
				}
				secret, _, err := f.other.CreateAPIToken(sys, u.ID, "một cửa", 0)
				f.token = secret
				return err
			}, true},
		{"membership added", nil, canReadAudit, false,
			func(t *testing.T, f *fixture) error {
				_, err := f.other.SetMembership(sys, staff(f), qms.Membership{AgencyCode: "A", Role: qms.RoleAuditor}, false)
				return err
			}, true},
		{"role removed", func(t *testing.T, f *fixture) {
			if _, err := f.a.db.SetMembership(sys, staff(f), qms.Membership{AgencyCode: "A", Role: qms.RoleAuditor}, false); err != nil {
				t.Fatal(err)
			}
			if err := f.a.srv.Deps.Authz.Reload(); err != nil { // as the web page granting it does
				t.Fatal(err)
			}
		}, canReadAudit, true,
			func(t *testing.T, f *fixture) error {
				_, err := f.other.SetMembership(sys, staff(f), qms.Membership{AgencyCode: "A", Role: qms.RoleAuditor}, true)
				return err
			}, false},
		{"policy rule added", nil, canReadAudit, false,
			func(t *testing.T, f *fixture) error {
				return f.other.AddPolicyRule(sys, []string{"staff", "*", "audit", "read"})
			}, true},
		{"user disabled: token and session refused", nil, signedIn, true,
			func(t *testing.T, f *fixture) error {
				off := true
				_, err := f.other.UpdateUser(sys, staff(f), qms.UserUpdate{Disabled: &off})
				return err
			}, false},
	}
	for _, tt := range tests {
		for _, interleave := range []bool{false, true} {
			name := tt.name
			if interleave {
				name += ", then this server commits"
			}
			t.Run(name, func(t *testing.T) {
				a := newApp(t)
				f := &fixture{a: a, other: a.follow(), token: a.token("a-staff"), session: a.login("a-staff")}
				if tt.setup != nil {
					tt.setup(t, f)
				}
				if got := tt.probe(f); got != tt.before {
					t.Fatalf("before the foreign write: %v, want %v", got, tt.before)
				}
				if err := tt.write(t, f); err != nil {
					t.Fatal(err)
				}
				if interleave {
					// A write of this server, of data unrelated to the
					// foreign one, lands between the foreign write and
					// the check: the foreign one must not pass for seen.
					if _, _, err := a.db.ImportTTHC(sys, "A", []qms.TTHC{{Code: "2.000001", Name: "Thủ tục khác", Field: "Văn hóa", TimeLimitDays: 3}}); err != nil {
						t.Fatal(err)
					}
				}
				within(t, time.Second, "the foreign write ruling this server", func() bool { return tt.probe(f) == tt.after })
			})
		}
	}
}

// TestOneSource2ForeignCalendarOverride: a day off added through another
// handle moves the due time of the next dossier this server receives.
func TestOneSource2ForeignCalendarOverride(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	other := a.follow()
	tok := a.token("a-staff")
	// The next day: a receipt is dated at most qms.MaxReceiptAge back.
	a.clock.Set(time.Date(2026, 3, 3, 2, 0, 0, 0, time.UTC))
	// Received Monday 2 March 2026, 09:00 in Hà Nội; 5 working days.
	receive := func() time.Time {
		t.Helper()
		var d struct {
			DueAt time.Time `json:"due_at"`
		}
		resp := a.api("POST", "/api/v1/dossiers", tok, `{"tthc_code":"1.000001","applicant":{"name":"Trần Thị B"},"channel":"online","received_at":"2026-03-02T02:00:00Z"}`)
		if resp.StatusCode != 201 {
			t.Fatalf("receive: %d %s", resp.StatusCode, bodyOf(t, resp))
		}
		decode(t, resp, &d)
		return d.DueAt
	}
	due := receive()
	sys := qms.WithActor(context.Background(), qms.SystemActor("cli"))
	if err := other.SetCalendarOverride(sys, qms.CalendarOverride{Date: "2026-03-04", Kind: "off", Name: "Nghỉ bù"}, false); err != nil {
		t.Fatal(err)
	}
	within(t, time.Second, "the day off in the due time", func() bool { return receive().After(due) })
}
