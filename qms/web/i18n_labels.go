package web

import (
	"context"
	"html/template"
	"reflect"
	"slices"
	"strings"

	"isodt/qms"
	"isodt/qms/calendar"
)

// A vocabulary is a set of codes the records store (a status, a severity,
// an answer, an audit action…). A page never shows a code: each
// vocabulary has one template function that shows a code by its label in
// the page's language, the label of key prefix+code in the catalogue.
// TestProduct14EveryCodeLabelled checks that every code of every
// vocabulary has both labels.
type vocabulary struct {
	fn     string // the template function, "" where an older one exists (see langFuncs)
	prefix string
	codes  []string
}

var vocabularies = []vocabulary{
	{"", "dossier.", strs(qms.DossierReceived, qms.DossierInProgress, qms.DossierPaused, qms.DossierCompleted, qms.DossierRefused, qms.DossierWithdrawn)},
	{"", "result.", []string{qms.Early, qms.OnTime, qms.Late}},
	{"", "doc.", strs(qms.StatusDraft, qms.StatusSubmitted, qms.StatusEffective, qms.StatusSuperseded, qms.StatusWithdrawn)},
	{"", "role.", strs(qms.Roles...)},
	{"", "measure.", []string{qms.MeasureTimelyRate, qms.MeasureLateRate}},
	{"feedbackStatus", "feedback.", []string{qms.FeedbackReceived, qms.FeedbackAssigned, qms.FeedbackAnswered, qms.FeedbackPublished}},
	{"objectiveResult", "objective.", []string{qms.ObjectiveMet, qms.ObjectiveNotMet, qms.ObjectiveNoData}},
	{"severityLabel", "severity.", []string{qms.SeverityLow, qms.SeverityMedium, qms.SeverityHigh, qms.SeverityCritical}},
	{"answerLabel", "answer.", []string{qms.AnswerConform, qms.AnswerObservation, qms.AnswerMinorNC, qms.AnswerMajorNC}},
	{"planStatus", "plan_status.", []string{qms.PlanPlanned, qms.PlanReported}},
	{"ncStatus", "nc_status.", []string{qms.NCOpen, qms.NCInProgress, qms.NCClosed}},
	{"ncSource", "nc_source.", []string{qms.NCFromAudit, qms.NCFromFinding, qms.NCFromDossier, qms.NCFromComplaint, qms.NCFromOther}},
	{"verdictLabel", "verdict.", []string{qms.VerdictEffective, qms.VerdictNotEffective}},
	{"channelLabel", "channel.", strs(qms.ChannelCounter, qms.ChannelOnline, qms.ChannelPost)},
	{"jobOutcome", "job_outcome.", []string{qms.RunRunning, qms.RunOK, qms.RunFailed, qms.RunSkipped}},
	{"jobTrigger", "job_trigger.", []string{"schedule", "manual"}},
	// The figures the jobs wired in cmd/qms report.
	{"jobFigure", "job_figure.", []string{"opened", "closed", "open", "emailed", "entries", "checkpoints", "signed_entry", "kept", "removed"}},
	{"calendarKind", "calendar_kind.", append(strs(calendar.KindHoliday, calendar.KindMakeup, calendar.KindOverride), "off", "work", "tet")},
	{"formKind", "form_kind.", []string{qms.FormOneStop, qms.FormISO, qms.FormLocal}},
	{"tthcStatus", "tthc_status.", []string{qms.TTHCActive, qms.TTHCAbolished}},
	{"controlReason", "control_reason.", []string{qms.ReasonNoProcedure, qms.ReasonDraftOnly, qms.ReasonInvalidFlowchart, qms.ReasonFormNotEffective, qms.ReasonOlderThanDecision}},
	{"auditAction", "audit_action.", auditActions},
	{"objectType", "object_type.", objectTypes},
}

