package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"isodt/policies"
	"isodt/qms"
	"isodt/qms/demo"
	"isodt/qms/postgres"
	"isodt/qms/sqlite"
)

// cmdDemo generates a demo data set through the domain layer.
func cmdDemo(ctx context.Context, e *env, args []string) error {
	fs, dbPath := newFlags(e, "demo")
	scale := fs.String("scale", "small", "cỡ dữ liệu: small (1 đơn vị, 50 thủ tục, 2.000 hồ sơ) hoặc province (20 đơn vị, 3.000 thủ tục, 2.000 người dùng, 1.000.000 hồ sơ)")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	var sc demo.Scale
	switch *scale {
	case "small":
		sc = demo.Small
	case "province":
		sc = demo.Province
	default:
		return usagef("demo: --scale phải là small hoặc province")
	}
	return demoInto(ctx, e, *dbPath, sc)
}

// demoInto loads the demo data set into what --db names. On PostgreSQL
// the generator writes, in batches, a temporary SQLite file, which then
// moves as a province does (qms db copy).
func demoInto(ctx context.Context, e *env, dbPath string, sc demo.Scale) error {
	cfg, err := parseDB(dbPath)
	if err != nil {
		return err
	}
	if cfg.Kind != dbPostgres {
		return loadDemo(ctx, e, cfg.Path, sc)
	}
	if err := refuseUsedPostgres(ctx, e, cfg.URL); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "qms-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	tmp := filepath.Join(dir, "demo.db")
	if err := loadDemo(ctx, e, tmp, sc); err != nil {
		return err
	}
	_, err = copyToPostgres(ctx, e, tmp, cfg.URL)
	return err
}

// loadDemo fills a database that has no agency but SYS yet; it refuses to
// mix demo data into a database in use.
func loadDemo(ctx context.Context, e *env, path string, sc demo.Scale) error {
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
	sum, err := demo.Generate(ctx, db, clk, sc, progressBar(e.stderr, "Tạo dữ liệu mẫu"))
	if err != nil {
		return err
	}
	t := sum.Total
	fmt.Fprintf(e.stdout, "ok demo %s loaded in %s: %d agencies, %d users, %d TTHC, %d procedures, %d dossiers (%d open, %d overdue; %d early, %d on time, %d late), %d step records\n",
		sc.Name, time.Since(started).Round(time.Second), len(sum.Agencies), sum.Users, sum.TTHC, sum.Procedures,
		t.Dossiers, t.Open, t.Overdue, t.Early, t.OnTime, t.Late, t.Steps)
	first := strings.ToLower(sum.Agencies[0])
	fmt.Fprintf(e.stdout, "users %s.<role>1 (admin, quality_officer, leader, staff, auditor), password %q", first, demo.Password)
	if len(sum.Agencies) > 1 {
		fmt.Fprintf(e.stdout, "; the same for every agency (%s.staff1 … %s.staff1)", first, strings.ToLower(sum.Agencies[len(sum.Agencies)-1]))
	}
	fmt.Fprintln(e.stdout)
	return nil
}

// refuseUsedPostgres refuses, before anything is generated, a PostgreSQL
// database that already holds data: the copy would refuse it at the end.
func refuseUsedPostgres(ctx context.Context, e *env, url string) error {
	db, err := postgres.Open(ctx, url, postgres.Options{Logger: e.log})
	if err != nil {
		return fmt.Errorf("open PostgreSQL database %s: %w", redactURL(url), err)
	}
	defer db.Close()
	return db.RefuseNonEmpty(ctx)
}
