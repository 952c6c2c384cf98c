package qms

import (
	"context"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Feedback statuses. The order only goes forward and nothing is deleted:
// received → assigned (to a user of the agency) → answered → published.
const (
	FeedbackReceived  = "received"
	FeedbackAssigned  = "assigned"
	FeedbackAnswered  = "answered"
	FeedbackPublished = "published"
)

// Limits on citizen feedback from the public page.
const (
	FeedbackMaxContent = 5000
	// FeedbackThrottleMax submissions from one address within
	// FeedbackThrottleWindow; the next is refused (ETOOMANY).
	FeedbackThrottleMax    = 5
	FeedbackThrottleWindow = 10 * time.Minute
	// FeedbackRepeatWindow: the same content sent again from the same
	// address within it (a double click, a reload of the sent form) is
	// the first submission, not a new one.
	FeedbackRepeatWindow = 10 * time.Minute
)

// PublicActorName is the audit trail's actor for what citizens submit
// without an account.
const PublicActorName = "public"

// PublicActor is the actor of a citizen's submission to an agency.
func PublicActor(agency string) Actor {
	return Actor{Username: PublicActorName, AgencyCode: agency}
}

// Feedback is a citizen's phản ánh, kiến nghị to an agency and its answer.
// The name and contact are personal data: they never leave the staff pages.
type Feedback struct {
	ID          int64      `json:"id"`
	AgencyCode  string     `json:"agency"`
	Code        string     `json:"code"` // PA-STTTT-2026-001
	Name        string     `json:"name"`
	Contact     string     `json:"contact"` // phone or email
	Content     string     `json:"content"`
	DossierCode string     `json:"dossier_code,omitempty"`
	Status      string     `json:"status"`
	ReceivedAt  time.Time  `json:"received_at"`
	AssignedTo  string     `json:"assigned_to,omitempty"`
	AssignedBy  string     `json:"assigned_by,omitempty"`
	AssignedAt  *time.Time `json:"assigned_at,omitempty"`
	Answer      string     `json:"answer,omitempty"`
	AnsweredBy  string     `json:"answered_by,omitempty"`
	AnsweredAt  *time.Time `json:"answered_at,omitempty"`
	PublishedBy string     `json:"published_by,omitempty"`
	PublishedAt *time.Time `json:"published_at,omitempty"`
}

// Vietnamese phone numbers: 0xxxxxxxxx or +84xxxxxxxxx, spaces, dots and
// dashes allowed between digits.
var phonePattern = regexp.MustCompile(`^(\+84|0)[0-9]{8,10}$`)

// Validate checks a submission from the public page.
func (f *Feedback) Validate() error {
	f.Name, f.Contact, f.Content = strings.TrimSpace(f.Name), strings.TrimSpace(f.Contact), strings.TrimSpace(f.Content)
	f.DossierCode = strings.TrimSpace(f.DossierCode)
	switch {
	case f.Name == "":
		return FieldError("name", "Nhập họ và tên.")
	case utf8.RuneCountInString(f.Name) > 200:
		return FieldError("name", "Họ và tên tối đa 200 ký tự.")
	case f.Contact == "":
		return FieldError("contact", "Nhập số điện thoại hoặc thư điện tử để cơ quan liên hệ.")
	case !validContact(f.Contact):
		return FieldError("contact", "Số điện thoại hoặc thư điện tử không hợp lệ (ví dụ 0912345678 hoặc ten@example.vn).")
	case f.Content == "":
		return FieldError("content", "Nhập nội dung phản ánh, kiến nghị.")
	case utf8.RuneCountInString(f.Content) > FeedbackMaxContent:
		return FieldError("content", "Nội dung tối đa %s ký tự (hiện có %s).", Number(FeedbackMaxContent), Number(utf8.RuneCountInString(f.Content)))
	case utf8.RuneCountInString(f.DossierCode) > 60:
		return FieldError("dossier_code", "Mã hồ sơ không hợp lệ.")
	}
	return nil
}

func validContact(s string) bool {
	if strings.Contains(s, "@") {
		a, err := mail.ParseAddress(s)
		return err == nil && a.Address == s && len(s) <= 254
	}
	return phonePattern.MatchString(strings.NewReplacer(" ", "", ".", "", "-", "").Replace(s))
}

// Assign hands the feedback to a user of the agency; it may be handed on
// again until it is answered.
func (f *Feedback) Assign(to, by string, at time.Time) error {
	to = strings.TrimSpace(to)
	switch {
	case f.Status != FeedbackReceived && f.Status != FeedbackAssigned:
		return Errorf(EINVALID, "Phản ánh %s đã được trả lời: không giao lại được.", f.Code)
	case to == "":
		return FieldError("assignee", "Chọn người xử lý.")
	}
	f.Status, f.AssignedTo, f.AssignedBy, f.AssignedAt = FeedbackAssigned, to, by, &at
	return nil
}

// Reply records the answer. It may be revised until it is published.
func (f *Feedback) Reply(answer, by string, at time.Time) error {
	answer = strings.TrimSpace(answer)
	switch {
	case f.Status == FeedbackReceived:
		return Errorf(EINVALID, "Giao phản ánh cho người xử lý trước khi trả lời.")
	case f.Status == FeedbackPublished:
		return Errorf(EINVALID, "Câu trả lời đã công khai: không sửa được.")
	case answer == "":
		return FieldError("answer", "Nhập nội dung trả lời.")
	case utf8.RuneCountInString(answer) > 2*FeedbackMaxContent:
		return FieldError("answer", "Nội dung trả lời tối đa %s ký tự.", Number(2*FeedbackMaxContent))
	}
	f.Status, f.Answer, f.AnsweredBy, f.AnsweredAt = FeedbackAnswered, answer, by, &at
	return nil
}

// CheckAnswerer reports whether user, holding roles in the feedback's
// agency, may answer it or revise its answer: the person it was assigned
// to, or a leader or quality officer there (those who assign it). Anyone
// else with the right to answer feedback answers what is theirs.
func (f *Feedback) CheckAnswerer(user string, roles []Role) error {
	if strings.EqualFold(f.AssignedTo, user) || slices.Contains(roles, RoleLeader) || slices.Contains(roles, RoleQualityOfficer) {
		return nil
	}
	return Errorf(EFORBIDDEN, "Phản ánh %s được giao cho %s: chỉ người được giao, lãnh đạo hoặc cán bộ chuyên trách ISO của đơn vị trả lời được.", f.Code, f.AssignedTo)
}

// Publish puts the answer on the public page. It never goes back.
func (f *Feedback) Publish(by string, at time.Time) error {
	if f.Status != FeedbackAnswered {
		return Errorf(EINVALID, "Chỉ công khai được phản ánh đã có câu trả lời.")
	}
	f.Status, f.PublishedBy, f.PublishedAt = FeedbackPublished, by, &at
	return nil
}

// Excerpt is the start of the content, for lists.
func (f *Feedback) Excerpt(n int) string {
	if utf8.RuneCountInString(f.Content) <= n {
		return f.Content
	}
	return string([]rune(f.Content)[:n]) + "…"
}

// PublicFeedback is what anyone may read of a published answer: no name,
// no contact.
type PublicFeedback struct {
	Code        string    `json:"code"`
	Content     string    `json:"content"`
	Answer      string    `json:"answer"`
	ReceivedAt  time.Time `json:"received_at"`
	PublishedAt time.Time `json:"published_at"`
}

// FeedbackFilter selects an agency's feedback; Status "" means any.
type FeedbackFilter struct {
	AgencyCode string
	Status     string
}

// FeedbackService receives citizen feedback and carries it to a public answer.
type FeedbackService interface {
	// SubmitFeedback records a submission from the public page, the
	// actor being PublicActor. It returns EINVALID for a bad field,
	// ENOTFOUND for an unknown agency and ETOOMANY past the per-address
	// throttle. ip is stored only as a salted hash.
	SubmitFeedback(ctx context.Context, f *Feedback, ip string) error
	// FindFeedback returns ENOTFOUND unless the agency has it.
	FindFeedback(ctx context.Context, agency string, id int64) (*Feedback, error)
	FindFeedbacks(ctx context.Context, f FeedbackFilter) ([]*Feedback, error)
	// AssignFeedback returns EINVALID when the assignee is not of the agency.
	AssignFeedback(ctx context.Context, agency string, id int64, assignee string) (*Feedback, error)
	AnswerFeedback(ctx context.Context, agency string, id int64, answer string) (*Feedback, error)
	PublishFeedback(ctx context.Context, agency string, id int64) (*Feedback, error)
	// PublishedFeedback lists the agency's published answers, newest first.
	PublishedFeedback(ctx context.Context, agency string, limit int) ([]PublicFeedback, error)
	// FeedbackStatus tells a citizen where a submission stands by its code,
	// the answer once published; ENOTFOUND otherwise.
	FeedbackStatus(ctx context.Context, agency, code string) (status string, answer *PublicFeedback, err error)
}
