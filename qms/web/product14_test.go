package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/calendar"
)

// seedVocabularies adds to seedASCII's data what shows the rest of each
// coded vocabulary: a paused dossier and overdue ones (compliance
// findings of several rules and severities), answered checklist questions,
// nonconformities in progress and closed, calendar changes of each kind,
// feedback assigned and answered, a new draft of the procedure and a job
// run.
func (a *app) seedVocabularies(paths map[string]string) {
	t := a.t
	t.Helper()
	as := func(name string) context.Context {
		u := a.users[name]
		return qms.WithActor(context.Background(), qms.Actor{UserID: u.ID, Username: u.Username, AgencyCode: "A"})
	}
	officer, staff, auditor, sys := as("a-quality-officer"), as("a-staff"), as("a-auditor"), qms.WithActor(context.Background(), qms.SystemActor("test"))
	for i := 0; i < 2; i++ {
		d := &qms.Dossier{AgencyCode: "A", TTHCCode: "1.000001", Channel: qms.ChannelOnline, Applicant: qms.Applicant{Name: "Applicant Two", Phone: "0913"}}
		if err := a.db.ReceiveDossier(staff, d); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			if _, err := a.db.PauseDossier(staff, "A", d.Code, "Missing copy"); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, o := range []qms.CalendarOverride{{Date: "2026-01-02", Kind: "off", Name: "Bridge day"}, {Date: "2026-01-10", Kind: "work", Name: "Make-up day"}, {Date: "2026-02-20", Kind: "tet", Name: "Tet extra"}} {
		if err := a.db.SetCalendarOverride(sys, o, false); err != nil {
			t.Fatal(err)
		}
	}
	planID, _ := strconv.ParseInt(strings.TrimPrefix(paths["/audits/plans/:id"], "/audits/plans/"), 10, 64)
	plan, err := a.db.FindPlan(auditor, "A", planID)
	if err != nil {
		t.Fatal(err)
	}
	answers := []string{qms.AnswerConform, qms.AnswerObservation, qms.AnswerMinorNC, qms.AnswerMajorNC}
	for i, it := range plan.Items {
		if i == len(answers) {
			break
		}
		if _, err := a.db.AnswerItem(auditor, "A", planID, it.ID, answers[i], "Seen records", ""); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 2; i++ {
		n := &qms.Nonconformity{AgencyCode: "A", Source: qms.NCFromComplaint, Description: "Rude reply " + strconv.Itoa(i+1), Correction: "Apologise", RootCause: "No script"}
		if err := a.db.CreateNC(officer, n); err != nil {
			t.Fatal(err)
		}
		n, err := a.db.AddAction(officer, "A", n.ID, qms.CorrectiveAction{Description: "Train the desk", Owner: "a-staff", DueOn: a.clock.Now().AddDate(0, 0, 7)})
		if err != nil {
			t.Fatal(err)
		}
		if i == 1 { // its owner records it done; the quality officer verifies
			if _, err := a.db.CompleteAction(staff, "A", n.ID, n.Actions[0].ID, "Trained"); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := a.db.ChangeNC(officer, "A", n.ID, "start", ""); err != nil {
			t.Fatal(err)
		}
		if i == 1 {
			if _, err := a.db.ChangeNC(officer, "A", n.ID, "verify", qms.VerdictEffective); err != nil {
				t.Fatal(err)
			}
			if _, err := a.db.CloseNC(officer, "A", n.ID, ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	pid, _ := strconv.ParseInt(strings.TrimPrefix(paths["/procedures/:id"], "/procedures/"), 10, 64)
	if _, err := a.db.CreateVersion(officer, pid); err != nil { // a draft, on the dashboard
		t.Fatal(err)
	}
	if _, err := a.srv.Jobs.RunNow(sys, "compliance"); err != nil { // a run, on the jobs page
		t.Fatal(err)
	}
	// A month on, every open dossier and step is overdue.
	a.clock.Add(30 * 24 * time.Hour)
	if _, err := a.db.RunChecks(sys, qms.CheckScope{}); err != nil {
		t.Fatal(err)
	}
}

// codeVocabularies are the coded values a page must never show as they
// are stored, by vocabulary.
func codeVocabularies() map[string][]string {
	v := map[string][]string{
		"severity":     {qms.SeverityLow, qms.SeverityMedium, qms.SeverityHigh, qms.SeverityCritical},
		"answer":       {qms.AnswerConform, qms.AnswerObservation, qms.AnswerMinorNC, qms.AnswerMajorNC},
		"plan status":  {qms.PlanPlanned, qms.PlanReported},
		"nc status":    {qms.NCOpen, qms.NCInProgress, qms.NCClosed},
		"nc source":    {qms.NCFromAudit, qms.NCFromFinding, qms.NCFromDossier, qms.NCFromComplaint, qms.NCFromOther},
		"verdict":      {qms.VerdictEffective, qms.VerdictNotEffective},
		"doc status":   {string(qms.StatusDraft), string(qms.StatusSubmitted), string(qms.StatusEffective), string(qms.StatusSuperseded), string(qms.StatusWithdrawn)},
		"dossier":      {string(qms.DossierReceived), string(qms.DossierInProgress), string(qms.DossierPaused), string(qms.DossierCompleted), string(qms.DossierRefused), string(qms.DossierWithdrawn)},
		"result":       {qms.Early, qms.OnTime, qms.Late},
		"channel":      {string(qms.ChannelCounter), string(qms.ChannelOnline), string(qms.ChannelPost)},
		"feedback":     {qms.FeedbackReceived, qms.FeedbackAssigned, qms.FeedbackAnswered, qms.FeedbackPublished},
		"objective":    {qms.ObjectiveMet, qms.ObjectiveNotMet, qms.ObjectiveNoData},
		"job outcome":  {qms.RunRunning, qms.RunOK, qms.RunFailed, qms.RunSkipped},
		"job trigger":  {"schedule", "manual"},
		"job figure":   {"opened", "signed_entry", "checkpoints"},
		"calendar":     {string(calendar.KindHoliday), string(calendar.KindMakeup), string(calendar.KindOverride), "off", "work", "tet"},
		"form kind":    {qms.FormOneStop, qms.FormISO, qms.FormLocal},
		"control":      {qms.Controlled, qms.NotControlled, qms.ReasonNoProcedure, qms.ReasonDraftOnly, qms.ReasonInvalidFlowchart, qms.ReasonFormNotEffective, qms.ReasonOlderThanDecision},
		"tthc status":  {qms.TTHCActive, qms.TTHCAbolished},
		"role":         nil,
		"rule":         nil,
		"audit action": {"dossier.receive", "dossier.pause", "nc.create", "nc.start", "nc.verify", "nc.close", "calendar.set", "compliance.run", "internal_audit.answer", "procedure.version_approve", "form.version_approve", "user.create", "auth.login"},
		"step id":      {"check"},
	}
	for _, r := range qms.Roles {
		v["role"] = append(v["role"], string(r))
	}
	for _, r := range qms.Rules {
		v["rule"] = append(v["rule"], r.Code)
	}
	return v
}

// codeWords are the words of a text, a word being letters, digits, '_',
// '.' and '-' (so "minor_nc", "nc.close" and "a-staff" are one word).
var codeWords = regexp.MustCompile(`[A-Za-z0-9_.-]+`)

// TestProduct14NoRawCodes renders every page in both languages, on data
// that holds each value of the coded vocabularies, and fails on a visible
// word that is a stored code (a status, severity, answer, rule, audit
// action, calendar type…), a step id, or a login name outside the pages
// where an administrator manages accounts.
func TestProduct14NoRawCodes(t *testing.T) {
	a := newAppNamed(t, "Agency ", "User ")
	paths := a.seedASCII()
	a.seedVocabularies(paths)
	all := a.allRoles()
	codes := map[string]string{} // code → its vocabulary
	for voc, cs := range codeVocabularies() {
		for _, c := range cs {
			codes[c] = voc
		}
	}
	logins := map[string]bool{}
	for name := range a.users {
		logins[name] = true
	}
	// Procedures by code and name.
	for path, want := range map[string][]string{
		"/":                      {"QT-01 Licensing"},
		paths["/dossiers/:code"]: {"1.000001 Karaoke licence", "QT-01 Licensing"},
		"/tthc":                  {"QT-01 Licensing"},
	} {
		text := strings.Join(uiTexts(parsePage(t, bodyOf(t, a.do("GET", path, &all, nil))).root), " ")
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("GET %s does not name %q", path, w)
			}
		}
	}
	scan := func(lang string) func(target, body string) {
		return func(target, body string) {
			accounts := strings.HasPrefix(target, "/admin/users") || strings.HasPrefix(target, "/admin/agencies")
			seen := map[string]bool{}
			for _, s := range uiTexts(parsePage(t, body).root) {
				if json.Valid([]byte(s)) && strings.HasPrefix(s, "{") {
					continue // an audit entry's record as stored, the evidence
				}
				for _, w := range codeWords.FindAllString(s, -1) {
					w = strings.Trim(w, ".-")
					if seen[w] {
						continue
					}
					if voc, ok := codes[w]; ok && (lang == "vi" || strings.ContainsAny(w, "_.") || strings.ToUpper(w) == w) {
						seen[w] = true
						t.Errorf("GET %s (%s) shows the %s code %q in %q", target, lang, voc, w, s)
					}
					if logins[w] && !accounts {
						seen[w] = true
						t.Errorf("GET %s (%s) shows the login name %q in %q", target, lang, w, s)
					}
				}
			}
		}
	}
	for _, lang := range []string{"vi", "en"} {
		a.everyPage(paths, all, lang, scan(lang))
	}
	// The job runs, which only the system agency sees.
	admin := a.login("admin")
	for _, lang := range []string{"vi", "en"} {
		req := httptest.NewRequest("GET", "/admin/jobs", nil)
		req.AddCookie(&http.Cookie{Name: "qms_lang", Value: lang})
		req.AddCookie(&http.Cookie{Name: "qms_session", Value: admin.cookie})
		body := bodyOf(t, a.send(req))
		scan(lang)("/admin/jobs as admin", body)
	}
	// A nonconformity raised from a finding starts with the finding's rule
	// and message.
	fs, err := a.db.FindFindings(context.Background(), qms.FindingFilter{})
	if err != nil || len(fs) == 0 {
		t.Fatalf("findings: %v %v", fs, err)
	}
	for _, f := range fs {
		path := "/nonconformities/new?finding=" + strconv.FormatInt(f.ID, 10)
		scan("vi")(path, bodyOf(t, a.do("GET", path, &all, nil)))
	}
}
