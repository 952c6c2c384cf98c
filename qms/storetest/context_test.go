package storetest_test

import (
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
		for _, code := range []string{"PA", "PB"} {
			if err := f.CreateAgency(ctx, &qms.Agency{Code: code, Name: "Sở " + code}); err != nil {
				t.Fatal(err)
			}
		}
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
