package storetest_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"isodt/qms"
)

// riskAgency gives agency code the merge tests' set-up (procedure QT-01,
// a quality officer thu.ky.<code>, a finding and a nonconformity) and
// returns the officer's context and the procedure's id.
func riskAgency(t *testing.T, f *fixture, code string) (context.Context, int64) {
	t.Helper()
	sys := f.ctx
	mergeAgency(t, f, code, false)
	ps, err := f.FindProcedures(sys, qms.ProcedureFilter{AgencyCode: &code})
	if err != nil || len(ps) == 0 {
		t.Fatal("procedures:", err)
	}
	u, err := f.FindUserByUsername(sys, "thu.ky."+lower(code))
	if err != nil {
		t.Fatal(err)
	}
	return qms.WithActor(context.Background(), qms.Actor{UserID: u.ID, Username: u.Username, AgencyCode: code}), ps[0].ID
}

func lower(s string) string { return strings.ToLower(s) }

// TestRisk4Register: an entry is checked field by field, scored on the
// 5 × 5 matrix, re-assessed, treated, linked only to its own agency's
// records, closed with a reason and then frozen, never deleted; every
// change leaves an audit entry.
func TestRisk4Register(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys, clk := f.ctx, f.clk
		officer, procID := riskAgency(t, f, "PA")
		_, otherProc := riskAgency(t, f, "PB")
		today := qms.CivilDate(clk.Now())
		valid := func() qms.Risk {
			return qms.Risk{AgencyCode: "PA", Kind: qms.RiskKindRisk, Description: "Hồ sơ giấy thất lạc khi chuyển giữa bộ phận", ProcedureID: procID,
				Likelihood: 3, Impact: 4, Owner: "thu.ky.pa", ReviewOn: today.AddDate(0, 3, 0)}
		}
		refused := []struct {
			name, code, field string
			change            func(r *qms.Risk)
		}{
			{"kind", qms.EINVALID, "kind", func(r *qms.Risk) { r.Kind = "threat" }},
			{"no description", qms.EINVALID, "description", func(r *qms.Risk) { r.Description = "  " }},
			{"no process", qms.EINVALID, "procedure_id", func(r *qms.Risk) { r.ProcedureID = 0 }},
			{"likelihood 0", qms.EINVALID, "likelihood", func(r *qms.Risk) { r.Likelihood = 0 }},
			{"impact 6", qms.EINVALID, "impact", func(r *qms.Risk) { r.Impact = 6 }},
			{"review date past", qms.EINVALID, "review_on", func(r *qms.Risk) { r.ReviewOn = today.AddDate(0, 0, -1) }},
			{"no review date", qms.EINVALID, "review_on", func(r *qms.Risk) { r.ReviewOn = time.Time{} }},
			{"no owner", qms.EINVALID, "owner", func(r *qms.Risk) { r.Owner = "" }},
			{"owner of another agency", qms.EINVALID, "owner", func(r *qms.Risk) { r.Owner = "thu.ky.pb" }},
			{"process of another agency", qms.ENOTFOUND, "procedure_id", func(r *qms.Risk) { r.ProcedureID = otherProc }},
		}
		for _, tt := range refused {
			t.Run(tt.name, func(t *testing.T) {
				r := valid()
				tt.change(&r)
				err := f.CreateRisk(officer, &r)
				if qms.ErrorCode(err) != tt.code || qms.ErrorField(err) != tt.field {
					t.Fatalf("err = %v, want %s on %s", err, tt.code, tt.field)
				}
			})
		}

		r := valid()
		if err := f.CreateRisk(officer, &r); err != nil {
			t.Fatal(err)
		}
		if r.Code != "RR-PA-2026-001" || r.Score != 12 || r.Level != qms.RiskMedium || r.Status != qms.RiskOpen {
			t.Fatalf("created %+v", r)
		}
		opp := valid()
		opp.Kind, opp.Description, opp.Likelihood, opp.Impact = qms.RiskKindOpportunity, "Tiếp nhận hồ sơ trực tuyến toàn trình", 2, 2
		if err := f.CreateRisk(officer, &opp); err != nil || opp.Code != "RR-PA-2026-002" || opp.Level != qms.RiskLow {
			t.Fatalf("opportunity %+v: %v", opp, err)
		}

		// Re-assessment moves it to high and keeps the history.
		got, err := f.ReassessRisk(officer, "PA", r.ID, qms.RiskAssessment{Likelihood: 4, Impact: 4, Note: "Hai vụ thất lạc trong quý", ReviewOn: today.AddDate(0, 1, 0)})
		if err != nil || got.Score != 16 || got.Level != qms.RiskHigh || len(got.Assessments) != 2 || got.Assessments[1].By != "thu.ky.pa" {
			t.Fatalf("reassessed %+v: %v", got, err)
		}
		if _, err := f.ReassessRisk(officer, "PA", r.ID, qms.RiskAssessment{Likelihood: 4, Impact: 9, ReviewOn: today}); qms.ErrorCode(err) != qms.EINVALID {
			t.Fatalf("impact 9 re-assessed: %v", err)
		}

		// Treatment actions: due not before the entry, owner of the agency.
		if _, err := f.AddRiskAction(officer, "PA", r.ID, qms.RiskAction{Description: "Sổ giao nhận", Owner: "thu.ky.pa", DueOn: today.AddDate(0, 0, -1)}); qms.ErrorCode(err) != qms.EINVALID {
			t.Fatalf("action due before the entry: %v", err)
		}
		if _, err := f.AddRiskAction(officer, "PA", r.ID, qms.RiskAction{Description: "Sổ giao nhận", Owner: "giam.doc.pb", DueOn: today}); qms.ErrorCode(err) != qms.EINVALID || qms.ErrorField(err) != "owner" {
			t.Fatalf("action owner of another agency: %v", err)
		}
		got, err = f.AddRiskAction(officer, "PA", r.ID, qms.RiskAction{Description: "Lập sổ giao nhận hồ sơ giữa các bộ phận", Owner: "chuyen.vien.pa", DueOn: today.AddDate(0, 0, 14)})
		if err != nil || len(got.Actions) != 1 {
			t.Fatalf("action: %+v %v", got, err)
		}
		if got, err = f.CompleteRiskAction(officer, "PA", r.ID, got.Actions[0].ID); err != nil || got.Actions[0].DoneAt == nil || got.Actions[0].DoneBy != "thu.ky.pa" {
			t.Fatalf("action done: %+v %v", got, err)
		}
		if _, err := f.CompleteRiskAction(officer, "PA", r.ID, got.Actions[0].ID); qms.ErrorCode(err) != qms.EINVALID {
			t.Fatalf("action done twice: %v", err)
		}

		// Links: the agency's own procedure, finding and NC; not B's.
		pa := "PA"
		fs, _ := f.FindFindings(sys, qms.FindingFilter{AgencyCode: &pa})
		ncs, _ := f.FindNCs(sys, "PA")
		bncs, _ := f.FindNCs(sys, "PB")
		links := []struct {
			name string
			link qms.RiskLink
			code string
		}{
			{"procedure", qms.RiskLink{Kind: qms.RiskLinkProcedure, Ref: procID}, ""},
			{"finding", qms.RiskLink{Kind: qms.RiskLinkFinding, Ref: fs[0].ID}, ""},
			{"nc", qms.RiskLink{Kind: qms.RiskLinkNC, Ref: ncs[0].ID}, ""},
			{"same nc again", qms.RiskLink{Kind: qms.RiskLinkNC, Ref: ncs[0].ID}, qms.ECONFLICT},
			{"another agency's nc", qms.RiskLink{Kind: qms.RiskLinkNC, Ref: bncs[0].ID}, qms.ENOTFOUND},
			{"another agency's procedure", qms.RiskLink{Kind: qms.RiskLinkProcedure, Ref: otherProc}, qms.ENOTFOUND},
			{"unknown kind", qms.RiskLink{Kind: "dossier", Ref: 1}, qms.EINVALID},
		}
		for _, tt := range links {
			t.Run("link "+tt.name, func(t *testing.T) {
				if _, err := f.LinkRisk(officer, "PA", r.ID, tt.link); qms.ErrorCode(err) != tt.code {
					t.Fatalf("err = %v, want %q", err, tt.code)
				}
			})
		}
		got, _ = f.FindRisk(sys, "PA", r.ID)
		if len(got.Links) != 3 || got.Links[2].Label != ncs[0].Code+" – "+ncs[0].Description {
			t.Fatalf("links %+v", got.Links)
		}
		if _, err := f.FindRisk(sys, "PB", r.ID); qms.ErrorCode(err) != qms.ENOTFOUND {
			t.Fatalf("PB finds PA's risk: %v", err)
		}

		// Filters by level and process.
		filters := []struct {
			name string
			f    qms.RiskFilter
			want int
		}{
			{"all", qms.RiskFilter{AgencyCode: "PA"}, 2},
			{"high", qms.RiskFilter{AgencyCode: "PA", Level: qms.RiskHigh}, 1},
			{"medium", qms.RiskFilter{AgencyCode: "PA", Level: qms.RiskMedium}, 0},
			{"low", qms.RiskFilter{AgencyCode: "PA", Level: qms.RiskLow}, 1},
			{"process", qms.RiskFilter{AgencyCode: "PA", ProcedureID: procID}, 2},
			{"other process", qms.RiskFilter{AgencyCode: "PA", ProcedureID: otherProc}, 0},
			{"B", qms.RiskFilter{AgencyCode: "PB"}, 0},
		}
		for _, tt := range filters {
			if rs, err := f.FindRisks(sys, tt.f); err != nil || len(rs) != tt.want {
				t.Errorf("filter %s: %d, %v; want %d", tt.name, len(rs), err, tt.want)
			}
		}

		// Closing needs a reason; a closed entry is frozen and still listed.
		if _, err := f.CloseRisk(officer, "PA", r.ID, " "); qms.ErrorCode(err) != qms.EINVALID {
			t.Fatalf("closed without a reason: %v", err)
		}
		if got, err = f.CloseRisk(officer, "PA", r.ID, "Đã số hóa toàn bộ hồ sơ"); err != nil || got.Status != qms.RiskClosed || got.ClosedBy != "thu.ky.pa" {
			t.Fatalf("close: %+v %v", got, err)
		}
		for name, change := range map[string]func() error{
			"reassess": func() error {
				_, err := f.ReassessRisk(officer, "PA", r.ID, qms.RiskAssessment{Likelihood: 1, Impact: 1, ReviewOn: today})
				return err
			},
			"action": func() error {
				_, err := f.AddRiskAction(officer, "PA", r.ID, qms.RiskAction{Description: "x", Owner: "thu.ky.pa", DueOn: today})
				return err
			},
			"link": func() error {
				_, err := f.LinkRisk(officer, "PA", r.ID, qms.RiskLink{Kind: qms.RiskLinkNC, Ref: ncs[1].ID})
				return err
			},
			"close": func() error { _, err := f.CloseRisk(officer, "PA", r.ID, "lần hai"); return err },
		} {
			if err := change(); qms.ErrorCode(err) != qms.EINVALID {
				t.Errorf("%s on a closed entry: %v", name, err)
			}
		}
		if rs, _ := f.FindRisks(sys, qms.RiskFilter{AgencyCode: "PA", Status: qms.RiskClosed}); len(rs) != 1 {
			t.Fatalf("closed entries listed: %d", len(rs))
		}
		for action, want := range map[string]int{"risk.create": 2, "risk.reassess": 1, "risk.action_add": 1, "risk.action_done": 1, "risk.link": 3, "risk.close": 1} {
			if n := auditCount(t, f, action); n != want {
				t.Errorf("%s audited %d times, want %d", action, n, want)
			}
		}
	})
}

