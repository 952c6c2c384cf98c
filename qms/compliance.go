package qms

import (
	"context"
	"net/url"
	"sort"
	"strings"
	"time"
)

// Severities of a compliance rule.
const (
	SeverityLow      = "low"
	SeverityMedium   = "medium"
	SeverityHigh     = "high"
	SeverityCritical = "critical"
)

// Rule is a compliance check: what drifts from the QMS, under which
// clause of TCVN ISO 9001:2015.
type Rule struct {
	Code     string `json:"code"`
	Title    string `json:"title"`
	Severity string `json:"severity"`
	Clause   string `json:"clause"`
}

// The rule codes are public: findings, reports and scripts name them.
const (
	RuleTTHCNotControlled  = "TTHC_NOT_CONTROLLED"
	RuleFormNotEffective   = "FORM_NOT_EFFECTIVE"
	RuleFlowchartOverLimit = "FLOWCHART_OVER_LIMIT"
	RuleReviewOverdue      = "REVIEW_OVERDUE"
	RuleDossierOverdue     = "DOSSIER_OVERDUE"
	RuleStepOverdue        = "STEP_OVERDUE"
	RuleLateWithoutApology = "LATE_WITHOUT_APOLOGY"
	RuleStepMissingRecord  = "STEP_MISSING_RECORD"
	RuleRecordWrongVersion = "RECORD_ON_WRONG_FORM_VERSION"
	RuleAuditChainBroken   = "AUDIT_CHAIN_BROKEN"
	RuleCAPAOverdue        = "CAPA_OVERDUE"
	RuleMergedNotReissued  = "MERGED_NOT_REISSUED"
	RuleRiskReviewOverdue  = "RISK_REVIEW_OVERDUE"
	RuleRiskActionOverdue  = "RISK_ACTION_OVERDUE"
	RuleAckOverdue         = "ACK_OVERDUE"
	RuleCompetenceMissing  = "COMPETENCE_MISSING"
	// Declaration of conformity (declaration.go; legal basis in
	// DeclarationBasis).
	RuleDeclarationMissing      = "DECLARATION_MISSING"
	RuleDeclarationScopeChanged = "DECLARATION_SCOPE_CHANGED"
	// Externally provided services (8.4) and the context register (4.1, 4.2).
	RuleProviderEvaluationOverdue = "PROVIDER_EVALUATION_OVERDUE"
	RuleContextReviewOverdue      = "CONTEXT_REVIEW_OVERDUE"
	// RuleSatisfactionBelowTarget: citizens' satisfaction last quarter
	// below the target of the reform programme (SatisfactionTargets).
	RuleSatisfactionBelowTarget = "SATISFACTION_BELOW_TARGET"
	RuleSignatureBroken         = "SIGNATURE_BROKEN"
	// RuleTTHCGovernedTwice: two procedures in force name one TTHC (after
	// a merger, or from before an approval moved TTHCs): receipts follow
	// the one that took effect last, the other's approval names it for
	// nothing.
	RuleTTHCGovernedTwice = "TTHC_GOVERNED_TWICE"
)

// Rules lists every rule, in the order reports show them.
var Rules = []Rule{
	{RuleTTHCNotControlled, "Thủ tục hành chính chưa được kiểm soát theo ISO", SeverityHigh, "4.4, 8.1"},
	{RuleFormNotEffective, "Quy trình có hiệu lực dùng biểu mẫu chưa có hiệu lực", SeverityHigh, "7.5.2, 7.5.3"},
	{RuleFlowchartOverLimit, "Tổng thời gian các bước vượt thời hạn giải quyết", SeverityHigh, "8.1"},
	{RuleReviewOverdue, "Tài liệu quá hạn xem xét định kỳ", SeverityMedium, "7.5.2"},
	{RuleDossierOverdue, "Hồ sơ quá hạn giải quyết", SeverityHigh, "8.5.1, 9.1.1"},
	{RuleStepOverdue, "Bước xử lý hồ sơ quá thời gian quy định", SeverityMedium, "8.5.1"},
	{RuleLateWithoutApology, "Hồ sơ trễ hạn chưa có phiếu xin lỗi và hẹn lại", SeverityHigh, "8.2.1, 8.7"},
	{RuleStepMissingRecord, "Bước đã hoàn thành thiếu hồ sơ theo biểu mẫu", SeverityMedium, "7.5.3, 8.5.1"},
	{RuleRecordWrongVersion, "Hồ sơ lập trên phiên bản biểu mẫu không còn hiệu lực", SeverityMedium, "7.5.3.2"},
	{RuleAuditChainBroken, "Nhật ký hệ thống bị sửa hoặc xóa", SeverityCritical, "7.5.3"},
	{RuleCAPAOverdue, "Hành động khắc phục quá hạn", SeverityMedium, "10.2"},
	{RuleMergedNotReissued, "Quy trình nhận từ đơn vị sáp nhập chưa được ban hành lại", SeverityMedium, "6.3, 7.5.2"},
	{RuleRiskReviewOverdue, "Rủi ro, cơ hội quá hạn xem xét lại", SeverityMedium, "6.1"},
	{RuleRiskActionOverdue, "Hành động xử lý rủi ro quá hạn", SeverityMedium, "6.1.2"},
	{RuleAckOverdue, "Tài liệu có hiệu lực chưa được xác nhận đã đọc và hiểu đúng hạn", SeverityLow, "7.3, 7.5.3"},
	{RuleCompetenceMissing, "Người thực hiện bước thiếu năng lực yêu cầu hoặc năng lực đã hết hạn", SeverityMedium, "7.2"},
	{RuleDeclarationMissing, "Đơn vị áp dụng quy trình nhưng chưa công bố hệ thống quản lý chất lượng phù hợp TCVN ISO 9001:2015", SeverityHigh, "4.3"},
	{RuleDeclarationScopeChanged, "Phạm vi hệ thống quản lý chất lượng thay đổi sau lần công bố gần nhất", SeverityMedium, "4.3, 6.3"},
	{RuleProviderEvaluationOverdue, "Nhà cung cấp bên ngoài quá hạn đánh giá định kỳ", SeverityMedium, "8.4.1"},
	{RuleContextReviewOverdue, "Bối cảnh và các bên quan tâm chưa được xem xét trong 12 tháng", SeverityMedium, "4.1, 4.2"},
	{RuleSatisfactionBelowTarget, "Chỉ số hài lòng của người dân quý trước thấp hơn mục tiêu", SeverityMedium, "9.1.2"},
	{RuleSignatureBroken, "Nội dung đã ký điện tử bị thay đổi sau khi ký", SeverityCritical, "7.5.2, 7.5.3.2"},
	{RuleTTHCGovernedTwice, "Thủ tục hành chính thuộc hai quy trình đang có hiệu lực", SeverityHigh, "4.4, 7.5.2, 8.1"},
}

