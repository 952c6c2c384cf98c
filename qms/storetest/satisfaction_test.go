package storetest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/sqlstore"
)

// Satisfaction responses (qms/sqlstore): listed by agency and period,
// oldest first; a report's scope takes in the units under the agency;
// a response is a record neither store lets anyone change or delete.
func TestSatisfactionListsAndScope(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ctx := f.ctx
		for _, a := range []qms.Agency{{Code: "SKA", Name: "Sở A"}, {Code: "PKA", Name: "Phòng của Sở A", ParentCode: "SKA"},
			{Code: "XKA", Name: "Xã dưới phòng", ParentCode: "PKA"}, {Code: "SKB", Name: "Sở B"}} {
			if err := f.CreateAgency(ctx, &a); err != nil {
				t.Fatal(err)
			}
		}
		public := qms.WithActor(context.Background(), qms.PublicActor("NOPE"))
		if err := f.SubmitSatisfaction(public, "NOPE", "NOPE-1", &qms.SatisfactionResponse{}, "192.0.2.1"); qms.ErrorCode(err) != qms.ENOTFOUND {
			t.Errorf("unknown agency: %v", err)
		}
		// Responses as SubmitSatisfaction keeps them (the raw connection
		// does not hold dossier_id to a dossier).
		rows := []struct {
			agency string
			at     string
			score  int
		}{
			{"SKA", "2026-02-01T03:00:00Z", 5},
			{"XKA", "2026-01-15T03:00:00Z", 4},
			{"SKB", "2026-01-20T03:00:00Z", 1},
			{"SKA", "2025-12-31T16:59:59Z", 3}, // 23:59:59 on 31 December in Hà Nội: 2025
			{"PKA", "2025-12-31T17:00:00Z", 2}, // midnight: 2026
		}
		for i, r := range rows {
			if err := f.exec(fmt.Sprintf(`INSERT INTO satisfaction_responses (agency_code, dossier_id, tthc_code, questionnaire, answers_json,
				comment, submitted_at) VALUES ('%s', %d, '1.000001', 'SIPAS-2017', '{"TC1":%d}', '', '%s')`, r.agency, i+1, r.score, r.at)); err != nil {
				t.Fatal(err)
			}
		}
		jan := time.Date(2026, 1, 1, 0, 0, 0, 0, qms.Zone)
		// Each response read back as its agency and score (it names no
		// dossier).
		finds := []struct {
			name      string
			filter    qms.SatisfactionFilter
			responses string
		}{
			{"no agency", qms.SatisfactionFilter{}, ""},
			{"one agency", qms.SatisfactionFilter{Agencies: []string{"SKA"}}, "SKA-3,SKA-5"},
			{"oldest first", qms.SatisfactionFilter{Agencies: []string{"SKA", "PKA", "XKA", "SKB"}}, "SKA-3,PKA-2,XKA-4,SKB-1,SKA-5"},
			{"from", qms.SatisfactionFilter{Agencies: []string{"SKA", "PKA"}, From: jan}, "PKA-2,SKA-5"},
			{"to", qms.SatisfactionFilter{Agencies: []string{"SKA", "PKA", "XKA"}, To: jan.AddDate(0, 1, 0)}, "SKA-3,PKA-2,XKA-4"},
		}
		for _, tt := range finds {
			t.Run(tt.name, func(t *testing.T) {
				rs, err := f.FindSatisfaction(ctx, tt.filter)
				if err != nil || rs == nil {
					t.Fatalf("find: %v %v", rs, err)
				}
				var got []string
				for _, r := range rs {
					got = append(got, fmt.Sprintf("%s-%d", r.AgencyCode, r.Answers["TC1"]))
				}
				if strings.Join(got, ",") != tt.responses {
					t.Fatalf("responses %v, want %s", got, tt.responses)
				}
			})
		}
		rs, err := f.FindSatisfaction(ctx, qms.SatisfactionFilter{Agencies: []string{"SKB"}})
		if err != nil || len(rs) != 1 || rs[0].Answers["TC1"] != 1 || rs[0].Questionnaire != "SIPAS-2017" || rs[0].TTHCCode != "1.000001" ||
			!rs[0].SubmittedAt.Equal(time.Date(2026, 1, 20, 3, 0, 0, 0, time.UTC)) {
			t.Fatalf("read back %+v %v", rs, err)
		}
		scopes := []struct{ agency, scope string }{{"SKA", "PKA,SKA,XKA"}, {"PKA", "PKA,XKA"}, {"SKB", "SKB"}, {"NOPE", ""}}
		for _, tt := range scopes {
			if scope, err := f.SatisfactionScope(ctx, tt.agency); err != nil || strings.Join(scope, ",") != tt.scope {
				t.Errorf("scope of %s = %v %v, want %s", tt.agency, scope, err, tt.scope)
			}
		}
		// An agency merged into another reports through it.
		if err := f.exec(`UPDATE agencies SET merged_into = 'PKA', merged_at = '2026-03-01T00:00:00Z' WHERE code = 'SKB'`); err != nil {
			t.Fatal(err)
		}
		scopes = []struct{ agency, scope string }{{"SKA", "PKA,SKA,SKB,XKA"}, {"PKA", "PKA,SKB,XKA"}, {"SKB", "SKB"}}
		for _, tt := range scopes {
			if scope, err := f.SatisfactionScope(ctx, tt.agency); err != nil || strings.Join(scope, ",") != tt.scope {
				t.Errorf("scope of %s = %v %v, want %s", tt.agency, scope, err, tt.scope)
			}
		}
		sum, err := f.SatisfactionSummary(ctx, "SKA", 2026)
		if err != nil || sum.Responses != 4 {
			t.Errorf("2026 summary of SKA %+v %v", sum, err)
		}
		for _, q := range []string{`UPDATE satisfaction_responses SET comment = 'sửa'`, `DELETE FROM satisfaction_responses`} {
			if err := f.exec(q); err == nil || !strings.Contains(err.Error(), "record") {
				t.Errorf("%s: %v", q, err)
			}
		}
		if rs, _ := f.FindSatisfaction(ctx, qms.SatisfactionFilter{Agencies: []string{"SKA"}}); len(rs) != 2 || rs[0].Comment != "" {
			t.Errorf("after refused changes: %+v", rs)
		}
	})
}

