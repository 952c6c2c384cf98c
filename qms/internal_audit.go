package qms

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Clause is an ISO 9001:2015 requirement with the question an auditor
// asks about it.
type Clause struct {
	Code     string `json:"code"`
	Title    string `json:"title"`
	Question string `json:"question"`
}

// ClauseLibrary holds clauses 4–10 of TCVN ISO 9001:2015 as the internal
// audit checklist starts from them.
var ClauseLibrary = []Clause{
	{"4.1", "Hiểu tổ chức và bối cảnh", "Đơn vị đã xác định các vấn đề nội bộ, bên ngoài ảnh hưởng đến HTQLCL chưa?"},
	{"4.2", "Nhu cầu và mong đợi của các bên quan tâm", "Yêu cầu của tổ chức, công dân đối với thủ tục đã được xác định và theo dõi chưa?"},
	{"4.3", "Phạm vi của HTQLCL", "Phạm vi áp dụng (các thủ tục hành chính) có được công bố và cập nhật không?"},
	{"4.4", "HTQLCL và các quá trình", "Mọi thủ tục hành chính đang áp dụng đều có quy trình nội bộ hiệu lực chưa?"},
	{"5.1", "Sự lãnh đạo và cam kết", "Lãnh đạo có chủ trì, phê duyệt và xem xét HTQLCL theo kế hoạch không?"},
	{"5.2", "Chính sách chất lượng", "Chính sách chất lượng được ban hành, phổ biến và hiểu rõ chưa?"},
	{"5.3", "Vai trò, trách nhiệm và quyền hạn", "Trách nhiệm từng bước xử lý hồ sơ được phân công rõ ràng chưa?"},
	{"6.1", "Hành động giải quyết rủi ro và cơ hội", "Rủi ro trễ hạn, sai sót hồ sơ đã được nhận diện và có biện pháp chưa?"},
	{"6.2", "Mục tiêu chất lượng", "Mục tiêu chất lượng có đo được và được theo dõi định kỳ không?"},
	{"6.3", "Hoạch định thay đổi", "Các thay đổi quy trình được hoạch định, phê duyệt trước khi áp dụng không?"},
	{"7.1", "Nguồn lực", "Nhân lực, cơ sở vật chất cho việc giải quyết hồ sơ có đủ không?"},
	{"7.2", "Năng lực", "Cán bộ xử lý hồ sơ có được đào tạo về quy trình và nghiệp vụ không?"},
	{"7.3", "Nhận thức", "Cán bộ có biết chính sách, mục tiêu và quy trình liên quan đến mình không?"},
	{"7.4", "Trao đổi thông tin", "Thông tin giữa các bộ phận khi chuyển hồ sơ có kịp thời, đầy đủ không?"},
	{"7.5", "Thông tin dạng văn bản", "Tài liệu được kiểm soát phiên bản, phê duyệt; hồ sơ được lưu đủ theo quy định không?"},
	{"8.1", "Hoạch định và kiểm soát việc thực hiện", "Thời gian các bước trong quy trình có nằm trong thời hạn giải quyết không?"},
	{"8.2", "Yêu cầu đối với dịch vụ", "Thành phần hồ sơ, phí, thời hạn có được công khai đúng quy định không?"},
	{"8.4", "Kiểm soát quá trình do bên ngoài cung cấp", "Các bước liên thông với cơ quan khác có được theo dõi thời gian không?"},
	{"8.5", "Cung cấp dịch vụ", "Hồ sơ được xử lý đúng quy trình, đúng biểu mẫu, có phiếu kiểm soát quá trình không?"},
	{"8.6", "Thông qua dịch vụ", "Kết quả được kiểm tra, ký duyệt trước khi trả cho công dân không?"},
	{"8.7", "Kiểm soát đầu ra không phù hợp", "Hồ sơ trễ hạn có phiếu xin lỗi và hẹn lại; hồ sơ sai sót được xử lý không?"},
	{"9.1", "Theo dõi, đo lường, phân tích và đánh giá", "Tỷ lệ giải quyết đúng hạn, phản ánh của công dân được theo dõi và phân tích không?"},
	{"9.2", "Đánh giá nội bộ", "Chương trình đánh giá nội bộ được thực hiện đúng kế hoạch không?"},
	{"9.3", "Xem xét của lãnh đạo", "Lãnh đạo có họp xem xét với đầy đủ đầu vào và ra quyết định không?"},
	{"10.2", "Sự không phù hợp và hành động khắc phục", "Sự không phù hợp được phân tích nguyên nhân, khắc phục và kiểm tra hiệu lực không?"},
	{"10.3", "Cải tiến thường xuyên", "Đơn vị có cải tiến quy trình dựa trên kết quả đo lường không?"},
}