// RuleByCode returns the rule and whether it exists.
func RuleByCode(code string) (Rule, bool) {
	for _, r := range Rules {
		if r.Code == code {
			return r, true
		}
	}
	return Rule{}, false
}

// Candidate is what a check run finds now: the condition of a rule holds
// for one object.
type Candidate struct {
	Rule       string
	AgencyCode string
	ObjectType string
	ObjectID   string
	// Message is the message in one language only (the audit chain's);
	// empty when Said says it.
	Message string
	// Said is the message as a phrase, written in each reader's language.
	Said Phrase
}

// Saying is c with its message: the sentence kind with its values (Say),
// kept as such and in Vietnamese.
func (c Candidate) Saying(kind string, args ...any) Candidate { return c.With(Say(kind, args...)) }

// With is c with its message p.
func (c Candidate) With(p Phrase) Candidate {
	c.Said = p
	return c
}

// Text is c's message in Vietnamese, as a finding stores it. A scan
// writes it only for the conditions it opens: most of what it finds is
// already open.
func (c Candidate) Text() string {
	if c.Said.Kind == "" {
		return c.Message
	}
	return c.Said.String()
}

// Key identifies the condition across runs.
func (c Candidate) Key() string {
	return c.Rule + "|" + c.AgencyCode + "|" + c.ObjectType + "|" + c.ObjectID
}

// Finding is a condition that held at some run: open until a run no
// longer finds it, then closed with the time it cleared. It is never
// deleted.
type Finding struct {
	ID         int64  `json:"id"`
	Rule       string `json:"rule"`
	Severity   string `json:"severity"`
	AgencyCode string `json:"agency"`
	ObjectType string `json:"object_type"`
	ObjectID   string `json:"object_id"`
	Message    string `json:"message"`
	// Said is what Message says, written in each reader's language by the
	// pages; nil for a finding opened before findings kept it.
	Said     *Phrase    `json:"said,omitempty"`
	OpenedAt time.Time  `json:"opened_at"`
	ClosedAt *time.Time `json:"closed_at,omitempty"`
}

// Text is the finding's message written in w.
func (f *Finding) Text(w Wording) string {
	if f.Said == nil {
		return f.Message
	}
	return f.Said.In(w)
}

// Key identifies the condition across runs.
func (f *Finding) Key() string {
	return f.Rule + "|" + f.AgencyCode + "|" + f.ObjectType + "|" + f.ObjectID
}

// Reconcile compares the open findings in scope with what a run found:
// new conditions open findings, conditions still there are kept (no
// duplicates), and open findings no longer found close. Each key is
// built once: a province's agency finds some ten thousand conditions.
func Reconcile(open []*Finding, found []Candidate) (toOpen []Candidate, stillOpen, toClose []*Finding) {
	byKey := make(map[string]*Finding, len(open))
	keys := make([]string, len(open))
	for i, f := range open {
		keys[i] = f.Key()
		byKey[keys[i]] = f
	}
	seen := make(map[string]bool, len(found))
	var fresh keyedCandidates
	for _, c := range found {
		k := c.Key()
		if seen[k] {
			continue
		}
		seen[k] = true
		if f, ok := byKey[k]; ok {
			stillOpen = append(stillOpen, f)
		} else {
			fresh.keys, fresh.cs = append(fresh.keys, k), append(fresh.cs, c)
		}
	}
	for i, f := range open {
		if !seen[keys[i]] {
			toClose = append(toClose, f)
		}
	}
	sort.Sort(fresh)
	return fresh.cs, stillOpen, toClose
}

