package storetest_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"isodt/qms"
)

func TestAuthenticateThrottles(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ctx := f.ctx
		u := &qms.User{Username: "lan", Memberships: []qms.Membership{{AgencyCode: "SYS", Role: qms.RoleStaff}}}
		if err := f.CreateUser(ctx, u, "đúng mật khẩu rồi"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.Authenticate(ctx, "LAN", "đúng mật khẩu rồi", ""); err != nil {
			t.Fatalf("good login: %v", err)
		}
		if _, err := f.Authenticate(ctx, "ghost", "whatever1", ""); qms.ErrorCode(err) != qms.EUNAUTHORIZED {
			t.Fatalf("unknown user: %v", err)
		}
		for i := 1; i < qms.MaxLoginFailures; i++ {
			if _, err := f.Authenticate(ctx, "lan", "sai", ""); qms.ErrorCode(err) != qms.EUNAUTHORIZED {
				t.Fatalf("failure %d: %v", i, err)
			}
		}
		if _, err := f.Authenticate(ctx, "lan", "sai", ""); qms.ErrorCode(err) != qms.ETOOMANY {
			t.Fatalf("5th failure should lock: %v", err)
		}
		if _, err := f.Authenticate(ctx, "lan", "đúng mật khẩu rồi", ""); qms.ErrorCode(err) != qms.ETOOMANY {
			t.Fatalf("locked account let in: %v", err)
		}
		if _, err := f.Authenticate(ctx, "lan", "đúng mật khẩu rồi", "10.0.0.9"); err != nil {
			t.Fatalf("the owner at another address was locked out: %v", err)
		}
		action := "auth.lock"
		if es, _, _ := f.FindAuditEntries(ctx, qms.AuditFilter{Action: &action}); len(es) != 1 {
			t.Fatalf("lock audited %d times", len(es))
		}
		if n, err := f.UnlockLogin(ctx, "lan"); err != nil || n != 1 {
			t.Fatalf("unlock = %d, %v", n, err)
		}
		if _, err := f.Authenticate(ctx, "lan", "đúng mật khẩu rồi", ""); err != nil {
			t.Fatalf("after unlock: %v", err)
		}
		for i := 0; i < qms.MaxLoginFailures; i++ {
			f.Authenticate(ctx, "lan", "sai", "")
		}
		f.clk.Add(qms.LoginLockDuration + time.Second)
		if _, err := f.Authenticate(ctx, "lan", "đúng mật khẩu rồi", ""); err != nil {
			t.Fatalf("after lock: %v", err)
		}
	})
}

// TestAuthenticateThrottlesAddressAcrossUsernames: one password tried on
// many usernames from one address locks the address for every username
// (the owner elsewhere still signs in); a lock refuses without counting;
// a success empties nothing; the count leaks one a minute.
func TestAuthenticateThrottlesAddressAcrossUsernames(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ctx := f.ctx
		u := &qms.User{Username: "lan", Memberships: []qms.Membership{{AgencyCode: "SYS", Role: qms.RoleStaff}}}
		if err := f.CreateUser(ctx, u, "đúng mật khẩu rồi"); err != nil {
			t.Fatal(err)
		}
		const sprayer = "203.0.113.7"
		spray := func(n int) {
			t.Helper()
			for i := 0; i < n; i++ {
				if _, err := f.Authenticate(ctx, fmt.Sprintf("nv%02d", i), "123456", sprayer); qms.ErrorCode(err) != qms.EUNAUTHORIZED {
					t.Fatalf("guess %d: %v, want a plain refusal", i+1, err)
				}
			}
		}
		spray(qms.MaxAddrLoginFailures - 1)
		_, err := f.Authenticate(ctx, "nv99", "123456", sprayer)
		if qms.ErrorCode(err) != qms.ETOOMANY || !strings.Contains(qms.ErrorMessage(err), "Địa chỉ của bạn") || !qms.StartsLock(err) {
			t.Fatalf("the limit-th guess: %v, want the address locked, by this guess", err)
		}
		if _, err := f.Authenticate(ctx, "lan", "đúng mật khẩu rồi", sprayer); qms.ErrorCode(err) != qms.ETOOMANY {
			t.Fatalf("a right password from the locked address: %v", err)
		}
		if _, err := f.Authenticate(ctx, "lan", "đúng mật khẩu rồi", "198.51.100.2"); err != nil {
			t.Fatalf("the owner at another address was locked out: %v", err)
		}
		for i := 0; i < 3; i++ { // refused, neither counted nor audited again
			if _, err := f.Authenticate(ctx, "nv50", "123456", sprayer); qms.ErrorCode(err) != qms.ETOOMANY || qms.StartsLock(err) {
				t.Fatalf("a guess during the lock: %v, want the lock in force", err)
			}
		}
		// The actor is the anonymous client, not the username last guessed.
		action := "auth.lock_addr"
		if es, _, _ := f.FindAuditEntries(ctx, qms.AuditFilter{Action: &action}); len(es) != 1 || es[0].ObjectID != sprayer || es[0].Actor != qms.PublicActorName {
			t.Fatalf("address lock audited as %+v", es)
		}
		// After the lock half the bucket has leaked: the owner signs in,
		// which empties nothing, and half the limit locks again.
		f.clk.Add(qms.LoginLockDuration + time.Second)
		if _, err := f.Authenticate(ctx, "lan", "đúng mật khẩu rồi", sprayer); err != nil {
			t.Fatalf("after the lock: %v", err)
		}
		left := qms.MaxAddrLoginFailures - int(qms.LoginLockDuration/qms.AddrFailureLeak)
		spray(qms.MaxAddrLoginFailures - left - 1)
		if _, err := f.Authenticate(ctx, "nv99", "123456", sprayer); qms.ErrorCode(err) != qms.ETOOMANY {
			t.Fatalf("the bucket was emptied by a success or not kept: %v", err)
		}
		if es, _, _ := f.FindAuditEntries(ctx, qms.AuditFilter{Action: &action}); len(es) != 2 {
			t.Fatalf("second lock audited %d times in all", len(es))
		}
	})
}

