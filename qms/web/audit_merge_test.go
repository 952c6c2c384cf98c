package web_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"isodt/qms"
)

// TestSuccessorReadsPredecessorsAudit (outsider pass 10, finding 2): after
// A and B merge into AB, whoever reads AB's audit trail (its admin and
// leader, both moved from A) reads A's and B's entries too, each marked
// with the agency it merged into, on /audit-log, GET /api/v1/audit-log
// (and ?agency=A for one predecessor) and the dashboard's count; an entry
// about an account still leaves out the roles held outside that reach.
// Staff of AB read no trail; C's admin reads C's alone and is refused
// ?agency=A; the system admin reads every entry, marked the same.
func TestSuccessorReadsPredecessorsAudit(t *testing.T) {
	a := newApp(t)
	sys := qms.WithActor(context.Background(), qms.SystemActor("test"))
	if err := a.db.CreateAgency(sys, &qms.Agency{Code: "C", Name: "Sở C"}); err != nil {
		t.Fatal(err)
	}
	a.addUser("c-admin", "C", qms.RoleAdmin)
	shared := a.addUser("c-staff", "C", qms.RoleStaff)
	a.effectiveProcedureOf("A")
	a.effectiveProcedureOf("B")
	// c-staff's grant in B is B's entry; it names c-staff's role in C.
	if _, err := a.db.SetMembership(sys, shared.ID, qms.Membership{AgencyCode: "B", Role: qms.RoleAuditor}, false); err != nil {
		t.Fatal(err)
	}
	adminAB, leaderAB, staffAB, adminC := a.login("a-admin"), a.login("a-leader"), a.login("a-staff"), a.login("c-admin")
	sysTok := a.token("admin")
	resp := a.api("POST", "/api/v1/agencies/merge", sysTok, `{"into":"AB","name":"Sở AB","from":["A","B"]}`)
	if body := bodyOf(t, resp); resp.StatusCode != 200 {
		t.Fatalf("merge: %d %s", resp.StatusCode, body)
	}
	adminTok, leaderTok, cTok := a.token("a-admin"), a.token("a-leader"), a.token("c-admin")
	count := func(agency string) int {
		_, n, err := a.db.FindAuditEntries(context.Background(), qms.AuditFilter{Agency: &agency})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	nA, nB, nAB, nC := count("A"), count("B"), count("AB"), count("C")
	if nA == 0 || nB == 0 || nAB == 0 || nC == 0 {
		t.Fatalf("entries under A, B, AB, C: %d %d %d %d", nA, nB, nAB, nC)
	}

	type trail struct {
		Entries []qms.AuditEntry
		Total   int
	}
	read := func(tok, query string) (trail, int) {
		var out trail
		resp := a.api("GET", "/api/v1/audit-log?"+query, tok, "")
		if resp.StatusCode != 200 {
			bodyOf(t, resp)
			return out, resp.StatusCode
		}
		decode(t, resp, &out)
		return out, resp.StatusCode
	}
	for _, who := range []struct{ name, tok string }{{"AB's admin", adminTok}, {"AB's leader", leaderTok}} {
		all, _ := read(who.tok, "")
		if all.Total != nA+nB+nAB {
			t.Errorf("%s reads %d entries, want A's %d, B's %d and AB's %d", who.name, all.Total, nA, nB, nAB)
		}
		onlyA, code := read(who.tok, "agency=A")
		if code != 200 || onlyA.Total != nA {
			t.Errorf("%s reads %d entries of A (status %d), want %d", who.name, onlyA.Total, code, nA)
		}
		for _, e := range onlyA.Entries {
			if e.AgencyCode != "A" || e.MergedInto != "AB" {
				t.Errorf("%s, ?agency=A: entry %d of %s marked merged into %q", who.name, e.ID, e.AgencyCode, e.MergedInto)
			}
		}
	}
	// B's entry of c-staff's grant, read under AB: the role in B, not C's.
	grants, _ := read(adminTok, "action=user.grant&object_id="+itoa(shared.ID))
	if len(grants.Entries) != 1 {
		t.Fatalf("AB's admin reads %d entries of c-staff's grant in B, want 1", len(grants.Entries))
	}
	if e := grants.Entries[0]; e.AgencyCode != "B" || e.MergedInto != "AB" || !e.Redacted || strings.Contains(string(e.After), `"agency":"C"`) ||
		!strings.Contains(string(e.After), `"agency":"B"`) {
		t.Errorf("c-staff's grant read by AB's admin: %s %s merged into %q, redacted %v", e.AgencyCode, e.After, e.MergedInto, e.Redacted)
	}

	page := bodyOf(t, a.do("GET", "/audit-log?agency=B", &adminAB, nil))
	if !strings.Contains(page, `id="audit-predecessors"`) || !strings.Contains(page, `href="/audit-log?agency=A"`) ||
		!strings.Contains(page, `<span class="tag merged-into">đơn vị đã sáp nhập vào AB</span>`) || !strings.Contains(page, fmt.Sprintf(`id="audit-total">%d<`, nB)) {
		t.Error("AB's audit log page: the predecessors are not named, or B's entries not marked")
	}
	if page := bodyOf(t, a.do("GET", "/", &leaderAB, nil)); !strings.Contains(page, fmt.Sprintf(`href="/audit-log"><span class="num">%d</span>`, nA+nB+nAB)) {
		t.Error("AB's dashboard does not count the predecessors' entries")
	}
	if code := a.do("GET", "/audit-log", &staffAB, nil).StatusCode; code != 403 {
		t.Errorf("AB's staff read the trail: %d", code)
	}

	// Another agency reads its own entries only.
	if c, _ := read(cTok, ""); c.Total != count("C") {
		t.Errorf("C's admin reads %d entries, want C's %d", c.Total, count("C"))
	}
	if _, code := read(cTok, "agency=A"); code != 400 {
		t.Errorf("C's admin asking for A's entries: %d, want 400", code)
	}
	if page := bodyOf(t, a.do("GET", "/audit-log", &adminC, nil)); strings.Contains(page, `id="audit-predecessors"`) || strings.Contains(page, "merged-into") {
		t.Error("C's audit log names predecessors or shows merged agencies' entries")
	}
	// The system admin reads the predecessors' entries as written, marked.
	sysA, _ := read(sysTok, "agency=A")
	if sysA.Total != nA || len(sysA.Entries) == 0 {
		t.Errorf("the system admin reads %d entries of A, want %d", sysA.Total, nA)
	}
	for _, e := range sysA.Entries {
		if e.MergedInto != "AB" || e.Redacted {
			t.Errorf("the system admin reads A's entry %d marked %q, redacted %v", e.ID, e.MergedInto, e.Redacted)
		}
	}

	// AB's page links its predecessors where the reader can follow them:
	// AB's admin to their audit trail (their pages are the system
	// admin's and answered 404), the system admin to their pages.
	sysSession := a.login("admin")
	for _, tt := range []struct {
		name string
		s    *session
		href string
	}{{"AB's admin", &adminAB, "/audit-log?agency=A"}, {"the system admin", &sysSession, "/admin/agencies/A"}} {
		p := parsePage(t, bodyOf(t, a.do("GET", "/admin/agencies/AB", tt.s, nil)))
		link := p.byID("predecessor-A")
		if link == nil || attr(link, "href") != tt.href {
			t.Errorf("%s: predecessor A links %v, want %s", tt.name, link, tt.href)
			continue
		}
		if code := a.do("GET", tt.href, tt.s, nil).StatusCode; code != 200 {
			t.Errorf("%s follows %s: %d", tt.name, tt.href, code)
		}
	}
}

// TestMergedDossierApologySlip: a late dossier of A given an apology slip
// moves to AB in the merger with its code; its slip, printed in AB, still
// reads its reason and date from A's audit entry.
func TestMergedDossierApologySlip(t *testing.T) {
	a := newApp(t)
	a.clock.Set(hanoiTime(2026, 3, 2, 9, 0)) // Monday
	a.slowProcedure()
	d := a.receiveAt("Nguyễn Văn Muộn")
	a.clock.Set(hanoiTime(2026, 3, 10, 9, 0)) // late since Monday 09/03 09:00
	staff := a.login("a-staff")
	resp := a.do("POST", "/dossiers/"+d.Code+"/apology", &staff, url.Values{"new_appointment": {"12/03/2026 16:00"}, "reason": {"Chờ ý kiến cơ quan công an"}})
	if resp.StatusCode != 303 {
		t.Fatalf("apology: %d %s", resp.StatusCode, bodyOf(t, resp))
	}
	resp = a.api("POST", "/api/v1/agencies/merge", a.token("admin"), `{"into":"AB","name":"Sở AB","from":["A","B"]}`)
	if body := bodyOf(t, resp); resp.StatusCode != 200 {
		t.Fatalf("merge: %d %s", resp.StatusCode, body)
	}
	slip := bodyOf(t, a.do("GET", "/dossiers/"+d.Code+"/apology-slip", &staff, nil))
	for _, want := range []string{`id="apology-reason">Chờ ý kiến cơ quan công an`, "Ngày 10 tháng 03 năm 2026"} {
		if !strings.Contains(slip, want) {
			t.Errorf("the slip printed in AB lacks %q", want)
		}
	}
}
