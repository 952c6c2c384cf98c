package main

import (
	"context"
	"fmt"
	"time"

	"isodt/policies"
	"isodt/qms"
	"isodt/qms/demo"
	"isodt/qms/sqlite"
)

// cmdDemo generates a demo data set through the domain layer.
func cmdDemo(ctx context.Context, e *env, args []string) error {
	fs, dbPath := newFlags(e, "demo")
	scale := fs.String("scale", "small", "cỡ dữ liệu: small (1 đơn vị, 50 thủ tục, 2.000 hồ sơ)")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	return loadDemo(ctx, e, *dbPath, *scale)
}

// loadDemo fills a database that has no agency but SYS yet; it refuses to
// mix demo data into a database in use.
func loadDemo(ctx context.Context, e *env, path, scale string) error {
	var sc demo.Scale
	switch scale {
	case "small":
		sc = demo.Small
	case "province":
		return qms.Errorf(qms.EINVALID, "Cỡ dữ liệu province chưa được hỗ trợ: cần ghi theo lô (group commit) để tạo 1.000.000 hồ sơ trong 10 phút.")
	default:
		return usagef("demo: --scale phải là small")
	}
	clk := demo.NewClock(time.Now())
	db, err := sqlite.Open(ctx, path, sqlite.Options{Now: clk.Now})
	if err != nil {
		return err
	}
	defer db.Close()
	rules, err := policies.Default()
	if err != nil {
		return err
	}
	if pw, err := db.Bootstrap(ctx, rules); err != nil {
		return err
	} else if pw != "" {
		fmt.Fprintf(e.stderr, "\n  Lần chạy đầu: tài khoản quản trị admin, mật khẩu: %s (chỉ hiển thị một lần)\n\n", pw)
	}
	as, err := db.FindAgencies(ctx, qms.AgencyFilter{})
	if err != nil {
		return err
	}
	if len(as) > 1 {
		return qms.Errorf(qms.ECONFLICT, "Cơ sở dữ liệu %s đã có dữ liệu: dữ liệu mẫu chỉ nạp vào cơ sở dữ liệu mới.", path)
	}
	started := time.Now()
	if err := demo.Generate(ctx, db, clk, sc, progressBar(e.stderr, "Tạo dữ liệu mẫu")); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "ok demo %s loaded in %s; users svhtt.<role>1 (admin, quality_officer, leader, staff, auditor), password %q\n",
		sc.Name, time.Since(started).Round(time.Second), demo.Password)
	return nil
}
