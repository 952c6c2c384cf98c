package storetest_test

import (
	"strings"
	"testing"
	"time"

	"isodt/qms"
)

// The context register (qms/sqlstore): entries by kind, retired (not
// deleted) with a reason and then frozen; a review of the whole register
// dates every entry in force; the review pack's summary.
func TestContextRegister(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ctx := f.ctx
		createAgencies(t, f, qms.Agency{Code: "PA", Name: "Sở PA"}, qms.Agency{Code: "PB", Name: "Sở PB"})
		if s, err := f.ContextSummary(ctx, "PA"); err != nil || s != nil {
			t.Fatalf("summary of no register = %+v, %v", s, err)
		}
		if _, err := f.MarkContextReviewed(ctx, "PA", ""); qms.ErrorCode(err) != qms.EINVALID {
			t.Fatalf("an empty register marked reviewed: %v", err)
		}
		if _, err := f.MarkContextReviewed(ctx, "NOPE", ""); qms.ErrorCode(err) != qms.ENOTFOUND {
			t.Fatalf("an unknown agency's register marked reviewed: %v", err)
		}
		party := &qms.ContextItem{AgencyCode: "PA", Kind: qms.ContextParty, Title: "Người dân", Requirements: "Trả kết quả đúng hẹn"}
		keep := &qms.ContextItem{AgencyCode: "PA", Kind: qms.ContextExternal, Title: "Sáp nhập tỉnh"}
		old := &qms.ContextItem{AgencyCode: "PA", Kind: qms.ContextInternal, Title: "Phần mềm một cửa cũ"}
		for _, tt := range []struct {
			name string
			i    *qms.ContextItem
			code string
		}{
			{"party", party, ""},
			{"external", keep, ""},
			{"internal", old, ""},
			{"party without requirements", &qms.ContextItem{AgencyCode: "PA", Kind: qms.ContextParty, Title: "Bưu điện"}, qms.EINVALID},
			{"unknown kind", &qms.ContextItem{AgencyCode: "PA", Kind: "risk", Title: "X"}, qms.EINVALID},
			{"unknown agency", &qms.ContextItem{AgencyCode: "NOPE", Kind: qms.ContextInternal, Title: "X"}, qms.ENOTFOUND},
		} {
			if err := f.AddContextItem(ctx, tt.i); qms.ErrorCode(err) != tt.code {
				t.Errorf("add %s: %v, want %q", tt.name, err, tt.code)
			}
		}
		items, err := f.ContextItems(ctx, "PA", false)
		if err != nil || len(items) != 3 || items[0].ID != old.ID || items[1].ID != keep.ID || items[2].ID != party.ID || items[0].CreatedBy != "system:test" {
			t.Fatalf("items by kind = %+v, %v", items, err)
		}
		if !items[0].ReviewedOn.Equal(qms.CivilDate(f.clk.Now())) {
			t.Fatalf("an entry is not reviewed the day it is entered: %v", items[0].ReviewedOn)
		}
		if _, err := f.RetireContextItem(ctx, "PA", old.ID, ""); qms.ErrorField(err) != "reason" {
			t.Fatalf("retired without a reason: %v", err)
		}
		if _, err := f.UpdateContextItem(ctx, "PB", keep.ID, "Khác", ""); qms.ErrorCode(err) != qms.ENOTFOUND {
			t.Fatalf("PB edits PA's entry: %v", err)
		}
		if r, err := f.RetireContextItem(ctx, "PA", old.ID, "Đã thay bằng hệ thống mới"); err != nil || !r.Retired || r.RetiredAt == nil || r.RetiredBy != "system:test" {
			t.Fatalf("retire = %+v, %v", r, err)
		}
		if _, err := f.UpdateContextItem(ctx, "PA", old.ID, "Khác", ""); qms.ErrorCode(err) != qms.EINVALID {
			t.Fatalf("a retired entry edited: %v", err)
		}
		f.clk.Add(40 * 24 * time.Hour)
		today := qms.CivilDate(f.clk.Now())
		if u, err := f.UpdateContextItem(ctx, "PA", keep.ID, "Sáp nhập tỉnh, xã", ""); err != nil || u.Title != "Sáp nhập tỉnh, xã" || !u.ReviewedOn.Equal(today) {
			t.Fatalf("update = %+v, %v", u, err)
		}
		r, err := f.MarkContextReviewed(ctx, "PA", "Xem xét đầu năm")
		if err != nil || r.Items != 2 || r.ReviewedBy != "system:test" {
			t.Fatalf("review = %+v, %v", r, err)
		}
		all, _ := f.ContextItems(ctx, "PA", true)
		if len(all) != 3 || !all[2].Retired || all[2].ID != old.ID || !all[0].ReviewedOn.Equal(today) || all[2].ReviewedOn.Equal(today) {
			t.Fatalf("register after the review = %+v", all)
		}
		if rs, err := f.ContextReviews(ctx, "PA"); err != nil || len(rs) != 1 || rs[0].ID != r.ID || rs[0].Note != "Xem xét đầu năm" {
			t.Fatalf("reviews = %+v, %v", rs, err)
		}
		s, err := f.ContextSummary(ctx, "PA")
		if err != nil || s == nil || s.Counts[qms.ContextExternal] != 1 || s.Counts[qms.ContextInternal] != 0 || len(s.Items) != 2 || s.LastReviewedAt == nil || s.LastReviewedBy != "system:test" {
			t.Fatalf("summary = %+v, %v", s, err)
		}
		action := "context."
		if _, n, err := f.FindAuditEntries(ctx, qms.AuditFilter{Action: &action, Limit: 20}); err != nil || n != 6 {
			t.Fatalf("context audit entries = %d, %v; want 6", n, err)
		}
		if _, err := f.VerifyAuditChain(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

// TestContext10ReviewOverdueRule: CONTEXT_REVIEW_OVERDUE fires for an
// agency with procedures in force and no register, for a register never
// reviewed and for one last reviewed more than 12 months ago, and clears
// when the register is marked reviewed. An agency with neither procedures
// nor a register is left alone.
func TestContext10ReviewOverdueRule(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys, clk := f.ctx, f.clk
		mergeAgency(t, f, "PA", false) // QT-01 in force
		if err := f.CreateAgency(sys, &qms.Agency{Code: "PE", Name: "Đơn vị chưa áp dụng"}); err != nil {
			t.Fatal(err)
		}
		rule := qms.RuleContextReviewOverdue
		if got := findingLines(t, f, "PE", rule); len(got) != 0 {
			t.Fatalf("an agency without a QMS is flagged: %v", got)
		}
		if _, err := f.MarkContextReviewed(sys, "PA", ""); qms.ErrorCode(err) != qms.EINVALID {
			t.Fatalf("an empty register marked reviewed: %v", err)
		}
		steps := []struct {
			name string
			act  func()
			want string // "" = not flagged
		}{
			{"procedures in force, no register", func() {}, "chưa lập sổ bối cảnh"},
			{"register entered, never reviewed", func() {
				for _, it := range []*qms.ContextItem{
					{AgencyCode: "PA", Kind: qms.ContextInternal, Title: "Thiếu công chức có chứng chỉ ISO sau sáp nhập"},
					{AgencyCode: "PA", Kind: qms.ContextExternal, Title: "Chính quyền địa phương hai cấp từ 01/7/2025"},
					{AgencyCode: "PA", Kind: qms.ContextParty, Title: "Người dân, doanh nghiệp", Requirements: "Trả kết quả đúng hẹn, được xin lỗi khi trễ hạn"},
				} {
					if err := f.AddContextItem(sys, it); err != nil {
						t.Fatal(err)
					}
				}
			}, "PA PA"}, // the same register's finding stays open
			{"marked reviewed", func() {
				if _, err := f.MarkContextReviewed(sys, "PA", "Xem xét đầu năm"); err != nil {
					t.Fatal(err)
				}
			}, ""},
			{"eleven months later", func() { clk.Add(335 * 24 * time.Hour) }, ""},
			{"thirteen months later", func() { clk.Add(60 * 24 * time.Hour) }, "quá 12 tháng"},
			{"reviewed again", func() {
				if _, err := f.MarkContextReviewed(sys, "PA", ""); err != nil {
					t.Fatal(err)
				}
			}, ""},
		}
		for _, s := range steps {
			s.act()
			got := findingLines(t, f, "PA", rule)
			switch {
			case s.want == "" && len(got) != 0:
				t.Errorf("%s: flagged %v", s.name, got)
			case s.want != "" && (len(got) != 1 || !strings.Contains(got[0], s.want)):
				t.Errorf("%s: %v, want one finding saying %q", s.name, got, s.want)
			}
		}
		// An agency without procedures in force that keeps a register is
		// asked to review it too.
		if err := f.AddContextItem(sys, &qms.ContextItem{AgencyCode: "PE", Kind: qms.ContextInternal, Title: "Chưa xây dựng hệ thống quản lý chất lượng"}); err != nil {
			t.Fatal(err)
		}
		if got := findingLines(t, f, "PE", rule); len(got) != 1 || !strings.Contains(got[0], "chưa được xem xét lần nào") {
			t.Fatalf("a register never reviewed: %v", got)
		}
		items, err := f.ContextItems(sys, "PA", false)
		if err != nil || len(items) != 3 || !items[0].ReviewedOn.Equal(qms.CivilDate(clk.Now())) {
			t.Fatalf("items after the review: %+v %v", items, err)
		}
		reviews, err := f.ContextReviews(sys, "PA")
		if err != nil || len(reviews) != 2 || reviews[0].Items != 3 || reviews[0].ReviewedBy != "system:test" {
			t.Fatalf("reviews: %+v %v", reviews, err)
		}
	})
}

