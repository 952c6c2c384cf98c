package storetest_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"isodt/qms"
)

// ncAgency gives the fixture agency SVHTT with a quality officer thu.ky,
// and agency OTHER with a user ghost, and returns the officer's context.
func ncAgency(t *testing.T, f *fixture) (context.Context, *qms.User) {
	t.Helper()
	for _, a := range []*qms.Agency{{Code: "SVHTT", Name: "Sở Văn hóa"}, {Code: "OTHER", Name: "Sở khác"}} {
		if err := f.CreateAgency(f.ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	officer := &qms.User{Username: "thu.ky", FullName: "Thư ký ISO", Memberships: []qms.Membership{{AgencyCode: "SVHTT", Role: qms.RoleStaff}}}
	ghost := &qms.User{Username: "ghost", Memberships: []qms.Membership{{AgencyCode: "OTHER", Role: qms.RoleStaff}}}
	for _, u := range []*qms.User{officer, ghost} {
		if err := f.CreateUser(f.ctx, u, "ngua-o-123"); err != nil {
			t.Fatal(err)
		}
	}
	return qms.WithActor(context.Background(), qms.Actor{UserID: officer.ID, Username: officer.Username, AgencyCode: "SVHTT"}), officer
}

// verifier acts as someone of SVHTT other than ncAgency's officer, who
// owns the actions: whoever carried an action out does not judge its
// effectiveness (qms.Nonconformity.Verify).
func verifier() context.Context {
	return qms.WithActor(context.Background(), qms.Actor{UserID: 99, Username: "danh.gia", AgencyCode: "SVHTT"})
}

// Nonconformities (qms/sqlstore): numbered per agency and year, worked
// through their gates (analysis, plan, actions done, effectiveness,
// close) alike on both stores, each change audited; a closed one is
// frozen and another agency does not see it.
func TestNonconformities(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ctx, officer := ncAgency(t, f)
		create := []struct {
			name        string
			n           qms.Nonconformity
			code, field string
			want        string
		}{
			{"complaint", qms.Nonconformity{AgencyCode: "SVHTT", Source: qms.NCFromComplaint, Description: "Công dân phản ánh trả kết quả trễ"}, "", "", "NC-SVHTT-2026-001"},
			{"other", qms.Nonconformity{AgencyCode: "SVHTT", Source: qms.NCFromOther, Description: "Sổ theo dõi không cập nhật"}, "", "", "NC-SVHTT-2026-002"},
			{"other agency's numbering", qms.Nonconformity{AgencyCode: "OTHER", Source: qms.NCFromOther, Description: "Khác"}, "", "", "NC-OTHER-2026-001"},
			// The same one sent again (a second click): refused, not numbered.
			{"sent again", qms.Nonconformity{AgencyCode: "SVHTT", Source: qms.NCFromOther, Description: "Sổ theo dõi không cập nhật"}, qms.ECONFLICT, "", ""},
			{"finding without ref", qms.Nonconformity{AgencyCode: "SVHTT", Source: qms.NCFromFinding, Description: "x"}, qms.EINVALID, "source_ref", ""},
			{"no description", qms.Nonconformity{AgencyCode: "SVHTT", Source: qms.NCFromOther, Description: "  "}, qms.EINVALID, "description", ""},
			{"bad source", qms.Nonconformity{AgencyCode: "SVHTT", Source: "rumour", Description: "x"}, qms.EINVALID, "source", ""},
			{"unknown agency", qms.Nonconformity{AgencyCode: "NOPE", Source: qms.NCFromOther, Description: "x"}, qms.ENOTFOUND, "", ""},
		}
		ncs := map[string]*qms.Nonconformity{}
		for _, tt := range create {
			t.Run("create "+tt.name, func(t *testing.T) {
				n := tt.n
				err := f.CreateNC(ctx, &n)
				if qms.ErrorCode(err) != tt.code || qms.ErrorField(err) != tt.field {
					t.Fatalf("err = %v, want %q on %q", err, tt.code, tt.field)
				}
				if n.Code != tt.want {
					t.Fatalf("code = %q, want %q", n.Code, tt.want)
				}
				if err == nil && (n.Status != qms.NCOpen || n.CreatedBy != "thu.ky" || n.Actions == nil) {
					t.Fatalf("created %+v", n)
				}
				ncs[tt.name] = &n
			})
		}
		n := ncs["complaint"]
		due := qms.CivilDate(f.clk.Now()).AddDate(0, 0, 7)
		var actionID int64
		steps := []struct {
			name        string
			do          func() (*qms.Nonconformity, error)
			code, field string
		}{
			{"start without analysis", func() (*qms.Nonconformity, error) { return f.ChangeNC(ctx, "SVHTT", n.ID, "start", "") }, qms.EINVALID, "root_cause"},
			{"analyse", func() (*qms.Nonconformity, error) {
				return f.UpdateNC(ctx, "SVHTT", n.ID, n.Description, "Gọi điện xin lỗi", "Chưa phân công theo dõi hạn")
			}, "", ""},
			{"start without a plan", func() (*qms.Nonconformity, error) { return f.ChangeNC(ctx, "SVHTT", n.ID, "start", "") }, qms.EINVALID, "actions"},
			{"action owner of another agency", func() (*qms.Nonconformity, error) {
				return f.AddAction(ctx, "SVHTT", n.ID, qms.CorrectiveAction{Description: "Lập sổ theo dõi hạn", Owner: "ghost", DueOn: due})
			}, qms.EINVALID, "owner"},
			{"action due before the record", func() (*qms.Nonconformity, error) {
				return f.AddAction(ctx, "SVHTT", n.ID, qms.CorrectiveAction{Description: "Lập sổ theo dõi hạn", Owner: "thu.ky", DueOn: due.AddDate(0, 0, -30)})
			}, qms.EINVALID, "due_on"},
			{"add action", func() (*qms.Nonconformity, error) {
				got, err := f.AddAction(ctx, "SVHTT", n.ID, qms.CorrectiveAction{Description: "Lập sổ theo dõi hạn", Owner: "thu.ky", DueOn: due})
				if err == nil {
					actionID = got.Actions[0].ID
				}
				return got, err
			}, "", ""},
			{"start", func() (*qms.Nonconformity, error) { return f.ChangeNC(ctx, "SVHTT", n.ID, "start", "") }, "", ""},
			{"verify with an action open", func() (*qms.Nonconformity, error) {
				return f.ChangeNC(ctx, "SVHTT", n.ID, "verify", qms.VerdictEffective)
			}, qms.EINVALID, ""},
			{"close with an action open", func() (*qms.Nonconformity, error) { return f.ChangeNC(ctx, "SVHTT", n.ID, "close", "") }, qms.EINVALID, ""},
			{"action done without result", func() (*qms.Nonconformity, error) { return f.CompleteAction(ctx, "SVHTT", n.ID, actionID, " ") }, qms.EINVALID, "result"},
			{"unknown action done", func() (*qms.Nonconformity, error) { return f.CompleteAction(ctx, "SVHTT", n.ID, actionID+100, "x") }, qms.ENOTFOUND, ""},
			{"action done", func() (*qms.Nonconformity, error) {
				return f.CompleteAction(ctx, "SVHTT", n.ID, actionID, "Sổ đã lập")
			}, "", ""},
			{"action done twice", func() (*qms.Nonconformity, error) { return f.CompleteAction(ctx, "SVHTT", n.ID, actionID, "lần hai") }, qms.EINVALID, ""},
			{"unknown operation", func() (*qms.Nonconformity, error) { return f.ChangeNC(ctx, "SVHTT", n.ID, "reopen", "") }, qms.EINVALID, ""},
			{"the action's owner verifies it", func() (*qms.Nonconformity, error) {
				return f.ChangeNC(ctx, "SVHTT", n.ID, "verify", qms.VerdictEffective)
			}, qms.EFORBIDDEN, "verdict"},
			{"verify", func() (*qms.Nonconformity, error) {
				return f.ChangeNC(verifier(), "SVHTT", n.ID, "verify", qms.VerdictEffective)
			}, "", ""},
			{"change through another agency", func() (*qms.Nonconformity, error) { return f.ChangeNC(ctx, "OTHER", n.ID, "close", "") }, qms.ENOTFOUND, ""},
			{"close", func() (*qms.Nonconformity, error) { return f.CloseNC(ctx, "SVHTT", n.ID, "") }, "", ""},
			{"edit after closing", func() (*qms.Nonconformity, error) { return f.UpdateNC(ctx, "SVHTT", n.ID, "x", "", "") }, qms.EINVALID, ""},
			{"close twice", func() (*qms.Nonconformity, error) { return f.ChangeNC(ctx, "SVHTT", n.ID, "close", "") }, qms.EINVALID, ""},
		}
		for _, s := range steps {
			got, err := s.do()
			if qms.ErrorCode(err) != s.code || (s.field != "" && qms.ErrorField(err) != s.field) {
				t.Fatalf("%s: err = %v, want %q on %q", s.name, err, s.code, s.field)
			}
			if err == nil && got.ID != n.ID {
				t.Fatalf("%s: returned %+v", s.name, got)
			}
		}

		got, err := f.FindNC(f.ctx, "SVHTT", n.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != qms.NCClosed || got.ClosedAt == nil || got.VerifiedAt == nil || got.VerifiedBy != "danh.gia" || got.Verdict != qms.VerdictEffective ||
			got.RootCause != "Chưa phân công theo dõi hạn" || len(got.Actions) != 1 || got.Actions[0].DoneAt == nil || got.Actions[0].Result != "Sổ đã lập" ||
			!got.Actions[0].DueOn.Equal(due) {
			t.Fatalf("closed nonconformity %+v", got)
		}
		if _, err := f.FindNC(f.ctx, "OTHER", n.ID); qms.ErrorCode(err) != qms.ENOTFOUND {
			t.Fatalf("another agency finds the nonconformity: %v", err)
		}
		list, err := f.FindNCs(f.ctx, "SVHTT")
		if err != nil || len(list) != 2 || list[0].Code != "NC-SVHTT-2026-002" || list[1].Code != "NC-SVHTT-2026-001" || len(list[1].Actions) != 1 {
			t.Fatalf("SVHTT's nonconformities = %d, %v", len(list), err)
		}
		// The owner of the action was told, with a link to the record.
		notes, _, err := f.Notifications(f.ctx, officer.ID, 10)
		if err != nil || len(notes) != 1 || !strings.Contains(notes[0].Title, "NC-SVHTT-2026-001") || notes[0].Link == "" {
			t.Fatalf("notifications = %+v, %v", notes, err)
		}
		counts := map[string]int{}
		action := "nc."
		entries, _, err := f.FindAuditEntries(f.ctx, qms.AuditFilter{Action: &action, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			counts[e.Action]++
		}
		for a, want := range map[string]int{"nc.create": 3, "nc.update": 1, "nc.action_add": 1, "nc.start": 1, "nc.action_done": 1, "nc.verify": 1, "nc.close": 1} {
			if counts[a] != want {
				t.Errorf("%s audited %d times, want %d", a, counts[a], want)
			}
		}
		if len(entries) != 9 {
			t.Errorf("nonconformity audit entries = %d, want 9 (%v)", len(entries), counts)
		}
		if _, err := f.VerifyAuditChain(f.ctx); err != nil {
			t.Fatal(err)
		}
	})
}

// What nonconformities and risks refer to in other services (findings,
// dossiers, audit plans, procedures) and does not exist is refused with a
// domain error, never a driver's error, and a refusal writes nothing.
func TestNCRiskReferencesToMissingObjects(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ctx, _ := ncAgency(t, f)
		today := qms.CivilDate(f.clk.Now())
		calls := []struct {
			name string
			do   func() error
		}{
			{"nc from a finding", func() error {
				return f.CreateNC(ctx, &qms.Nonconformity{AgencyCode: "SVHTT", Source: qms.NCFromFinding, SourceRef: "42", Description: "x"})
			}},
			{"nc from a dossier", func() error {
				return f.CreateNC(ctx, &qms.Nonconformity{AgencyCode: "SVHTT", Source: qms.NCFromDossier, SourceRef: "HS-1", Description: "x"})
			}},
			{"nc from an audit", func() error {
				return f.CreateNC(ctx, &qms.Nonconformity{AgencyCode: "SVHTT", Source: qms.NCFromAudit, SourceRef: "7", Description: "x"})
			}},
			{"risk of a procedure", func() error {
				return f.CreateRisk(ctx, &qms.Risk{AgencyCode: "SVHTT", Kind: qms.RiskKindRisk, Description: "x", ProcedureID: 9, Likelihood: 2, Impact: 2,
					Owner: "thu.ky", ReviewOn: today.AddDate(0, 1, 0)})
			}},
			{"open nonconformities of findings", func() error {
				m, err := f.OpenNCsOfFindings(f.ctx, []int64{42})
				if err == nil && len(m) != 0 {
					return errors.New("a nonconformity of a finding that does not exist")
				}
				return err
			}},
			{"risk register", func() error {
				rs, err := f.FindRisks(f.ctx, qms.RiskFilter{AgencyCode: "SVHTT"})
				if err == nil && len(rs) != 0 {
					return errors.New("risks listed that were never made")
				}
				return err
			}},
			{"risk by id", func() error {
				_, err := f.FindRisk(f.ctx, "SVHTT", 1)
				return err
			}},
		}
		for _, c := range calls {
			err := c.do()
			var e *qms.Error
			if err != nil && !errors.As(err, &e) {
				t.Errorf("%s: %v is not a domain error", c.name, err)
			}
		}
		if ns, err := f.FindNCs(f.ctx, "SVHTT"); err != nil || len(ns) != 0 {
			t.Errorf("nonconformities written by refused calls: %d, %v", len(ns), err)
		}
		for _, prefix := range []string{"nc.", "risk."} {
			if _, n, err := f.FindAuditEntries(f.ctx, qms.AuditFilter{Action: &prefix, Limit: 10}); err != nil || n != 0 {
				t.Errorf("%s audit entries of refused calls: %d, %v", prefix, n, err)
			}
		}
	})
}