// ClauseByCode returns the clause and whether it exists.
func ClauseByCode(code string) (Clause, bool) {
	for _, c := range ClauseLibrary {
		if c.Code == code {
			return c, true
		}
	}
	return Clause{}, false
}

// Checklist answers (ISO 19011 practice): conform, observation, minor or
// major nonconformity.
const (
	AnswerConform     = "conform"
	AnswerObservation = "observation"
	AnswerMinorNC     = "minor_nc"
	AnswerMajorNC     = "major_nc"
)

// Audit plan statuses.
const (
	PlanPlanned  = "planned"
	PlanReported = "reported"
)

// AuditProgramme is an agency's internal audit programme for a year.
type AuditProgramme struct {
	ID         int64     `json:"id"`
	AgencyCode string    `json:"agency"`
	Year       int       `json:"year"`
	Title      string    `json:"title"`
	Notes      string    `json:"notes"`
	CreatedAt  time.Time `json:"created_at"`
}

// AuditPlan is one audit of the programme: what is audited, against which
// clauses, by whom and when.
type AuditPlan struct {
	ID           int64           `json:"id"`
	ProgrammeID  int64           `json:"programme_id"`
	AgencyCode   string          `json:"agency"`
	Title        string          `json:"title"`
	Units        []string        `json:"units"`         // audited agencies (đơn vị được đánh giá)
	ProcedureIDs []int64         `json:"procedure_ids"` // audited procedures
	Clauses      []string        `json:"clauses"`
	Auditors     []string        `json:"auditors"` // usernames
	StartOn      time.Time       `json:"start_on"`
	EndOn        time.Time       `json:"end_on"`
	Status       string          `json:"status"`
	Summary      string          `json:"summary"`
	Conclusion   string          `json:"conclusion"`
	ReportedAt   *time.Time      `json:"reported_at,omitempty"`
	Items        []ChecklistItem `json:"items"`
}

// CheckAuditTeam reports whether user, holding roles in the planning
// agency, may build the audit's checklist, record its answers and write
// its report: an auditor of its team, or a quality officer there, who
// manages the programme (ISO 19011: evidence is recorded by the team).
func (p *AuditPlan) CheckAuditTeam(user string, roles []Role) error {
	if slices.ContainsFunc(p.Auditors, func(a string) bool { return strings.EqualFold(a, user) }) || slices.Contains(roles, RoleQualityOfficer) {
		return nil
	}
	return Errorf(EFORBIDDEN, "Cuộc đánh giá “%s” do đoàn %s thực hiện: chỉ thành viên đoàn hoặc cán bộ chuyên trách ISO ghi được danh mục, câu trả lời và báo cáo.",
		p.Title, strings.Join(p.Auditors, ", "))
}

// Validate bounds a programme's texts.
func (p *AuditProgramme) Validate() error {
	if p.Title == "" {
		return FieldError("title", "Nhập tên chương trình đánh giá.")
	}
	return CheckTexts(
		TextField{"title", "Tên chương trình đánh giá", p.Title, 300},
		TextField{"notes", "Ghi chú chương trình đánh giá", p.Notes, MaxLongText},
	)
}

