package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"
	"time"

	"isodt/qms"
)

func cmdMigrate(ctx context.Context, e *env, args []string) error {
	fs, dbPath := newFlags(e, "migrate")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	db, err := openStore(ctx, e, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	names, err := db.Migrations(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "ok %d migrations applied: %s\n", len(names), strings.Join(names, ", "))
	return nil
}

func cmdAgencyAdd(ctx context.Context, e *env, args []string) error {
	fs, dbPath := newFlags(e, "agency add")
	code := fs.String("code", "", "mã đơn vị (bắt buộc)")
	name := fs.String("name", "", "tên đơn vị (bắt buộc)")
	parent := fs.String("parent", "", "mã đơn vị cấp trên")
	kind := fs.String("kind", qms.DefaultAgencyKind, "loại đơn vị: "+agencyKindList())
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if *code == "" || *name == "" {
		return usagef("agency add: cần --code và --name")
	}
	db, err := openStore(ctx, e, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	a := &qms.Agency{Code: *code, Name: *name, ParentCode: *parent, Kind: *kind}
	if err := db.CreateAgency(cliContext(ctx, "agency-add"), a); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "ok agency %s created\n", a.Code)
	return nil
}

// agencyKindList names the kinds a new agency may have, for --help.
func agencyKindList() string {
	var ks []string
	for _, k := range qms.CurrentAgencyKinds() {
		ks = append(ks, k.Code+" ("+k.Name+")")
	}
	return strings.Join(ks, ", ")
}

// cmdUserAdd reads the password from the first line of stdin, so that it
// never shows in the process list or the shell history.
func cmdUserAdd(ctx context.Context, e *env, args []string) error {
	fs, dbPath := newFlags(e, "user add")
	username := fs.String("username", "", "tên đăng nhập (bắt buộc)")
	agency := fs.String("agency", "", "mã đơn vị (bắt buộc)")
	roleName := fs.String("role", "", "vai trò: admin, quality_officer, leader, staff, auditor (bắt buộc)")
	fullName := fs.String("name", "", "họ và tên")
	title := fs.String("title", "", "chức vụ, in trên chữ ký điện tử (ví dụ: Phó Giám đốc)")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if *username == "" || *agency == "" || *roleName == "" {
		return usagef("user add: cần --username, --agency và --role")
	}
	role, err := qms.ParseRole(*roleName)
	if err != nil {
		return err
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	password := strings.TrimRight(line, "\r\n")
	if password == "" {
		return qms.FieldError("password", "Chưa nhập mật khẩu: gửi mật khẩu qua stdin, ví dụ: echo 'ngua-o-banh-da-may-7' | qms user add ... (ghép ba, bốn từ không liền nghĩa)")
	}
	_ = err // io.EOF after a last line without newline is fine
	db, err := openStore(ctx, e, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	u := &qms.User{Username: *username, FullName: *fullName, Title: *title, Memberships: []qms.Membership{{AgencyCode: *agency, Role: role}}}
	if err := db.CreateUser(cliContext(ctx, "user-add"), u, password); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "ok user %s created (id %d) as %s in %s\n", u.Username, u.ID, role, u.Memberships[0].AgencyCode)
	return nil
}

func cmdTokenCreate(ctx context.Context, e *env, args []string) error {
	fs, dbPath := newFlags(e, "token create")
	username := fs.String("username", "", "tên đăng nhập (bắt buộc)")
	name := fs.String("name", "cli", "tên gợi nhớ của mã")
	days := fs.Int("days", int(qms.APITokenLifetime/(24*time.Hour)), "số ngày mã còn hiệu lực")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if *username == "" {
		return usagef("token create: cần --username")
	}
	if *days <= 0 {
		return usagef("token create: --days phải là số ngày dương")
	}
	db, err := openStore(ctx, e, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := userNamed(ctx, db, *username)
	if err != nil {
		return err
	}
	secret, _, err := db.CreateAPIToken(cliContext(ctx, "token-create"), u.ID, *name, time.Duration(*days)*24*time.Hour)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, secret)
	return nil
}