// TestUnlockAddress: an address locked across usernames is unlocked by
// the system admin under any spelling of it (an IPv6 address by its
// /64), audited under SYS; a username's own lock at the address stays;
// an agency admin may not unlock it; an address that does not parse is
// refused, not kept as written and reported as "0 cleared".
func TestUnlockAddress(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ctx := f.ctx
		if err := f.CreateAgency(ctx, &qms.Agency{Code: "STTTT", Name: "Sở Thông tin và Truyền thông"}); err != nil {
			t.Fatal(err)
		}
		for _, u := range []*qms.User{
			{Username: "lan", Memberships: []qms.Membership{{AgencyCode: "STTTT", Role: qms.RoleStaff}}},
			{Username: "minh", Memberships: []qms.Membership{{AgencyCode: "STTTT", Role: qms.RoleStaff}}},
			{Username: "qtv", Memberships: []qms.Membership{{AgencyCode: "STTTT", Role: qms.RoleAdmin}}},
		} {
			if err := f.CreateUser(ctx, u, "đúng mật khẩu rồi"); err != nil {
				t.Fatal(err)
			}
		}
		qtv, err := f.FindUserByUsername(ctx, "qtv")
		if err != nil {
			t.Fatal(err)
		}
		agencyAdmin := qms.WithActor(ctx, qms.Actor{UserID: qtv.ID, Username: "qtv", AgencyCode: "STTTT"})

		// lan's own lock at the address, then guesses on other usernames
		// up to the address's limit: 30 wrong passwords in all.
		const office = "203.0.113.5"
		var guessErr error
		for i := 0; i < qms.MaxAddrLoginFailures; i++ {
			username := "lan"
			if i >= qms.MaxLoginFailures {
				username = fmt.Sprintf("nv%02d", i)
			}
			_, guessErr = f.Authenticate(ctx, username, "123456", office)
		}
		if !qms.StartsLock(guessErr) || !strings.Contains(qms.ErrorMessage(guessErr), "Địa chỉ của bạn") {
			t.Fatalf("the %dth wrong password: %v, want the address locked by it", qms.MaxAddrLoginFailures, guessErr)
		}
		if _, err := f.Authenticate(ctx, "minh", "đúng mật khẩu rồi", office); qms.ErrorCode(err) != qms.ETOOMANY {
			t.Fatalf("a right password from the locked address: %v", err)
		}

		if n, err := f.UnlockAddress(agencyAdmin, office); qms.ErrorCode(err) != qms.EFORBIDDEN || n != 0 {
			t.Fatalf("an agency admin unlocking an address: %d, %v; want EFORBIDDEN", n, err)
		}
		for _, bad := range []string{"không-phải-địa-chỉ", "", "-", "203.0.113", "203.0.113.0/24", "2001:db8::/48"} {
			if n, err := f.UnlockAddress(ctx, bad); qms.ErrorCode(err) != qms.EINVALID || n != 0 || !strings.Contains(qms.ErrorMessage(err), fmt.Sprintf("%q", bad)) {
				t.Errorf("unlock %q: %d, %v; want EINVALID naming it", bad, n, err)
			}
		}
		if _, err := f.Authenticate(ctx, "minh", "đúng mật khẩu rồi", office); qms.ErrorCode(err) != qms.ETOOMANY {
			t.Fatalf("the address unlocked by a refused call: %v", err)
		}

		if n, err := f.UnlockAddress(ctx, "::ffff:"+office); err != nil || n != 1 {
			t.Fatalf("unlock the address written as IPv6: %d, %v; want 1 cleared", n, err)
		}
		if _, err := f.Authenticate(ctx, "minh", "đúng mật khẩu rồi", office); err != nil {
			t.Fatalf("a right password after the unlock: %v", err)
		}
		if _, err := f.Authenticate(ctx, "lan", "đúng mật khẩu rồi", office); qms.ErrorCode(err) != qms.ETOOMANY || strings.Contains(qms.ErrorMessage(err), "Địa chỉ của bạn") {
			t.Fatalf("lan's own lock at the address: %v, want it kept", err)
		}
		action := "auth.unlock_addr"
		es, _, err := f.FindAuditEntries(ctx, qms.AuditFilter{Action: &action})
		if err != nil || len(es) != 1 {
			t.Fatalf("unlock audited %d times (%v), want once", len(es), err)
		}
		if e := es[0]; e.AgencyCode != qms.SystemAgencyCode || e.ObjectType != "login_addr" || e.ObjectID != office || e.Actor != "system:test" {
			t.Fatalf("unlock audited as %+v", e)
		}
		if n, err := f.UnlockAddress(ctx, office); err != nil || n != 0 {
			t.Fatalf("unlock an address not locked: %d, %v; want 0 cleared", n, err)
		}
		if es, _, _ := f.FindAuditEntries(ctx, qms.AuditFilter{Action: &action}); len(es) != 1 {
			t.Fatalf("nothing cleared but audited: %d entries", len(es))
		}

		// An IPv6 client is locked by its /64: any address of it unlocks it.
		for i := 0; i < qms.MaxAddrLoginFailures; i++ {
			_, guessErr = f.Authenticate(ctx, fmt.Sprintf("nv%02d", i), "123456", fmt.Sprintf("2001:db8:7:7::%x", i+1))
		}
		if !qms.StartsLock(guessErr) {
			t.Fatalf("guesses from one /64: %v, want it locked", guessErr)
		}
		if n, err := f.UnlockAddress(ctx, "2001:db8:7:7:ffff::1"); err != nil || n != 1 {
			t.Fatalf("unlock another address of the /64: %d, %v; want 1 cleared", n, err)
		}
		if _, err := f.Authenticate(ctx, "minh", "đúng mật khẩu rồi", "2001:db8:7:7::1"); err != nil {
			t.Fatalf("a right password from the /64 after the unlock: %v", err)
		}
		id := "2001:db8:7:7::/64"
		if es, _, _ := f.FindAuditEntries(ctx, qms.AuditFilter{Action: &action, ObjectID: &id}); len(es) != 1 {
			t.Fatalf("the /64's unlock audited %d times under %s", len(es), id)
		}
	})
}