// importReturned loads a dossier of TTHC 1.000001 returned an hour ago.
func importReturned(t *testing.T, f *fixture, agency, code string) *qms.Dossier {
	t.Helper()
	sys := f.ctx
	at := f.clk.Now().Add(-time.Hour)
	if _, err := f.ImportDossiers(sys, agency, []sqlstore.DossierImport{{Code: code, TTHCCode: "1.000001", ReceivedAt: at.Add(-72 * time.Hour),
		DueAt: at.Add(48 * time.Hour), CompletedAt: &at, Status: qms.DossierCompleted}}); err != nil {
		t.Fatal(err)
	}
	d, err := f.FindDossier(sys, agency, code)
	if err != nil || d.ReturnedAt == nil {
		t.Fatalf("imported %s: %+v %v", code, d, err)
	}
	return d
}

// surveyKey is the key on the dossier's receipt slip, read as the slip
// reads it (the status lookup: following merges).
func surveyKey(t *testing.T, f *fixture, agency, code string) string {
	t.Helper()
	d, err := f.FindDossierByCode(f.ctx, agency, code)
	if err != nil {
		t.Fatalf("survey key of %s: %v", code, err)
	}
	if len(d.SurveyKey) != qms.SurveyKeyLength || strings.Trim(d.SurveyKey, "0123456789ABCDEF") != "" {
		t.Fatalf("survey key of %s: %q", code, d.SurveyKey)
	}
	return d.SurveyKey
}

// sipasAnswers answers every required SIPAS question with v.
func sipasAnswers(v int) map[string]int {
	out := map[string]int{}
	for _, q := range qms.SIPAS2017.Questions {
		if !q.Optional {
			out[q.Code] = v
		}
	}
	return out
}