// TestRisk4OverdueRules: RISK_REVIEW_OVERDUE fires on an open entry past
// its review date and clears on re-assessment; RISK_ACTION_OVERDUE fires
// on an action past due and clears when it is done.
func TestRisk4OverdueRules(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys, clk := f.ctx, f.clk
		officer, procID := riskAgency(t, f, "PA")
		today := qms.CivilDate(clk.Now())
		r := &qms.Risk{AgencyCode: "PA", Kind: qms.RiskKindRisk, Description: "Mất điện khi trả kết quả", ProcedureID: procID, Likelihood: 2, Impact: 5,
			Owner: "thu.ky.pa", ReviewOn: today.AddDate(0, 0, 10)}
		if err := f.CreateRisk(officer, r); err != nil {
			t.Fatal(err)
		}
		if _, err := f.AddRiskAction(officer, "PA", r.ID, qms.RiskAction{Description: "Mua bộ lưu điện", Owner: "chuyen.vien.pa", DueOn: today.AddDate(0, 0, 5)}); err != nil {
			t.Fatal(err)
		}
		pa := "PA"
		open := func(rule string) []*qms.Finding {
			t.Helper()
			if _, err := f.RunChecks(sys, qms.CheckScope{AgencyCode: "PA", Rule: rule}); err != nil {
				t.Fatal(err)
			}
			yes := true
			fs, err := f.FindFindings(sys, qms.FindingFilter{AgencyCode: &pa, Rule: &rule, Open: &yes})
			if err != nil {
				t.Fatal(err)
			}
			return fs
		}
		steps := []struct {
			name       string
			do         func()
			review, ac int
		}{
			{"before the dates", func() {}, 0, 0},
			{"action past due", func() { clk.Add(6 * 24 * time.Hour) }, 0, 1},
			{"review past due", func() { clk.Add(5 * 24 * time.Hour) }, 1, 1},
			{"re-assessed", func() {
				if _, err := f.ReassessRisk(officer, "PA", r.ID, qms.RiskAssessment{Likelihood: 2, Impact: 5, ReviewOn: qms.CivilDate(clk.Now()).AddDate(0, 6, 0)}); err != nil {
					t.Fatal(err)
				}
			}, 0, 1},
			{"action done", func() {
				got, err := f.FindRisk(sys, "PA", r.ID)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := f.CompleteRiskAction(officer, "PA", r.ID, got.Actions[0].ID); err != nil {
					t.Fatal(err)
				}
			}, 0, 0},
		}
		for _, s := range steps {
			s.do()
			rv, ac := open(qms.RuleRiskReviewOverdue), open(qms.RuleRiskActionOverdue)
			if len(rv) != s.review || len(ac) != s.ac {
				t.Fatalf("%s: review findings %d (want %d), action findings %d (want %d)", s.name, len(rv), s.review, len(ac), s.ac)
			}
			if len(rv) == 1 && (rv[0].ObjectID != r.Code || rv[0].Severity != qms.SeverityMedium) {
				t.Fatalf("%s: finding %+v", s.name, rv[0])
			}
		}
		// A closed entry past its review is no longer flagged.
		clk.Add(200 * 24 * time.Hour)
		if len(open(qms.RuleRiskReviewOverdue)) != 1 {
			t.Fatal("overdue again after six months: not flagged")
		}
		if _, err := f.CloseRisk(officer, "PA", r.ID, "Đã lắp máy phát"); err != nil {
			t.Fatal(err)
		}
		if n := len(open(qms.RuleRiskReviewOverdue)); n != 0 {
			t.Fatalf("closed entry still flagged: %d", n)
		}
	})
}