// TestAuthenticateAddressKeysAndOverlongInput: the address's count
// cannot be dodged: addresses of one IPv6 /64 and an IPv4 address written
// as IPv6 count as one, and input too long to be any account's is counted
// at the address (not compared).
func TestAuthenticateAddressKeysAndOverlongInput(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ctx := f.ctx
		for _, tc := range []struct {
			name  string
			guess func(i int) (username, password, addr string)
		}{
			{"one IPv6 /64", func(i int) (string, string, string) {
				return fmt.Sprintf("nv%02d", i), "123456", fmt.Sprintf("2001:db8:7:7::%x", i+1)
			}},
			{"IPv4 as itself and as IPv6", func(i int) (string, string, string) {
				return fmt.Sprintf("nv%02d", i), "123456", []string{"203.0.113.9", "::ffff:203.0.113.9"}[i%2]
			}},
			{"over-long usernames", func(i int) (string, string, string) {
				return strings.Repeat("ư", qms.MaxUsernameLen) + fmt.Sprint(i), "123456", "198.51.100.77"
			}},
			{"over-long passwords", func(i int) (string, string, string) {
				return "admin", strings.Repeat("x", qms.MaxPasswordLen+1), "198.51.100.78"
			}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var err error
				for i := 0; i < qms.MaxAddrLoginFailures; i++ {
					username, password, addr := tc.guess(i)
					if _, err = f.Authenticate(ctx, username, password, addr); qms.ErrorCode(err) == qms.ETOOMANY {
						break
					}
				}
				if !qms.StartsLock(err) || !strings.Contains(qms.ErrorMessage(err), "Địa chỉ của bạn") {
					t.Fatalf("%d guesses: %v, want the address locked by the last", qms.MaxAddrLoginFailures, err)
				}
			})
		}
	})
}