// TestSatisfaction9OnePerReturnedDossier: a response is taken only on a
// returned dossier, once, with its audit entry by "public"; it can be
// neither changed nor deleted afterwards.
func TestSatisfaction9OnePerReturnedDossier(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys, clk := f.ctx, f.clk
		open, done, _ := mergeAgency(t, f, "PA", true)
		public := qms.WithActor(context.Background(), qms.PublicActor("PA"))
		key := surveyKey(t, f, "PA", done)
		submit := func(code, key string, answers map[string]int, ip string) (*qms.SatisfactionResponse, error) {
			r := &qms.SatisfactionResponse{Answers: answers, Comment: "  Cán bộ nhiệt tình.  ", Key: key}
			return r, f.SubmitSatisfaction(public, "PA", code, r, ip)
		}
		refused := []struct {
			name, code, key string
			answers         map[string]int
			errCode         string
			message         string
		}{
			{"not yet returned", open, surveyKey(t, f, "PA", open), sipasAnswers(5), qms.ECONFLICT, "chưa trả kết quả"},
			{"unknown dossier", "PA-2026-999999", key, sipasAnswers(5), qms.ENOTFOUND, "Không tìm thấy"},
			{"no survey key", done, "", sipasAnswers(5), qms.EINVALID, "Nhập mã khảo sát"},
			{"another dossier's key", done, surveyKey(t, f, "PA", open), sipasAnswers(5), qms.EINVALID, "Mã khảo sát không đúng"},
			{"the key cut short", done, key[:qms.SurveyKeyLength-1], sipasAnswers(5), qms.EINVALID, "Mã khảo sát không đúng"},
			{"a question unanswered", done, key, map[string]int{"TC1": 5}, qms.EINVALID, "Chưa chọn mức độ hài lòng cho câu 2"},
		}
		for _, tt := range refused {
			if _, err := submit(tt.code, tt.key, tt.answers, "192.0.2.1"); qms.ErrorCode(err) != tt.errCode || !strings.Contains(qms.ErrorMessage(err), tt.message) {
				t.Errorf("%s: %v", tt.name, err)
			}
		}
		clk.Add(3600e9)
		// The key as read off the slip: lower case, in two groups.
		r, err := submit(strings.ToLower(done), strings.ToLower(key[:5]+" - "+key[5:]), sipasAnswers(4), "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		if r.AgencyCode != "PA" || r.TTHCCode != "1.000001" || r.Questionnaire != "SIPAS-2017" || r.Comment != "Cán bộ nhiệt tình." {
			t.Errorf("stored %+v", r)
		}
		// Whether the dossier was rated is told only to an answer with
		// its key and every question: a wrong key or a question left out
		// is refused as it would be on a dossier not rated.
		if _, err := submit(done, surveyKey(t, f, "PA", open), sipasAnswers(1), "192.0.2.2"); qms.ErrorField(err) != "key" {
			t.Errorf("second response with another dossier's key: %v", err)
		}
		if _, err := submit(done, key, map[string]int{"TC1": 1}, "192.0.2.2"); qms.ErrorCode(err) != qms.EINVALID {
			t.Errorf("second response with a question left out: %v", err)
		}
		_, err = submit(done, key, sipasAnswers(1), "192.0.2.2")
		if qms.ErrorCode(err) != qms.ECONFLICT || !strings.Contains(qms.ErrorMessage(err), "một lần") || strings.Contains(qms.ErrorMessage(err), "lúc") {
			t.Errorf("second response: %v", err)
		}
		rs, err := f.FindSatisfaction(sys, qms.SatisfactionFilter{Agencies: []string{"PA"}})
		if err != nil || len(rs) != 1 || rs[0].ID != r.ID || rs[0].Answers["CC6"] != 4 {
			t.Errorf("read back %+v %v", rs, err)
		}
		action := "satisfaction.submit"
		es, _, err := f.FindAuditEntries(sys, qms.AuditFilter{Action: &action})
		if err != nil || len(es) != 1 || es[0].Actor != qms.PublicActorName || es[0].AgencyCode != "PA" || es[0].ObjectType != qms.SatisfactionObject ||
			es[0].ObjectID != sqlstore.Itoa(r.ID) {
			t.Fatalf("audit %+v %v", es, err)
		}
		for _, q := range []string{`UPDATE satisfaction_responses SET comment = 'sửa'`, `DELETE FROM satisfaction_responses`} {
			if err := f.exec(q); err == nil || !strings.Contains(err.Error(), "record") {
				t.Errorf("%s: %v", q, err)
			}
		}
		rs, err = f.FindSatisfaction(sys, qms.SatisfactionFilter{Agencies: []string{"PA"}})
		if err != nil || len(rs) != 1 {
			t.Errorf("list %d %v", len(rs), err)
		}
	})
}