// TestRisk4ReviewPack: the management review pack counts the open
// entries by level, those past review and their overdue actions, and
// names the highest risks (not the opportunities) as they stood.
func TestRisk4ReviewPack(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys, clk := f.ctx, f.clk
		officer, procID := riskAgency(t, f, "PA")
		today := qms.CivilDate(clk.Now())
		mk := func(kind, desc string, l, i int) *qms.Risk {
			r := &qms.Risk{AgencyCode: "PA", Kind: kind, Description: desc, ProcedureID: procID, Likelihood: l, Impact: i, Owner: "giam.doc.pa", ReviewOn: today.AddDate(0, 0, 3)}
			if err := f.CreateRisk(officer, r); err != nil {
				t.Fatal(err)
			}
			return r
		}
		boss, err := f.FindUserByUsername(sys, "giam.doc.pa")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.UpdateUser(sys, boss.ID, qms.UserUpdate{FullName: ptr("Trần Thị Bình")}); err != nil {
			t.Fatal(err)
		}
		high := mk(qms.RiskKindRisk, "Trễ hạn do thiếu cán bộ thẩm định", 5, 4)
		mk(qms.RiskKindRisk, "Sai sót khi nhập liệu", 3, 3)
		mk(qms.RiskKindOpportunity, "Liên thông dữ liệu dân cư", 5, 5)
		closed := mk(qms.RiskKindRisk, "Cũ", 5, 5)
		if _, err := f.CloseRisk(officer, "PA", closed.ID, "Không còn phù hợp"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.AddRiskAction(officer, "PA", high.ID, qms.RiskAction{Description: "Bổ sung cán bộ", Owner: "thu.ky.pa", DueOn: today.AddDate(0, 0, 1)}); err != nil {
			t.Fatal(err)
		}
		clk.Add(5 * 24 * time.Hour)
		leader := qms.WithActor(context.Background(), qms.Actor{Username: "giam.doc.pa", AgencyCode: "PA"})
		rv := &qms.ManagementReview{AgencyCode: "PA", Title: "Xem xét lãnh đạo", HeldOn: clk.Now()}
		if err := f.CreateReview(leader, rv); err != nil {
			t.Fatal(err)
		}
		got, err := f.FindReview(sys, "PA", rv.ID)
		if err != nil {
			t.Fatal(err)
		}
		s := got.Pack.Risks
		if s == nil {
			t.Fatal("the pack has no risks")
		}
		if s.Open != 3 || s.ByLevel[qms.RiskHigh] != 2 || s.ByLevel[qms.RiskMedium] != 1 || s.Opportunities != 1 || s.ReviewOverdue != 3 || s.ActionsOverdue != 1 {
			t.Fatalf("summary %+v", s)
		}
		if len(s.Top) != 2 || s.Top[0].Code != high.Code || s.Top[0].Score != 20 || s.Top[0].Owner != "Trần Thị Bình" || s.Top[0].Process != "QT-01 Cấp phép karaoke" {
			t.Fatalf("top %+v", s.Top)
		}
	})
}

