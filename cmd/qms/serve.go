package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"isodt/policies"
	"isodt/qms"
	"isodt/qms/authz"
	"isodt/qms/demo"
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
	accessLog := fs.String("access-log", envOr("QMS_ACCESS_LOG", string(web.AccessLogSlow)), "nhật ký truy cập: slow (chỉ yêu cầu lỗi hoặc chậm, kèm mã yêu cầu) hoặc all (mọi yêu cầu, một dòng JSON mỗi yêu cầu)")
	slowRequest := fs.Duration("slow-request", time.Second, "yêu cầu chạy lâu hơn mức này được coi là chậm và luôn được ghi nhật ký")
	readers := fs.Int("readers", envInt("QMS_READERS", 0), "số yêu cầu đọc (GET) được phục vụ cùng lúc, một nửa số đó khi đang có yêu cầu ghi, các yêu cầu khác chờ lượt; 0: gấp đôi số lõi CPU Go dùng")
	proxies := fs.String("trusted-proxy", os.Getenv("QMS_TRUSTED_PROXY"), "các máy chủ proxy ngược (địa chỉ IP hoặc dải CIDR, cách nhau bởi dấu phẩy) mà tiêu đề X-Real-IP của chúng được tin là địa chỉ người dùng; mặc định không tin tiêu đề nào")
	memLimit := fs.String("mem-limit", os.Getenv("GOMEMLIMIT"), "giới hạn mềm bộ nhớ của Go, như GOMEMLIMIT: 512MiB, 1GiB; trống hoặc off: không giới hạn")
	gcTarget := fs.String("gc-target", envOr("QMS_GC_TARGET", defaultGCTarget), "cỡ vùng nhớ Go mà bộ thu gom rác nhắm tới (GOGC tự chỉnh sau mỗi lần thu gom, từ 50 đến 500), cú pháp như --mem-limit; off: GOGC cố định (biến môi trường GOGC, mặc định 100); bỏ qua khi đã đặt GOGC")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if *metricsToken == "" {
		*metricsToken = os.Getenv("QMS_METRICS_TOKEN")
	}
	limit, err := parseMemLimit(*memLimit)
	if err != nil {
		return err
	}
	target, err := parseGCTarget(*gcTarget)
	if err != nil {
		return err
	}
	if *readers < 0 {
		return usagef("--readers %d không hợp lệ: 0 (gấp đôi số lõi CPU) hoặc một số dương", *readers)
	}
	if *slowRequest <= 0 {
		return usagef("--slow-request %s không hợp lệ: một khoảng thời gian dương, ví dụ 1s hoặc 500ms", *slowRequest)
	}
	accessMode, err := web.ParseAccessLog(*accessLog)
	if err != nil {
		return err
	}
	trusted, err := parseTrustedProxies(*proxies)
	if err != nil {
		return err
	}
	defer tuneGC(limit, target)()
	if *pprofAddr != "" {
		if err := servePprof(*pprofAddr); err != nil {
			return err
		}
	}
	log := slog.New(slog.NewJSONHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	e.log = log
	if *withDemo {
		if err := demoInto(ctx, e, *dbPath, demo.Small); err != nil && qms.ErrorCode(err) != qms.ECONFLICT {
			return err
		}
	}
	db, err := openStore(ctx, e, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	// Only SQLite has the flag; PostgreSQL's planner needs none.
	if p, ok := db.(planner); ok && !plannerStable(ctx, p) {
		log.Warn("SQLite built without SQLITE_ENABLE_QPSG: pages are slower; build with make (CGO_CFLAGS in the Makefile)")
	}
	// Subscribed before the rules are loaded, so no change falls between.
	changes := db.Changes(ctx)
	az, err := authz.New(ctx, policies.Model, db)
	if err != nil {
		return err
	}
	go az.Follow(changes, func(err error) { log.Error("reload of the permission rules failed", "err", err) })
	sched, err := jf.scheduler(db, log)
	if err != nil {
		return err
	}
	sched.Start()
	defer sched.Stop()
	srv := web.New(web.Config{SecureCookies: *secure, Logger: log, MetricsToken: *metricsToken, MetricsSeparate: *metricsAddr != "", AccessLog: accessMode, SlowRequest: *slowRequest, Readers: *readers, Now: db.Now, TrustedProxies: trusted}, web.Deps{
		Agencies: db, Users: db, Auth: db, Audit: db, Procedures: db, Dossiers: db, Forms: db, Public: db, Calendar: db, Settings: db, Compliance: db, NCs: db, Objectives: db, Feedback: db, Audits: db, Reviews: db, Notifications: db, Dashboard: db, Risks: db, Jobs: sched, JobRuns: db, Authz: az, Ready: db.Ping, Unreachable: db.Unreachable,
		Distribution: db,
		Competence:   db,
		Declarations: db,
		Providers:    db,
		Context:      db,
		Satisfaction: db,
		Restructure:  db,
		Signatures:   db,
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
	fmt.Fprintf(e.stdout, "qms: đang phục vụ tại http://%s (cơ sở dữ liệu %s)\n", ln.Addr(), redactURL(*dbPath))
	if mln != nil {
		fmt.Fprintf(e.stdout, "qms: số liệu Prometheus tại http://%s/metrics\n", mln.Addr())
	}
	log.Info("server started", "addr", ln.Addr().String(), "db", redactURL(*dbPath))
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

// defaultGCTarget is the heap --gc-target aims at: five times the
// server's live heap at rest (some twenty MB), where a fixed GOGC=400 put
// it, and no more when a compliance scan or a burst of writes holds more.
const defaultGCTarget = "112MiB"

// tuneGC: a server's live heap is small (some tens of MB) and churns fast
// under load, so with the default GOGC=100 the collector would run many
// times a second and take a noticeable share of every page's CPU; a fixed
// larger GOGC multiplies every MB a scan holds for a moment, and the
// peak RSS with it. Unless the operator set GOGC, gcTuner sets GOGC after
// each collection so that the next one starts when the heap reaches
// target (bytes, 0 for none): high while the live heap is small, down to
// 50 when it is not. limit (bytes, 0 for none) is the soft memory limit
// of --mem-limit: the operator sizes it for the machine, above the
// server's peak (see the README's Performance).
// The tuner stops with the returned func, when the server does.
func tuneGC(limit, target int64) (stop func()) {
	if limit > 0 {
		debug.SetMemoryLimit(limit)
	}
	if os.Getenv("GOGC") == "" && target > 0 {
		return startGCTuner(uint64(target)).stop
	}
	return func() {}
}

// parseMemLimit reads --mem-limit (parseSize): at least 64 MiB, since
// below what the server holds at rest the collector would run without
// pause (512, without a unit, is 512 bytes).
func parseMemLimit(s string) (int64, error) { return parseSize("--mem-limit", s, 64<<20) }

// parseGCTarget reads --gc-target (parseSize): at least 16 MiB.
func parseGCTarget(s string) (int64, error) { return parseSize("--gc-target", s, 16<<20) }

// parseSize reads flag's size in GOMEMLIMIT's syntax: a number of bytes
// with an optional unit B, KiB, MiB, GiB or TiB, at least least bytes;
// "" or "off" is none (0).
func parseSize(flag, s string, least int64) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "off" {
		return 0, nil
	}
	num, mult := s, int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40}, {"B", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			num, mult = strings.TrimSuffix(s, u.suffix), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 || n > math.MaxInt64/mult {
		return 0, usagef("%s %q không hợp lệ: một số byte với đơn vị B, KiB, MiB, GiB hoặc TiB (ví dụ 512MiB), hoặc off", flag, s)
	}
	if n*mult < least {
		return 0, usagef("%s %q quá nhỏ: ít nhất %d MiB (số không có đơn vị là số byte; ví dụ 512MiB), hoặc off", flag, s, least>>20)
	}
	return n * mult, nil
}

// plannerStable reports whether SQLite was built with the planner
// guarantee; a failed check counts as stable (nothing to warn about).
func plannerStable(ctx context.Context, p planner) bool {
	stable, err := p.PlannerStable(ctx)
	return err != nil || stable
}

// planner is a store whose query planner may lack the stability flag.
type planner interface {
	PlannerStable(ctx context.Context) (bool, error)
}

// parseTrustedProxies reads --trusted-proxy: addresses and CIDR ranges,
// comma-separated; each must be one, or the server would start trusting
// less than the operator meant.
func parseTrustedProxies(s string) ([]string, error) {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if net.ParseIP(p) == nil {
			if _, _, err := net.ParseCIDR(p); err != nil {
				return nil, usagef("--trusted-proxy: %q không phải địa chỉ IP hay dải CIDR (ví dụ 10.0.0.5 hoặc 10.0.0.0/24).", p)
			}
		}
		out = append(out, p)
	}
	return out, nil
}