// TestSessionRefusedAfterPasswordChange: a login that checked the
// password before a change (or reset) committed gets no session or token
// after it; one that checked the current password does.
func TestSessionRefusedAfterPasswordChange(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ctx := f.ctx
		u := &qms.User{Username: "lan", Memberships: []qms.Membership{{AgencyCode: "SYS", Role: qms.RoleStaff}}}
		if err := f.CreateUser(ctx, u, "ngua-o-cu-1"); err != nil {
			t.Fatal(err)
		}
		checked, err := f.Authenticate(ctx, "lan", "ngua-o-cu-1", "")
		if err != nil || checked.PasswordStamp == "" {
			t.Fatalf("login: %+v, %v; want a stamped user", checked, err)
		}
		opened := qms.WithCheckedPassword(qms.WithActor(ctx, qms.Actor{UserID: u.ID, Username: "lan", AgencyCode: "SYS"}), checked.PasswordStamp)
		if _, _, err := f.CreateSession(opened, u.ID, "SYS"); err != nil {
			t.Fatalf("a session of the password in force: %v", err)
		}
		if err := f.SetPassword(ctx, u.ID, "ngua-o-moi-2"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.CreateSession(opened, u.ID, "SYS"); err != qms.ErrPasswordChanged {
			t.Fatalf("a session of the old password after the change: %v, want ErrPasswordChanged", err)
		}
		if _, _, err := f.CreateAPIToken(opened, u.ID, "api", 0); err != qms.ErrPasswordChanged {
			t.Fatalf("a token of the old password after the change: %v, want ErrPasswordChanged", err)
		}
		if _, _, err := f.CreateAPIToken(ctx, u.ID, "cli", 0); err != nil {
			t.Fatalf("a token made by the system, no password checked: %v", err)
		}
		again, err := f.Authenticate(ctx, "lan", "ngua-o-moi-2", "")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.CreateSession(qms.WithCheckedPassword(opened, again.PasswordStamp), u.ID, "SYS"); err != nil {
			t.Fatalf("a session of the new password: %v", err)
		}
	})
}

// TestOwnPasswordChangesTakeTurns: two changes of one's own password
// that both checked the current one (sent at once, outsider pass 21):
// the second to write finds it replaced and is refused, so the first,
// the owner's, is the password; before, both went through and the
// second, whoever sent it, silently replaced the owner's.
func TestOwnPasswordChangesTakeTurns(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ctx := f.ctx
		u := &qms.User{Username: "lan", Memberships: []qms.Membership{{AgencyCode: "SYS", Role: qms.RoleStaff}}}
		if err := f.CreateUser(ctx, u, "ngua-o-cu-1"); err != nil {
			t.Fatal(err)
		}
		owner := qms.WithActor(ctx, qms.Actor{UserID: u.ID, Username: "lan", AgencyCode: "SYS"})
		var stamps []string
		for range 2 {
			checked, err := f.Authenticate(ctx, "lan", "ngua-o-cu-1", "")
			if err != nil {
				t.Fatal(err)
			}
			stamps = append(stamps, checked.PasswordStamp)
		}
		if err := f.SetPassword(qms.WithCheckedPassword(owner, stamps[0]), u.ID, "cua-chu-tai-khoan-2"); err != nil {
			t.Fatalf("the first change: %v", err)
		}
		if err := f.SetPassword(qms.WithCheckedPassword(owner, stamps[1]), u.ID, "cua-nguoi-khac-3"); err != qms.ErrPasswordChanged {
			t.Fatalf("the second change, of the password replaced: %v, want ErrPasswordChanged", err)
		}
		if _, err := f.Authenticate(ctx, "lan", "cua-chu-tai-khoan-2", ""); err != nil {
			t.Fatalf("the first change's password: %v", err)
		}
	})
}