// TestRisk4MergeMovesOpenRisks: a merge moves the predecessors' open
// entries with their actions, history and links; closed ones stay with
// the predecessor, still readable; the successor numbers its own.
func TestRisk4MergeMovesOpenRisks(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys, clk := f.ctx, f.clk
		today := qms.CivilDate(clk.Now())
		ids := map[string][2]int64{}
		for _, code := range []string{"PA", "PB"} {
			officer, procID := riskAgency(t, f, code)
			var pair [2]int64
			for i, desc := range []string{"Mở", "Đã đóng"} {
				r := &qms.Risk{AgencyCode: code, Kind: qms.RiskKindRisk, Description: desc, ProcedureID: procID, Likelihood: 2, Impact: 3, Owner: "thu.ky." + lower(code), ReviewOn: today.AddDate(0, 2, 0)}
				if err := f.CreateRisk(officer, r); err != nil {
					t.Fatal(err)
				}
				if _, err := f.AddRiskAction(officer, code, r.ID, qms.RiskAction{Description: "Xử lý", Owner: "thu.ky." + lower(code), DueOn: today}); err != nil {
					t.Fatal(err)
				}
				if _, err := f.LinkRisk(officer, code, r.ID, qms.RiskLink{Kind: qms.RiskLinkProcedure, Ref: procID}); err != nil {
					t.Fatal(err)
				}
				if i == 1 {
					if _, err := f.CloseRisk(officer, code, r.ID, "Đã xử lý"); err != nil {
						t.Fatal(err)
					}
				}
				pair[i] = r.ID
			}
			ids[code] = pair
		}
		rep, err := f.MergeAgencies(sys, qms.MergePlan{Into: "NEW", Name: "Đơn vị mới", From: []string{"PA", "PB"}}, false)
		if err != nil {
			t.Fatal(err)
		}
		moved := -1
		for _, tb := range rep.Tables {
			if tb.Table == "risks" {
				moved = tb.Moved
				if tb.Stayed != 2 {
					t.Errorf("risks stayed %d, want 2", tb.Stayed)
				}
			}
		}
		if moved != 2 {
			t.Fatalf("risks moved %d, want 2 (report %+v)", moved, rep.Tables)
		}
		for code, pair := range ids {
			r, err := f.FindRisk(sys, "NEW", pair[0])
			if err != nil || len(r.Actions) != 1 || len(r.Links) != 1 || len(r.Assessments) != 1 || r.Code != "RR-"+code+"-2026-001" || r.ProcedureID == 0 {
				t.Fatalf("%s's open risk in NEW: %+v %v", code, r, err)
			}
			if _, err := f.FindRisk(sys, code, pair[1]); err != nil {
				t.Fatalf("%s's closed risk left its agency: %v", code, err)
			}
		}
		officer := qms.WithActor(context.Background(), qms.Actor{Username: "thu.ky.pa", AgencyCode: "NEW"})
		nps, _ := f.FindProcedures(sys, qms.ProcedureFilter{AgencyCode: ptr("NEW")})
		r := &qms.Risk{AgencyCode: "NEW", Kind: qms.RiskKindRisk, Description: "Sau sáp nhập", ProcedureID: nps[0].ID, Likelihood: 1, Impact: 1, Owner: "thu.ky.pa", ReviewOn: today}
		if err := f.CreateRisk(officer, r); err != nil || r.Code != "RR-NEW-2026-001" {
			t.Fatalf("new entry in NEW: %+v %v", r, err)
		}
	})
}

func auditCount(t *testing.T, f *fixture, action string) int {
	t.Helper()
	_, n, err := f.FindAuditEntries(context.Background(), qms.AuditFilter{Action: &action})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