// TestNonconformityStoreAndCAPAOverdue: a nonconformity raised from a
// compliance finding is worked to closure while CAPA_OVERDUE fires past
// its action's due date and clears when it is done. The store's gates on
// every source: TestNonconformities.
func TestNonconformityStoreAndCAPAOverdue(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		clk := f.clk
		_, _, officer := receiptFixture(t, f)
		auditor := qms.WithActor(context.Background(), qms.Actor{UserID: 99, Username: "danh.gia", AgencyCode: "SVHTT"})
		if err := f.exec(`INSERT INTO findings (id, rule, severity, agency_code, object_type, object_id, message, opened_at)
			VALUES (42, 'R', 'high', 'SVHTT', 'tthc', '1.000004', 'x', '2026-01-01T00:00:00Z')`); err != nil {
			t.Fatal(err)
		}
		n := &qms.Nonconformity{AgencyCode: "SVHTT", Source: qms.NCFromFinding, SourceRef: "42", Description: "Thủ tục 1.000004 chưa có quy trình"}
		if err := f.CreateNC(auditor, n); err != nil || n.Code == "" {
			t.Fatalf("create: %v %s", err, n.Code)
		}
		if _, err := f.UpdateNC(auditor, "SVHTT", n.ID, n.Description, "Lập danh sách thủ tục chưa kiểm soát", "Chưa phân công xây dựng quy trình"); err != nil {
			t.Fatal(err)
		}
		due := qms.CivilDate(clk.Now()).AddDate(0, 0, 7)
		got, err := f.AddAction(auditor, "SVHTT", n.ID, qms.CorrectiveAction{Description: "Soạn QT-02", Owner: "thu.ky", DueOn: due})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.ChangeNC(auditor, "SVHTT", n.ID, "start", ""); err != nil {
			t.Fatal(err)
		}
		// CAPA_OVERDUE fires past the due date and clears when the action is done.
		run(t, f)
		if openFinding(t, f, qms.RuleCAPAOverdue, "") {
			t.Fatal("action not yet due reported overdue")
		}
		clk.Add(8 * 24 * time.Hour)
		run(t, f)
		if !openFinding(t, f, qms.RuleCAPAOverdue, itoa(got.Actions[0].ID)) {
			t.Fatal("overdue action not found")
		}
		// The auditor who raised it does not record its action done
		// (qms.CheckActionDoer); the quality officer who owns it does.
		if _, err := f.CompleteAction(auditor, "SVHTT", n.ID, got.Actions[0].ID, "QT-02 đã ban hành"); qms.ErrorCode(err) != qms.EFORBIDDEN {
			t.Fatalf("the auditor records the action done: %v", err)
		}
		if _, err := f.CompleteAction(officer, "SVHTT", n.ID, got.Actions[0].ID, "QT-02 đã ban hành"); err != nil {
			t.Fatal(err)
		}
		run(t, f)
		if openFinding(t, f, qms.RuleCAPAOverdue, "") {
			t.Fatal("done action still overdue")
		}
		f.ChangeNC(auditor, "SVHTT", n.ID, "verify", qms.VerdictEffective)
		if closed, err := f.ChangeNC(auditor, "SVHTT", n.ID, "close", ""); err != nil || closed.Status != qms.NCClosed {
			t.Fatalf("close: %v", err)
		}
	})
}