// auditActions are the actions the store writes to the audit log.
var auditActions = []string{
	"agency.create", "agency.update", "agency.settings", "audit.baseline", "audit.trigger_removed", "audit.trigger_restored",
	"auth.lock", "auth.lock_addr", "auth.login", "auth.logout", "auth.switch_agency", "auth.unlock", "auth.unlock_addr",
	"calendar.remove", "calendar.set", "compliance.run", "db.copy",
	"dossier.apology", "dossier.complete", "dossier.delegate", "dossier.delegation_revoke", "dossier.generate", "dossier.import", "dossier.pause", "dossier.receive", "dossier.resume", "dossier.step",
	"feedback.submit", "feedback.assign", "feedback.answer", "feedback.publish", "file.store",
	"form.adopt", "form.create", "form.seed", "form.version_create", "form.version_update",
	"form.version_submit", "form.version_approve", "form.version_reject", "form.version_withdraw", "form.version_supersede",
	"internal_audit.answer", "internal_audit.checklist", "internal_audit.plan", "internal_audit.programme", "internal_audit.report",
	"nc.create", "nc.update", "nc.action_add", "nc.action_done", "nc.start", "nc.verify", "nc.close",
	"notification.read", "objective.create", "objective.update", "objective.withdraw",
	"policy.add", "policy.remove", "policy.seed",
	"procedure.create", "procedure.update", "procedure.review_scheduled", "procedure.tthc_moved", "procedure.version_create", "procedure.version_update",
	"procedure.version_submit", "procedure.version_approve", "procedure.version_reject", "procedure.version_withdraw", "procedure.version_supersede",
	"review.create", "review.minutes", "review.decision", "review.decision_done",
	"signature.sign",
	"token.create", "token.revoke", "tthc.create", "tthc.import", "tthc.update", "upload.keep",
	"user.create", "user.grant", "user.password", "user.revoke", "user.update",
	"provider.create", "provider.update", "provider.status", "provider.evaluate", "provider.link_nc", "context.create", "context.update", "context.retire", "context.review",
}

// objectTypes are the kinds of object an audit entry or a compliance
// finding is about (the tables of security-relevant rows included).
var objectTypes = []string{
	"agency", "api_token", "audit_item", "audit_log", "audit_plan", "audit_programme", "calendar_override", "compliance",
	"corrective_action", "database", "dossier", "dossier_history", "dossier_step", "feedback", "file", "form", "form_version", "login", "login_addr",
	"management_review", "nonconformity", "objective", "policy", "procedure", "procedure_version", "tthc", "tthc_catalogue", "user",
	"users", "memberships", "api_tokens", "policy_rules", "sessions", "signatures",
	"provider", "context", "context_item", "context_review",
}

func strs[S ~string](codes ...S) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = string(c)
	}
	return out
}

// vocabularyFuncs are the template functions of the vocabularies in the
// language of dictionary l. A code of any string type is accepted; a code
// without a label shows its key, so that a missing label is seen.
func vocabularyFuncs(l map[string]string) template.FuncMap {
	m := template.FuncMap{"findingObject": findingObject}
	for _, v := range vocabularies {
		if v.fn == "" {
			continue
		}
		prefix := v.prefix
		m[v.fn] = func(code any) string {
			s := reflect.ValueOf(code)
			if s.Kind() != reflect.String || s.String() == "" {
				return ""
			}
			return label(l, prefix+s.String())
		}
	}
	// vocabularyCodes are the codes of the vocabulary whose function is
	// fn, for a filter's options.
	m["vocabularyCodes"] = func(fn string) []string {
		for _, v := range vocabularies {
			if v.fn == fn {
				return v.codes
			}
		}
		return nil
	}
	return m
}

// findingObject is the id of a finding's object as a person reads it: a
// dossier step is shown by its dossier (the finding's message names the
// step), not by the step's id.
func findingObject(objectType, id string) string {
	if objectType == "dossier_step" {
		code, _, _ := strings.Cut(id, "/")
		return code
	}
	// A competence finding is about a person (named by the message) and
	// a competence: the page shows the competence's code.
	if objectType == "competence" {
		if _, code, ok := strings.Cut(id, "/"); ok {
			return code
		}
	}
	return id
}

