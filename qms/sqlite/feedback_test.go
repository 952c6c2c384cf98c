package sqlite_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"isodt/qms"
)

func TestFeedbackLifecycleAndThrottle(t *testing.T) {
	db, clk, sys := openDB(t)
	staff, leader := effectiveProcedure(t, db, sys)
	public := qms.WithActor(context.Background(), qms.PublicActor("SVHTT"))
	submit := func(ip string) (*qms.Feedback, error) {
		f := &qms.Feedback{AgencyCode: "svhtt", Name: "Nguyễn Văn An", Contact: "0912345678", Content: "Hồ sơ trễ hẹn <b>3 ngày</b>."}
		return f, db.SubmitFeedback(public, f, ip)
	}
	first, err := submit("203.0.113.7")
	if err != nil || first.Code != "PA-SVHTT-2026-001" || first.Status != qms.FeedbackReceived {
		t.Fatalf("submit: %v %+v", err, first)
	}
	if err := db.SubmitFeedback(public, &qms.Feedback{AgencyCode: "SVHTT", Name: "An"}, "203.0.113.7"); qms.ErrorField(err) != "contact" {
		t.Fatalf("no contact: %v", err)
	}
	if err := db.SubmitFeedback(public, &qms.Feedback{AgencyCode: "NOPE", Name: "An", Contact: "an@example.vn", Content: "x"}, "203.0.113.7"); qms.ErrorCode(err) != qms.ENOTFOUND {
		t.Fatalf("unknown agency: %v", err)
	}
	// Five from one address in ten minutes; the sixth waits. Others pass.
	for i := 2; i <= qms.FeedbackThrottleMax; i++ {
		if _, err := submit("203.0.113.7"); err != nil {
			t.Fatalf("submission %d: %v", i, err)
		}
	}
	if _, err := submit("203.0.113.7"); qms.ErrorCode(err) != qms.ETOOMANY {
		t.Fatalf("sixth submission: %v", err)
	}
	if f, err := submit("198.51.100.2"); err != nil || f.Code != "PA-SVHTT-2026-006" {
		t.Fatalf("another address: %v", err)
	}
	clk.Add(qms.FeedbackThrottleWindow + time.Second)
	if _, err := submit("203.0.113.7"); err != nil {
		t.Fatalf("after the window: %v", err)
	}
	// The address is kept only as a salted hash.
	var hash string
	rawDB(t, db).QueryRow(`SELECT ip_hash FROM feedback WHERE id = ?`, first.ID).Scan(&hash)
	plain := sha256.Sum256([]byte("203.0.113.7"))
	if hash == "" || strings.Contains(hash, "203.0") || hash == hex.EncodeToString(plain[:]) {
		t.Fatalf("ip stored as %q", hash)
	}
	action := "feedback.submit"
	if es, _, _ := db.FindAuditEntries(sys, qms.AuditFilter{Action: &action}); len(es) != 7 || es[0].Actor != qms.PublicActorName {
		t.Fatalf("submissions audited: %d", len(es))
	}

	// received → assigned → answered → published.
	if _, err := db.AnswerFeedback(leader, "SVHTT", first.ID, "Đã xử lý"); qms.ErrorCode(err) != qms.EINVALID {
		t.Fatalf("answer before assigning: %v", err)
	}
	if _, err := db.AssignFeedback(leader, "SVHTT", first.ID, "admin"); qms.ErrorField(err) != "assignee" {
		t.Fatalf("assignee of another agency: %v", err)
	}
	f, err := db.AssignFeedback(leader, "SVHTT", first.ID, "chuyen.vien")
	if err != nil || f.Status != qms.FeedbackAssigned || f.AssignedBy != "giam.doc" {
		t.Fatalf("assign: %v %+v", err, f)
	}
	u, _ := db.FindUserByUsername(sys, "chuyen.vien")
	if ns, _, _ := db.Notifications(sys, u.ID, 10); len(ns) == 0 || !strings.Contains(ns[0].Title, first.Code) {
		t.Fatalf("assignee not told: %+v", ns)
	}
	if _, err := db.PublishFeedback(leader, "SVHTT", first.ID); qms.ErrorCode(err) != qms.EINVALID {
		t.Fatalf("publish without an answer: %v", err)
	}
	if f, err = db.AnswerFeedback(staff, "SVHTT", first.ID, "Sở đã xin lỗi và trả kết quả ngày 12/3."); err != nil || f.AnsweredBy != "chuyen.vien" {
		t.Fatalf("answer: %v", err)
	}
	if f, err = db.PublishFeedback(leader, "SVHTT", first.ID); err != nil || f.Status != qms.FeedbackPublished {
		t.Fatalf("publish: %v", err)
	}
	if _, err := db.AnswerFeedback(staff, "SVHTT", first.ID, "Sửa sau khi công khai"); qms.ErrorCode(err) != qms.EINVALID {
		t.Fatalf("answer changed after publication: %v", err)
	}
	for action, want := range map[string]int{"feedback.assign": 1, "feedback.answer": 1, "feedback.publish": 1} {
		if es, _, _ := db.FindAuditEntries(sys, qms.AuditFilter{Action: &action}); len(es) != want {
			t.Errorf("%s audited %d times, want %d", action, len(es), want)
		}
	}

	// The public sees the answer, not who asked.
	pub, err := db.PublishedFeedback(sys, "SVHTT", 10)
	if err != nil || len(pub) != 1 || pub[0].Code != first.Code || pub[0].Answer == "" {
		t.Fatalf("published = %+v, %v", pub, err)
	}
	if status, ans, err := db.FeedbackStatus(sys, "SVHTT", strings.ToLower(first.Code)); err != nil || status != qms.FeedbackPublished || ans == nil {
		t.Fatalf("status of published: %s %v", status, err)
	}
	if status, ans, err := db.FeedbackStatus(sys, "SVHTT", "PA-SVHTT-2026-002"); err != nil || status != qms.FeedbackReceived || ans != nil {
		t.Fatalf("status of received: %s %+v %v", status, ans, err)
	}
	if _, _, err := db.FeedbackStatus(sys, "SYS", first.Code); qms.ErrorCode(err) != qms.ENOTFOUND {
		t.Fatalf("status through another agency: %v", err)
	}
	list, _ := db.FindFeedbacks(sys, qms.FeedbackFilter{AgencyCode: "SVHTT", Status: qms.FeedbackReceived})
	if len(list) != 6 {
		t.Fatalf("received = %d, want 6", len(list))
	}
	if _, err := db.FindFeedback(sys, "SYS", first.ID); qms.ErrorCode(err) != qms.ENOTFOUND {
		t.Fatalf("another agency finds the feedback: %v", err)
	}
}
