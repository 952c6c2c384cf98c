package storetest_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"isodt/qms"
)

// feedbackAgency makes agency SVHTT with a quality officer, a leader and
// a member of staff, and returns each one's context by username.
func feedbackAgency(t *testing.T, f *fixture) map[string]context.Context {
	t.Helper()
	if err := f.CreateAgency(f.ctx, &qms.Agency{Code: "SVHTT", Name: "Sở Văn hóa"}); err != nil {
		t.Fatal(err)
	}
	as := map[string]context.Context{}
	for name, role := range map[string]qms.Role{"thu.ky": qms.RoleQualityOfficer, "giam.doc": qms.RoleLeader, "chuyen.vien": qms.RoleStaff} {
		u := &qms.User{Username: name, Memberships: []qms.Membership{{AgencyCode: "SVHTT", Role: role}}}
		if err := f.CreateUser(f.ctx, u, "ngua-o-123"); err != nil {
			t.Fatal(err)
		}
		as[name] = qms.WithActor(context.Background(), qms.Actor{UserID: u.ID, Username: name, AgencyCode: "SVHTT"})
	}
	return as
}

// unread is the number of unread notifications of a user.
func unread(t *testing.T, f *fixture, username string) int {
	t.Helper()
	u, err := f.FindUserByUsername(f.ctx, username)
	if err != nil {
		t.Fatal(err)
	}
	n, err := f.UnreadNotifications(f.ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Feedback (qms/sqlstore): numbered, throttled per address (kept only as
// a salted hash), carried from received to published with an audit entry
// per step, and shown to the public without who sent it.
func TestFeedbackLifecycleAndThrottle(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		as := feedbackAgency(t, f)
		public := qms.WithActor(context.Background(), qms.PublicActor("SVHTT"))
		sent := 0
		submit := func(ip string) (*qms.Feedback, error) {
			sent++
			content := "Hồ sơ trễ hẹn <b>3 ngày</b>."
			if sent > 1 {
				content += " Lần " + itoa(int64(sent))
			}
			fb := &qms.Feedback{AgencyCode: "svhtt", Name: "Nguyễn Văn An", Contact: "0912345678", Content: content}
			return fb, f.SubmitFeedback(public, fb, ip)
		}
		first, err := submit("203.0.113.7")
		if err != nil || first.Code != "PA-SVHTT-2026-001" || first.Status != qms.FeedbackReceived || first.AgencyCode != "SVHTT" || first.ID == 0 {
			t.Fatalf("submit: %v %+v", err, first)
		}
		// The same person's same message again (a double click) is the
		// first; another person's same words from the same address (a
		// kiosk, one office's network) are their own.
		again := &qms.Feedback{AgencyCode: "SVHTT", Name: "Nguyễn Văn An", Contact: "0912345678", Content: "Hồ sơ trễ hẹn <b>3 ngày</b>."}
		if err := f.SubmitFeedback(public, again, "203.0.113.7"); err != nil || again.Code != first.Code {
			t.Fatalf("sent again: %v %+v, want %s", err, again, first.Code)
		}
		other := &qms.Feedback{AgencyCode: "SVHTT", Name: "Trần Thị Bình", Contact: "binh@example.vn", Content: "Hồ sơ trễ hẹn <b>3 ngày</b>."}
		if err := f.SubmitFeedback(public, other, "203.0.113.7"); err != nil || other.Code != "PA-SVHTT-2026-002" {
			t.Fatalf("another citizen's same words: %v %+v", err, other)
		}
		for _, name := range []string{"giam.doc", "thu.ky"} {
			if n := unread(t, f, name); n != 2 {
				t.Errorf("%s told of the new feedback %d times, want 2", name, n)
			}
		}
		if n := unread(t, f, "chuyen.vien"); n != 0 {
			t.Errorf("staff told of new feedback: %d", n)
		}
		refused := []struct {
			name        string
			fb          qms.Feedback
			code, field string
		}{
			{"no contact", qms.Feedback{AgencyCode: "SVHTT", Name: "An"}, qms.EINVALID, "contact"},
			{"unknown agency", qms.Feedback{AgencyCode: "NOPE", Name: "An", Contact: "an@example.vn", Content: "x"}, qms.ENOTFOUND, ""},
		}
		for _, tt := range refused {
			t.Run(tt.name, func(t *testing.T) {
				if err := f.SubmitFeedback(public, &tt.fb, "203.0.113.7"); qms.ErrorCode(err) != tt.code || qms.ErrorField(err) != tt.field {
					t.Fatalf("err = %v, want %s %q", err, tt.code, tt.field)
				}
			})
		}
		// Five from one address in ten minutes; the sixth waits. Others pass.
		for i := 3; i <= qms.FeedbackThrottleMax; i++ {
			if _, err := submit("203.0.113.7"); err != nil {
				t.Fatalf("submission %d: %v", i, err)
			}
		}
		if _, err := submit("203.0.113.7"); qms.ErrorCode(err) != qms.ETOOMANY {
			t.Fatalf("sixth submission: %v", err)
		}
		if fb, err := submit("198.51.100.2"); err != nil || fb.Code != "PA-SVHTT-2026-006" {
			t.Fatalf("another address: %+v %v", fb, err)
		}
		f.clk.Add(qms.FeedbackThrottleWindow + time.Second)
		if fb, err := submit("203.0.113.7"); err != nil || fb.Code != "PA-SVHTT-2026-007" {
			t.Fatalf("after the window: %+v %v", fb, err)
		}
		// The address is kept only as a salted hash: the statement
		// re-inserts the salt's one row, which fails, when a row matches.
		plain := sha256.Sum256([]byte("203.0.113.7"))
		for _, tt := range []struct {
			match string
			found bool
		}{
			{`ip_hash = '203.0.113.7' OR ip_hash = '` + hex.EncodeToString(plain[:]) + `' OR length(ip_hash) <> 64`, false},
			{`code = '` + first.Code + `'`, true},
		} {
			err := f.exec(`INSERT INTO feedback_salt (singleton, salt) SELECT 1, salt FROM feedback_salt WHERE EXISTS (SELECT 1 FROM feedback WHERE ` + tt.match + `)`)
			if (err != nil) != tt.found {
				t.Errorf("feedback where %s: found = %v, want %v", tt.match, err != nil, tt.found)
			}
		}
		action := "feedback.submit"
		if es, _, _ := f.FindAuditEntries(f.ctx, qms.AuditFilter{Action: &action}); len(es) != 7 || es[0].Actor != qms.PublicActorName {
			t.Fatalf("submissions audited: %d", len(es))
		}

		// received → assigned → answered → published.
		steps := []struct {
			name        string
			op          func() (*qms.Feedback, error)
			code, field string
			status      string
		}{
			{"answer before assigning", func() (*qms.Feedback, error) {
				return f.AnswerFeedback(as["giam.doc"], "SVHTT", first.ID, "Đã xử lý")
			}, qms.EINVALID, "", ""},
			{"assignee of another agency", func() (*qms.Feedback, error) { return f.AssignFeedback(as["giam.doc"], "SVHTT", first.ID, "admin") }, qms.EINVALID, "assignee", ""},
			{"through another agency", func() (*qms.Feedback, error) { return f.AssignFeedback(as["giam.doc"], "SYS", first.ID, "chuyen.vien") }, qms.ENOTFOUND, "", ""},
			{"assign", func() (*qms.Feedback, error) {
				return f.AssignFeedback(as["giam.doc"], "SVHTT", first.ID, "chuyen.vien")
			}, "", "", qms.FeedbackAssigned},
			{"publish without an answer", func() (*qms.Feedback, error) { return f.PublishFeedback(as["giam.doc"], "SVHTT", first.ID) }, qms.EINVALID, "", ""},
			{"answer", func() (*qms.Feedback, error) {
				return f.AnswerFeedback(as["chuyen.vien"], "SVHTT", first.ID, "Sở đã xin lỗi và trả kết quả ngày 12/3.")
			}, "", "", qms.FeedbackAnswered},
			{"publish", func() (*qms.Feedback, error) { return f.PublishFeedback(as["giam.doc"], "SVHTT", first.ID) }, "", "", qms.FeedbackPublished},
			{"answer changed after publication", func() (*qms.Feedback, error) {
				return f.AnswerFeedback(as["chuyen.vien"], "SVHTT", first.ID, "Sửa sau khi công khai")
			}, qms.EINVALID, "", ""},
		}
		for _, tt := range steps {
			fb, err := tt.op()
			if qms.ErrorCode(err) != tt.code || qms.ErrorField(err) != tt.field {
				t.Fatalf("%s: err = %v, want %s %q", tt.name, err, tt.code, tt.field)
			}
			if tt.status != "" && fb.Status != tt.status {
				t.Fatalf("%s: status %s, want %s", tt.name, fb.Status, tt.status)
			}
		}
		got, err := f.FindFeedback(f.ctx, "SVHTT", first.ID)
		if err != nil || got.AssignedTo != "chuyen.vien" || got.AssignedBy != "giam.doc" || got.AssignedAt == nil || got.AnsweredBy != "chuyen.vien" ||
			got.AnsweredAt == nil || got.PublishedBy != "giam.doc" || got.PublishedAt == nil || got.Name != "Nguyễn Văn An" {
			t.Fatalf("read back %+v %v", got, err)
		}
		if n := unread(t, f, "chuyen.vien"); n != 1 {
			t.Errorf("assignee told %d times, want 1", n)
		}
		for action, want := range map[string]int{"feedback.assign": 1, "feedback.answer": 1, "feedback.publish": 1} {
			if es, _, _ := f.FindAuditEntries(f.ctx, qms.AuditFilter{Action: &action}); len(es) != want {
				t.Errorf("%s audited %d times, want %d", action, len(es), want)
			}
		}

		// The public sees the answer, not who asked.
		pub, err := f.PublishedFeedback(f.ctx, "SVHTT", 10)
		if err != nil || len(pub) != 1 || pub[0].Code != first.Code || pub[0].Answer == "" || pub[0].PublishedAt.IsZero() {
			t.Fatalf("published = %+v, %v", pub, err)
		}
		statuses := []struct {
			name, agency, code string
			status, errCode    string
			answer             bool
		}{
			{"published", "SVHTT", strings.ToLower(first.Code), qms.FeedbackPublished, "", true},
			{"received", "SVHTT", "PA-SVHTT-2026-002", qms.FeedbackReceived, "", false},
			{"another agency", "SYS", first.Code, "", qms.ENOTFOUND, false},
			{"unknown code", "SVHTT", "PA-SVHTT-2026-999", "", qms.ENOTFOUND, false},
		}
		for _, tt := range statuses {
			status, ans, err := f.FeedbackStatus(f.ctx, tt.agency, tt.code)
			if status != tt.status || qms.ErrorCode(err) != tt.errCode || (ans != nil) != tt.answer {
				t.Errorf("%s: status %q, answer %+v, err %v", tt.name, status, ans, err)
			}
			if ans != nil && (ans.Code != first.Code || ans.PublishedAt.IsZero()) {
				t.Errorf("%s: answer %+v", tt.name, ans)
			}
		}
		for status, want := range map[string]int{qms.FeedbackReceived: 6, qms.FeedbackPublished: 1, "": 7} {
			list, err := f.FindFeedbacks(f.ctx, qms.FeedbackFilter{AgencyCode: "SVHTT", Status: status})
			if err != nil || len(list) != want || list[0].ID < list[len(list)-1].ID {
				t.Errorf("status %q: %d, want %d, newest first (%v)", status, len(list), want, err)
			}
		}
		if _, err := f.FindFeedback(f.ctx, "SYS", first.ID); qms.ErrorCode(err) != qms.ENOTFOUND {
			t.Fatalf("another agency finds the feedback: %v", err)
		}
		counts, err := f.FeedbackCounts(f.ctx, "SVHTT", 2026)
		if err != nil || len(counts) != 2 || counts[qms.FeedbackReceived] != 6 || counts[qms.FeedbackPublished] != 1 {
			t.Errorf("2026 counts %v %v", counts, err)
		}
		if counts, err := f.FeedbackCounts(f.ctx, "SVHTT", 2025); err != nil || len(counts) != 0 {
			t.Errorf("2025 counts %v %v", counts, err)
		}
		if _, err := f.VerifyAuditChain(f.ctx); err != nil {
			t.Fatal(err)
		}
	})
}