// ValidateAnswer bounds the evidence and note of a checklist answer.
func ValidateAnswer(evidence, note string) error {
	return CheckTexts(
		TextField{"evidence", "Bằng chứng đánh giá", evidence, MaxLongText},
		TextField{"note", "Ghi chú câu trả lời", note, MaxShortText},
	)
}

// ValidateReport bounds the summary and conclusion of an audit report.
func ValidateReport(summary, conclusion string) error {
	return CheckTexts(
		TextField{"summary", "Tóm tắt kết quả đánh giá", summary, MaxLongText},
		TextField{"conclusion", "Kết luận đánh giá", conclusion, MaxLongText},
	)
}

// ChecklistItem is a question of the checklist and its answer.
type ChecklistItem struct {
	ID          int64    `json:"id"`
	Clause      string   `json:"clause"`
	Question    string   `json:"question"`
	Source      string   `json:"source"` // clause, or the procedure step it came from
	Suggestions []string `json:"suggestions"`
	Result      string   `json:"result"`
	Evidence    string   `json:"evidence"`
	Note        string   `json:"note"`
}

// Validate checks a plan's fields. Units and auditors are normalised
// (agency codes upper-case, usernames lower-case, no blanks or repeats).
func (p *AuditPlan) Validate() error {
	p.Title = strings.TrimSpace(p.Title)
	p.Units = cleanSet(p.Units, strings.ToUpper)
	p.Auditors = cleanSet(p.Auditors, strings.ToLower)
	switch {
	case p.Title == "":
		return FieldError("title", "Nhập tên cuộc đánh giá.")
	case utf8.RuneCountInString(p.Title) > 300:
		return FieldError("title", "Tên cuộc đánh giá quá dài.")
	case CheckText("title", "Tên cuộc đánh giá", p.Title, 300) != nil:
		return CheckText("title", "Tên cuộc đánh giá", p.Title, 300)
	case ValidateReport(p.Summary, p.Conclusion) != nil:
		return ValidateReport(p.Summary, p.Conclusion)
	case len(p.Units) == 0:
		// Without a named auditee, independence has nothing to be checked
		// against: the plan must say whom it audits.
		return FieldError("units", "Chọn ít nhất một đơn vị được đánh giá.")
	case len(p.Auditors) == 0:
		return FieldError("auditors", "Chọn ít nhất một đánh giá viên.")
	case p.StartOn.IsZero() || p.EndOn.IsZero() || p.EndOn.Before(p.StartOn):
		return FieldError("start_on", "Nhập ngày bắt đầu và kết thúc (kết thúc không trước bắt đầu).")
	}
	for _, c := range p.Clauses {
		if _, ok := ClauseByCode(c); !ok {
			return FieldError("clauses", "Điều khoản %q không có trong TCVN ISO 9001:2015 (4–10).", c)
		}
	}
	return nil
}

