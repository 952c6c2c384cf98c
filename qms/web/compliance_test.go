package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"isodt/qms"
)

func TestCompliancePagesAndJobs(t *testing.T) {
	a := newApp(t)
	sys := qms.WithActor(context.Background(), qms.SystemActor("test"))
	a.db.ImportTTHC(sys, "A", []qms.TTHC{{Code: "1.000001", Name: "Cấp giấy phép karaoke", Field: "Văn hóa", TimeLimitDays: 5}})
	a.db.ImportTTHC(sys, "B", []qms.TTHC{{Code: "1.000002", Name: "Thủ tục của B", Field: "Văn hóa", TimeLimitDays: 5}})
	// The officer's badge is read (and cached) before the run.
	officer := a.login("a-quality-officer")
	if page := bodyOf(t, a.do("GET", "/", &officer, nil)); strings.Contains(page, `id="unread-count"`) {
		t.Fatal("a notification before any check ran")
	}
	auditor := a.login("a-auditor")
	resp := a.do("POST", "/compliance/run", &auditor, url.Values{})
	body := bodyOf(t, resp)
	if resp.StatusCode != 200 || !strings.Contains(body, `id="check-result"`) || !strings.Contains(body, "1.000001") {
		t.Fatalf("run checks: %d", resp.StatusCode)
	}
	if strings.Contains(body, "1.000002") {
		t.Fatal("agency A's auditor sees B's findings")
	}
	staff := a.login("a-staff")
	if code := a.do("POST", "/compliance/run", &staff, url.Values{}).StatusCode; code != 403 {
		t.Fatalf("staff runs checks: %d", code)
	}
	// The quality officer was told.
	page := bodyOf(t, a.do("GET", "/", &officer, nil))
	if !strings.Contains(page, `id="unread-count">1<`) {
		t.Fatal("no unread notification badge for the quality officer")
	}
	a.do("POST", "/notifications/read", &officer, url.Values{})
	if page = bodyOf(t, a.do("GET", "/", &officer, nil)); strings.Contains(page, `id="unread-count"`) {
		t.Fatal("notifications still unread")
	}
	var out struct{ Findings []qms.Finding }
	decode(t, a.api("GET", "/api/v1/findings?rule=TTHC_NOT_CONTROLLED", a.token("a-auditor"), ""), &out)
	if len(out.Findings) != 1 || out.Findings[0].AgencyCode != "A" {
		t.Fatalf("api findings: %+v", out.Findings)
	}
	// Jobs: listed with their next run; only the system agency runs them.
	admin := a.login("admin")
	jobsPage := bodyOf(t, a.do("GET", "/admin/jobs", &admin, nil))
	if !strings.Contains(jobsPage, "0 6 * * *") || !strings.Contains(jobsPage, `id="run-compliance"`) {
		t.Fatal("jobs page lacks the compliance job")
	}
	if code := a.do("POST", "/admin/jobs/compliance/run", &admin, url.Values{}).StatusCode; code != 303 {
		t.Fatalf("run job: %d", code)
	}
	if jobsPage = bodyOf(t, a.do("GET", "/admin/jobs", &admin, nil)); !strings.Contains(jobsPage, "Chạy tay") || !strings.Contains(jobsPage, ">Thành công</span>") {
		t.Fatal("manual run not recorded")
	}
	aAdmin := a.login("a-admin")
	if code := a.do("POST", "/admin/jobs/compliance/run", &aAdmin, url.Values{}).StatusCode; code != 403 {
		t.Fatalf("agency admin runs a system job: %d", code)
	}
	if code := a.api("POST", "/api/v1/jobs/nope/run", a.token("admin"), "").StatusCode; code != 404 {
		t.Fatalf("unknown job: %d", code)
	}
}