func TestSessions(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ctx := f.ctx
		admin, _ := f.FindUserByUsername(ctx, "admin")
		if err := f.CreateAgency(ctx, &qms.Agency{Code: "A", Name: "Sở A"}); err != nil {
			t.Fatal(err)
		}
		token, s, err := f.CreateSession(ctx, admin.ID, "SYS")
		if err != nil || s.CSRFToken == "" {
			t.Fatal(err)
		}
		if got, err := f.FindSession(ctx, token); err != nil || got.UserID != admin.ID || got.AgencyCode != "SYS" {
			t.Fatalf("session = %+v, %v", got, err)
		}
		if err := f.SwitchSessionAgency(ctx, s, "A"); qms.ErrorCode(err) != qms.EFORBIDDEN {
			t.Fatalf("switched to an agency without a role there: %v", err)
		}
		if _, err := f.SetMembership(ctx, admin.ID, qms.Membership{AgencyCode: "A", Role: qms.RoleAuditor}, false); err != nil {
			t.Fatal(err)
		}
		if err := f.SwitchSessionAgency(ctx, s, "A"); err != nil {
			t.Fatal(err)
		}
		// The session's user, read with the session, is the user as
		// FindUserByID reads it: every membership, in the same order.
		sameUser := func(what string, got *qms.User) {
			t.Helper()
			want, err := f.FindUserByID(ctx, admin.ID)
			if err != nil || got == nil || got.ID != want.ID || got.Username != want.Username || got.FullName != want.FullName ||
				got.Disabled != want.Disabled || !got.CreatedAt.Equal(want.CreatedAt) || !slices.Equal(got.Memberships, want.Memberships) || len(want.Memberships) != 2 {
				t.Fatalf("%s: %+v, want %+v (%v)", what, got, want, err)
			}
		}
		if got, u, err := f.FindSessionUser(ctx, token); err != nil || got.AgencyCode != "A" {
			t.Fatalf("session with its user = %+v, %v", got, err)
		} else {
			sameUser("the session's user", u)
		}
		f.clk.Add(90 * time.Second)
		if err := f.TouchSession(ctx, s); err != nil {
			t.Fatal(err)
		}
		if got, err := f.FindSession(ctx, token); err != nil || got.AgencyCode != "A" || !got.LastSeenAt.Equal(f.clk.Now()) {
			t.Fatalf("after switch and touch = %+v, %v", got, err)
		}
		f.clk.Add(qms.SessionIdle + time.Minute)
		if _, err := f.FindSession(ctx, token); qms.ErrorCode(err) != qms.EUNAUTHORIZED {
			t.Fatalf("idle session still valid: %v", err)
		}
		if err := f.DeleteSession(ctx, token); err != nil {
			t.Fatal(err)
		}
		if _, err := f.FindSession(ctx, token); qms.ErrorCode(err) != qms.ENOTFOUND {
			t.Fatalf("deleted session found: %v", err)
		}
		secret, tok, err := f.CreateAPIToken(ctx, admin.ID, "ci", 0)
		if err != nil {
			t.Fatal(err)
		}
		if u, err := f.FindUserByAPIToken(ctx, secret); err != nil {
			t.Fatalf("token user = %v, %v", u, err)
		} else {
			sameUser("the token's user", u)
		}
		if _, err := f.FindUserByAPIToken(ctx, secret+"x"); qms.ErrorCode(err) != qms.EUNAUTHORIZED {
			t.Fatalf("bad token: %v", err)
		}
		ts, err := f.FindAPITokens(ctx, qms.TokenFilter{Prefix: &secret})
		if err != nil || len(ts) != 1 || ts[0].ID != tok.ID || ts[0].Username != "admin" || ts[0].LastUsedAt == nil {
			t.Fatalf("tokens by prefix = %+v, %v", ts, err)
		}
		if n, err := f.RevokeAPITokens(ctx, qms.TokenFilter{ID: &tok.ID}); err != nil || n != 1 {
			t.Fatalf("revoke = %d, %v", n, err)
		}
		if _, err := f.FindUserByAPIToken(ctx, secret); qms.ErrorCode(err) != qms.EUNAUTHORIZED {
			t.Fatalf("revoked token still valid: %v", err)
		}
		// A new password ends every session and token of the account.
		token, _, _ = f.CreateSession(ctx, admin.ID, "SYS")
		secret, _, _ = f.CreateAPIToken(ctx, admin.ID, "ci", 0)
		if err := f.SetPassword(ctx, admin.ID, "ngua-o-moi-456"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.FindSession(ctx, token); qms.ErrorCode(err) != qms.ENOTFOUND {
			t.Fatalf("session outlived the password: %v", err)
		}
		if _, err := f.FindUserByAPIToken(ctx, secret); qms.ErrorCode(err) != qms.EUNAUTHORIZED {
			t.Fatalf("token outlived the password: %v", err)
		}
		if _, err := f.Authenticate(ctx, "admin", "ngua-o-moi-456", ""); err != nil {
			t.Fatalf("new password: %v", err)
		}
		if n, err := f.VerifyAuditChain(ctx); err != nil {
			t.Fatalf("chain after the session writes: %d, %v", n, err)
		}
	})
}