// cleanSet trims and case-folds xs, dropping blanks and repeats.
func cleanSet(xs []string, fold func(string) string) []string {
	out, seen := []string{}, map[string]bool{}
	for _, x := range xs {
		if x = fold(strings.TrimSpace(x)); x != "" && !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// CheckScope keeps a plan within what its agency may audit: each unit is
// the plan's agency or one under it (a province-level agency audits the
// agencies under it, never a sibling or its parent), and each audited
// procedure belongs to an audited unit, so the checklist's figures only
// ever come from the auditee. mayAudit tells whether the plan's agency
// reaches a unit; procedureAgency gives a procedure's agency ("" when
// there is no such procedure). An unknown unit gets the same answer as
// one out of reach.
func (p *AuditPlan) CheckScope(mayAudit func(unit string) bool, procedureAgency func(id int64) string) error {
	audited := map[string]bool{}
	for _, u := range p.Units {
		if !mayAudit(u) {
			return FieldError("units", "Đơn vị %q không thuộc phạm vi đánh giá của đơn vị %s (chỉ đơn vị mình hoặc các đơn vị trực thuộc).", u, p.AgencyCode)
		}
		audited[u] = true
	}
	for _, id := range p.ProcedureIDs {
		if !audited[procedureAgency(id)] {
			return FieldError("procedure_ids", "Quy trình %d không thuộc đơn vị được đánh giá.", id)
		}
	}
	return nil
}

// CheckUnitsActive refuses a unit that has been merged into another
// (mergedInto gives its successor, "" for an agency that is not merged):
// it is no longer a unit whose system can be audited, its work and
// procedures are its successor's. Returns EFORBIDDEN naming "units".
func (p *AuditPlan) CheckUnitsActive(mergedInto func(unit string) string) error {
	for _, u := range p.Units {
		if into := mergedInto(u); into != "" {
			return FieldErrorf(EFORBIDDEN, "units", "Đơn vị được đánh giá: đơn vị %q đã sáp nhập vào %q, không còn là đơn vị để đánh giá; công việc và quy trình của nó nay thuộc %q, hãy đánh giá %q.", u, into, into, into)
		}
	}
	return nil
}

// Reach is where auditors are looked up: the plan's agency and the
// audited units. A username is resolved only among their members, so the
// auditors field cannot be used to learn who exists elsewhere.
func (p *AuditPlan) Reach() []string {
	return cleanSet(append([]string{p.AgencyCode}, p.Units...), strings.ToUpper)
}

// CheckAuditors resolves each auditor within Reach and checks
// independence. memberOf gives the agencies a user belongs to, and false
// when the user has no membership within Reach; unknown and out-of-reach
// usernames get one and the same message.
func (p *AuditPlan) CheckAuditors(memberOf func(username string) ([]string, bool)) error {
	members := map[string][]string{}
	for _, a := range p.Auditors {
		own, ok := memberOf(a)
		if !ok {
			return FieldError("auditors", "Không tìm thấy đánh giá viên %q trong đơn vị lập kế hoạch hoặc các đơn vị được đánh giá.", a)
		}
		members[a] = own
	}
	return p.CheckIndependence(func(u string) []string { return members[u] })
}

// CheckIndependence refuses an auditor who belongs to an audited unit:
// nobody audits their own work (ISO 9001 9.2.2 c). memberOf gives the
// agencies a user belongs to.
func (p *AuditPlan) CheckIndependence(memberOf func(username string) []string) error {
	for _, a := range p.Auditors {
		for _, own := range memberOf(a) {
			for _, u := range p.Units {
				if own == u {
					return FieldError("auditors", "Đánh giá viên %s thuộc đơn vị %s được đánh giá: không được tự đánh giá đơn vị của mình.", a, u)
				}
			}
		}
	}
	return nil
}

// Tally counts the answers of the checklist.
func (p *AuditPlan) Tally() map[string]int {
	t := map[string]int{}
	for _, it := range p.Items {
		if it.Result == "" {
			t["unanswered"]++
		} else {
			t[it.Result]++
		}
	}
	return t
}

// InternalAuditService keeps the programme, plans, checklists and reports.
type InternalAuditService interface {
	CreateProgramme(ctx context.Context, p *AuditProgramme) error
	FindProgrammes(ctx context.Context, agency string) ([]*AuditProgramme, error)
	CreatePlan(ctx context.Context, p *AuditPlan) error
	FindPlan(ctx context.Context, agency string, id int64) (*AuditPlan, error)
	FindPlans(ctx context.Context, agency string) ([]*AuditPlan, error)
	// BuildChecklist fills the checklist from the clauses and the audited
	// procedures' steps, with evidence suggestions from the system.
	BuildChecklist(ctx context.Context, agency string, planID int64) (*AuditPlan, error)
	AnswerItem(ctx context.Context, agency string, planID, itemID int64, result, evidence, note string) (*AuditPlan, error)
	// ReportPlan closes the audit with its report: every item answered.
	ReportPlan(ctx context.Context, agency string, planID int64, summary, conclusion string) (*AuditPlan, error)
}