// TestSatisfaction9MergeKeepsResponses: a response stays with its
// (closed) dossier in the predecessor, the merge report counts it as
// staying, a predecessor's returned dossier can still be rated where the
// status lookup finds it (audited on the successor: the predecessor is
// read-only), and the successor's figures include its predecessors'.
func TestSatisfaction9MergeKeepsResponses(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys := f.ctx
		_, doneA, _ := mergeAgency(t, f, "PA", true)
		mergeAgency(t, f, "PB", false)
		doneB := importReturned(t, f, "PB", "PB-H-001")
		rate := func(agency, code string) error {
			return f.SubmitSatisfaction(qms.WithActor(context.Background(), qms.PublicActor(agency)), agency, code,
				&qms.SatisfactionResponse{Answers: sipasAnswers(5), Key: surveyKey(t, f, agency, code)}, "198.51.100.7")
		}
		if err := rate("PA", doneA); err != nil {
			t.Fatal(err)
		}
		rep, err := f.MergeAgencies(sys, qms.MergePlan{Into: "SNEW", Name: "Sở mới", From: []string{"PA", "PB"}}, false)
		if err != nil {
			t.Fatal(err)
		}
		if c := rep.Count("satisfaction_responses"); c.Stayed != 1 || c.Moved != 0 {
			t.Errorf("merge report %+v", c)
		}
		// The citizen finds a closed dossier of PB where the status lookup
		// finds it: on PB's page, which stays readable.
		if err := rate("PB", doneB.Code); err != nil {
			t.Fatalf("rating a merged predecessor's returned dossier: %v", err)
		}
		rs, err := f.FindSatisfaction(sys, qms.SatisfactionFilter{Agencies: []string{"PA", "PB"}})
		if err != nil || len(rs) != 2 || rs[0].AgencyCode != "PA" || rs[1].AgencyCode != "PB" {
			t.Fatalf("responses stay with their dossiers: %+v %v", rs, err)
		}
		action := "satisfaction.submit"
		es, _, _ := f.FindAuditEntries(sys, qms.AuditFilter{Action: &action})
		if len(es) != 2 || es[0].AgencyCode != "SNEW" {
			t.Errorf("the entry after the merge goes to the successor: %+v", es)
		}
		scope, err := f.SatisfactionScope(sys, "SNEW")
		if err != nil || strings.Join(scope, ",") != "PA,PB,SNEW" {
			t.Errorf("scope %v %v", scope, err)
		}
		if err := rate("PB", doneB.Code); qms.ErrorCode(err) != qms.ECONFLICT {
			t.Errorf("second response after the merge: %v", err)
		}
	})
}

// TestSatisfactionKeyGuessingHeldBack: wrong survey keys count against
// their address (an IPv6 one as its /64); past qms.SurveyKeyFailuresMax
// in the window that address
// is refused (ETOOMANY) even with the right key, so the refusal tells a
// guesser nothing, while another address answers; after the window it
// answers again. A missing key is a mistake, not a guess, and does not
// count.
func TestSatisfactionKeyGuessingHeldBack(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		mergeAgency(t, f, "PA", false)
		first, second := importReturned(t, f, "PA", "PA-G-001"), importReturned(t, f, "PA", "PA-G-002")
		public := qms.WithActor(context.Background(), qms.PublicActor("PA"))
		submit := func(d *qms.Dossier, key, ip string) error {
			return f.SubmitSatisfaction(public, "PA", d.Code, &qms.SatisfactionResponse{Answers: sipasAnswers(4), Key: key}, ip)
		}
		// The guesser takes a new address of its IPv6 /64 for each try:
		// the /64 is what is counted, as for logins.
		const guesser, kiosk = "2001:db8:1:2::ff", "198.51.100.20"
		guess := func(i int) string { return fmt.Sprintf("2001:db8:1:2::%x", i+1) }
		for _, none := range []string{"", "  - "} {
			if err := submit(first, none, guesser); qms.ErrorField(err) != "key" {
				t.Fatalf("no key (%q): %v", none, err)
			}
		}
		for i := range qms.SurveyKeyFailuresMax {
			if err := submit(first, fmt.Sprintf("%010X", i), guess(i)); qms.ErrorField(err) != "key" || !strings.Contains(qms.ErrorMessage(err), "không đúng") {
				t.Fatalf("guess %d: %v", i, err)
			}
		}
		if err := submit(first, surveyKey(t, f, "PA", first.Code), guesser); qms.ErrorCode(err) != qms.ETOOMANY {
			t.Fatalf("the right key after %d wrong ones: %v", qms.SurveyKeyFailuresMax, err)
		}
		if err := submit(second, surveyKey(t, f, "PA", second.Code), kiosk); err != nil {
			t.Fatalf("another address: %v", err)
		}
		// After the window: one more wrong key counts afresh (the old
		// failures are gone), and the right key is taken.
		f.clk.Add(qms.SatisfactionThrottleWindow + time.Second)
		if err := submit(first, "FFFFFFFFFF", guesser); qms.ErrorField(err) != "key" {
			t.Fatalf("a wrong key after the window: %v", err)
		}
		if n := mustQuery(t, f, `SELECT COUNT(*) FROM survey_key_failures`); len(n) != 1 || n[0] != "1" {
			t.Errorf("failures kept: %v", n)
		}
		if err := submit(first, surveyKey(t, f, "PA", first.Code), guesser); err != nil {
			t.Fatalf("after the window: %v", err)
		}

		// Guesses sent all at once are held to the same bound: each is
		// counted in the write that checks it, before the next one's.
		f.clk.Add(qms.SatisfactionThrottleWindow + time.Second)
		third := importReturned(t, f, "PA", "PA-G-003")
		const sent = 40
		errs := make(chan error, sent)
		var wg sync.WaitGroup
		for i := range sent {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- submit(third, fmt.Sprintf("%010X", i), guess(100+i))
			}()
		}
		wg.Wait()
		close(errs)
		checked, held := 0, 0
		for err := range errs {
			switch {
			case qms.ErrorField(err) == "key":
				checked++
			case qms.ErrorCode(err) == qms.ETOOMANY:
				held++
			default:
				t.Errorf("a guess sent at once: %v", err)
			}
		}
		if checked != qms.SurveyKeyFailuresMax || held != sent-qms.SurveyKeyFailuresMax {
			t.Errorf("%d guesses sent at once: %d checked, %d held back; want %d checked", sent, checked, held, qms.SurveyKeyFailuresMax)
		}
	})
}

