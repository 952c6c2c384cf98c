package storetest_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/qmstest"
)

// Procedures (qms/sqlstore): kept, linked to the agency's TTHC, found by
// every filter and by Search, changed, each change audited, on both
// stores.
func TestProcedures(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ctx := f.ctx
		for _, a := range []*qms.Agency{{Code: "UBND", Name: "UBND tỉnh"}, {Code: "SVHTT", Name: "Sở VHTT", ParentCode: "UBND"}, {Code: "OTHER", Name: "Khác"}} {
			if err := f.CreateAgency(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := f.ImportTTHC(ctx, "SVHTT", qmstest.SampleTTHC()); err != nil {
			t.Fatal(err)
		}
		create := []struct {
			name  string
			p     qms.Procedure
			code  string
			field string
		}{
			{"karaoke", qms.Procedure{AgencyCode: "SVHTT", Code: "qt-01", Title: "Quy trình cấp giấy phép karaoke", TTHCCodes: []string{"1.000009", "1.000001"}}, "", ""},
			{"no TTHC", qms.Procedure{AgencyCode: "SVHTT", Code: "QT-02", Title: "Kiểm soát tài liệu", OwnerUnit: "Văn phòng", ReviewMonths: 24}, "", ""},
			{"same code", qms.Procedure{AgencyCode: "SVHTT", Code: "QT-01", Title: "Trùng mã"}, qms.ECONFLICT, "code"},
			{"TTHC not in catalogue", qms.Procedure{AgencyCode: "SVHTT", Code: "QT-03", Title: "x", TTHCCodes: []string{"1.999999"}}, qms.EINVALID, "tthc_codes"},
			{"TTHC of another agency", qms.Procedure{AgencyCode: "OTHER", Code: "QT-01", Title: "x", TTHCCodes: []string{"1.000001"}}, qms.EINVALID, "tthc_codes"},
			{"unknown agency", qms.Procedure{AgencyCode: "NOPE", Code: "QT-01", Title: "x"}, qms.ENOTFOUND, ""},
			{"no title", qms.Procedure{AgencyCode: "SVHTT", Code: "QT-04"}, qms.EINVALID, "title"},
		}
		ids := map[string]int64{}
		for _, tt := range create {
			t.Run(tt.name, func(t *testing.T) {
				err := f.CreateProcedure(ctx, &tt.p)
				if qms.ErrorCode(err) != tt.code || qms.ErrorField(err) != tt.field {
					t.Fatalf("err = %v, want %q on %q", err, tt.code, tt.field)
				}
				ids[tt.name] = tt.p.ID
			})
		}
		p, err := f.FindProcedure(ctx, "SVHTT", ids["karaoke"])
		if err != nil || p.Code != "QT-01" || strings.Join(p.TTHCCodes, ",") != "1.000001,1.000009" || p.ReviewMonths != qms.DefaultReviewMonths || p.CreatedAt.IsZero() {
			t.Fatalf("found %+v, %v", p, err)
		}
		if _, err := f.FindProcedure(ctx, "OTHER", ids["karaoke"]); qms.ErrorCode(err) != qms.ENOTFOUND {
			t.Fatalf("another agency's procedure: %v", err)
		}
		filters := []struct {
			name string
			f    qms.ProcedureFilter
			want string
		}{
			{"agency", qms.ProcedureFilter{AgencyCode: ptr("SVHTT")}, "QT-01,QT-02"},
			{"other agency", qms.ProcedureFilter{AgencyCode: ptr("OTHER")}, ""},
			{"within the province", qms.ProcedureFilter{Within: ptr("UBND")}, "QT-01,QT-02"},
			{"within another", qms.ProcedureFilter{Within: ptr("OTHER")}, ""},
			{"code", qms.ProcedureFilter{AgencyCode: ptr("SVHTT"), Code: ptr("QT-02")}, "QT-02"},
			{"TTHC", qms.ProcedureFilter{TTHCCode: ptr("1.000009")}, "QT-01"},
			{"limit", qms.ProcedureFilter{Limit: 1}, "QT-01"},
			{"all", qms.ProcedureFilter{}, "QT-01,QT-02"},
		}
		for _, tt := range filters {
			t.Run(tt.name, func(t *testing.T) {
				ps, err := f.FindProcedures(ctx, tt.f)
				var codes []string
				for _, p := range ps {
					codes = append(codes, p.Code)
				}
				if got := strings.Join(codes, ","); err != nil || got != tt.want {
					t.Fatalf("got %q, %v; want %q", got, err, tt.want)
				}
			})
		}
		// A change keeps the code and relinks the TTHC; the search entry
		// follows the new title.
		p.Code, p.Title, p.TTHCCodes = "QT-99", "Quy trình đăng ký lễ hội", []string{"1.000004"}
		if err := f.UpdateProcedure(ctx, p); err != nil {
			t.Fatal(err)
		}
		p, _ = f.FindProcedure(ctx, "SVHTT", ids["karaoke"])
		if p.Code != "QT-01" || p.Title != "Quy trình đăng ký lễ hội" || strings.Join(p.TTHCCodes, ",") != "1.000004" {
			t.Fatalf("after update %+v", p)
		}
		p.TTHCCodes = []string{"1.999999"}
		if err := f.UpdateProcedure(ctx, p); qms.ErrorField(err) != "tthc_codes" {
			t.Fatalf("update to an unknown TTHC: %v", err)
		}
		if err := f.UpdateProcedure(ctx, &qms.Procedure{AgencyCode: "OTHER", ID: p.ID, Code: "QT-01", Title: "x"}); qms.ErrorCode(err) != qms.ENOTFOUND {
			t.Fatalf("update through another agency: %v", err)
		}
		searches := []struct {
			query, agency string
			want          []string // procedure refs among the hits
		}{
			{"le hoi", "SVHTT", []string{itoa(p.ID)}},
			{"Lễ Hội", "SVHTT", []string{itoa(p.ID)}},
			{"karaoke", "SVHTT", nil},
			{"kiem soat tai lieu", "SVHTT", []string{itoa(ids["no TTHC"])}},
			{"van phong", "SVHTT", []string{itoa(ids["no TTHC"])}},
			{"le hoi", "OTHER", nil},
		}
		for _, tt := range searches {
			hits, err := f.Search(ctx, tt.agency, tt.query, 10)
			var got []string
			for _, h := range hits {
				if h.Kind == "procedure" {
					got = append(got, h.Ref)
				}
			}
			if err != nil || strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("Search(%q, %s) procedures = %v, %v; want %v", tt.query, tt.agency, got, err, tt.want)
			}
		}
		action := "procedure."
		if _, n, err := f.FindAuditEntries(ctx, qms.AuditFilter{Action: &action, Limit: 10}); err != nil || n != 3 {
			t.Fatalf("procedure audit entries = %d, %v; want 2 creates and 1 update", n, err)
		}
		if _, err := f.VerifyAuditChain(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

// Procedure versions (qms/sqlstore) up to approval (approval and what it
// distributes: TestDistributionOnApproval): a draft is
// edited, submitted within the TTHC's time limit, its approvers told,
// sent back and withdrawn, each contributor and action recorded; a final
// version's content is refused by the database itself.
func TestProcedureVersions(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys := f.ctx
		if err := f.CreateAgency(sys, &qms.Agency{Code: "SVHTT", Name: "Sở VHTT"}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.ImportTTHC(sys, "SVHTT", qmstest.SampleTTHC()); err != nil {
			t.Fatal(err)
		}
		officer := &qms.User{Username: "thu.ky", Memberships: []qms.Membership{{AgencyCode: "SVHTT", Role: qms.RoleQualityOfficer}}}
		leader := &qms.User{Username: "giam.doc", Memberships: []qms.Membership{{AgencyCode: "SVHTT", Role: qms.RoleLeader}}}
		for _, u := range []*qms.User{officer, leader} {
			if err := f.CreateUser(sys, u, "ngua-o-123"); err != nil {
				t.Fatal(err)
			}
		}
		as := func(u *qms.User) context.Context {
			return qms.WithActor(context.Background(), qms.Actor{UserID: u.ID, Username: u.Username, AgencyCode: "SVHTT"})
		}
		p := &qms.Procedure{AgencyCode: "SVHTT", Code: "QT-01", Title: "Cấp giấy phép karaoke", TTHCCodes: []string{"1.000001"}}
		if err := f.CreateProcedure(as(officer), p); err != nil {
			t.Fatal(err)
		}
		v1, err := f.CreateVersion(as(officer), p.ID)
		if err != nil || v1.Number != 1 || v1.Status != qms.StatusDraft || v1.Author != "thu.ky" {
			t.Fatalf("v1 = %+v, %v", v1, err)
		}
		if _, err := f.CreateVersion(as(officer), p.ID); qms.ErrorCode(err) != qms.ECONFLICT {
			t.Fatalf("second open draft: %v", err)
		}
		v1.Purpose, v1.Flowchart = "Quy định trình tự cấp giấy phép", qmstest.ValidChart(48) // 52 h > 5 days × 8
		if err := f.UpdateVersion(as(officer), v1); err != nil {
			t.Fatal(err)
		}
		type step struct {
			name   string
			ctx    context.Context
			action string
			reason string
			code   string
			status qms.DocStatus
		}
		steps := []step{
			{"over the time limit", as(officer), qms.ActionSubmit, "", qms.EINVALID, qms.StatusDraft},
			{"reject a draft", as(leader), qms.ActionReject, "x", qms.EINVALID, qms.StatusDraft},
		}
		run := func(t *testing.T, ctx context.Context, action, reason, code string, status qms.DocStatus) {
			t.Helper()
			_, err := f.TransitionVersion(ctx, p.ID, 1, action, reason)
			if qms.ErrorCode(err) != code {
				t.Fatalf("%s: err = %v, want %q", action, err, code)
			}
			if got, err := f.FindVersion(sys, p.ID, 1); err != nil || got.Status != status {
				t.Fatalf("after %s: %+v, %v; want %s", action, got, err, status)
			}
		}
		for _, tt := range steps {
			t.Run(tt.name, func(t *testing.T) { run(t, tt.ctx, tt.action, tt.reason, tt.code, tt.status) })
		}
		v1.Flowchart = qmstest.ValidChart(16)
		if err := f.UpdateVersion(as(officer), v1); err != nil {
			t.Fatal(err)
		}
		if fc, err := f.PinnedFlowchart(sys, p.ID, 1); err != nil || fc.Steps[1].Hours != 16 {
			t.Fatalf("pinned flowchart of the draft = %+v, %v", fc, err)
		}
		steps = []step{
			{"submit", as(officer), qms.ActionSubmit, "", "", qms.StatusSubmitted},
			{"submit twice", as(officer), qms.ActionSubmit, "", qms.EINVALID, qms.StatusSubmitted},
			{"self-approval", as(officer), qms.ActionApprove, "", qms.EFORBIDDEN, qms.StatusSubmitted},
			{"reject without a reason", as(leader), qms.ActionReject, "", qms.EINVALID, qms.StatusSubmitted},
			{"reject", as(leader), qms.ActionReject, "Bổ sung bước thẩm định", "", qms.StatusDraft},
			{"no such action", as(leader), "publish", "", qms.EINVALID, qms.StatusDraft},
		}
		for _, tt := range steps {
			t.Run(tt.name, func(t *testing.T) { run(t, tt.ctx, tt.action, tt.reason, tt.code, tt.status) })
		}
		got, err := f.FindVersion(sys, p.ID, 1)
		if err != nil || got.Reason != "Bổ sung bước thẩm định" || got.Purpose != v1.Purpose || got.SubmittedAt != nil {
			t.Fatalf("sent back: %+v, %v", got, err)
		}
		var who []string
		for _, c := range got.Contributors {
			who = append(who, c.Username+":"+c.Act)
		}
		if strings.Join(who, ",") != "thu.ky:create,thu.ky:edit,thu.ky:submit" {
			t.Fatalf("contributors = %v", who)
		}
		// The leader was told of the submission, with a link to the version.
		if ns, unread, err := f.Notifications(sys, leader.ID, 10); err != nil || unread != 1 || ns[0].Link != "/procedures/"+itoa(p.ID)+"/versions/1" || !strings.Contains(ns[0].Title, "QT-01") {
			t.Fatalf("leader's notifications = %+v (%d unread), %v", ns, unread, err)
		}
		if ns, _, _ := f.Notifications(sys, officer.ID, 10); len(ns) != 0 {
			t.Fatalf("the officer was told: %+v", ns)
		}
		if drafts, err := f.FindVersionsByStatus(sys, "SVHTT", qms.StatusDraft); err != nil || len(drafts) != 1 || drafts[0].ID != v1.ID {
			t.Fatalf("drafts = %v, %v", drafts, err)
		}
		if _, err := f.FindVersion(sys, p.ID, 7); qms.ErrorCode(err) != qms.ENOTFOUND {
			t.Fatalf("no issue 07: %v", err)
		}
		steps = []step{
			{"withdraw without a reason", as(leader), qms.ActionWithdraw, "", qms.EINVALID, qms.StatusDraft},
			{"withdraw", as(leader), qms.ActionWithdraw, "Thủ tục bị bãi bỏ", "", qms.StatusWithdrawn},
		}
		for _, tt := range steps {
			t.Run(tt.name, func(t *testing.T) { run(t, tt.ctx, tt.action, tt.reason, tt.code, tt.status) })
		}
		if err := f.UpdateVersion(as(officer), v1); qms.ErrorCode(err) != qms.EINVALID {
			t.Fatalf("a withdrawn version edited: %v", err)
		}
		// Issue 02 starts from the content of 01.
		v2, err := f.CreateVersion(as(officer), p.ID)
		if err != nil || v2.Number != 2 || v2.Purpose != v1.Purpose || v2.Reason != "" || v2.Status != qms.StatusDraft {
			t.Fatalf("v2 = %+v, %v", v2, err)
		}
		if vs, err := f.FindVersions(sys, p.ID); err != nil || len(vs) != 2 || vs[0].Number != 1 || vs[1].Number != 2 {
			t.Fatalf("versions = %v, %v", vs, err)
		}
		for _, action := range []string{"procedure.version_create", "procedure.version_update", "procedure.version_submit", "procedure.version_reject", "procedure.version_withdraw"} {
			a := action
			if es, _, err := f.FindAuditEntries(sys, qms.AuditFilter{Action: &a}); err != nil || len(es) == 0 {
				t.Errorf("%s not audited: %v", action, err)
			}
		}
		// A final version's content, number and procedure are the
		// database's to keep, whoever writes: only its status moves
		// among the final ones.
		second := mustQuery(t, f, `SELECT id FROM procedure_versions WHERE number = 2`)[0]
		final := []struct {
			sql string
			ok  bool
		}{
			{`UPDATE procedure_versions SET content_json = '{}' WHERE number = 1`, false},
			{`UPDATE procedure_versions SET number = 9 WHERE number = 1`, false},
			{`UPDATE procedure_versions SET status = 'draft' WHERE number = 1`, false},
			{`DELETE FROM procedure_versions WHERE number = 1`, false},
			{`UPDATE procedure_versions SET status = 'superseded' WHERE number = 1`, true},
			{`UPDATE procedure_versions SET content_json = '{}' WHERE number = 2`, true},
			{`DELETE FROM procedure_versions WHERE number = 2`, true},
		}
		for _, tt := range final {
			if err := f.exec(tt.sql); (err == nil) != tt.ok {
				t.Errorf("%s: err = %v, want ok %v", tt.sql, err, tt.ok)
			}
		}
		// What the database let through is not the application's: verify
		// names each version's row (RowStateVersion 8), and the version,
		// never approved, now read as once in force.
		want := []string{
			qms.RowAltered + " procedure_versions lần ban hành 01 của quy trình SVHTT QT-01",
			qms.RowDeleted + " procedure_versions [" + second + "]",
			qms.RowAltered + " procedure_versions lần ban hành 01 của quy trình SVHTT QT-01 hết hiệu lực mà không được lãnh đạo phê duyệt"}
		if got := namedRows(t, f, sys); !slices.Equal(got, want) {
			t.Fatalf("after the status moved with the file: named %q, want %q", got, want)
		}
	})
}

// TestProcedureApprovalSupersedes: an approved version is in force with
// the procedure's next review a year on; a submitted version cannot be
// edited; issue 02 starts from 01 and supersedes it when approved, both
// audited; a version in force is withdrawn only with a reason. (The
// draft's way to submission: TestProcedureVersions; control statuses:
// TestControlStatuses.)
func TestProcedureApprovalSupersedes(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys, clk := f.ctx, f.clk
		_, leader, officer := receiptFixture(t, f)
		ps, err := f.FindProcedures(sys, qms.ProcedureFilter{AgencyCode: ptr("SVHTT")})
		if err != nil || len(ps) != 1 {
			t.Fatalf("the fixture's procedure: %v %v", ps, err)
		}
		p := ps[0]
		v1, err := f.FindVersion(sys, p.ID, 1)
		if err != nil || v1.Status != qms.StatusEffective || v1.EffectiveOn == nil {
			t.Fatalf("v1 = %+v, %v", v1, err)
		}
		if want := v1.EffectiveOn.AddDate(1, 0, 0); !p.NextReviewOn.Equal(want) {
			t.Fatalf("next review %v, want %v", p.NextReviewOn, want)
		}
		clk.Add(24 * time.Hour)
		v2, err := f.CreateVersion(officer, p.ID)
		if err != nil || v2.Number != 2 || v2.Purpose != v1.Purpose {
			t.Fatalf("v2 = %+v, %v", v2, err)
		}
		if _, err := f.TransitionVersion(officer, p.ID, 2, qms.ActionSubmit, ""); err != nil {
			t.Fatal(err)
		}
		if err := f.UpdateVersion(officer, v2); qms.ErrorCode(err) != qms.EINVALID {
			t.Fatalf("submitted version edited: %v", err)
		}
		if got, err := f.TransitionVersion(leader, p.ID, 2, qms.ActionApprove, ""); err != nil || got.Status != qms.StatusEffective {
			t.Fatalf("approve: %+v, %v", got, err)
		}
		if old, _ := f.FindVersion(sys, p.ID, 1); old.Status != qms.StatusSuperseded {
			t.Fatalf("v1 is %s after v2 took effect", old.Status)
		}
		for _, action := range []string{"procedure.version_approve", "procedure.version_supersede"} {
			a := action
			if es, _, err := f.FindAuditEntries(sys, qms.AuditFilter{Action: &a}); err != nil || len(es) == 0 {
				t.Errorf("%s not audited: %v", action, err)
			}
		}
		if _, err := f.TransitionVersion(leader, p.ID, 2, qms.ActionWithdraw, ""); qms.ErrorCode(err) != qms.EINVALID {
			t.Fatalf("withdraw without reason: %v", err)
		}
		if got, err := f.TransitionVersion(leader, p.ID, 2, qms.ActionWithdraw, "Thủ tục bị bãi bỏ"); err != nil || got.Status != qms.StatusWithdrawn {
			t.Fatalf("withdraw: %+v, %v", got, err)
		}
		if _, err := f.VerifyAuditChain(sys); err != nil {
			t.Fatal(err)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
