package storetest_test

import (
	"context"
	"maps"
	"slices"
	"testing"

	"isodt/qms"
)

func TestBootstrapIsIdempotent(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		pw, err := f.Bootstrap(f.ctx, nil)
		if err != nil || pw != "" {
			t.Fatalf("second bootstrap = %q, %v", pw, err)
		}
		u, err := f.FindUserByUsername(f.ctx, "admin")
		if err != nil || !u.HasRole(qms.SystemAgencyCode, qms.RoleAdmin) {
			t.Fatalf("admin = %+v, %v", u, err)
		}
	})
}

func TestAgencies(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ctx := f.ctx
		mustCreate := func(code, parent string) {
			t.Helper()
			if err := f.CreateAgency(ctx, &qms.Agency{Code: code, Name: "Đơn vị " + code, ParentCode: parent}); err != nil {
				t.Fatal(err)
			}
		}
		mustCreate("UBND", "")
		mustCreate("STTTT", "UBND")
		mustCreate("PHONG1", "STTTT")
		tests := []struct {
			name string
			a    qms.Agency
			code string
		}{
			{"duplicate", qms.Agency{Code: "sttTT", Name: "x"}, qms.ECONFLICT},
			{"unknown parent", qms.Agency{Code: "NEW", Name: "x", ParentCode: "NOPE"}, qms.EINVALID},
			{"empty name", qms.Agency{Code: "NEW"}, qms.EINVALID},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if err := f.CreateAgency(ctx, &tt.a); qms.ErrorCode(err) != tt.code {
					t.Fatalf("err = %v, want %s", err, tt.code)
				}
			})
		}
		within := "STTTT"
		as, err := f.FindAgencies(ctx, qms.AgencyFilter{Within: &within})
		if err != nil || len(as) != 2 {
			t.Fatalf("within STTTT = %d agencies, %v", len(as), err)
		}
		if in, err := f.IsWithin(ctx, "PHONG1", "UBND"); err != nil || !in {
			t.Fatalf("PHONG1 within UBND = %v, %v", in, err)
		}
		parent := "PHONG1"
		if _, err := f.UpdateAgency(ctx, "UBND", qms.AgencyUpdate{ParentCode: &parent}); qms.ErrorCode(err) != qms.EINVALID {
			t.Fatalf("cycle accepted: %v", err)
		}
		name := "Sở Thông tin và Truyền thông"
		if a, err := f.UpdateAgency(ctx, "STTTT", qms.AgencyUpdate{Name: &name}); err != nil || a.Name != name || a.ParentCode != "UBND" {
			t.Fatalf("renamed = %+v, %v", a, err)
		}
		if a, err := f.FindAgencyByCode(ctx, " stttt"); err != nil || a.Name != name || a.ID == 0 {
			t.Fatalf("found = %+v, %v", a, err)
		}
		if _, err := f.FindAgencyByCode(ctx, "NOPE"); qms.ErrorCode(err) != qms.ENOTFOUND {
			t.Fatalf("unknown agency: %v", err)
		}
	})
}

func TestCreateUserUnknownAgencyWritesNothing(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		before, _, _ := f.FindAuditEntries(f.ctx, qms.AuditFilter{})
		u := &qms.User{Username: "lan", Memberships: []qms.Membership{{AgencyCode: "NOPE", Role: qms.RoleStaff}}}
		if err := f.CreateUser(f.ctx, u, "mật khẩu dài"); qms.ErrorCode(err) != qms.EINVALID {
			t.Fatalf("err = %v", err)
		}
		if _, err := f.FindUserByUsername(f.ctx, "lan"); qms.ErrorCode(err) != qms.ENOTFOUND {
			t.Fatalf("half-written user: %v", err)
		}
		after, _, _ := f.FindAuditEntries(f.ctx, qms.AuditFilter{})
		if len(after) != len(before) {
			t.Fatalf("audit entries %d → %d", len(before), len(after))
		}
	})
}

// TestOwnRolesRefused (outsider pass 8): whatever way in, a user acting
// for an agency (its admin) or for the system agency does not grant or
// revoke a role of their own account; nothing is written. The system
// actor (the CLI) does, and so does another admin of the agency.
func TestOwnRolesRefused(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		if err := f.CreateAgency(f.ctx, &qms.Agency{Code: "A", Name: "Sở A"}); err != nil {
			t.Fatal(err)
		}
		admin, other := &qms.User{Username: "qt.a", Memberships: []qms.Membership{{AgencyCode: "A", Role: qms.RoleAdmin}}},
			&qms.User{Username: "qt.a.hai", Memberships: []qms.Membership{{AgencyCode: "A", Role: qms.RoleAdmin}}}
		for _, u := range []*qms.User{admin, other} {
			if err := f.CreateUser(f.ctx, u, "ngua-o-123"); err != nil {
				t.Fatal(err)
			}
		}
		sysAdmin, err := f.FindUserByUsername(f.ctx, "admin")
		if err != nil {
			t.Fatal(err)
		}
		as := func(u *qms.User, agency string) context.Context {
			return qms.WithActor(context.Background(), qms.Actor{UserID: u.ID, Username: u.Username, AgencyCode: agency})
		}
		for _, tc := range []struct {
			name   string
			ctx    context.Context
			user   *qms.User
			m      qms.Membership
			remove bool
		}{
			{"A's admin makes themselves leader", as(admin, "A"), admin, qms.Membership{AgencyCode: "A", Role: qms.RoleLeader}, false},
			{"A's admin drops their admin role", as(admin, "A"), admin, qms.Membership{AgencyCode: "A", Role: qms.RoleAdmin}, true},
			{"the system admin gives themselves a role in A", as(sysAdmin, qms.SystemAgencyCode), sysAdmin, qms.Membership{AgencyCode: "A", Role: qms.RoleAuditor}, false},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := auditCount(t, f, "user.grant") + auditCount(t, f, "user.revoke")
				if _, err := f.SetMembership(tc.ctx, tc.user.ID, tc.m, tc.remove); qms.ErrorCode(err) != qms.EFORBIDDEN {
					t.Fatalf("err = %v, want forbidden", err)
				}
				if after := auditCount(t, f, "user.grant") + auditCount(t, f, "user.revoke"); after != before {
					t.Fatal("a refused change of one's own roles was audited")
				}
				if u, err := f.FindUserByID(f.ctx, tc.user.ID); err != nil || !slices.Equal(u.Memberships, tc.user.Memberships) {
					t.Fatalf("roles now %+v, were %+v (%v)", u.Memberships, tc.user.Memberships, err)
				}
			})
		}
		for name, ctx := range map[string]context.Context{"another admin of A": as(other, "A"), "the CLI": f.ctx} {
			if _, err := f.SetMembership(ctx, admin.ID, qms.Membership{AgencyCode: "A", Role: qms.RoleStaff}, false); err != nil {
				t.Errorf("%s grants A's admin a role: %v", name, err)
			}
		}
	})
}

