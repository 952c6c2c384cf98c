package qms_test

import (
	"strings"
	"testing"
	"time"

	"isodt/qms"
)

func TestFeedbackValidate(t *testing.T) {
	ok := qms.Feedback{Name: "Nguyễn Văn An", Contact: "0912 345 678", Content: "Hồ sơ trễ hẹn 3 ngày."}
	tests := []struct {
		name  string
		edit  func(f *qms.Feedback)
		field string // "" = valid
	}{
		{"phone with spaces", func(f *qms.Feedback) {}, ""},
		{"phone +84", func(f *qms.Feedback) { f.Contact = "+84912345678" }, ""},
		{"landline with dots", func(f *qms.Feedback) { f.Contact = "024.3825.1234" }, ""},
		{"email", func(f *qms.Feedback) { f.Contact = "an.nguyen@example.vn" }, ""},
		{"with a dossier code", func(f *qms.Feedback) { f.DossierCode = " 000.00.12.H56-260301-0001 " }, ""},
		{"content of 5,000 characters", func(f *qms.Feedback) { f.Content = strings.Repeat("ệ", qms.FeedbackMaxContent) }, ""},
		{"no name", func(f *qms.Feedback) { f.Name = " " }, "name"},
		{"no contact", func(f *qms.Feedback) { f.Contact = "" }, "contact"},
		{"short phone", func(f *qms.Feedback) { f.Contact = "12345" }, "contact"},
		{"phone with letters", func(f *qms.Feedback) { f.Contact = "09123abc78" }, "contact"},
		{"bad email", func(f *qms.Feedback) { f.Contact = "an@" }, "contact"},
		{"email with a display name", func(f *qms.Feedback) { f.Contact = "An <an@example.vn>" }, "contact"},
		{"no content", func(f *qms.Feedback) { f.Content = "\n\t" }, "content"},
		{"content too long", func(f *qms.Feedback) { f.Content = strings.Repeat("a", qms.FeedbackMaxContent+1) }, "content"},
		{"dossier code too long", func(f *qms.Feedback) { f.DossierCode = strings.Repeat("1", 61) }, "dossier_code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := ok
			tt.edit(&f)
			err := f.Validate()
			if tt.field == "" && err != nil {
				t.Fatalf("valid feedback refused: %v", err)
			}
			if tt.field != "" && qms.ErrorField(err) != tt.field {
				t.Fatalf("err = %v, want a %s field error", err, tt.field)
			}
		})
	}
}

func TestFeedbackLifecycle(t *testing.T) {
	now := time.Now()
	tests := []struct {
		name   string
		status string
		step   func(f *qms.Feedback) error
		want   string // status after, "" = refused
	}{
		{"assign received", qms.FeedbackReceived, func(f *qms.Feedback) error { return f.Assign("lan", "lanh.dao", now) }, qms.FeedbackAssigned},
		{"reassign", qms.FeedbackAssigned, func(f *qms.Feedback) error { return f.Assign("binh", "lanh.dao", now) }, qms.FeedbackAssigned},
		{"assign to nobody", qms.FeedbackReceived, func(f *qms.Feedback) error { return f.Assign(" ", "lanh.dao", now) }, ""},
		{"assign answered", qms.FeedbackAnswered, func(f *qms.Feedback) error { return f.Assign("lan", "lanh.dao", now) }, ""},
		{"answer before assigning", qms.FeedbackReceived, func(f *qms.Feedback) error { return f.Reply("Đã xử lý", "lan", now) }, ""},
		{"answer assigned", qms.FeedbackAssigned, func(f *qms.Feedback) error { return f.Reply("Đã xử lý", "lan", now) }, qms.FeedbackAnswered},
		{"empty answer", qms.FeedbackAssigned, func(f *qms.Feedback) error { return f.Reply(" ", "lan", now) }, ""},
		{"revise answer", qms.FeedbackAnswered, func(f *qms.Feedback) error { return f.Reply("Bổ sung", "lan", now) }, qms.FeedbackAnswered},
		{"answer published", qms.FeedbackPublished, func(f *qms.Feedback) error { return f.Reply("Sửa", "lan", now) }, ""},
		{"publish unanswered", qms.FeedbackAssigned, func(f *qms.Feedback) error { return f.Publish("lanh.dao", now) }, ""},
		{"publish answered", qms.FeedbackAnswered, func(f *qms.Feedback) error { return f.Publish("lanh.dao", now) }, qms.FeedbackPublished},
		{"publish twice", qms.FeedbackPublished, func(f *qms.Feedback) error { return f.Publish("lanh.dao", now) }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &qms.Feedback{Code: "PA-A-2026-001", Status: tt.status}
			err := tt.step(f)
			if tt.want == "" {
				if qms.ErrorCode(err) != qms.EINVALID || f.Status != tt.status {
					t.Fatalf("err = %v, status %s → %s: want refused", err, tt.status, f.Status)
				}
				return
			}
			if err != nil || f.Status != tt.want {
				t.Fatalf("err = %v, status = %s, want %s", err, f.Status, tt.want)
			}
		})
	}
}

// TestFeedbackCheckAnswerer: the person a feedback was assigned to
// answers it, or a leader or quality officer of the agency; other staff
// do not, whatever their right to answer feedback.
func TestFeedbackCheckAnswerer(t *testing.T) {
	f := qms.Feedback{Code: "PA-A-2026-001", AssignedTo: "chuyen.vien"}
	tests := []struct {
		name  string
		user  string
		roles []qms.Role
		ok    bool
	}{
		{"the assignee", "chuyen.vien", []qms.Role{qms.RoleStaff}, true},
		{"the assignee, another case", "Chuyen.Vien", []qms.Role{qms.RoleStaff}, true},
		{"a leader", "giam.doc", []qms.Role{qms.RoleLeader}, true},
		{"a quality officer", "thu.ky", []qms.Role{qms.RoleQualityOfficer}, true},
		{"other staff", "chuyen.vien.2", []qms.Role{qms.RoleStaff}, false},
		{"an auditor", "danh.gia", []qms.Role{qms.RoleAuditor, qms.RoleStaff}, false},
	}
	for _, tc := range tests {
		err := f.CheckAnswerer(tc.user, tc.roles)
		if (err == nil) != tc.ok || (err != nil && qms.ErrorCode(err) != qms.EFORBIDDEN) {
			t.Errorf("%s: %v, want allowed %v", tc.name, err, tc.ok)
		}
	}
}
