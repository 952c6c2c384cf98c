package web

import (
	"crypto/subtle"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"isodt/qms"
)

// metrics are per server (no package globals), labelled by route pattern
// so that ids in paths do not explode the label count.
type metrics struct {
	handler  fiber.Handler
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "qms_http_requests_total", Help: "HTTP requests by method, route and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "qms_http_request_duration_seconds", Help: "HTTP request duration by method and route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"method", "route"}),
	}
	m.reg.MustRegister(m.requests, m.duration, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.handler = adaptor.HTTPHandler(promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
	return m
}

func (m *metrics) observe(method, route string, status int, d time.Duration) {
	m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(method, route).Observe(d.Seconds())
}

// metricsPage is /metrics on the app's address: only with a token, and
// only when the metrics have no listener of their own.
func (s *Server) metricsPage(c *fiber.Ctx) error {
	if s.cfg.MetricsToken == "" || s.cfg.MetricsSeparate {
		return fiber.ErrNotFound
	}
	if !s.metricsTokenOK(c.Get(fiber.HeaderAuthorization)) {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="metrics"`)
		return qms.Errorf(qms.EUNAUTHORIZED, "Cần mã truy cập số liệu: gửi tiêu đề Authorization: Bearer <mã --metrics-token>.")
	}
	return s.metrics.handler(c)
}

// MetricsHandler serves the metrics on a listener of their own
// (--metrics-addr), asking for the token when one is set.
func (s *Server) MetricsHandler() http.Handler {
	h := promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{})
	if s.cfg.MetricsToken == "" {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.metricsTokenOK(r.Header.Get("Authorization")) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			http.Error(w, "Cần mã truy cập số liệu (Authorization: Bearer).", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

func (s *Server) metricsTokenOK(header string) bool {
	got, ok := bearerToken(header)
	return ok && subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(s.cfg.MetricsToken)) == 1
}
