package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"runtime/debug"
	"time"

	"isodt/policies"
	"isodt/qms"
	"isodt/qms/authz"
	"isodt/qms/web"
)

// cmdServe wires the store, the authorizer and the web server, serves
// until the context is cancelled (SIGINT/SIGTERM) and then drains the
// requests in flight before closing the database.
func cmdServe(ctx context.Context, e *env, args []string) error {
	fs, dbPath := newFlags(e, "serve")
	addr := fs.String("addr", envOr("QMS_ADDR", "127.0.0.1:8080"), "địa chỉ lắng nghe")
	secure := fs.Bool("secure-cookies", false, "đặt cờ Secure cho cookie (khi chạy sau HTTPS)")
	jf := addJobFlags(fs)
	withDemo := fs.Bool("demo", false, "nạp dữ liệu mẫu (cỡ small) khi cơ sở dữ liệu còn trống")
	pprofAddr := fs.String("pprof", "", "địa chỉ loopback cho net/http/pprof (đo hiệu năng; mặc định tắt)")
	metricsAddr := fs.String("metrics-addr", envOr("QMS_METRICS_ADDR", ""), "địa chỉ riêng phục vụ /metrics (mặc định tắt)")
	// The token's default is read after parsing, so that -h never prints it.
	metricsToken := fs.String("metrics-token", "", "mã Bearer bắt buộc khi đọc /metrics (nên đặt qua QMS_METRICS_TOKEN)")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if *metricsToken == "" {
		*metricsToken = os.Getenv("QMS_METRICS_TOKEN")
	}
	tuneGC()
	if *pprofAddr != "" {
		if err := servePprof(*pprofAddr); err != nil {
			return err
		}
	}
	log := slog.New(slog.NewJSONHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	if *withDemo {
		if err := loadDemo(ctx, e, *dbPath, "small"); err != nil && qms.ErrorCode(err) != qms.ECONFLICT {
			return err
		}
	}
	db, err := openStore(ctx, e, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	az, err := authz.New(ctx, policies.Model, db)
	if err != nil {
		return err
	}
	sched, err := jf.scheduler(db, log)
	if err != nil {
		return err
	}
	sched.Start()
	defer sched.Stop()
	srv := web.New(web.Config{SecureCookies: *secure, Logger: log, MetricsToken: *metricsToken, MetricsSeparate: *metricsAddr != ""}, web.Deps{
		Agencies: db, Users: db, Auth: db, Audit: db, Procedures: db, Dossiers: db, Forms: db, Public: db, Calendar: db, Settings: db, Compliance: db, NCs: db, Objectives: db, Feedback: db, Audits: db, Reviews: db, Notifications: db, Jobs: sched, JobRuns: db, Authz: az, Ready: db.Ping,
	})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return usagef("không lắng nghe được tại %s: %v", *addr, err)
	}
	// The metrics listener is opened before anything is announced, so a
	// busy --metrics-addr stops the start rather than a running server.
	var mln net.Listener
	if *metricsAddr != "" {
		if mln, err = net.Listen("tcp", *metricsAddr); err != nil {
			ln.Close()
			return usagef("không lắng nghe được tại %s (--metrics-addr): %v", *metricsAddr, err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", srv.MetricsHandler())
		msrv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go msrv.Serve(mln)
		defer msrv.Close()
	}
	fmt.Fprintf(e.stdout, "qms: đang phục vụ tại http://%s (cơ sở dữ liệu %s)\n", ln.Addr(), *dbPath)
	if mln != nil {
		fmt.Fprintf(e.stdout, "qms: số liệu Prometheus tại http://%s/metrics\n", mln.Addr())
	}
	log.Info("server started", "addr", ln.Addr().String(), "db", *dbPath)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	log.Info("stopped")
	return nil
}

// servePprof exposes the Go profiler on a loopback address only: profiles
// show request data, so they are never served next to the app.
func servePprof(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		return usagef("--pprof chỉ nhận địa chỉ loopback (127.0.0.1:PORT), không phải %q", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return usagef("không lắng nghe được tại %s: %v", addr, err)
	}
	go http.Serve(ln, nil) // net/http/pprof registers on the default mux
	return nil
}

// tuneGC: a server's live heap is small (some tens of MB) and churns fast
// under load; with the default GOGC=100 the collector ran some twenty
// times a second, 6–9% of the CPU of a page. Unless the operator set them,
// collect at five times the live heap, under a soft memory limit that
// brings collection back long before the process nears 300 MB.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(192 << 20)
	}
}
