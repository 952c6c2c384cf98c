// Package qmstest holds the helpers that the tests of several packages
// share (qms/sqlite, qms/web, cmd/qms…): a settable clock to inject as the
// store's and the web layer's Now, a buffer that collects log lines written
// from several goroutines, and the reference flowchart of the dossier
// tests. Helpers that only one package uses stay in that package's tests.
//
//	clk := qmstest.NewClock(time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC))
//	db, err := sqlite.Open(ctx, path, sqlite.Options{Now: clk.Now})
//	clk.Add(48 * time.Hour) // two days later, for the store and the pages
//
// It imports only the domain, so that the store's internal tests may use
// it too.
package qmstest

import (
	"bytes"
	"sync"
	"time"

	"isodt/qms/flowchart"
)

// Clock is a settable clock, safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock that stands at t until moved.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now is the time the clock stands at; pass it as Options.Now / Config.Now.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Add moves the clock by d.
func (c *Clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// Buffer collects what several goroutines write (a server's log), and may
// be read while they still write.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

// String is everything written so far.
func (b *Buffer) String() string { b.mu.Lock(); defer b.mu.Unlock(); return b.b.String() }

// DecisionChart is the reference procedure of the dossier tests: receive
// → check → decision (Đạt → sign; Không đạt → notice) → return.
func DecisionChart() flowchart.Flowchart {
	return flowchart.Flowchart{
		Steps: []flowchart.Step{
			{ID: "s", Name: "Tiếp nhận", Kind: flowchart.KindStart, Responsible: "Bộ phận một cửa"},
			{ID: "check", Name: "Thẩm định", Kind: flowchart.KindTask, Hours: 8, Responsible: "Chuyên viên"},
			{ID: "ok", Name: "Hồ sơ đạt?", Kind: flowchart.KindDecision, Hours: 1, Responsible: "Chuyên viên"},
			{ID: "sign", Name: "Ký giấy phép", Kind: flowchart.KindTask, Hours: 8, Responsible: "Lãnh đạo Sở"},
			{ID: "notice", Name: "Thông báo không đạt", Kind: flowchart.KindTask, Hours: 4, Responsible: "Chuyên viên"},
			{ID: "e", Name: "Trả kết quả", Kind: flowchart.KindEnd, Responsible: "Bộ phận một cửa"},
		},
		Edges: []flowchart.Edge{{From: "s", To: "check"}, {From: "check", To: "ok"}, {From: "ok", To: "sign", Label: "Đạt"},
			{From: "ok", To: "notice", Label: "Không đạt"}, {From: "sign", To: "e"}, {From: "notice", To: "e"}},
	}
}

// ValidChart is the smallest valid procedure flowchart: start, two tasks
// (the first of the given hours, the second 4), end.
func ValidChart(hours float64) flowchart.Flowchart {
	return flowchart.Flowchart{
		Steps: []flowchart.Step{
			{ID: "s", Name: "Tiếp nhận", Kind: flowchart.KindStart},
			{ID: "a", Name: "Thẩm định", Kind: flowchart.KindTask, Hours: hours, Responsible: "Chuyên viên"},
			{ID: "b", Name: "Ký duyệt", Kind: flowchart.KindTask, Hours: 4, Responsible: "Lãnh đạo"},
			{ID: "e", Name: "Trả kết quả", Kind: flowchart.KindEnd},
		},
		Edges: []flowchart.Edge{{From: "s", To: "a"}, {From: "a", To: "b"}, {From: "b", To: "e"}},
	}
}