// people shows people by their full names: the pages name who did what by
// full name, the login name being for account administration only. It
// looks each username up once per request; a page that knows whom it
// will name loads them all in one query first (load).
type people struct {
	ctx      context.Context
	users    qms.UserService
	system   string // the name of the system's own actions
	names    map[string]string
	disabled map[string]bool // accounts looked up that no longer sign in
}

func (s *Server) people(ctx context.Context, lang string) *people {
	return &people{ctx: ctx, users: s.Users, system: label(dictionaries[lang], "person.system"), names: map[string]string{}, disabled: map[string]bool{}}
}

// know records names a page already holds (the agency's members).
func (p *people) know(ps []qms.Person) {
	for _, x := range ps {
		if x.FullName != "" {
			p.names[x.Username] = x.FullName
		}
		p.disabled[x.Username] = x.Disabled
	}
}

// assigneeView is a person work is given to (a risk's or an action's
// owner, feedback's assignee): their name, and whether their account is
// disabled, which the page marks (the "assignee" template): such work
// waits on no one until it is given to someone else.
type assigneeView struct {
	Name     string
	Disabled bool
}

// Assignee is the assigneeView of username.
func (p *people) Assignee(username string) assigneeView {
	name := p.Name(username)
	if p == nil {
		return assigneeView{Name: name}
	}
	return assigneeView{Name: name, Disabled: p.disabled[username]}
}

// load looks up in one query the usernames not yet known. A username
// that is not found (a deleted test account, a typo in old data) is
// shown as it is, as Name would.
func (p *people) load(usernames ...string) {
	if p == nil || p.users == nil {
		return
	}
	var todo []string
	for _, u := range usernames {
		if _, ok := p.names[u]; !ok && u != "" && !strings.HasPrefix(u, "system:") && !slices.Contains(todo, u) {
			todo = append(todo, u)
		}
	}
	for len(todo) > 0 {
		n := min(len(todo), qms.MaxPeopleNamed)
		ps, err := p.users.PeopleNamed(p.ctx, todo[:n])
		if err != nil {
			return // Name looks each one up
		}
		p.know(ps)
		for _, u := range todo[:n] {
			if _, ok := p.names[u]; !ok {
				p.names[u] = u
			}
		}
		todo = todo[n:]
	}
}

// AsRecorded is the name a record stored of its person when it was made
// (a step's actor, qms.StepRecord.ActorName), or, for a record without
// one (the system, a name from an imported history), Name of username.
func (p *people) AsRecorded(name, username string) string {
	if name != "" {
		return name
	}
	return p.Name(username)
}

// Name is the full name of username ("" for none); a system actor
// ("system:job") is the system.
func (p *people) Name(username string) string {
	if p == nil || username == "" {
		return username
	}
	if strings.HasPrefix(username, "system:") {
		return p.system
	}
	if n, ok := p.names[username]; ok {
		return n
	}
	n := username
	if p.users != nil {
		if us, err := p.users.FindUsers(p.ctx, qms.UserFilter{Username: &username, Limit: 1}); err == nil && len(us) == 1 {
			if us[0].FullName != "" {
				n = us[0].FullName
			}
			p.disabled[username] = us[0].Disabled
		}
	}
	p.names[username] = n
	return n
}

