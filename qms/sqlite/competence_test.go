package sqlite_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/sqlite"
)

// The competence service runs on both stores (qms/storetest
// TestCompetence); what needs compliance or merges stays here.

// competenceSetup gives SVHTT (effectiveProcedure) two competences: THAM-DINH
// required on the leader's step "sign" of QT-01, MOTCUA required of every
// staff member. It returns the quality officer's context and the ids.
func competenceSetup(t *testing.T, db *sqlite.DB, sys context.Context) (officer context.Context, thamDinh, motCua *qms.Competence, procID int64) {
	t.Helper()
	effectiveProcedure(t, db, sys)
	u, err := db.FindUserByUsername(context.Background(), "thu.ky")
	if err != nil {
		t.Fatal(err)
	}
	officer = qms.WithActor(context.Background(), qms.Actor{UserID: u.ID, Username: u.Username, AgencyCode: "SVHTT"})
	ps, err := db.FindProcedures(sys, qms.ProcedureFilter{AgencyCode: ptr("SVHTT")})
	if err != nil || len(ps) != 1 {
		t.Fatal(ps, err)
	}
	thamDinh = &qms.Competence{AgencyCode: "SVHTT", Code: "THAM-DINH", Name: "Thẩm định hồ sơ văn hóa"}
	motCua = &qms.Competence{AgencyCode: "SVHTT", Code: "MOTCUA", Name: "Nghiệp vụ một cửa"}
	for _, c := range []*qms.Competence{thamDinh, motCua} {
		if err := db.CreateCompetence(officer, c); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range []*qms.CompetenceRequirement{
		{AgencyCode: "SVHTT", CompetenceID: thamDinh.ID, ProcedureID: ps[0].ID, StepID: "sign"},
		{AgencyCode: "SVHTT", CompetenceID: motCua.ID, Role: qms.RoleStaff},
	} {
		if err := db.AddRequirement(officer, r); err != nil {
			t.Fatal(err)
		}
	}
	return officer, thamDinh, motCua, ps[0].ID
}

func date(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestCompetence5RuleFiresAndClears walks COMPETENCE_MISSING through its
// causes: a missing competence fires, a record clears, expiry fires
// again, a revoked record counts as none, withdrawing the requirement
// clears. The leader is "assigned" to step sign by holding its role.
func TestCompetence5RuleFiresAndClears(t *testing.T) {
	db, clk, sys := openDB(t)
	officer, thamDinh, motCua, _ := competenceSetup(t, db, sys)
	leaderGap, staffGap := "giam.doc/THAM-DINH", "chuyen.vien/MOTCUA"
	check := func(step string, want map[string]bool) {
		t.Helper()
		run(t, db, sys)
		for obj, open := range want {
			if got := openFinding(t, db, qms.RuleCompetenceMissing, obj); got != open {
				t.Fatalf("%s: finding on %s open = %v, want %v", step, obj, got, open)
			}
		}
	}
	check("nothing recorded", map[string]bool{leaderGap: true, staffGap: true, "thu.ky/MOTCUA": false, "thu.ky/THAM-DINH": false})

	exp := date("2026-06-30")
	rec := &qms.CompetenceRecord{AgencyCode: "SVHTT", Username: "giam.doc", CompetenceID: thamDinh.ID, Course: "Bồi dưỡng thẩm định", ObtainedOn: date("2025-06-30"), ExpiresOn: &exp}
	if err := db.AddCompetenceRecord(officer, rec); err != nil {
		t.Fatal(err)
	}
	check("leader trained", map[string]bool{leaderGap: false, staffGap: true})

	clk.Set(time.Date(2026, 7, 1, 2, 0, 0, 0, time.UTC))
	check("leader's certificate expired", map[string]bool{leaderGap: true})
	yes := true
	fs, _ := db.FindFindings(sys, qms.FindingFilter{Rule: ptr(qms.RuleCompetenceMissing), Open: &yes})
	var msg string
	for _, f := range fs {
		if f.ObjectID == leaderGap {
			msg = f.Message
		}
	}
	if !strings.Contains(msg, "hết hạn từ 30/06/2026") || !strings.Contains(msg, "Ký giấy phép") {
		t.Fatalf("message %q names neither the expiry nor the step", msg)
	}

	staffRec := &qms.CompetenceRecord{AgencyCode: "SVHTT", Username: "chuyen.vien", CompetenceID: motCua.ID, Course: "Tập huấn một cửa 2026", ObtainedOn: date("2026-03-01")}
	if err := db.AddCompetenceRecord(officer, staffRec); err != nil {
		t.Fatal(err)
	}
	check("staff trained", map[string]bool{staffGap: false})
	if _, err := db.RevokeCompetenceRecord(officer, "SVHTT", staffRec.ID, "Chứng nhận cấp nhầm người"); err != nil {
		t.Fatal(err)
	}
	check("staff record revoked", map[string]bool{staffGap: true})

	reqs, _ := db.CompetenceMatrix(sys, "SVHTT")
	for _, r := range reqs.Applied {
		if _, err := db.WithdrawRequirement(officer, "SVHTT", r.ID, "Không còn yêu cầu"); err != nil {
			t.Fatal(err)
		}
	}
	check("requirements withdrawn", map[string]bool{leaderGap: false, staffGap: false})
}

// TestCompetence5MergeMovesCatalogue: the catalogue, requirements and
// records move with the people; a clashing code takes the predecessor's
// suffix and keeps its records.
func TestCompetence5MergeMovesCatalogue(t *testing.T) {
	db, _, sys := openDB(t)
	for _, code := range []string{"PA", "PB"} {
		mergeAgency(t, db, sys, code, false)
		c := &qms.Competence{AgencyCode: code, Code: "ISO-NB", Name: "ISO 9001 nội bộ"}
		if err := db.CreateCompetence(sys, c); err != nil {
			t.Fatal(err)
		}
		if err := db.AddRequirement(sys, &qms.CompetenceRequirement{AgencyCode: code, CompetenceID: c.ID, Role: qms.RoleQualityOfficer}); err != nil {
			t.Fatal(err)
		}
		if err := db.AddCompetenceRecord(sys, &qms.CompetenceRecord{AgencyCode: code, Username: "thu.ky." + strings.ToLower(code), CompetenceID: c.ID, Course: "Đánh giá viên nội bộ", ObtainedOn: date("2025-05-05")}); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := db.MergeAgencies(sys, qms.MergePlan{Into: "NEW", Name: "Sở mới", From: []string{"PA", "PB"}}, false)
	if err != nil {
		t.Fatal(err)
	}
	var renamed bool
	for _, r := range rep.Renamed {
		renamed = renamed || r.Kind == "competence" && r.NewCode == "ISO-NB-PB"
	}
	if !renamed {
		t.Fatalf("report renames %+v", rep.Renamed)
	}
	m, err := db.CompetenceMatrix(sys, "NEW")
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Competences) != 2 || m.Competences[0].Code != "ISO-NB" || m.Competences[1].Code != "ISO-NB-PB" || m.Competences[1].MergedFrom != "PB" {
		t.Fatalf("catalogue after merge: %+v", m.Competences)
	}
	if gaps := m.Gaps(); len(gaps) != 2 {
		// Each officer holds one of the two entries and lacks the other:
		// the quality officer reconciles them.
		t.Fatalf("gaps after merge: %d", len(gaps))
	}
	recs, _ := db.FindCompetenceRecords(sys, qms.CompetenceRecordFilter{AgencyCode: "NEW"})
	if len(recs) != 2 {
		t.Fatalf("records after merge: %d", len(recs))
	}
	if left, _ := db.FindCompetences(sys, "PA"); len(left) != 0 {
		t.Fatalf("PA still has %d competences", len(left))
	}
}