// TestProduct3OneOpenNCPerFinding: the store refuses a second open
// nonconformity for a finding, naming the first, and the partial unique
// index (SQLite migration 0020) holds the rule for a raw insert too.
func TestProduct3OneOpenNCPerFinding(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		receiptFixture(t, f)
		auditor := qms.WithActor(context.Background(), qms.Actor{UserID: 99, Username: "danh.gia", AgencyCode: "SVHTT"})
		// The findings 7 and 8 of the agency: a nonconformity's source_ref
		// names an existing finding of its agency.
		if err := f.exec(`INSERT INTO findings (id, rule, severity, agency_code, object_type, object_id, message, opened_at)
			VALUES (7, 'R', 'high', 'SVHTT', 'tthc', '1', 'x', '2026-01-01T00:00:00Z'), (8, 'R', 'high', 'SVHTT', 'tthc', '2', 'x', '2026-01-01T00:00:00Z')`); err != nil {
			t.Fatal(err)
		}
		first := &qms.Nonconformity{AgencyCode: "SVHTT", Source: qms.NCFromFinding, SourceRef: "7", Description: "Phát hiện 7"}
		if err := f.CreateNC(auditor, first); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name string
			n    qms.Nonconformity
			code string // expected error code, "" for success
		}{
			{"same finding", qms.Nonconformity{Source: qms.NCFromFinding, SourceRef: "7"}, qms.ECONFLICT},
			{"same finding, spaces", qms.Nonconformity{Source: qms.NCFromFinding, SourceRef: " 7 "}, qms.ECONFLICT},
			{"another finding", qms.Nonconformity{Source: qms.NCFromFinding, SourceRef: "8"}, ""},
			{"another source with the same ref", qms.Nonconformity{Source: qms.NCFromComplaint, SourceRef: "7"}, ""},
		} {
			n := tc.n
			n.AgencyCode, n.Description = "SVHTT", tc.name
			err := f.CreateNC(auditor, &n)
			if qms.ErrorCode(err) != tc.code || (tc.code != "" && !strings.Contains(qms.ErrorMessage(err), first.Code)) {
				t.Fatalf("%s: %v", tc.name, err)
			}
		}
		err := f.exec(`INSERT INTO nonconformities (agency_code, code, source, source_ref, description, status, created_by, created_at)
			VALUES ('SVHTT', 'NC-RAW', 'finding', '7', 'x', 'open', 'x', '2026-01-01T00:00:00Z')`)
		if err == nil || !strings.Contains(strings.ToUpper(err.Error()), "UNIQUE") { // PostgreSQL: "unique constraint"
			t.Fatalf("raw duplicate insert: %v", err)
		}
	})
}