// keyedCandidates sorts candidates by their keys, built once.
type keyedCandidates struct {
	keys []string
	cs   []Candidate
}

func (k keyedCandidates) Len() int           { return len(k.keys) }
func (k keyedCandidates) Less(i, j int) bool { return k.keys[i] < k.keys[j] }
func (k keyedCandidates) Swap(i, j int) {
	k.keys[i], k.keys[j] = k.keys[j], k.keys[i]
	k.cs[i], k.cs[j] = k.cs[j], k.cs[i]
}

// Unphrased pairs the findings a run keeps open that were opened before
// findings kept their phrase with what the run says of them now, so that
// they too are written in each reader's language from this run on.
func Unphrased(stillOpen []*Finding, found []Candidate) map[int64]Phrase {
	bare := map[string]int64{}
	for _, f := range stillOpen {
		if f.Said == nil {
			bare[f.Key()] = f.ID
		}
	}
	out := map[int64]Phrase{}
	if len(bare) == 0 {
		return out
	}
	for _, c := range found {
		if id, ok := bare[c.Key()]; ok && c.Said.Kind != "" {
			out[id] = c.Said
		}
	}
	return out
}

// CheckScope limits a run: one agency, one rule, or everything.
type CheckScope struct {
	AgencyCode string
	Rule       string
}

// CheckResult counts what a run did.
type CheckResult struct {
	Opened int `json:"opened"`
	Closed int `json:"closed"`
	Open   int `json:"open"`
}

// FindingFilter selects findings. Pointer fields mean "not set".
type FindingFilter struct {
	ID         *int64
	AgencyCode *string
	Rule       *string
	Severity   *string
	Open       *bool
	Limit      int
}

// ComplianceService runs the checks and keeps the findings.
type ComplianceService interface {
	RunChecks(ctx context.Context, scope CheckScope) (CheckResult, error)
	FindFindings(ctx context.Context, f FindingFilter) ([]*Finding, error)
}

// Notification is an in-app message to one user (new findings, reminders).
type Notification struct {
	ID     int64  `json:"id"`
	Agency string `json:"agency"`
	Title  string `json:"title"`
	// Kind and Args say it again for a page in another language; empty
	// on a notification written before they were kept.
	Kind      string     `json:"kind,omitempty"`
	Args      []string   `json:"args,omitempty"`
	Link      string     `json:"link"`
	CreatedAt time.Time  `json:"created_at"`
	ReadAt    *time.Time `json:"read_at,omitempty"`
}

// SiteLink is link when it is a path of this site ("/nonconformities/3"),
// "" otherwise. The application links its notifications to its own
// pages; one that leads elsewhere ("https://…", "//host") was put in
// with the file, and every user saw it and was e-mailed it as a link to
// follow (outsider pass 25).
func SiteLink(link string) string {
	u, err := url.Parse(link)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(link, "/") ||
		strings.HasPrefix(link, "//") || strings.ContainsAny(link, "\\@\x00\r\n\t") {
		return ""
	}
	return link
}

// NotificationService lists and marks a user's notifications.
type NotificationService interface {
	Notifications(ctx context.Context, userID int64, limit int) ([]Notification, int, error) // and the unread count
	// UnreadNotifications is the unread count alone, for the badge every
	// page shows.
	UnreadNotifications(ctx context.Context, userID int64) (int, error)
	MarkNotificationsRead(ctx context.Context, userID int64) error
}

// JobInfo is what the UI and `qms jobs list` show of a scheduled job. It
// lives in the domain so that the web layer can show jobs without
// depending on the scheduler (qms/jobs and its cron library).
type JobInfo struct {
	Name  string    `json:"name"`
	Title string    `json:"title"`
	Spec  string    `json:"spec"`
	Next  time.Time `json:"next"`
	Prev  time.Time `json:"prev,omitempty"`
	// When is the spec in the form a person says it, for the pages.
	When JobSchedule `json:"-"`
}

// JobSchedule is a cron spec read as one of the forms people name:
// every N (Every), hourly at a minute, daily or nightly at a time, weekly
// on a weekday, monthly on a day. Kind is "" for any other spec, which is
// then shown as written.
type JobSchedule struct {
	Kind                       string // "every", "hourly", "daily", "nightly", "weekly", "monthly" or ""
	Every                      time.Duration
	Hour, Minute, Day, Weekday int
}

// JobRun records one run of a scheduled job.
type JobRun struct {
	ID        int64          `json:"id"`
	Job       string         `json:"job"`
	Trigger   string         `json:"trigger"` // schedule or manual
	StartedAt time.Time      `json:"started_at"`
	EndedAt   *time.Time     `json:"ended_at,omitempty"`
	Outcome   string         `json:"outcome"` // running, ok, failed, skipped
	Counts    map[string]int `json:"counts"`
	Error     string         `json:"error,omitempty"`
}

// Job run outcomes.
const (
	RunRunning = "running"
	RunOK      = "ok"
	RunFailed  = "failed"
	RunSkipped = "skipped"
)