// TestContext10RegisterAndPack: a party needs its requirements, an entry
// is retired (not deleted) with a reason and then frozen, the management
// review pack carries the register and its last review, and a merge moves
// the entries in force while retired ones and past reviews stay.
func TestContext10RegisterAndPack(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys := f.ctx
		mergeAgency(t, f, "PA", false)
		mergeAgency(t, f, "PB", false)
		if err := f.AddContextItem(sys, &qms.ContextItem{AgencyCode: "PA", Kind: qms.ContextParty, Title: "Bưu điện tỉnh"}); qms.ErrorField(err) != "requirements" {
			t.Fatalf("a party without requirements: %v", err)
		}
		if err := f.AddContextItem(sys, &qms.ContextItem{AgencyCode: "PA", Kind: "risk", Title: "X"}); qms.ErrorField(err) != "kind" {
			t.Fatalf("an unknown kind: %v", err)
		}
		keep := &qms.ContextItem{AgencyCode: "PA", Kind: qms.ContextExternal, Title: "Sáp nhập tỉnh"}
		old := &qms.ContextItem{AgencyCode: "PA", Kind: qms.ContextInternal, Title: "Phần mềm một cửa cũ"}
		for _, it := range []*qms.ContextItem{keep, old} {
			if err := f.AddContextItem(sys, it); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.RetireContextItem(sys, "PA", old.ID, ""); qms.ErrorField(err) != "reason" {
			t.Fatalf("retired without a reason: %v", err)
		}
		if _, err := f.RetireContextItem(sys, "PA", old.ID, "Đã thay bằng hệ thống mới"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.UpdateContextItem(sys, "PA", old.ID, "Khác", ""); qms.ErrorCode(err) != qms.EINVALID {
			t.Fatalf("a retired entry edited: %v", err)
		}
		if _, err := f.UpdateContextItem(sys, "PB", keep.ID, "Khác", ""); qms.ErrorCode(err) != qms.ENOTFOUND {
			t.Fatalf("PB edits PA's entry: %v", err)
		}
		if _, err := f.MarkContextReviewed(sys, "PA", ""); err != nil {
			t.Fatal(err)
		}
		all, _ := f.ContextItems(sys, "PA", true)
		if len(all) != 2 || !all[1].Retired {
			t.Fatalf("retired entry not kept: %+v", all)
		}
		rv := &qms.ManagementReview{AgencyCode: "PA", Title: "Xem xét của lãnh đạo", HeldOn: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}
		if err := f.CreateReview(sys, rv); err != nil {
			t.Fatal(err)
		}
		c := rv.Pack.Context
		if c == nil || c.Counts[qms.ContextExternal] != 1 || len(c.Items) != 1 || c.Items[0].Title != "Sáp nhập tỉnh" || c.LastReviewedAt == nil || c.LastReviewedBy != "system:test" {
			t.Fatalf("review pack context: %+v", c)
		}
		if got, _ := f.FindReview(sys, "PA", rv.ID); got.Pack.Context == nil || len(got.Pack.Context.Items) != 1 {
			t.Fatalf("stored pack lost the context: %+v", got.Pack.Context)
		}
		mergePAPB(t, f)
		moved, _ := f.ContextItems(sys, "NEW", true)
		stayed, _ := f.ContextItems(sys, "PA", true)
		if len(moved) != 1 || moved[0].ID != keep.ID || len(stayed) != 1 || stayed[0].ID != old.ID {
			t.Fatalf("after the merge NEW has %+v, PA keeps %+v", moved, stayed)
		}
		if rs, _ := f.ContextReviews(sys, "PA"); len(rs) != 1 {
			t.Fatalf("PA's review left it: %+v", rs)
		}
		if got := findingLines(t, f, "NEW", qms.RuleContextReviewOverdue); len(got) != 1 {
			t.Fatalf("the successor's inherited register is not flagged for its own review: %v", got)
		}
	})
}