// TestOutsider3OpenNCLookupOwnAgency: a nonconformity of another agency
// pointing at a finding (written before source_ref was checked) does not
// count as the finding's open nonconformity, so its code never shows on
// the finding's agency's compliance page; the agency's own one does.
func TestOutsider3OpenNCLookupOwnAgency(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys := f.ctx
		receiptFixture(t, f)
		createAgencies(t, f, qms.Agency{Code: "STTTT", Name: "Sở TTTT"})
		for _, q := range []string{
			`INSERT INTO findings (id, rule, severity, agency_code, object_type, object_id, message, opened_at)
				VALUES (7, 'R', 'high', 'SVHTT', 'tthc', '1', 'x', '2026-01-01T00:00:00Z'), (8, 'R', 'high', 'SVHTT', 'tthc', '2', 'x', '2026-01-01T00:00:00Z')`,
			`INSERT INTO nonconformities (agency_code, code, source, source_ref, description, status, created_by, created_at)
				VALUES ('STTTT', 'NC-STTTT-2026-001', 'finding', '7', 'x', 'open', 'x', '2026-01-01T00:00:00Z'),
				       ('SVHTT', 'NC-SVHTT-2026-001', 'finding', '8', 'x', 'open', 'x', '2026-01-01T00:00:00Z')`,
		} {
			if err := f.exec(q); err != nil {
				t.Fatal(err)
			}
		}
		got, err := f.OpenNCsOfFindings(sys, []int64{7, 8})
		if err != nil {
			t.Fatal(err)
		}
		if n := got[7]; n != nil {
			t.Errorf("finding 7 of SVHTT shows STTTT's %s", n.Code)
		}
		if n := got[8]; n == nil || n.Code != "NC-SVHTT-2026-001" {
			t.Errorf("finding 8: %+v, want its own agency's nonconformity", n)
		}
	})
}