// TestOneSourceSpeedMemberNames: the delegation form's names are the
// enabled users with a role in the agency itself, each once, by name;
// not a disabled user, nor one of an agency under it or beside it.
func TestOneSourceSpeedMemberNames(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys := f.ctx
		createAgencies(t, f, qms.Agency{Code: "SVHTT", Name: "Sở VHTT"}, qms.Agency{Code: "PVH", Name: "Phòng Văn hóa", ParentCode: "SVHTT"}, qms.Agency{Code: "STP", Name: "Sở TP"})
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
			if err := f.CreateUser(sys, usr, "ngua-o-123"); err != nil {
				t.Fatal(err)
			}
			if u.name == "b.disabled" {
				yes := true
				if _, err := f.UpdateUser(sys, usr.ID, qms.UserUpdate{Disabled: &yes}); err != nil {
					t.Fatal(err)
				}
			}
		}
		people, err := f.MemberNames(sys, "SVHTT")
		var names []string
		for _, p := range people {
			names = append(names, p.Username)
		}
		if got := fmt.Sprint(names); err != nil || got != "[a.leader c.staff]" {
			t.Fatalf("member names %s, %v", got, err)
		}
	})
}

// TestSeedPolicyUpgradeKeepsRemovals: seeding a newer default policy adds
// only its new rows: a default row an administrator removed stays removed.
func TestSeedPolicyUpgradeKeepsRemovals(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ctx := f.ctx
		removed := []string{"staff", "*", "tthc", "read"}
		if err := f.RemovePolicyRule(ctx, removed); err != nil {
			t.Fatal(err)
		}
		newer := [][]string{removed, {"staff", "*", "new_object", "read"}}
		n, err := f.SeedPolicy(ctx, newer)
		if err != nil || n != 1 {
			t.Fatalf("seeded %d rows, %v; want only the new one", n, err)
		}
		rules, _ := f.PolicyRules(ctx)
		for _, r := range rules {
			if r[0] == "staff" && r[2] == "tthc" && r[3] == "read" {
				t.Fatal("a removed default row came back")
			}
		}
	})
}

// TestPasswordUnicodeForms: a Vietnamese password is the same password
// whether the keyboard sends "ự" as one character (NFC) or as u, a horn
// and a dot below (NFD, Unikey's "Unicode tổ hợp", a macOS terminal):
// set in one form, it logs in typed in the other.
func TestPasswordUnicodeForms(t *testing.T) {
	const nfc, nfd = "ngựa-ô-bánh-đa-mây-bảy", "ngu\u031b\u0323a-o\u0302-ba\u0301nh-đa-ma\u0302y-ba\u0309y"
	eachStore(t, func(t *testing.T, f *fixture) {
		ctx := f.ctx
		for _, tc := range []struct{ user, set, login string }{
			{"nfd", nfd, nfc},
			{"nfc", nfc, nfd},
		} {
			u := &qms.User{Username: tc.user, Memberships: []qms.Membership{{AgencyCode: "SYS", Role: qms.RoleStaff}}}
			if err := f.CreateUser(ctx, u, tc.set); err != nil {
				t.Fatal(err)
			}
			for _, login := range []string{tc.set, tc.login} {
				if _, err := f.Authenticate(ctx, tc.user, login, "10.0.0.5"); err != nil {
					t.Errorf("%s: login with %+q after setting %+q: %v", tc.user, login, tc.set, err)
				}
			}
		}
	})
}
