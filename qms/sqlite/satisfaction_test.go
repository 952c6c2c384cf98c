package sqlite_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/sqlite"
)

// importReturned loads a dossier of TTHC 1.000001 returned an hour ago.
func importReturned(t *testing.T, db *sqlite.DB, sys context.Context, agency, code string) *qms.Dossier {
	t.Helper()
	at := db.Now().Add(-time.Hour)
	if _, err := db.ImportDossiers(sys, agency, []sqlite.DossierImport{{Code: code, TTHCCode: "1.000001", ReceivedAt: at.Add(-72 * time.Hour),
		DueAt: at.Add(48 * time.Hour), CompletedAt: &at, Status: qms.DossierCompleted}}); err != nil {
		t.Fatal(err)
	}
	d, err := db.FindDossier(sys, agency, code)
	if err != nil || d.ReturnedAt == nil {
		t.Fatalf("imported %s: %+v %v", code, d, err)
	}
	return d
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
	db, clk, sys := openDB(t)
	open, done := mergeAgency(t, db, sys, "PA", true)
	public := qms.WithActor(context.Background(), qms.PublicActor("PA"))
	submit := func(code string, answers map[string]int, ip string) (*qms.SatisfactionResponse, error) {
		r := &qms.SatisfactionResponse{Answers: answers, Comment: "  Cán bộ nhiệt tình.  "}
		return r, db.SubmitSatisfaction(public, "PA", code, r, ip)
	}
	refused := []struct {
		name, code string
		answers    map[string]int
		errCode    string
		message    string
	}{
		{"not yet returned", open.Code, sipasAnswers(5), qms.ECONFLICT, "chưa trả kết quả"},
		{"unknown dossier", "PA-2026-999999", sipasAnswers(5), qms.ENOTFOUND, "Không tìm thấy"},
		{"a question unanswered", done.Code, map[string]int{"TC1": 5}, qms.EINVALID, "Chưa chọn mức độ hài lòng cho câu 2"},
	}
	for _, tt := range refused {
		if _, err := submit(tt.code, tt.answers, "192.0.2.1"); qms.ErrorCode(err) != tt.errCode || !strings.Contains(qms.ErrorMessage(err), tt.message) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
	clk.Add(3600e9)
	r, err := submit(strings.ToLower(done.Code), sipasAnswers(4), "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	if r.AgencyCode != "PA" || r.DossierCode != done.Code || r.TTHCCode != "1.000001" || r.Questionnaire != "SIPAS-2017" || r.Comment != "Cán bộ nhiệt tình." {
		t.Errorf("stored %+v", r)
	}
	if _, err := submit(done.Code, sipasAnswers(1), "192.0.2.2"); qms.ErrorCode(err) != qms.ECONFLICT || !strings.Contains(qms.ErrorMessage(err), "một lần") {
		t.Errorf("second response: %v", err)
	}
	got, err := db.DossierSatisfaction(sys, "PA", done.Code)
	if err != nil || got.ID != r.ID || got.Answers["CC6"] != 4 {
		t.Errorf("read back %+v %v", got, err)
	}
	if _, err := db.DossierSatisfaction(sys, "PA", open.Code); qms.ErrorCode(err) != qms.ENOTFOUND {
		t.Errorf("unrated dossier: %v", err)
	}
	action := "satisfaction.submit"
	es, _, err := db.FindAuditEntries(sys, qms.AuditFilter{Action: &action})
	if err != nil || len(es) != 1 || es[0].Actor != qms.PublicActorName || es[0].AgencyCode != "PA" || es[0].ObjectID != done.Code {
		t.Fatalf("audit %+v %v", es, err)
	}
	raw := rawDB(t, db)
	for _, q := range []string{`UPDATE satisfaction_responses SET comment = 'sửa'`, `DELETE FROM satisfaction_responses`} {
		if _, err := raw.Exec(q); err == nil || !strings.Contains(err.Error(), "record") {
			t.Errorf("%s: %v", q, err)
		}
	}
	rs, err := db.FindSatisfaction(sys, qms.SatisfactionFilter{Agencies: []string{"PA"}})
	if err != nil || len(rs) != 1 {
		t.Errorf("list %d %v", len(rs), err)
	}
}

// TestSatisfaction9MergeKeepsResponses: a response stays with its
// (closed) dossier in the predecessor, the merge report counts it as
// staying, a predecessor's returned dossier can still be rated where the
// status lookup finds it (audited on the successor: the predecessor is
// read-only), and the successor's figures include its predecessors'.
func TestSatisfaction9MergeKeepsResponses(t *testing.T) {
	db, _, sys := openDB(t)
	_, doneA := mergeAgency(t, db, sys, "PA", true)
	mergeAgency(t, db, sys, "PB", false)
	doneB := importReturned(t, db, sys, "PB", "PB-H-001")
	rate := func(agency, code string) error {
		return db.SubmitSatisfaction(qms.WithActor(context.Background(), qms.PublicActor(agency)), agency, code,
			&qms.SatisfactionResponse{Answers: sipasAnswers(5)}, "198.51.100.7")
	}
	if err := rate("PA", doneA.Code); err != nil {
		t.Fatal(err)
	}
	rep, err := db.MergeAgencies(sys, qms.MergePlan{Into: "SNEW", Name: "Sở mới", From: []string{"PA", "PB"}}, false)
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
	rs, err := db.FindSatisfaction(sys, qms.SatisfactionFilter{Agencies: []string{"PA", "PB"}})
	if err != nil || len(rs) != 2 || rs[0].AgencyCode != "PA" || rs[1].AgencyCode != "PB" || rs[1].DossierCode != doneB.Code {
		t.Fatalf("responses stay with their dossiers: %+v %v", rs, err)
	}
	action := "satisfaction.submit"
	es, _, _ := db.FindAuditEntries(sys, qms.AuditFilter{Action: &action})
	if len(es) != 2 || es[0].AgencyCode != "SNEW" {
		t.Errorf("the entry after the merge goes to the successor: %+v", es)
	}
	scope, err := db.SatisfactionScope(sys, "SNEW")
	if err != nil || strings.Join(scope, ",") != "PA,PB,SNEW" {
		t.Errorf("scope %v %v", scope, err)
	}
	if err := rate("PB", doneB.Code); qms.ErrorCode(err) != qms.ECONFLICT {
		t.Errorf("second response after the merge: %v", err)
	}
}
