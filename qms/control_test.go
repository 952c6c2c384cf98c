package qms_test

import (
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/flowchart"
)

// fourSteps is a valid flowchart: receive, check, decide, return.
func fourSteps(hours float64, forms ...string) flowchart.Flowchart {
	return flowchart.Flowchart{
		Steps: []flowchart.Step{
			{ID: "s", Name: "Tiếp nhận hồ sơ", Kind: flowchart.KindStart, Hours: 0},
			{ID: "t1", Name: "Thẩm định", Kind: flowchart.KindTask, Hours: hours, Forms: forms},
			{ID: "t2", Name: "Phê duyệt", Kind: flowchart.KindTask, Hours: 4},
			{ID: "e", Name: "Trả kết quả", Kind: flowchart.KindEnd},
		},
		Edges: []flowchart.Edge{{From: "s", To: "t1"}, {From: "t1", To: "t2"}, {From: "t2", To: "e"}},
	}
}

func TestControlOf(t *testing.T) {
	day := func(s string) *time.Time { d, _ := time.Parse("2006-01-02", s); return &d }
	tthc := &qms.TTHC{Code: "1.000001", Name: "Cấp giấy phép", TimeLimitDays: 5, PublishedOn: *day("2024-03-15")}
	proc := &qms.Procedure{Code: "QT-01"}
	version := func(eff string, fc flowchart.Flowchart, forms ...string) *qms.ProcedureVersion {
		return &qms.ProcedureVersion{Number: 1, Flowchart: fc, Forms: forms, Approval: qms.Approval{Status: qms.StatusEffective, EffectiveOn: day(eff)}}
	}
	inForce := map[string]bool{"BM-01": true}
	tests := []struct {
		name   string
		cov    []qms.Coverage
		status string
		reason string
	}{
		{"no procedure", nil, qms.NotControlled, qms.ReasonNoProcedure},
		{"draft only", []qms.Coverage{{Procedure: proc, HasVersions: true}}, qms.NotControlled, qms.ReasonDraftOnly},
		{"older than publication", []qms.Coverage{{Procedure: proc, InForce: version("2024-01-01", fourSteps(8)), HasVersions: true}}, qms.NotControlled, qms.ReasonOlderThanDecision},
		{"over the time limit", []qms.Coverage{{Procedure: proc, InForce: version("2024-04-01", fourSteps(40)), HasVersions: true}}, qms.NotControlled, qms.ReasonInvalidFlowchart},
		{"step form not in force", []qms.Coverage{{Procedure: proc, InForce: version("2024-04-01", fourSteps(8, "BM-99")), HasVersions: true}}, qms.NotControlled, qms.ReasonFormNotEffective},
		{"section 6 form not in force", []qms.Coverage{{Procedure: proc, InForce: version("2024-04-01", fourSteps(8), "BM-98"), HasVersions: true}}, qms.NotControlled, qms.ReasonFormNotEffective},
		{"controlled", []qms.Coverage{{Procedure: proc, InForce: version("2024-04-01", fourSteps(8, "BM-01"), "BM-01"), HasVersions: true}}, qms.Controlled, ""},
		{"newest of two procedures decides", []qms.Coverage{
			{Procedure: proc, InForce: version("2024-01-01", fourSteps(8)), HasVersions: true},
			{Procedure: &qms.Procedure{Code: "QT-02"}, InForce: version("2024-05-01", fourSteps(8)), HasVersions: true},
		}, qms.Controlled, ""},
		// Put in force with the file, without an effective date: read
		// as in force since ever (outsider pass 24: the scan panicked).
		{"in force without a date", []qms.Coverage{
			{Procedure: proc, InForce: version("2024-05-01", fourSteps(8)), HasVersions: true},
			{Procedure: &qms.Procedure{Code: "QT-02"}, InForce: &qms.ProcedureVersion{Number: 2, Flowchart: fourSteps(8), Approval: qms.Approval{Status: qms.StatusEffective}}, HasVersions: true},
		}, qms.Controlled, ""},
		{"only in force without a date", []qms.Coverage{
			{Procedure: proc, InForce: &qms.ProcedureVersion{Number: 2, Flowchart: fourSteps(8), Approval: qms.Approval{Status: qms.StatusEffective}}, HasVersions: true},
		}, qms.NotControlled, qms.ReasonOlderThanDecision},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := qms.ControlOf(tthc, tt.cov, func(code string) bool { return inForce[code] })
			if c.Status != tt.status || c.Reason != tt.reason {
				t.Fatalf("got %s/%s, want %s/%s", c.Status, c.Reason, tt.status, tt.reason)
			}
		})
	}
}

func TestSearchTerms(t *testing.T) {
	tests := map[string]string{
		"cap giay phep":      `"cap"* "giay"* "phep"*`,
		"Đăng ký":            `"dăng"* "ký"*`,
		`x" OR name:* NEAR(`: `"x"* "or"* "name"* "near"*`,
		"   ":                ``,
	}
	for in, want := range tests {
		if got := qms.SearchTerms(in); got != want {
			t.Errorf("SearchTerms(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestSiteLink: a notification links to a page of this site or to
// nothing (outsider pass 25: a link put in with the file sent every user
// elsewhere, on the page and by e-mail).
func TestSiteLink(t *testing.T) {
	for _, tt := range []struct{ link, want string }{
		{"/nonconformities/3", "/nonconformities/3"},
		{"/dossiers/SVHTT-2026-000001?tab=steps#b", "/dossiers/SVHTT-2026-000001?tab=steps#b"},
		{"", ""},
		{"https://evil.example/login", ""},
		{"//evil.example/login", ""},
		{"/\\evil.example", ""},
		{"@evil.example/x", ""},
		{"/x@evil.example", ""},
		{"javascript:alert(1)", ""},
		{"nonconformities/3", ""},
		{"/a\r\nBcc: x@y", ""},
	} {
		if got := qms.SiteLink(tt.link); got != tt.want {
			t.Errorf("SiteLink(%q) = %q, want %q", tt.link, got, tt.want)
		}
	}
}
