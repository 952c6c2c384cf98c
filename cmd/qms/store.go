package main

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"isodt/policies"
	"isodt/qms"
	"isodt/qms/sqlite"
)

// openStore opens the database (migrating it) and makes sure agency SYS,
// user admin and the default policy exist. When it creates the admin, the
// random password is printed here, once.
func openStore(ctx context.Context, e *env, path string) (*sqlite.DB, error) {
	// QMS_MERGE_REISSUE_DAYS: see sqlite.Options.MergeReissueDays (0 or
	// unset: the default).
	reissue, _ := strconv.Atoi(os.Getenv("QMS_MERGE_REISSUE_DAYS"))
	// QMS_ACK_DAYS: see sqlite.Options.AckDays (0 or unset: the default).
	ackDays, _ := strconv.Atoi(os.Getenv("QMS_ACK_DAYS"))
	db, err := sqlite.Open(ctx, path, sqlite.Options{Logger: e.log, MergeReissueDays: reissue, AckDays: ackDays})
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	rules, err := policies.Default()
	if err != nil {
		db.Close()
		return nil, err
	}
	pw, err := db.Bootstrap(ctx, rules)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("first start: %w", err)
	}
	if pw != "" {
		// stderr: the terminal shows it, while stdout stays clean for the
		// JSON and values that scripts read.
		fmt.Fprintf(e.stderr, "\n  Lần chạy đầu: đã tạo đơn vị %s và tài khoản quản trị.\n  Tên đăng nhập: admin\n  Mật khẩu:      %s\n  (Mật khẩu chỉ hiển thị một lần. Hãy đổi mật khẩu sau khi đăng nhập.)\n\n", qms.SystemAgencyCode, pw)
	}
	return db, nil
}

// openExisting opens the database for a command that only reads: it
// creates no file, agency or admin account. A missing file is exit 2
// with a message naming --db, since the usual cause is a wrong path or an
// unset QMS_DB.
func openExisting(ctx context.Context, path string) (*sqlite.DB, error) {
	db, err := sqlite.Open(ctx, path, sqlite.Options{Existing: true})
	if qms.ErrorCode(err) == qms.ENOTFOUND && qms.ErrorField(err) == "db" {
		return nil, &qms.Error{Code: qms.ENOTFOUND, Field: "db", Message: fmt.Sprintf("Không tìm thấy cơ sở dữ liệu %s: chỉ định --db hoặc QMS_DB.", path)}
	} else if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	return db, nil
}

// cliContext is the context of a CLI command: the actor is the system,
// named after the command, in every audit entry it writes.
func cliContext(ctx context.Context, name string) context.Context {
	return qms.WithActor(ctx, qms.SystemActor(name))
}
