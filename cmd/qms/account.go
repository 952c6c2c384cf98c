package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"isodt/qms"
)

// cmdUserUnlock forgets a user's failed logins at every address, for an
// owner locked out by someone guessing from their own network; or, with
// --addr, ends the lock of an address across usernames, for an office
// behind one NAT address that would otherwise wait out the whole lock.
func cmdUserUnlock(ctx context.Context, e *env, args []string) error {
	fs, dbPath := newFlags(e, "user unlock")
	username := fs.String("username", "", "tên đăng nhập (dùng --username hoặc --addr)")
	addr := fs.String("addr", "", "địa chỉ IP bị chặn đăng nhập (IPv6: cả dải /64)")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if (*username == "") == (*addr == "") {
		return usagef("user unlock: dùng đúng một cách: --username U hoặc --addr A")
	}
	// The key, not what was typed, is printed: the operator sees which
	// IPv4 address or IPv6 /64 was cleared, as the audit trail names it.
	// A mistyped address is refused before the database is opened; a
	// key a proxy's header gave is written as the trail names it
	// (header:…).
	var key string
	if *addr != "" {
		var err error
		if key, err = qms.UnlockAddrKey(*addr); err != nil {
			return err
		}
	}
	db, err := openExisting(ctx, e, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if key != "" {
		n, err := db.UnlockAddress(cliContext(ctx, "user-unlock"), key)
		if err != nil {
			return err
		}
		if n == 0 {
			// Exit 0 all the same: the address may be used, which is what
			// was asked. Nothing changed, so nothing is audited.
			fmt.Fprintf(e.stdout, "ok address %s was not locked and had no failed logins: nothing changed\n", key)
			return nil
		}
		fmt.Fprintf(e.stdout, "ok address %s unlocked (%d cleared)\n", key, n)
		// What the operator would otherwise learn from the next 429.
		fmt.Fprintf(e.stderr, "Lưu ý: tên đăng nhập nào tự bị khóa tại địa chỉ này (nhập sai mật khẩu của chính nó %d lần) vẫn bị khóa; mở bằng qms user unlock --username TÊN.\n", qms.MaxLoginFailures)
		return nil
	}
	n, err := db.UnlockLogin(cliContext(ctx, "user-unlock"), *username)
	if err != nil {
		return err
	}
	if n == 0 {
		fmt.Fprintf(e.stdout, "ok user %s was not locked and had no failed logins: nothing changed\n", *username)
		return nil
	}
	fmt.Fprintf(e.stdout, "ok user %s unlocked (%d addresses cleared)\n", *username, n)
	return nil
}

// cmdTokenList prints tokens by id and prefix; the secret is never kept,
// so never printed.
func cmdTokenList(ctx context.Context, e *env, args []string) error {
	fs, dbPath := newFlags(e, "token list")
	username := fs.String("username", "", "chỉ các mã của người dùng này")
	asJSON := fs.Bool("json", false, "in kết quả dạng JSON")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	db, err := openExisting(ctx, e, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	var f qms.TokenFilter
	if *username != "" {
		u, err := userNamed(ctx, db, *username)
		if err != nil {
			return err
		}
		f.UserID = &u.ID
	}
	ts, err := db.FindAPITokens(ctx, f)
	if err != nil {
		return err
	}
	if *asJSON {
		if ts == nil {
			ts = []*qms.APIToken{}
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(ts)
	}
	w := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tPREFIX\tUSER\tNAME\tCREATED\tEXPIRES\tLAST USED\tREVOKED")
	for _, t := range ts {
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, orDash(t.Prefix), t.Username, orDash(t.Name),
			cliTime(&t.CreatedAt), cliTime(t.ExpiresAt), cliTime(t.LastUsedAt), cliTime(t.RevokedAt))
	}
	return w.Flush()
}

// cmdTokenRevoke revokes one token by id or prefix, or every token of a user.
func cmdTokenRevoke(ctx context.Context, e *env, args []string) error {
	fs, dbPath := newFlags(e, "token revoke")
	id := fs.Int64("id", 0, "số của mã (cột ID của token list)")
	prefix := fs.String("prefix", "", "tiền tố của mã (cột PREFIX của token list)")
	username := fs.String("username", "", "người dùng có các mã cần thu hồi (cùng --all)")
	all := fs.Bool("all", false, "thu hồi mọi mã của --username")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	var f qms.TokenFilter
	switch {
	case *id > 0 && *prefix == "" && *username == "" && !*all:
		f.ID = id
	case *prefix != "" && *id == 0 && *username == "" && !*all:
		f.Prefix = prefix
	case *username != "" && *all && *id == 0 && *prefix == "":
	default:
		return usagef("token revoke: dùng đúng một cách: --id N, --prefix P hoặc --username U --all")
	}
	db, err := openExisting(ctx, e, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if *username != "" {
		u, err := userNamed(ctx, db, *username)
		if err != nil {
			return err
		}
		f.UserID = &u.ID
	}
	n, err := db.RevokeAPITokens(cliContext(ctx, "token-revoke"), f)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "ok %d tokens revoked\n", n)
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// cliTime shows a time in Asia/Ho_Chi_Minh to the minute, "-" for none.
func cliTime(t *time.Time) string {
	if t == nil || t.IsZero() {
		return "-"
	}
	return t.In(qms.Zone).Format("2006-01-02 15:04")
}

// cmdUserRole grants (or, with revoke, withdraws) a role of an existing
// user in an agency: a second role or a second agency for someone who
// already has an account, which `user add` refuses as a username taken.
// The operator may change any account's roles, their own included; the
// store audits it (user.grant, user.revoke) and the servers' policy
// follows on the store's change signal.
func cmdUserRole(ctx context.Context, e *env, verb string, args []string) error {
	fs, dbPath := newFlags(e, "user "+verb)
	username := fs.String("username", "", "tên đăng nhập (bắt buộc)")
	agency := fs.String("agency", "", "mã đơn vị (bắt buộc)")
	roleName := fs.String("role", "", "vai trò: admin, quality_officer, leader, staff, auditor (bắt buộc)")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if *username == "" || *agency == "" || *roleName == "" {
		return usagef("user %s: cần --username, --agency và --role", verb)
	}
	role, err := qms.ParseRole(*roleName)
	if err != nil {
		return err
	}
	db, err := openExisting(ctx, e, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := userNamed(ctx, db, *username)
	if err != nil {
		return err
	}
	m := qms.Membership{AgencyCode: strings.ToUpper(strings.TrimSpace(*agency)), Role: role}
	revoke := verb == "revoke"
	if u.HasRole(m.AgencyCode, m.Role) != revoke {
		// Exit 0: the account already is as asked; nothing is audited.
		fmt.Fprintf(e.stdout, "ok user %s %s %s in %s: nothing changed\n", u.Username, map[bool]string{false: "already has", true: "does not have"}[revoke], role, m.AgencyCode)
		return nil
	}
	if _, err := db.SetMembership(cliContext(ctx, "user-"+verb), u.ID, m, revoke); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "ok user %s %s %s in %s\n", u.Username, map[bool]string{false: "granted", true: "no longer has"}[revoke], role, m.AgencyCode)
	return nil
}