// TestSatisfactionAnswersDeidentified: a response is read back, and
// audited, without anything that names its dossier or applicant, on
// either store; the link kept for the one-response rule is never read
// back; the sender's address hash is kept apart from the response, only
// for the throttle's window; and an audit entry written before, which
// named the dossier, is read without it and is not found by the dossier.
func TestSatisfactionAnswersDeidentified(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys := f.ctx
		_, done, _ := mergeAgency(t, f, "PA", true)
		d, err := f.FindDossier(sys, "PA", done)
		if err != nil || d.Applicant.Name == "" {
			t.Fatalf("dossier %+v %v", d, err)
		}
		public := qms.WithActor(context.Background(), qms.PublicActor("PA"))
		r := &qms.SatisfactionResponse{Answers: sipasAnswers(2), Comment: "Phải chờ lâu.", Key: surveyKey(t, f, "PA", done)}
		if err := f.SubmitSatisfaction(public, "PA", done, r, "192.0.2.9"); err != nil {
			t.Fatal(err)
		}
		identifying := []string{done, d.Applicant.Name, d.SurveyKey}
		leaks := func(what string, v any) {
			t.Helper()
			b, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range identifying {
				if strings.Contains(string(b), s) {
					t.Errorf("%s names %q: %s", what, s, b)
				}
			}
		}
		rs, err := f.FindSatisfaction(sys, qms.SatisfactionFilter{Agencies: []string{"PA"}})
		if err != nil || len(rs) != 1 || rs[0].Comment != "Phải chờ lâu." {
			t.Fatalf("responses %+v %v", rs, err)
		}
		leaks("the responses read back", rs)
		sum, err := f.SatisfactionSummary(sys, "PA", f.clk.Now().In(qms.Zone).Year())
		if err != nil || sum.Responses != 1 {
			t.Fatalf("summary %+v %v", sum, err)
		}
		leaks("the review pack's summary", sum)

		action := "satisfaction.submit"
		es, _, err := f.FindAuditEntries(sys, qms.AuditFilter{Action: &action})
		if err != nil || len(es) != 1 {
			t.Fatalf("audit %+v %v", es, err)
		}
		e := es[0]
		if e.ObjectType != qms.SatisfactionObject || e.ObjectID != sqlstore.Itoa(rs[0].ID) || e.Before != nil || e.Reason != "" || e.Deidentified ||
			string(e.After) != fmt.Sprintf(`{"id":%d,"agency":"PA","questionnaire":"SIPAS-2017"}`, rs[0].ID) {
			t.Errorf("audit entry %+v (after %s)", e, e.After)
		}
		leaks("the audit entry", es)
		if n, err := f.VerifyAuditChain(sys); err != nil || n == 0 {
			t.Errorf("chain after the answer: %d %v", n, err)
		}
		// The dossier's own entries name it, as they should; none of them
		// is the answer's.
		typ := "dossier"
		es, _, err = f.FindAuditEntries(sys, qms.AuditFilter{ObjectType: &typ, ObjectID: &done, Limit: 500})
		if err != nil || len(es) == 0 {
			t.Fatalf("the dossier's entries %d %v", len(es), err)
		}
		for _, e := range es {
			if strings.HasPrefix(e.Action, "satisfaction.") {
				t.Errorf("the dossier's entries hold its answer: %+v", e)
			}
		}

		// The row keeps neither the dossier's code nor the address: the
		// address hash waits in survey_answer_throttle for the window.
		for _, col := range []string{"dossier_code", "ip_hash"} {
			if _, err := f.query(`SELECT ` + col + ` FROM satisfaction_responses`); err == nil {
				t.Errorf("satisfaction_responses still has %s", col)
			}
		}
		if n := mustQuery(t, f, `SELECT COUNT(*) FROM survey_answer_throttle`); len(n) != 1 || n[0] != "1" {
			t.Errorf("answers counted for the throttle: %v", n)
		}
		f.clk.Add(qms.SatisfactionThrottleWindow + time.Second)
		other := importReturned(t, f, "PA", "PA-H-002")
		if err := f.SubmitSatisfaction(public, "PA", other.Code, &qms.SatisfactionResponse{Answers: sipasAnswers(5), Key: surveyKey(t, f, "PA", other.Code)},
			"198.51.100.3"); err != nil {
			t.Fatal(err)
		}
		if n := mustQuery(t, f, `SELECT COUNT(*) FROM survey_answer_throttle`); len(n) != 1 || n[0] != "1" {
			t.Errorf("answers counted after the window: %v (the older one should be gone)", n)
		}

		// An entry as the store wrote them before (the object the dossier,
		// the state the whole response with its code), appended behind the
		// store's back: read without the dossier, and not found by it.
		legacy := fmt.Sprintf(`{"id":%d,"agency":"PA","dossier_code":"%s","tthc_code":"1.000001","questionnaire":"SIPAS-2017","answers":{"TC1":2},"comment":"Phải chờ lâu.","submitted_at":"2026-03-02T03:00:00Z"}`,
			rs[0].ID, done)
		if err := f.exec(fmt.Sprintf(`INSERT INTO audit_log (id, at, actor, agency_code, action, object_type, object_id, before_json, after_json, reason, prev_hash, hash)
			SELECT MAX(id) + 1, '2026-03-02T03:00:00Z', 'public', 'PA', 'satisfaction.submit', 'dossier', '%s', NULL, '%s', '', 'x', 'y' FROM audit_log`, done, legacy)); err != nil {
			t.Fatal(err)
		}
		es, total, err := f.FindAuditEntries(sys, qms.AuditFilter{Action: &action})
		if err != nil || len(es) != 3 || total != 3 || !es[0].Deidentified || es[0].ObjectType != qms.SatisfactionObject || es[0].ObjectID != sqlstore.Itoa(rs[0].ID) {
			t.Fatalf("the entry written before: %d/%d %+v %v", len(es), total, es, err)
		}
		leaks("the entry written before", es)
		all, _, err := f.FindAuditEntries(sys, qms.AuditFilter{Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		leaks("the latest entries (as the dashboard lists them)", all[:1])
		es, total, err = f.FindAuditEntries(sys, qms.AuditFilter{ObjectType: &typ, ObjectID: &done, Limit: 500})
		if err != nil || total != len(es) {
			t.Fatal(err)
		}
		for _, e := range es {
			if strings.HasPrefix(e.Action, "satisfaction.") {
				t.Errorf("a search by the dossier finds the entry written before: %+v", e)
			}
		}
		for _, filter := range []qms.AuditFilter{{ObjectID: &done}, {ObjectType: &typ}} {
			filter.Limit = 500
			es, _, _ := f.FindAuditEntries(sys, filter)
			for _, e := range es {
				if strings.HasPrefix(e.Action, "satisfaction.") {
					t.Errorf("a search by object (%v, %v) finds the entry written before", filter.ObjectType != nil, filter.ObjectID != nil)
				}
			}
		}
	})
}
