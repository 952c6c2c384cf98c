package sqlite_test

import (
	"strings"
	"testing"
	"time"

	"isodt/qms"
)

// TestContext10ReviewOverdueRule: CONTEXT_REVIEW_OVERDUE fires for an
// agency with procedures in force and no register, for a register never
// reviewed and for one last reviewed more than 12 months ago, and clears
// when the register is marked reviewed. An agency with neither procedures
// nor a register is left alone.
func TestContext10ReviewOverdueRule(t *testing.T) {
	db, clk, sys := openDB(t)
	mergeAgency(t, db, sys, "PA", false) // QT-01 in force
	if err := db.CreateAgency(sys, &qms.Agency{Code: "PE", Name: "Đơn vị chưa áp dụng"}); err != nil {
		t.Fatal(err)
	}
	rule := qms.RuleContextReviewOverdue
	if got := openFindings(t, db, sys, "PE", rule); len(got) != 0 {
		t.Fatalf("an agency without a QMS is flagged: %v", got)
	}
	if _, err := db.MarkContextReviewed(sys, "PA", ""); qms.ErrorCode(err) != qms.EINVALID {
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
				if err := db.AddContextItem(sys, it); err != nil {
					t.Fatal(err)
				}
			}
		}, "PA PA"}, // the same register's finding stays open
		{"marked reviewed", func() {
			if _, err := db.MarkContextReviewed(sys, "PA", "Xem xét đầu năm"); err != nil {
				t.Fatal(err)
			}
		}, ""},
		{"eleven months later", func() { clk.Add(335 * 24 * time.Hour) }, ""},
		{"thirteen months later", func() { clk.Add(60 * 24 * time.Hour) }, "quá 12 tháng"},
		{"reviewed again", func() {
			if _, err := db.MarkContextReviewed(sys, "PA", ""); err != nil {
				t.Fatal(err)
			}
		}, ""},
	}
	for _, s := range steps {
		s.act()
		got := openFindings(t, db, sys, "PA", rule)
		switch {
		case s.want == "" && len(got) != 0:
			t.Errorf("%s: flagged %v", s.name, got)
		case s.want != "" && (len(got) != 1 || !strings.Contains(got[0], s.want)):
			t.Errorf("%s: %v, want one finding saying %q", s.name, got, s.want)
		}
	}
	// An agency without procedures in force that keeps a register is
	// asked to review it too.
	if err := db.AddContextItem(sys, &qms.ContextItem{AgencyCode: "PE", Kind: qms.ContextInternal, Title: "Chưa xây dựng hệ thống quản lý chất lượng"}); err != nil {
		t.Fatal(err)
	}
	if got := openFindings(t, db, sys, "PE", rule); len(got) != 1 || !strings.Contains(got[0], "chưa được xem xét lần nào") {
		t.Fatalf("a register never reviewed: %v", got)
	}
	items, err := db.ContextItems(sys, "PA", false)
	if err != nil || len(items) != 3 || !items[0].ReviewedOn.Equal(qms.CivilDate(clk.Now())) {
		t.Fatalf("items after the review: %+v %v", items, err)
	}
	reviews, err := db.ContextReviews(sys, "PA")
	if err != nil || len(reviews) != 2 || reviews[0].Items != 3 || reviews[0].ReviewedBy != "system:test" {
		t.Fatalf("reviews: %+v %v", reviews, err)
	}
}

// TestContext10RegisterAndPack: a party needs its requirements, an entry
// is retired (not deleted) with a reason and then frozen, the management
// review pack carries the register and its last review, and a merge moves
// the entries in force while retired ones and past reviews stay.
func TestContext10RegisterAndPack(t *testing.T) {
	db, _, sys := openDB(t)
	mergeAgency(t, db, sys, "PA", false)
	mergeAgency(t, db, sys, "PB", false)
	if err := db.AddContextItem(sys, &qms.ContextItem{AgencyCode: "PA", Kind: qms.ContextParty, Title: "Bưu điện tỉnh"}); qms.ErrorField(err) != "requirements" {
		t.Fatalf("a party without requirements: %v", err)
	}
	if err := db.AddContextItem(sys, &qms.ContextItem{AgencyCode: "PA", Kind: "risk", Title: "X"}); qms.ErrorField(err) != "kind" {
		t.Fatalf("an unknown kind: %v", err)
	}
	keep := &qms.ContextItem{AgencyCode: "PA", Kind: qms.ContextExternal, Title: "Sáp nhập tỉnh"}
	old := &qms.ContextItem{AgencyCode: "PA", Kind: qms.ContextInternal, Title: "Phần mềm một cửa cũ"}
	for _, it := range []*qms.ContextItem{keep, old} {
		if err := db.AddContextItem(sys, it); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.RetireContextItem(sys, "PA", old.ID, ""); qms.ErrorField(err) != "reason" {
		t.Fatalf("retired without a reason: %v", err)
	}
	if _, err := db.RetireContextItem(sys, "PA", old.ID, "Đã thay bằng hệ thống mới"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateContextItem(sys, "PA", old.ID, "Khác", ""); qms.ErrorCode(err) != qms.EINVALID {
		t.Fatalf("a retired entry edited: %v", err)
	}
	if _, err := db.UpdateContextItem(sys, "PB", keep.ID, "Khác", ""); qms.ErrorCode(err) != qms.ENOTFOUND {
		t.Fatalf("PB edits PA's entry: %v", err)
	}
	if _, err := db.MarkContextReviewed(sys, "PA", ""); err != nil {
		t.Fatal(err)
	}
	all, _ := db.ContextItems(sys, "PA", true)
	if len(all) != 2 || !all[1].Retired {
		t.Fatalf("retired entry not kept: %+v", all)
	}
	rv := &qms.ManagementReview{AgencyCode: "PA", Title: "Xem xét của lãnh đạo", HeldOn: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}
	if err := db.CreateReview(sys, rv); err != nil {
		t.Fatal(err)
	}
	c := rv.Pack.Context
	if c == nil || c.Counts[qms.ContextExternal] != 1 || len(c.Items) != 1 || c.Items[0].Title != "Sáp nhập tỉnh" || c.LastReviewedAt == nil || c.LastReviewedBy != "system:test" {
		t.Fatalf("review pack context: %+v", c)
	}
	if got, _ := db.FindReview(sys, "PA", rv.ID); got.Pack.Context == nil || len(got.Pack.Context.Items) != 1 {
		t.Fatalf("stored pack lost the context: %+v", got.Pack.Context)
	}
	if _, err := db.MergeAgencies(sys, qms.MergePlan{Into: "NEW", Name: "Sở mới", From: []string{"PA", "PB"}}, false); err != nil {
		t.Fatal(err)
	}
	moved, _ := db.ContextItems(sys, "NEW", true)
	stayed, _ := db.ContextItems(sys, "PA", true)
	if len(moved) != 1 || moved[0].ID != keep.ID || len(stayed) != 1 || stayed[0].ID != old.ID {
		t.Fatalf("after the merge NEW has %+v, PA keeps %+v", moved, stayed)
	}
	if rs, _ := db.ContextReviews(sys, "PA"); len(rs) != 1 {
		t.Fatalf("PA's review left it: %+v", rs)
	}
	if got := openFindings(t, db, sys, "NEW", qms.RuleContextReviewOverdue); len(got) != 1 {
		t.Fatalf("the successor's inherited register is not flagged for its own review: %v", got)
	}
}