// TestUsersInByteOrder: lists come in the order SQLite gives, by the
// bytes of the text, whatever the PostgreSQL database's collation (a
// Vietnamese one puts "_" before "." and ignores case first).
func TestUsersInByteOrder(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		if err := f.CreateAgency(f.ctx, &qms.Agency{Code: "A", Name: "Sở A"}); err != nil {
			t.Fatal(err)
		}
		names := []string{"lanb", "lan_b", "lan.b", "lan-b", "lan0"}
		for _, n := range names {
			if err := f.CreateUser(f.ctx, &qms.User{Username: n, Memberships: []qms.Membership{{AgencyCode: "A", Role: qms.RoleStaff}}}, "ngua-o-123"); err != nil {
				t.Fatal(err)
			}
		}
		within := "A"
		us, err := f.FindUsers(f.ctx, qms.UserFilter{Within: &within})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, u := range us {
			got = append(got, u.Username)
		}
		want := slices.Clone(names)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("users = %v, want %v", got, want)
		}
		// The delegation form's names: the same order, disabled users left out.
		disabled := true
		if _, err := f.UpdateUser(f.ctx, us[0].ID, qms.UserUpdate{Disabled: &disabled}); err != nil {
			t.Fatal(err)
		}
		people, err := f.MemberNames(f.ctx, "A")
		var members []string
		for _, p := range people {
			members = append(members, p.Username)
		}
		if err != nil || !slices.Equal(members, want[1:]) {
			t.Fatalf("member names = %v %v, want %v", members, err, want[1:])
		}
	})
}

// TestPeopleNamed: a page's names in one query, unknown usernames left
// out, the bound refused.
func TestPeopleNamed(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		if err := f.CreateAgency(f.ctx, &qms.Agency{Code: "A", Name: "Sở A"}); err != nil {
			t.Fatal(err)
		}
		for _, u := range []qms.User{{Username: "lan", FullName: "Nguyễn Thị Lan"}, {Username: "minh", FullName: "Trần Văn Minh"}, {Username: "xuan"}} {
			u.Memberships = []qms.Membership{{AgencyCode: "A", Role: qms.RoleStaff}}
			if err := f.CreateUser(f.ctx, &u, "ngua-o-123"); err != nil {
				t.Fatal(err)
			}
		}
		got, err := f.PeopleNamed(f.ctx, []string{"minh", "khong-co", "lan", "xuan"})
		if err != nil {
			t.Fatal(err)
		}
		names := map[string]string{}
		for _, p := range got {
			names[p.Username] = p.FullName
		}
		want := map[string]string{"lan": "Nguyễn Thị Lan", "minh": "Trần Văn Minh", "xuan": ""}
		if !maps.Equal(names, want) {
			t.Errorf("names = %v, want %v", names, want)
		}
		if none, err := f.PeopleNamed(f.ctx, nil); err != nil || len(none) != 0 {
			t.Errorf("no usernames: %v %v", none, err)
		}
		if _, err := f.PeopleNamed(f.ctx, make([]string, qms.MaxPeopleNamed+1)); qms.ErrorCode(err) != qms.EINVALID {
			t.Errorf("over the bound: %v", err)
		}
	})
}

// TestOutsider5LegacyAgencyCodes: a new agency code with "-" is refused,
// while an agency created with one under the older rule is still read
// and updated.
func TestOutsider5LegacyAgencyCodes(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ctx := f.ctx
		if err := f.CreateAgency(ctx, &qms.Agency{Code: "STTTT-HN", Name: "Sở Hà Nội"}); qms.ErrorField(err) != "code" {
			t.Fatalf("a new code with '-': %v, want refused on code", err)
		}
		if err := f.exec(`INSERT INTO agencies (code, name, created_at, updated_at) VALUES ('STTTT-HN', 'Sở cũ', '', '')`); err != nil {
			t.Fatal(err)
		}
		if _, err := f.FindAgencyByCode(ctx, "STTTT-HN"); err != nil {
			t.Fatalf("read a legacy code: %v", err)
		}
		if _, err := f.UpdateAgency(ctx, "STTTT-HN", qms.AgencyUpdate{Name: ptr("Sở Thông tin và Truyền thông Hà Nội")}); err != nil {
			t.Fatalf("update a legacy code: %v", err)
		}
	})
}
