package web_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"isodt/qms"
)

// TestApprovedProcedureScopeNeedsApprover: once a version is in force, a
// procedure's title, owner unit and TTHCs are part of what the leader
// approved: the quality officer may not change them (API or form), only
// its review interval, until the leader withdraws the version. A
// procedure with drafts only is the quality officer's to shape.
func TestApprovedProcedureScopeNeedsApprover(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedureOf("A")
	ps, err := a.db.FindProcedures(context.Background(), qms.ProcedureFilter{AgencyCode: ptr("A")})
	if err != nil || len(ps) != 1 {
		t.Fatalf("procedures: %v %v", ps, err)
	}
	path := "/api/v1/procedures/" + strconv.FormatInt(ps[0].ID, 10)
	qo, leader := a.token("a-quality-officer"), a.token("a-leader")
	body := func(title, tthc string, months int) string {
		return `{"title":"` + title + `","owner_unit":"","tthc_codes":["` + tthc + `"],"review_interval_months":` + strconv.Itoa(months) + `}`
	}
	for _, c := range []struct {
		name, token, body string
		want              int
	}{
		{"the officer renames it", qo, body("Tên khác", "1.000001", 12), 403},
		{"the officer adds no TTHC but drops one", qo, `{"title":"Cấp phép","tthc_codes":[],"review_interval_months":12}`, 403},
		{"the officer plans its review", qo, body("Cấp phép", "1.000001", 24), 200},
	} {
		resp := a.api("PUT", path, c.token, c.body)
		if resp.StatusCode != c.want {
			t.Fatalf("%s: %d, want %d: %s", c.name, resp.StatusCode, c.want, bodyOf(t, resp))
		}
		resp.Body.Close()
	}
	if p, _ := a.db.FindProcedure(context.Background(), "A", ps[0].ID); p.Title != "Cấp phép" || p.ReviewMonths != 24 {
		t.Fatalf("stored %q every %d months", p.Title, p.ReviewMonths)
	}
	// The page shows the scope as it stands, not editable, and says why.
	s0 := a.login("a-quality-officer")
	resp0 := a.do("GET", "/procedures/"+strconv.FormatInt(ps[0].ID, 10), &s0, nil)
	page := parsePage(t, bodyOf(t, resp0))
	if !strings.Contains(page.text("scope-locked"), "Lần ban hành 01") {
		t.Fatalf("the page does not say the scope is locked: %q", page.text("scope-locked"))
	}
	// The form says the same to the officer, on the procedure's page.
	s := a.login("a-quality-officer")
	resp := a.do("POST", "/procedures/"+strconv.FormatInt(ps[0].ID, 10), &s, url.Values{"title": {"Tên khác"}, "tthc_codes": {"1.000001"}, "review_interval_months": {"24"}})
	if resp.StatusCode != 403 {
		t.Fatalf("the officer's form: %d", resp.StatusCode)
	}
	resp.Body.Close()

	// Withdrawn by the leader, it can be renamed, and submitted again.
	checkAPI(t, "withdraw", a.api("POST", path+"/versions/1/withdraw", leader, `{"reason":"Đổi tên theo quyết định mới"}`), 200, "", nil)
	checkAPI(t, "renamed once withdrawn", a.api("PUT", path, qo, body("Cấp phép biểu diễn", "1.000001", 24)), 200, "", nil)

	// Drafts only: the officer shapes it.
	officer := qms.WithActor(context.Background(), qms.Actor{UserID: a.users["a-quality-officer"].ID, Username: "a-quality-officer", AgencyCode: "A"})
	draft := &qms.Procedure{AgencyCode: "A", Code: "QT-02", Title: "Dự thảo"}
	if err := a.db.CreateProcedure(officer, draft); err != nil {
		t.Fatal(err)
	}
	if _, err := a.db.CreateVersion(officer, draft.ID); err != nil {
		t.Fatal(err)
	}
	checkAPI(t, "a draft's procedure renamed", a.api("PUT", "/api/v1/procedures/"+strconv.FormatInt(draft.ID, 10), qo, body("Dự thảo mới", "1.000001", 12)), 200, "", nil)
}
