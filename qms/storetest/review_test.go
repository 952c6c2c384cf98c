package storetest_test

import (
	"testing"
	"time"

	"isodt/qms"
)

// Management reviews (qms/sqlstore): a review keeps its minutes and its
// decisions, each change audited, and only its agency sees it; the pack
// assembled at its creation counts what the leaders review.
func TestManagementReviews(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ctx, _ := ncAgency(t, f)
		day := qms.CivilDate(f.clk.Now())
		// A corrective action due in two days, overdue once the clock
		// has run five.
		nc := &qms.Nonconformity{AgencyCode: "SVHTT", Source: qms.NCFromOther, Description: "Sổ theo dõi không cập nhật"}
		if err := f.CreateNC(ctx, nc); err != nil {
			t.Fatal(err)
		}
		if _, err := f.AddAction(ctx, "SVHTT", nc.ID, qms.CorrectiveAction{Description: "Lập sổ", Owner: "thu.ky", DueOn: day.AddDate(0, 0, 2)}); err != nil {
			t.Fatal(err)
		}
		f.clk.Add(5 * 24 * time.Hour)
		today := day.AddDate(0, 0, 5)

		for _, tt := range []struct {
			name  string
			r     qms.ManagementReview
			field string
		}{
			{"no title", qms.ManagementReview{AgencyCode: "SVHTT", Title: "  ", HeldOn: today}, "title"},
			{"no date", qms.ManagementReview{AgencyCode: "SVHTT", Title: "Họp"}, "held_on"},
		} {
			if err := f.CreateReview(ctx, &tt.r); qms.ErrorField(err) != tt.field {
				t.Errorf("%s: %v, want an error on %s", tt.name, err, tt.field)
			}
		}
		created := 0
		review := func(title string, held time.Time) {
			t.Helper()
			r := &qms.ManagementReview{AgencyCode: "SVHTT", Title: " " + title + " ", HeldOn: held}
			err := f.CreateReview(ctx, r)
			if err != nil {
				t.Fatal(err)
			}
			created++
			if r.ID == 0 || r.Title != title || r.Pack.Year != held.Year() || r.Pack.NCByStatus[qms.NCOpen] != 1 || r.Pack.CAPAOverdue != 1 || r.Decisions == nil {
				t.Fatalf("created %+v", r)
			}
		}
		if held, err := f.LastReview(ctx, "SVHTT"); err != nil || !held.IsZero() {
			t.Fatalf("last review before any = %v, %v", held, err)
		}
		review("Xem xét năm 2025", time.Date(2025, 12, 20, 0, 0, 0, 0, time.UTC))
		review("Xem xét năm 2026", today)
		rs, err := f.FindReviews(ctx, "SVHTT")
		if err != nil || len(rs) != 2 || rs[0].Title != "Xem xét năm 2026" || !rs[0].HeldOn.Equal(today) || rs[1].Pack.Year != 2025 ||
			rs[0].Pack.NCByStatus[qms.NCOpen] != 1 || rs[0].Decisions == nil || rs[0].CreatedAt.IsZero() {
			t.Fatalf("reviews = %+v, %v", rs, err)
		}
		if others, err := f.FindReviews(ctx, "OTHER"); err != nil || len(others) != 0 {
			t.Fatalf("another agency's reviews = %+v, %v", others, err)
		}
		id := rs[0].ID
		if _, err := f.FindReview(ctx, "OTHER", id); qms.ErrorCode(err) != qms.ENOTFOUND {
			t.Fatalf("review read through another agency: %v", err)
		}
		if held, err := f.LastReview(ctx, "SVHTT"); err != nil || !held.Equal(today) {
			t.Fatalf("last review = %v, %v", held, err)
		}

		decision := func(text string, days int) qms.ReviewDecision {
			return qms.ReviewDecision{Text: text, Owner: " thu.ky ", DueOn: today.AddDate(0, 0, days)}
		}
		var first int64
		for _, s := range []struct {
			name     string
			do       func() (*qms.ManagementReview, error)
			code     string
			field    string
			minutes  string
			open     int // decisions not done
			decision int // decisions in all
		}{
			{"minutes", func() (*qms.ManagementReview, error) { return f.SaveMinutes(ctx, "SVHTT", id, "  Biên bản họp  ") }, "", "", "Biên bản họp", 0, 0},
			{"minutes through another agency", func() (*qms.ManagementReview, error) { return f.SaveMinutes(ctx, "OTHER", id, "x") }, qms.ENOTFOUND, "", "", 0, 0},
			{"decision without due date", func() (*qms.ManagementReview, error) {
				return f.AddDecision(ctx, "SVHTT", id, qms.ReviewDecision{Text: "Xây dựng quy trình", Owner: "thu.ky"})
			}, qms.EINVALID, "due_on", "", 0, 0},
			{"decision without owner", func() (*qms.ManagementReview, error) {
				return f.AddDecision(ctx, "SVHTT", id, qms.ReviewDecision{Text: "Xây dựng quy trình", Owner: " ", DueOn: today})
			}, qms.EINVALID, "owner", "", 0, 0},
			{"decision on an unknown review", func() (*qms.ManagementReview, error) {
				return f.AddDecision(ctx, "SVHTT", id+100, decision("x", 1))
			}, qms.ENOTFOUND, "", "", 0, 0},
			{"first decision", func() (*qms.ManagementReview, error) {
				r, err := f.AddDecision(ctx, "SVHTT", id, decision("Bổ sung cán bộ", 10))
				if err == nil {
					first = r.Decisions[0].ID
				}
				return r, err
			}, "", "", "Biên bản họp", 1, 1},
			{"later decision", func() (*qms.ManagementReview, error) {
				return f.AddDecision(ctx, "SVHTT", id, decision("Số hóa hồ sơ", 40))
			}, "", "", "Biên bản họp", 2, 2},
			{"sooner decision", func() (*qms.ManagementReview, error) {
				return f.AddDecision(ctx, "SVHTT", id, decision("Đào tạo ISO", 20))
			}, "", "", "Biên bản họp", 3, 3},
			{"complete an unknown decision", func() (*qms.ManagementReview, error) { return f.CompleteDecision(ctx, "SVHTT", id, first+100) }, qms.ENOTFOUND, "", "", 0, 0},
			{"complete through another agency", func() (*qms.ManagementReview, error) { return f.CompleteDecision(ctx, "OTHER", id, first) }, qms.ENOTFOUND, "", "", 0, 0},
			{"complete", func() (*qms.ManagementReview, error) { return f.CompleteDecision(ctx, "SVHTT", id, first) }, "", "", "Biên bản họp", 2, 3},
			{"complete twice", func() (*qms.ManagementReview, error) { return f.CompleteDecision(ctx, "SVHTT", id, first) }, qms.ENOTFOUND, "", "", 0, 0},
		} {
			got, err := s.do()
			if qms.ErrorCode(err) != s.code || qms.ErrorField(err) != s.field {
				t.Fatalf("%s: err = %v, want %q on %q", s.name, err, s.code, s.field)
			}
			if err != nil {
				continue
			}
			open := 0
			for _, d := range got.Decisions {
				if d.DoneAt == nil {
					open++
				}
			}
			if got.ID != id || got.Minutes != s.minutes || len(got.Decisions) != s.decision || open != s.open {
				t.Fatalf("%s: %+v", s.name, got)
			}
		}
		got, err := f.FindReview(ctx, "SVHTT", id)
		if err != nil || len(got.Decisions) != 3 || got.Decisions[0].Owner != "thu.ky" || !got.Decisions[0].DoneAt.Equal(f.clk.Now()) ||
			!got.Decisions[1].DueOn.Equal(today.AddDate(0, 0, 40)) || got.Decisions[2].Text != "Đào tạo ISO" {
			t.Fatalf("review read back = %+v, %v", got, err)
		}

		action := "review."
		entries, n, err := f.FindAuditEntries(ctx, qms.AuditFilter{Action: &action, Limit: 20})
		if want := 5 + created; err != nil || n != want || len(entries) != want {
			t.Fatalf("review audit entries = %d, %v; want %d", n, err, want)
		}
		if _, err := f.VerifyAuditChain(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

// The dashboards' reads of the shared tables: what falls due (corrective
// actions, review decisions), the next audit, the last review and the
// open nonconformities, each of one agency.
func TestDashboardReads(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ctx, _ := ncAgency(t, f)
		day := qms.CivilDate(f.clk.Now())
		for i, desc := range []string{"Trả kết quả trễ", "Thiếu phiếu", "Sổ không cập nhật"} {
			n := &qms.Nonconformity{AgencyCode: "SVHTT", Source: qms.NCFromOther, Description: desc}
			if err := f.CreateNC(ctx, n); err != nil {
				t.Fatal(err)
			}
			if _, err := f.AddAction(ctx, "SVHTT", n.ID, qms.CorrectiveAction{Description: "Khắc phục " + desc, Owner: "thu.ky", DueOn: day.AddDate(0, 0, 10-3*i)}); err != nil {
				t.Fatal(err)
			}
		}
		checkDue(t, "actions due", []dueCase{
			{"none due yet", "SVHTT", day.AddDate(0, 0, 3), 5, nil},
			{"earliest first", "SVHTT", day.AddDate(0, 0, 10), 5, []string{"Khắc phục Sổ không cập nhật", "Khắc phục Thiếu phiếu", "Khắc phục Trả kết quả trễ"}},
			{"limited", "SVHTT", day.AddDate(0, 0, 30), 2, []string{"Khắc phục Sổ không cập nhật", "Khắc phục Thiếu phiếu"}},
			{"on the due date", "SVHTT", day.AddDate(0, 0, 4), 5, []string{"Khắc phục Sổ không cập nhật"}},
			{"another agency", "OTHER", day.AddDate(0, 0, 30), 5, nil},
		}, func(agency string, until time.Time, limit int) ([]qms.ActionDue, error) {
			return f.ActionsDue(ctx, agency, until, limit)
		}, func(a qms.ActionDue) (string, bool) {
			return a.Description, a.Owner == "thu.ky" && a.NCCode != "" && !a.DueOn.IsZero()
		})
		for _, tt := range []struct {
			agency string
			want   int
		}{{"SVHTT", 3}, {"OTHER", 0}} {
			if n, err := f.OpenNCs(ctx, tt.agency); err != nil || n != tt.want {
				t.Fatalf("open NCs of %s = %d, %v; want %d", tt.agency, n, err, tt.want)
			}
		}

		// Review decisions: entered behind the store's back, as the pack
		// cannot be assembled on every store.
		stmts := []string{
			`INSERT INTO management_reviews (agency_code, title, held_on, pack_json, created_at) VALUES ('SVHTT', 'Xem xét 2026', '2026-03-02', '{}', '2026-03-02T02:00:00Z')`,
			`INSERT INTO management_reviews (agency_code, title, held_on, pack_json, created_at) VALUES ('OTHER', 'Khác', '2026-04-02', '{}', '2026-03-02T02:00:00Z')`,
		}
		for _, q := range stmts {
			if err := f.exec(q); err != nil {
				t.Fatal(err)
			}
		}
		rs, err := f.FindReviews(ctx, "SVHTT")
		if err != nil || len(rs) != 1 {
			t.Fatalf("reviews = %+v, %v", rs, err)
		}
		for _, d := range []qms.ReviewDecision{
			{Text: "Đào tạo", Owner: "thu.ky", DueOn: day.AddDate(0, 0, 20)},
			{Text: "Bổ sung cán bộ", Owner: "thu.ky", DueOn: day.AddDate(0, 0, 5)},
			{Text: "Đã xong", Owner: "thu.ky", DueOn: day.AddDate(0, 0, 1)},
		} {
			r, err := f.AddDecision(ctx, "SVHTT", rs[0].ID, d)
			if err != nil {
				t.Fatal(err)
			}
			if d.Text == "Đã xong" {
				if _, err := f.CompleteDecision(ctx, "SVHTT", r.ID, r.Decisions[len(r.Decisions)-1].ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		checkDue(t, "decisions due", []dueCase{
			{"a done one is not due", "SVHTT", day.AddDate(0, 0, 4), 5, nil},
			{"earliest first", "SVHTT", day.AddDate(0, 0, 30), 5, []string{"Bổ sung cán bộ", "Đào tạo"}},
			{"limited", "SVHTT", day.AddDate(0, 0, 30), 1, []string{"Bổ sung cán bộ"}},
			{"another agency", "OTHER", day.AddDate(0, 0, 30), 5, nil},
		}, func(agency string, until time.Time, limit int) ([]qms.DecisionDue, error) {
			return f.DecisionsDue(ctx, agency, until, limit)
		}, func(d qms.DecisionDue) (string, bool) {
			return d.Text, d.ReviewID == rs[0].ID && d.Review == "Xem xét 2026" && d.Owner == "thu.ky"
		})
		for _, tt := range []struct {
			agency string
			want   time.Time
		}{{"SVHTT", day}, {"OTHER", time.Date(2026, 4, 2, 0, 0, 0, 0, time.UTC)}, {"UBND", time.Time{}}} {
			if held, err := f.LastReview(ctx, tt.agency); err != nil || !held.Equal(tt.want) {
				t.Fatalf("last review of %s = %v, %v; want %v", tt.agency, held, err, tt.want)
			}
		}

		// The next audit: planned, not ended before the day, the soonest.
		if err := f.CreateAgency(f.ctx, &qms.Agency{Code: "UBND", Name: "UBND tỉnh"}); err != nil {
			t.Fatal(err)
		}
		parent := "UBND"
		if _, err := f.UpdateAgency(f.ctx, "SVHTT", qms.AgencyUpdate{ParentCode: &parent}); err != nil {
			t.Fatal(err)
		}
		dgv := &qms.User{Username: "dgv", Memberships: []qms.Membership{{AgencyCode: "UBND", Role: qms.RoleAuditor}}}
		if err := f.CreateUser(f.ctx, dgv, "ngua-o-123"); err != nil {
			t.Fatal(err)
		}
		prog := &qms.AuditProgramme{AgencyCode: "UBND", Year: 2026, Title: "Chương trình 2026"}
		if err := f.CreateProgramme(f.ctx, prog); err != nil {
			t.Fatal(err)
		}
		if p, err := f.NextAudit(ctx, "UBND", day); err != nil || p != nil {
			t.Fatalf("next audit without plans = %+v, %v", p, err)
		}
		for _, p := range []struct {
			title      string
			start, end int
		}{{"Đã qua", -10, -8}, {"Sau", 20, 21}, {"Sắp tới", 10, 12}} {
			if err := f.CreatePlan(f.ctx, &qms.AuditPlan{ProgrammeID: prog.ID, AgencyCode: "UBND", Title: p.title, Units: []string{"SVHTT"},
				Auditors: []string{"dgv"}, StartOn: day.AddDate(0, 0, p.start), EndOn: day.AddDate(0, 0, p.end)}); err != nil {
				t.Fatal(err)
			}
		}
		for _, tt := range []struct {
			name, agency string
			today        time.Time
			want         string
		}{
			{"the soonest", "UBND", day, "Sắp tới"},
			{"one that has begun", "UBND", day.AddDate(0, 0, 12), "Sắp tới"},
			{"the next once that has ended", "UBND", day.AddDate(0, 0, 13), "Sau"},
			{"none left", "UBND", day.AddDate(0, 0, 22), ""},
			{"the audited unit does not run it", "SVHTT", day, ""},
		} {
			p, err := f.NextAudit(ctx, tt.agency, tt.today)
			if err != nil || (p == nil) != (tt.want == "") || (p != nil && (p.Title != tt.want || p.AgencyCode != "UBND" || p.Status != qms.PlanPlanned || p.EndOn.Before(p.StartOn))) {
				t.Fatalf("next audit, %s = %+v, %v; want %q", tt.name, p, err, tt.want)
			}
		}
	})
}

// dueCase is one read of what falls due: the texts wanted, in order.
type dueCase struct {
	name   string
	agency string
	until  time.Time
	limit  int
	want   []string
}

// checkDue runs the cases through read; text gives an item's text and
// whether the rest of it is as it should be.
func checkDue[T any](t *testing.T, what string, cases []dueCase, read func(agency string, until time.Time, limit int) ([]T, error), text func(T) (string, bool)) {
	t.Helper()
	for _, tt := range cases {
		got, err := read(tt.agency, tt.until, tt.limit)
		if err != nil || len(got) != len(tt.want) {
			t.Fatalf("%s, %s = %+v, %v", what, tt.name, got, err)
		}
		for i, it := range got {
			if s, ok := text(it); s != tt.want[i] || !ok {
				t.Fatalf("%s, %s: %d = %+v", what, tt.name, i, it)
			}
		}
	}
}