// A verdict judges the analysis and the plan as they were when it was
// given: an edit of either, or a new action, after it clears it, and the
// nonconformity closes only on a verdict given on what is now recorded.
// Saving the same analysis again keeps it.
func TestNCVerdictFollowsItsContent(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ctx, _ := ncAgency(t, f)
		n := &qms.Nonconformity{AgencyCode: "SVHTT", Source: qms.NCFromOther, Description: "Sổ theo dõi không cập nhật", RootCause: "Chưa phân công"}
		if err := f.CreateNC(ctx, n); err != nil {
			t.Fatal(err)
		}
		due := qms.CivilDate(f.clk.Now()).AddDate(0, 0, 7)
		verified := func(name string) {
			t.Helper()
			got, err := f.AddAction(ctx, "SVHTT", n.ID, qms.CorrectiveAction{Description: "Phân công " + name, Owner: "thu.ky", DueOn: due})
			if err != nil {
				t.Fatal(err)
			}
			if got.Status == qms.NCOpen {
				if _, err := f.ChangeNC(ctx, "SVHTT", n.ID, "start", ""); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := f.CompleteAction(ctx, "SVHTT", n.ID, got.Actions[len(got.Actions)-1].ID, "Đã phân công"); err != nil {
				t.Fatal(err)
			}
			if got, err = f.ChangeNC(verifier(), "SVHTT", n.ID, "verify", qms.VerdictEffective); err != nil || got.Verdict != qms.VerdictEffective {
				t.Fatalf("%s: verify: %v", name, err)
			}
		}
		verdictOf := func() string {
			t.Helper()
			got, err := f.FindNC(f.ctx, "SVHTT", n.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got.Verdict
		}

		verified("lần 1")
		if _, err := f.UpdateNC(ctx, "SVHTT", n.ID, " Sổ theo dõi không cập nhật ", "", "Chưa phân công"); err != nil || verdictOf() != qms.VerdictEffective {
			t.Fatalf("the same analysis saved again: %v, verdict %q", err, verdictOf())
		}
		if _, err := f.UpdateNC(ctx, "SVHTT", n.ID, "Sổ theo dõi không cập nhật", "", "Nguyên nhân khác"); err != nil || verdictOf() != "" {
			t.Fatalf("an edited analysis: %v, verdict %q kept", err, verdictOf())
		}
		if _, err := f.CloseNC(ctx, "SVHTT", n.ID, ""); qms.ErrorCode(err) != qms.EINVALID {
			t.Fatalf("closed on the verdict given before the edit: %v", err)
		}
		if _, err := f.ChangeNC(verifier(), "SVHTT", n.ID, "verify", qms.VerdictEffective); err != nil {
			t.Fatal(err)
		}
		verified("lần 2") // a new action clears it too, until it is done and judged
		if got, err := f.CloseNC(ctx, "SVHTT", n.ID, ""); err != nil || got.Status != qms.NCClosed {
			t.Fatalf("close on a fresh verdict: %v", err)
		}
	})
}