var labelTexts = []pageText{
	{"person.system", "Hệ thống", "The system"},
	{"person.disabled", "tài khoản đã khóa: giao lại cho người khác", "account disabled: give this to someone else"},

	{"severity.low", "Thấp", "Low"},
	{"severity.medium", "Trung bình", "Medium"},
	{"severity.high", "Cao", "High"},
	{"severity.critical", "Nghiêm trọng", "Critical"},

	{"answer.conform", "Phù hợp", "Conforms"},
	{"answer.observation", "Khuyến nghị", "Observation"},
	{"answer.minor_nc", "Không phù hợp nhẹ", "Minor nonconformity"},
	{"answer.major_nc", "Không phù hợp nặng", "Major nonconformity"},
	{"answer.unanswered", "Chưa trả lời", "Not answered"},

	{"plan_status.planned", "Đã lập kế hoạch", "Planned"},
	{"plan_status.reported", "Đã báo cáo", "Reported"},

	{"nc_status.open", "Đang mở", "Open"},
	{"nc_status.in_progress", "Đang khắc phục", "Being corrected"},
	{"nc_status.closed", "Đã đóng", "Closed"},

	{"nc_source.audit", "Đánh giá nội bộ", "Internal audit"},
	{"nc_source.finding", "Phát hiện tuân thủ", "Compliance finding"},
	{"nc_source.late_dossier", "Hồ sơ trễ hạn", "Late dossier"},
	{"nc_source.complaint", "Phản ánh, khiếu nại", "Complaint"},
	{"nc_source.other", "Nguồn khác", "Other"},

	{"verdict.effective", "Có hiệu quả", "Effective"},
	{"verdict.not_effective", "Chưa hiệu quả", "Not effective"},

	{"channel.counter", "Bộ phận một cửa", "One-stop counter"},
	{"channel.online", "Dịch vụ công trực tuyến", "Online public service"},
	{"channel.post", "Bưu chính công ích", "Public postal service"},

	{"job_outcome.running", "Đang chạy", "Running"},
	{"job_outcome.ok", "Thành công", "Succeeded"},
	{"job_outcome.failed", "Lỗi", "Failed"},
	{"job_outcome.skipped", "Bỏ qua", "Skipped"},

	{"job_trigger.schedule", "Theo lịch", "Scheduled"},
	{"job_trigger.manual", "Chạy tay", "Run by hand"},
	{"job_figure.opened", "phát hiện mới", "new findings"},
	{"job_figure.closed", "phát hiện đã khắc phục", "findings resolved"},
	{"job_figure.open", "phát hiện còn mở", "findings open"},
	{"job_figure.emailed", "thư đã gửi", "e-mails sent"},
	{"job_figure.entries", "mục nhật ký", "log entries"},
	{"job_figure.checkpoints", "điểm kiểm tra", "checkpoints"},
	{"job_figure.signed_entry", "mục đã ký", "signed entry"},
	{"job_figure.kept", "giữ lại", "kept"},
	{"job_figure.removed", "đã xóa", "removed"},

	{"calendar_kind.holiday", "Nghỉ lễ, Tết", "Public holiday"},
	{"calendar_kind.makeup", "Nghỉ bù", "Day off in lieu"},
	{"calendar_kind.override", "Theo thông báo của Chính phủ", "Announced by the Government"},
	{"calendar_kind.off", "Nghỉ thêm", "Extra day off"},
	{"calendar_kind.work", "Làm bù", "Make-up working day"},
	{"calendar_kind.tet", "Nghỉ Tết", "Tet day off"},

	{"form_kind.one_stop", "Biểu mẫu một cửa", "One-stop form"},
	{"form_kind.iso", "Biểu mẫu hệ thống ISO", "ISO system form"},
	{"form_kind.local", "Biểu mẫu riêng của quy trình", "Procedure's own form"},

	{"tthc_status.active", "Đang áp dụng", "In force"},
	{"tthc_status.abolished", "Đã bãi bỏ", "Abolished"},

	{"audit_action.agency.create", "Tạo đơn vị", "Agency created"},
	{"audit_action.agency.update", "Sửa đơn vị", "Agency edited"},
	{"audit_action.agency.settings", "Đổi cài đặt đơn vị", "Agency settings changed"},
	{"audit_action.audit.baseline", "Ghi trạng thái gốc của nhật ký", "Audit baseline recorded"},
	{"audit_action.audit.trigger_removed", "Gỡ trigger lạ đặt vào tệp cơ sở dữ liệu", "Foreign trigger removed from the database file"},
	{"audit_action.audit.trigger_restored", "Ghi lại trigger của ứng dụng bị sửa hoặc xoá ngoài ứng dụng", "Application trigger changed or dropped outside the application, written again"},
	{"audit_action.auth.lock", "Khóa đăng nhập do sai mật khẩu", "Sign-in locked after failed attempts"},
	{"audit_action.auth.lock_addr", "Chặn đăng nhập từ một địa chỉ do sai mật khẩu với nhiều tên đăng nhập", "Sign-in from an address blocked after failed attempts on many usernames"},
	{"audit_action.auth.login", "Đăng nhập", "Signed in"},
	{"audit_action.auth.logout", "Đăng xuất", "Signed out"},
	{"audit_action.auth.switch_agency", "Chuyển đơn vị làm việc", "Switched agency"},
	{"audit_action.auth.unlock", "Mở khóa đăng nhập", "Sign-in unlocked"},
	{"audit_action.auth.unlock_addr", "Bỏ chặn đăng nhập từ một địa chỉ", "Sign-in from an address unblocked"},
	{"audit_action.calendar.remove", "Xóa thay đổi lịch làm việc", "Calendar change removed"},
	{"audit_action.calendar.set", "Thêm thay đổi lịch làm việc", "Calendar change added"},
	{"audit_action.compliance.run", "Chạy kiểm tra tuân thủ", "Compliance checks run"},
	{"control_reason.no_procedure", "Chưa có quy trình nội bộ", "No internal procedure yet"},
	{"control_reason.draft_only", "Quy trình chưa được phê duyệt (mới ở dạng dự thảo)", "The procedure is not approved yet (a draft only)"},
	{"control_reason.invalid_flowchart", "Lưu đồ của quy trình không hợp lệ", "The procedure's flowchart is not valid"},
	{"control_reason.form_not_effective", "Quy trình dùng biểu mẫu chưa có hiệu lực", "The procedure uses a form not in force"},
	{"control_reason.procedure_older_than_publication", "Quy trình ban hành trước quyết định công bố mới nhất của thủ tục", "The procedure predates the latest publication decision of the TTHC"},
	{"audit_action.db.copy", "Chép dữ liệu sang PostgreSQL", "Data copied to PostgreSQL"},
	{"audit_action.dossier.apology", "Lập phiếu xin lỗi, hẹn lại", "Apology slip and new appointment"},
	{"audit_action.dossier.complete", "Trả kết quả hồ sơ", "Dossier result returned"},
	{"audit_action.dossier.delegate", "Ủy quyền bước hồ sơ", "Dossier step delegated"},
	{"audit_action.dossier.delegation_revoke", "Thu hồi ủy quyền bước hồ sơ", "Dossier step delegation revoked"},
	{"audit_action.dossier.generate", "Tạo hồ sơ mẫu", "Sample dossiers generated"},
	{"audit_action.dossier.import", "Nhập số liệu hồ sơ", "Dossier history imported"},
	{"audit_action.dossier.pause", "Tạm dừng hồ sơ chờ bổ sung", "Dossier paused for a supplement"},
	{"audit_action.dossier.receive", "Tiếp nhận hồ sơ", "Dossier received"},
	{"audit_action.dossier.resume", "Tiếp tục giải quyết hồ sơ", "Dossier resumed"},
	{"audit_action.dossier.step", "Hoàn thành bước hồ sơ", "Dossier step completed"},
	{"audit_action.feedback.submit", "Tiếp nhận phản ánh", "Feedback received"},
	{"audit_action.feedback.assign", "Giao xử lý phản ánh", "Feedback assigned"},
	{"audit_action.feedback.answer", "Trả lời phản ánh", "Feedback answered"},
	{"audit_action.feedback.publish", "Công khai phản ánh", "Feedback published"},
	{"audit_action.file.store", "Lưu tệp", "File stored"},
	{"audit_action.form.adopt", "Áp dụng biểu mẫu chuẩn", "Standard form adopted"},
	{"audit_action.form.create", "Tạo biểu mẫu", "Form created"},
	{"audit_action.form.seed", "Nạp biểu mẫu chuẩn", "Standard form loaded"},
	{"audit_action.form.version_create", "Tạo phiên bản biểu mẫu", "Form version created"},
	{"audit_action.form.version_update", "Sửa phiên bản biểu mẫu", "Form version edited"},
	{"audit_action.form.version_submit", "Trình duyệt biểu mẫu", "Form version submitted"},
	{"audit_action.form.version_approve", "Phê duyệt biểu mẫu", "Form version approved"},
	{"audit_action.form.version_reject", "Trả lại biểu mẫu", "Form version rejected"},
	{"audit_action.form.version_withdraw", "Thu hồi biểu mẫu", "Form version withdrawn"},
	{"audit_action.form.version_supersede", "Biểu mẫu hết hiệu lực", "Form version superseded"},
	{"audit_action.internal_audit.answer", "Ghi kết quả câu hỏi đánh giá", "Audit question answered"},
	{"audit_action.internal_audit.checklist", "Lập danh mục câu hỏi đánh giá", "Audit checklist drawn up"},
	{"audit_action.internal_audit.plan", "Lập kế hoạch đánh giá", "Audit plan made"},
	{"audit_action.internal_audit.programme", "Lập chương trình đánh giá", "Audit programme made"},
	{"audit_action.internal_audit.report", "Lập báo cáo đánh giá", "Audit report made"},
	{"audit_action.nc.create", "Lập phiếu không phù hợp", "Nonconformity raised"},
	{"audit_action.nc.update", "Sửa phiếu không phù hợp", "Nonconformity edited"},
	{"audit_action.nc.action_add", "Thêm hành động khắc phục", "Corrective action added"},
	{"audit_action.nc.action_done", "Hoàn thành hành động khắc phục", "Corrective action done"},
	{"audit_action.nc.start", "Bắt đầu khắc phục", "Correction started"},
	{"audit_action.nc.verify", "Đánh giá hiệu quả khắc phục", "Effectiveness verified"},
	{"audit_action.nc.close", "Đóng phiếu không phù hợp", "Nonconformity closed"},
	{"audit_action.notification.read", "Đánh dấu đã đọc thông báo", "Notifications read"},
	{"audit_action.objective.create", "Đặt mục tiêu chất lượng", "Quality objective set"},
	{"audit_action.objective.update", "Sửa mục tiêu chất lượng", "Quality objective edited"},
	{"audit_action.objective.withdraw", "Thu hồi mục tiêu chất lượng", "Quality objective withdrawn"},
	{"audit_action.policy.add", "Thêm quy tắc phân quyền", "Access rule added"},
	{"audit_action.policy.remove", "Bỏ quy tắc phân quyền", "Access rule removed"},
	{"audit_action.policy.seed", "Nạp quy tắc phân quyền mặc định", "Default access rules loaded"},
	{"audit_action.procedure.create", "Tạo quy trình", "Procedure created"},
	{"audit_action.procedure.update", "Sửa quy trình", "Procedure edited"},
	{"audit_action.procedure.review_scheduled", "Đặt lịch xem xét định kỳ", "Periodic review scheduled"},
	{"audit_action.procedure.tthc_moved", "Chuyển thủ tục hành chính giữa quy trình khi phê duyệt", "Administrative procedure moved on approval"},
	{"audit_action.procedure.version_create", "Tạo dự thảo quy trình", "Procedure draft created"},
	{"audit_action.procedure.version_update", "Sửa dự thảo quy trình", "Procedure draft edited"},
	{"audit_action.procedure.version_submit", "Trình duyệt quy trình", "Procedure submitted"},
	{"audit_action.procedure.version_approve", "Phê duyệt quy trình", "Procedure approved"},
	{"audit_action.procedure.version_reject", "Trả lại dự thảo quy trình", "Procedure draft rejected"},
	{"audit_action.procedure.version_withdraw", "Thu hồi quy trình", "Procedure withdrawn"},
	{"audit_action.procedure.version_supersede", "Quy trình hết hiệu lực", "Procedure superseded"},
	{"audit_action.review.create", "Lập cuộc xem xét của lãnh đạo", "Management review created"},
	{"audit_action.review.minutes", "Ghi biên bản xem xét", "Review minutes recorded"},
	{"audit_action.review.decision", "Ghi quyết định xem xét", "Review decision recorded"},
	{"audit_action.review.decision_done", "Hoàn thành quyết định xem xét", "Review decision done"},
	{"audit_action.token.create", "Cấp mã truy cập API", "API token issued"},
	{"audit_action.token.revoke", "Thu hồi mã truy cập API", "API tokens revoked"},
	{"audit_action.tthc.create", "Thêm thủ tục hành chính", "Administrative procedure added"},
	{"audit_action.tthc.import", "Nhập danh mục thủ tục hành chính", "Administrative procedures imported"},
	{"audit_action.tthc.update", "Cập nhật thủ tục hành chính", "Administrative procedure updated"},
	{"audit_action.upload.keep", "Giữ tệp tải lên để chọn sơ đồ", "Upload kept for the pool pick"},
	{"audit_action.user.create", "Tạo tài khoản", "Account created"},
	{"audit_action.user.grant", "Gán vai trò", "Role granted"},
	{"audit_action.user.password", "Đổi hoặc đặt lại mật khẩu", "Password changed or reset"},
	{"audit_action.user.revoke", "Thu hồi vai trò", "Role revoked"},
	{"audit_action.user.update", "Sửa tài khoản", "Account edited"},

	{"object_type.agency", "Đơn vị", "Agency"},
	{"object_type.api_token", "Mã truy cập API", "API token"},
	{"object_type.audit_item", "Câu hỏi đánh giá", "Audit question"},
	{"object_type.audit_log", "Nhật ký hệ thống", "Audit log"},
	{"object_type.audit_plan", "Kế hoạch đánh giá", "Audit plan"},
	{"object_type.audit_programme", "Chương trình đánh giá", "Audit programme"},
	{"object_type.calendar_override", "Lịch làm việc", "Working calendar"},
	{"object_type.compliance", "Kiểm tra tuân thủ", "Compliance checks"},
	{"object_type.corrective_action", "Hành động khắc phục", "Corrective action"},
	{"object_type.database", "Cơ sở dữ liệu", "Database"},
	{"object_type.dossier", "Hồ sơ", "Dossier"},
	{"object_type.dossier_history", "Số liệu hồ sơ", "Dossier history"},
	{"object_type.dossier_step", "Bước hồ sơ", "Dossier step"},
	{"object_type.feedback", "Phản ánh", "Feedback"},
	{"object_type.file", "Tệp", "File"},
	{"object_type.form", "Biểu mẫu", "Form"},
	{"object_type.form_version", "Phiên bản biểu mẫu", "Form version"},
	{"object_type.login", "Đăng nhập", "Sign-in"},
	{"object_type.login_addr", "Địa chỉ đăng nhập", "Sign-in address"},
	{"object_type.management_review", "Xem xét của lãnh đạo", "Management review"},
	{"object_type.nonconformity", "Phiếu không phù hợp", "Nonconformity"},
	{"object_type.objective", "Mục tiêu chất lượng", "Quality objective"},
	{"object_type.policy", "Quy tắc phân quyền", "Access rule"},
	{"object_type.procedure", "Quy trình", "Procedure"},
	{"object_type.procedure_version", "Phiên bản quy trình", "Procedure version"},
	{"object_type.tthc", "Thủ tục hành chính", "Administrative procedure"},
	{"object_type.tthc_catalogue", "Danh mục thủ tục hành chính", "Procedure catalogue"},
	{"object_type.user", "Tài khoản", "Account"},
	{"object_type.users", "Tài khoản", "Account"},
	{"object_type.memberships", "Vai trò", "Role"},
	{"object_type.api_tokens", "Mã truy cập API", "API token"},
	{"object_type.policy_rules", "Quy tắc phân quyền", "Access rule"},
	{"object_type.sessions", "Phiên đăng nhập", "Session"},
	{"object_type.signatures", "Chữ ký điện tử", "Electronic signature"},
}

func init() { addPageTexts(dictionaries, labelTexts) }
