package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"isodt/qms"
)

// SecurityTable is one table whose rows the audit trail vouches for: each
// audited write records the hash of the state of the rows it wrote, and
// `qms audit verify` names a row whose state is not the one last
// recorded (added, changed or deleted outside the application). Every
// column of the table is decided: part of the key, part of the state, or
// left unchecked with the reason (TestSecurityColumnsDecided holds a new
// column to that).
type SecurityTable struct {
	Table string
	Key   []string
	// State lists the columns whose change is a security event, in the
	// order they are hashed: a column covered later goes last, with the
	// RowStateVersion that covers it.
	State []StateColumn
	// Unchecked are the other columns, each with why its change decides
	// nothing (or moves without an audited write).
	Unchecked map[string]string
	// Label names a row in words in a verification report (SQL both
	// stores speak).
	Label string
	// Bulk is a table of records, a million rows in a province: only a
	// whole verification reads it row by row (`qms audit verify`, the
	// audit-verify job, a run of AUDIT_CHAIN_BROKEN alone), not the
	// compliance scan of every rule, which must stay within seconds.
	Bulk bool
}

// Sources are all's tables but the bulk ones, unless bulk.
func Sources[S RowSource](all []S, bulk bool) []S {
	if bulk {
		return all
	}
	var out []S
	for _, s := range all {
		if !slices.ContainsFunc(SecurityTables, func(t SecurityTable) bool { return t.Table == s.Table() && t.Bulk }) {
			out = append(out, s)
		}
	}
	return out
}

// StateColumn is a column of a row's state and the RowStateVersion that
// started covering it.
type StateColumn struct {
	Name  string
	Since int
}

// RowStateVersion is the newest coverage of SecurityTables. A version
// adds state columns; the migration that makes the update triggers fire
// on them records, for each row whose state before them is still the one
// the trail last recorded, its state with them (sqlite's and postgres's
// rebaseline), so that verification goes on from there and a row
// changed outside the application before the upgrade stays named.
//
//  1. migration 0017 (SQLite), 0001 (PostgreSQL): users, memberships,
//     API tokens, policy rules; 0024 (SQLite): sessions.
//  2. migration 0055 (SQLite), 0032 (PostgreSQL): a user's full name,
//     title and temporary password, a token's prefix, a session's CSRF
//     token; and signatures, each recorded at the upgrade if it is the
//     signature its signature.sign entry recorded (SignaturesAsSigned).
//  3. migration 0057 (SQLite), 0034 (PostgreSQL): agencies (the
//     hierarchy decides an administrator's reach, a merge makes an
//     agency read-only), step delegations (a delegation lets its delegate
//     complete a step without its role), version contributors (who may
//     not approve a version) and removed default policy rules (a rule
//     removed there comes back at the next start once its row is gone);
//     each row recorded at the upgrade if the trail says it is so
//     (trustRowsAsAudited).
//  4. migration 0059 (SQLite), 0036 (PostgreSQL): the links of TTHCs to
//     the internal procedures that govern them (procedure_tthc: a receipt
//     pins the version in force the link finds), each recorded at the
//     upgrade if the trail sets it (ProcedureLinksAsAudited).
//  5. migration 0062 (SQLite), 0039 (PostgreSQL): dossiers, their
//     decisive state (agency, pinned procedure version, due time,
//     status, result, return, new appointment) and what the receipt
//     wrote once (code, TTHC and its terms, applicant, channel,
//     receipt time, the agency's name, the survey key), and the digest of
//     its step records (steps_digest, qms.ChainStepRecord, set at the
//     upgrade from the records as found: FillStepChains); each dossier
//     recorded at the upgrade as found (dossiersAsFound): the trail
//     before carries no dossier's whole state.
//  6. migration 0064 (SQLite), 0041 (PostgreSQL): a dossier's open
//     steps (flow_json), which decide which step may be done next and by
//     whom; each dossier whose state before was still the recorded one
//     recorded again.
//  7. migration 0065 (SQLite), 0042 (PostgreSQL): what the working-day
//     clock and the legal time limits are made of: the TTHC catalogue
//     (a receipt takes its time limit, name, fee and status), the
//     calendar's days off and make-up days, and each agency's working
//     hours and clock mode; each row recorded at the upgrade as found
//     (asFound): the trail before carries no row's state.
//  8. migration 0066 (SQLite), 0043 (PostgreSQL): the ISO records
//     before a signature closes them and what none signs:
//     nonconformities and their corrective actions, risks with their
//     actions, assessments and links, quality objectives, procedures
//     (review dates), procedure and form versions (which is in force),
//     internal audits, citizens' feedback and survey answers, the
//     management review, distribution, context, competence,
//     declarations, providers, forms and the codes a merger left; each
//     row recorded at the upgrade as found (asFound): the trail before
//     carries no row's state.

// The versions need not be contiguous: a rebaseline hashes a row "then"
// without the columns covered since its version, whatever they are.
const RowStateVersion = 8

// RebaselineReasons are the reasons of the entries that record the rows'
// states at each version.
var RebaselineReasons = map[int]string{
	2: "trạng thái của người dùng, mã API và phiên đăng nhập, thêm họ tên, chức vụ, mật khẩu tạm, tiền tố mã API và mã chống giả mạo yêu cầu của phiên; các chữ ký điện tử đúng như nhật ký đã ghi",
	3: "đơn vị (cấp trên, loại, sáp nhập), ủy quyền xử lý bước hồ sơ, người tham gia soạn phiên bản quy trình và biểu mẫu, quy tắc phân quyền mặc định đã gỡ: đúng như nhật ký đã ghi",
	4: "liên kết thủ tục hành chính với quy trình nội bộ (quyết định hồ sơ mới được tiếp nhận theo quy trình nào): đúng như nhật ký đã ghi khi tạo, sửa quy trình và khi lãnh đạo phê duyệt lần ban hành",
	5: "trạng thái quyết định của hồ sơ (đơn vị, phiên bản quy trình, hạn trả, trạng thái, kết quả, ngày trả, hẹn lại, chuỗi băm các bước xử lý) và những gì phiếu tiếp nhận ghi: ghi nhận nguyên trạng lúc nâng cấp, vì nhật ký trước đó không ghi đủ trạng thái của từng hồ sơ",
	6: "các bước đang mở của hồ sơ (quyết định bước nào được xử lý tiếp và do ai): đúng như nhật ký đã ghi",
	8: "hồ sơ ISO trước khi được ký đóng và những gì không ai ký: sự không phù hợp và hành động khắc phục, rủi ro và hành động xử lý, mục tiêu chất lượng, quy trình (ngày xem xét lại), các lần ban hành quy trình và biểu mẫu (lần nào có hiệu lực), chương trình, kế hoạch và danh mục câu hỏi đánh giá nội bộ, phản ánh kiến nghị và phiếu khảo sát, xem xét của lãnh đạo, phân phối tài liệu, bối cảnh, năng lực, công bố, nhà cung cấp, biểu mẫu và mã cũ sau sáp nhập: ghi nhận nguyên trạng lúc nâng cấp, vì nhật ký trước đó không ghi trạng thái của từng dòng",
	7: "danh mục thủ tục hành chính (thời hạn giải quyết, tên, phí, trạng thái), lịch ngày nghỉ và ngày làm bù, giờ làm việc và cách tính thời gian tạm dừng của từng đơn vị (quyết định hạn trả của hồ sơ mới): ghi nhận nguyên trạng lúc nâng cấp, vì nhật ký trước đó không ghi trạng thái của từng dòng",
}

// SecurityTables are the tables the audit trail vouches for row by row.
var SecurityTables = []SecurityTable{
	{Table: "users", Key: []string{"id"},
		State: []StateColumn{{"username", 1}, {"email", 1}, {"password_hash", 1}, {"disabled", 1},
			// What signatures and records print of the signer, and whether
			// the password was set by an administrator (qms.PasswordTemporary:
			// such an account signs nothing until its owner replaces it).
			{"full_name", 2}, {"title", 2}, {"password_temporary", 2}},
		Unchecked: map[string]string{
			"created_at": "when the account was made: shown, decides nothing",
			"updated_at": "moves with every write of the row",
		},
		Label: "'người dùng ' || username"},
	{Table: "memberships", Key: []string{"user_id", "agency_code", "role"},
		// A membership's state is its existence: the key alone.
		Unchecked: map[string]string{"seq": "PostgreSQL's order of insertion (SQLite's rowid): decides nothing"},
		Label:     "'vai trò ' || role || ' tại ' || agency_code || ' của ' || COALESCE((SELECT username FROM users WHERE id = user_id), '?')"},
	{Table: "api_tokens", Key: []string{"id"},
		State: []StateColumn{{"user_id", 1}, {"token_hash", 1}, {"expires_at", 1}, {"revoked_at", 1},
			// names the token in `qms token list` and `qms token revoke --prefix`
			{"prefix", 2}},
		Unchecked: map[string]string{
			"name":         "the owner's label for the token: renamed without deciding anything",
			"created_at":   "when the token was made: shown, decides nothing",
			"last_used_at": "moves with use, at most once a minute, without an audited write",
		},
		Label: "'mã API của ' || COALESCE((SELECT username FROM users WHERE id = user_id), '?')"},
	{Table: "policy_rules", Key: []string{"id"},
		State: []StateColumn{{"ptype", 1}, {"v0", 1}, {"v1", 1}, {"v2", 1}, {"v3", 1}},
		Label: "'quy tắc ' || v0 || ', ' || v1 || ', ' || v2 || ', ' || v3"},
	{Table: "sessions", Key: []string{"id"},
		State: []StateColumn{{"user_id", 1}, {"agency_code", 1}, {"expires_at", 1},
			// the session's request-forgery token: known, it lets another
			// site post in the session's name
			{"csrf_token", 2}},
		Unchecked: map[string]string{
			"created_at":   "when the session began: shown, decides nothing (expires_at and the idle clock do)",
			"last_seen_at": "the idle clock: moves with use, at most once a minute, without an audited write",
		},
		Label: "'phiên đăng nhập của ' || COALESCE((SELECT username FROM users WHERE id = user_id), '?') || ' tại ' || agency_code"},
	// A signature is written once (append-only) by the action it signs,
	// in that action's audited transaction: its hash of the signed content
	// is what SIGNATURE_BROKEN checks the record against, and its signer's
	// name and title are what the prints show.
	{Table: "signatures", Key: []string{"id"},
		State: []StateColumn{{"object_type", 2}, {"object_id", 2}, {"content_sha256", 2}, {"content_version", 2}, {"user_id", 2},
			{"username", 2}, {"full_name", 2}, {"title", 2}, {"meaning", 2}, {"signed_at", 2}},
		Label: "'chữ ký ' || meaning || ' của ' || username || ' trên ' || object_type || ' ' || object_id"},
	// The agency hierarchy decides an administrator's reach
	// (IsWithinOn), its kind what they may create under it, a merge makes
	// an agency read-only, and its name is what records print. Written by
	// agency.create and agency.update, and by a merge (agency.merge.*:
	// predecessors marked merged, the agencies under them moved).
	{Table: "agencies", Key: []string{"id"},
		State: []StateColumn{{"code", 3}, {"name", 3}, {"parent_code", 3}, {"kind", 3}, {"merged_into", 3}, {"merged_at", 3}},
		Unchecked: map[string]string{
			"created_at": "when the agency was made: shown, decides nothing",
			"updated_at": "moves with every write of the row",
		},
		Label: "'đơn vị ' || code"},
	// A delegation lets its delegate complete a step without the step's
	// role, once (used_at), until revoked or lapsed with the step
	// (revoked). Written by dossier.delegate, dossier.delegation_revoke,
	// the completion of a step (dossier.step, dossier.complete) and the
	// merge or split that moves its dossier.
	{Table: "step_delegations", Key: []string{"id"},
		State: []StateColumn{{"agency_code", 3}, {"dossier", 3}, {"step_id", 3}, {"from_user", 3}, {"to_user", 3}, {"reason", 3},
			{"created_at", 3}, {"used_at", 3}, {"revoked", 3}},
		Label: "'ủy quyền bước ' || step_id || ' của hồ sơ ' || dossier || ' từ ' || from_user || ' cho ' || to_user"},
	// Who wrote, edited or submitted a version may not approve it
	// (segregation of duties): a row deleted would let its drafter
	// approve. Written with the version's own audited change. Its state
	// is its existence: the key alone.
	{Table: "version_contributors", Key: []string{"kind", "version_id", "user_id", "username", "act"},
		Label: "'người soạn (' || act || ') ' || username || ' của phiên bản ' || kind || ' ' || version_id"},
	// A default policy rule an administrator removed (policy.remove): the
	// start's seed brings back any default rule not listed here, so a row
	// deleted grants the rule again, and one inserted withholds a rule a
	// newer release adds. Its state is its existence: the key alone.
	{Table: "policy_removed", Key: []string{"ptype", "v0", "v1", "v2", "v3"},
		Label: "'quy tắc đã gỡ ' || v0 || ', ' || v1 || ', ' || v2 || ', ' || v3"},
	// Which internal procedure governs a TTHC: a receipt pins the version
	// in force this link finds (InForceSQL), so a link moved to another
	// procedure sends new dossiers to a flowchart no leader approved for
	// them. Written by procedure.create and procedure.update (the TTHC
	// list) and by a version's approval (procedure.tthc_moved: the
	// approved subject's TTHCs taken from any other procedure); a merge or
	// split moves procedures with their ids, so their links stay as they
	// are. Its state is its existence: the key alone.
	{Table: "procedure_tthc", Key: []string{"procedure_id", "tthc_code"},
		Label: "'thủ tục ' || tthc_code || ' theo quy trình ' || COALESCE((SELECT agency_code || ' ' || code FROM procedures WHERE id = procedure_id), '?')"},
	// A dossier's decisive state is what the on-time figures (the
	// product's public statistics) and the compliance checks read: its
	// agency, pinned procedure version, due time, status, result, return
	// time and new appointment. They move only with audited writes: the
	// receipt (dossier.receive), a step or the return (dossier.step,
	// dossier.complete), a pause or resume, an apology, a merge or split
	// moving open dossiers, a history import and the demo's bulk load.
	// What the receipt wrote once is state too: the leader's signature
	// covers it only once the leader signs (SignedTables), and a dossier
	// is open for days before; a receipt time moved in that time moves
	// the period it counts in. So are its open steps (the flow): which
	// step may be done next, and by whom, as a step leaves them; changed
	// with the file, a required step could be skipped. The UPDATE trigger
	// fires on these columns only: a write of updated_at or the note
	// alone notes nothing.
	{Table: "dossiers", Key: []string{"id"},
		State: []StateColumn{{"agency_code", 5}, {"procedure_id", 5}, {"version_number", 5}, {"due_at", 5}, {"status", 5},
			{"result", 5}, {"returned_at", 5}, {"new_appointment", 5},
			{"code", 5}, {"tthc_code", 5}, {"applicant_json", 5}, {"channel", 5}, {"received_at", 5},
			{"tthc_name", 5}, {"tthc_time_limit_days", 5}, {"tthc_fee", 5}, {"agency_name", 5}, {"survey_key", 5},
			// The digest of its step records: a record deleted, changed
			// or added outside the application no longer chains to it
			// (CompareStepChains, in a whole verification).
			{"steps_digest", 5},
			{"flow_json", 6}},
		Unchecked: map[string]string{
			"note":       "the officer's remark (a pause's reason, an import's origin): shown, decides nothing",
			"updated_at": "moves with every write of the row",
		},
		Label: "'hồ sơ ' || code || ' của ' || agency_code", Bulk: true},
	// What the working-day clock and the legal time limits are made of:
	// a receipt takes a TTHC's time limit, name, fee and status from the
	// catalogue, and every due time is counted on the calendar's days off
	// and make-up days and the agency's working hours; a resume moves it
	// by the agency's clock mode. Changed with the file, every dossier
	// received afterwards would get a due time no one decided, recorded
	// as the application's. Written by the catalogue import (tthc.create,
	// tthc.update), calendar.set and calendar.remove, agency.settings,
	// and a merge or split moving an agency's catalogue.
	{Table: "tthc", Key: []string{"id"},
		State: []StateColumn{{"agency_code", 7}, {"code", 7}, {"name", 7}, {"field", 7}, {"time_limit_days", 7}, {"fee", 7},
			{"legal_basis", 7}, {"service_level", 7}, {"published_by", 7}, {"published_on", 7}, {"status", 7}},
		Unchecked: map[string]string{
			"updated_at": "moves with every write of the row",
		},
		Label: "'thủ tục hành chính ' || code || ' của ' || agency_code"},
	{Table: "calendar_overrides", Key: []string{"id"},
		State: []StateColumn{{"date", 7}, {"kind", 7}, {"name", 7}},
		Label: "'ngày ' || date || ' (' || kind || ') trong lịch làm việc'"},
	{Table: "agency_settings", Key: []string{"agency_code"},
		State: []StateColumn{{"clock_mode", 7}, {"working_hours", 7}},
		Label: "'giờ làm việc và cách tính tạm dừng của ' || agency_code"},
	// The ISO records (TCVN ISO 9001:2015 6.1, 6.2, 7.5, 8.2.1, 9.2,
	// 10.2) before a signature closes them, and what never is signed:
	// who must act and by when (a corrective or risk action's owner and
	// due date, decided by the overdue checks), a nonconformity's or a
	// risk's status, an objective's target (what the on-time rate is held
	// to), a procedure's review date, which form version is in force,
	// an audit's scope and checklist before its report, and a citizen's
	// feedback and who must answer it. Changed with the file, a
	// corrective action handed to someone else or moved a year out, or
	// an objective lowered to the rate reached, read as decided; verify
	// said ok (note 11). Each is written by its own audited action.
	{Table: "nonconformities", Key: []string{"id"},
		// finding_duplicate marks a second one raised on one finding
		// before the one-open-per-finding rule: set, it lifts the rule
		// (outsider pass 25).
		State: sinceAll(8, "agency_code", "code", "source", "source_ref", "description", "correction", "root_cause", "status", "verdict",
			"verified_by", "verified_at", "closed_at", "created_by", "created_at", "close_reason", "finding_duplicate"),
		Label: "'sự không phù hợp ' || code || ' của ' || agency_code"},
	{Table: "corrective_actions", Key: []string{"id"},
		State: sinceAll(8, "nc_id", "description", "owner", "due_on", "done_at", "result", "done_by"),
		Label: "'hành động khắc phục ' || id || ' của ' || COALESCE((SELECT code FROM nonconformities WHERE id = nc_id), '?')"},
	{Table: "risks", Key: []string{"id"},
		State: sinceAll(8, "agency_code", "code", "kind", "description", "procedure_id", "likelihood", "impact", "owner", "review_on",
			"status", "close_reason", "closed_by", "closed_at", "created_by"),
		Unchecked: map[string]string{"created_at": "when the entry was made: shown, decides nothing"},
		Label:     "'rủi ro, cơ hội ' || code || ' của ' || agency_code"},
	{Table: "risk_actions", Key: []string{"id"},
		State: sinceAll(8, "risk_id", "description", "owner", "due_on", "done_at", "done_by"),
		Label: "'hành động xử lý ' || id || ' của ' || COALESCE((SELECT code FROM risks WHERE id = risk_id), '?')"},
	{Table: "objectives", Key: []string{"id"},
		State: sinceAll(8, "agency_code", "year", "title", "measure", "target", "period", "withdrawn", "withdrawn_reason", "withdrawn_by",
			"withdrawn_at", "created_by"),
		Unchecked: map[string]string{"created_at": "when the objective was set: shown, decides nothing"},
		Label:     "'mục tiêu chất lượng ' || id || ' (' || title || ') của ' || agency_code"},
	{Table: "procedures", Key: []string{"id"},
		State: sinceAll(8, "agency_code", "code", "title", "owner_unit", "review_months", "next_review_on", "merged_from", "split_from"),
		Unchecked: map[string]string{
			"created_at": "when the procedure was made: shown, decides nothing",
			"updated_at": "moves with every write of the row",
		},
		Label: "'quy trình ' || code || ' của ' || agency_code"},
	// A procedure version's content is what its approval signs; its
	// status moves after the signature (superseded by the next approval,
	// withdrawn by a leader) and decides which flowchart receipts pin: a
	// withdrawn version put back in force with the file was pinned again,
	// and CompareVersionApprovals saw a version once approved (outsider
	// pass 24).
	{Table: "procedure_versions", Key: []string{"id"},
		State: sinceAll(8, "procedure_id", "number", "status", "content_json", "author_id", "author", "submitted_at", "approver_id", "approver",
			"approved_at", "effective_on", "reason"),
		Unchecked: map[string]string{
			"created_at": "when the draft was begun",
			"updated_at": "moves with every write of the row",
		},
		Label: "'lần ban hành ' || CASE WHEN number < 10 THEN '0' ELSE '' END || number || ' của quy trình ' || COALESCE((SELECT agency_code || ' ' || code FROM procedures WHERE id = procedure_id), '?')"},
	// A form version's content is what its approval signs; its status
	// (which version is in force, which one a step's entry must follow)
	// moves after the signature and is vouched for here.
	{Table: "form_versions", Key: []string{"id"},
		State: sinceAll(8, "form_id", "number", "status", "schema_json", "template_json", "change_summary", "author_id", "author",
			"submitted_at", "approver_id", "approver", "approved_at", "effective_on", "reason"),
		Unchecked: map[string]string{
			"created_at": "when the draft was begun",
			"updated_at": "moves with every write of the row",
		},
		Label: "'lần ban hành ' || CASE WHEN number < 10 THEN '0' ELSE '' END || number || ' của biểu mẫu ' || COALESCE((SELECT agency_code || ' ' || code FROM forms WHERE id = form_id), '?')"},
	{Table: "audit_plans", Key: []string{"id"},
		State: sinceAll(8, "programme_id", "agency_code", "title", "scope_json", "start_on", "end_on", "status", "summary", "conclusion", "reported_at"),
		Label: "'kế hoạch đánh giá nội bộ ' || id || ' (' || title || ') của ' || agency_code"},
	{Table: "audit_items", Key: []string{"id"},
		// The hints the checklist offered are not what the auditor found
		// (the report's signature leaves them out), but they are shown
		// beside the signed answers (outsider pass 25).
		State: sinceAll(8, "plan_id", "clause", "question", "source", "result", "evidence", "note", "suggestions_json"),
		Label: "'câu hỏi ' || id || ' (điều ' || clause || ') của kế hoạch đánh giá nội bộ ' || plan_id"},
	{Table: "audit_programmes", Key: []string{"id"},
		State:     sinceAll(8, "agency_code", "year", "title", "notes"),
		Unchecked: map[string]string{"created_at": "when the programme was made: shown, decides nothing"},
		Label:     "'chương trình đánh giá nội bộ ' || year || ' (' || title || ') của ' || agency_code"},
	// Every judgement of a risk, the first included: the history of its
	// score, which the register shows and the review reads.
	{Table: "risk_assessments", Key: []string{"id"},
		State: sinceAll(8, "risk_id", "likelihood", "impact", "note", "review_on", "assessed_by", "assessed_at"),
		Label: "'lần đánh giá ' || id || ' của rủi ro, cơ hội ' || COALESCE((SELECT code FROM risks WHERE id = risk_id), '?')"},
	{Table: "risk_links", Key: []string{"risk_id", "kind", "ref"},
		State:     sinceAll(8, "created_by", "created_at"),
		Unchecked: map[string]string{"seq": "the order of insertion: decides nothing"},
		Label:     "'liên kết ' || kind || ' ' || ref || ' của rủi ro, cơ hội ' || COALESCE((SELECT code FROM risks WHERE id = risk_id), '?')"},
	// The management review (xem xét của lãnh đạo, 9.3): its pack of
	// figures as taken on the day, its minutes and its decisions, each
	// with an owner and a due date.
	{Table: "management_reviews", Key: []string{"id"},
		State:     sinceAll(8, "agency_code", "title", "held_on", "pack_json", "minutes"),
		Unchecked: map[string]string{"created_at": "when the review was recorded: shown, decides nothing"},
		Label:     "'cuộc xem xét của lãnh đạo ' || id || ' (' || title || ') của ' || agency_code"},
	{Table: "review_decisions", Key: []string{"id"},
		State: sinceAll(8, "review_id", "text", "owner", "due_on", "done_at"),
		Label: "'quyết định ' || id || ' của cuộc xem xét của lãnh đạo ' || review_id"},
	// Who was given a document version to read and when they confirmed
	// it (7.5.3.1 a): ACK_OVERDUE reads it. A province's staff times its
	// documents: read row by row by a whole verification only.
	{Table: "document_reads", Key: []string{"id"},
		State: sinceAll(8, "agency_code", "kind", "doc_id", "version_id", "number", "user_id", "roles", "distributed_at", "acknowledged_at"),
		Label: "'phân phối ' || kind || ' ' || doc_id || ' lần ' || number || ' cho ' || COALESCE((SELECT username FROM users WHERE id = user_id), '?')", Bulk: true},
	// The context of the organisation (4.1, 4.2) and its reviews.
	{Table: "context_items", Key: []string{"id"},
		State: sinceAll(8, "agency_code", "kind", "title", "requirements", "reviewed_on", "retired", "retired_reason", "retired_by", "retired_at",
			"created_by"),
		Unchecked: map[string]string{"created_at": "when the item was made: shown, decides nothing"},
		Label:     "'bối cảnh ' || kind || ' ' || id || ' của ' || agency_code"},
	{Table: "context_reviews", Key: []string{"id"},
		State: sinceAll(8, "agency_code", "reviewed_by", "reviewed_at", "note", "items"),
		Label: "'lần xem xét bối cảnh ' || id || ' của ' || agency_code"},
	// Competence (7.2): what a role or a step requires, and each person's
	// record of it, with the evidence file.
	{Table: "competences", Key: []string{"id"},
		State:     sinceAll(8, "agency_code", "code", "name", "description", "merged_from", "created_by"),
		Unchecked: map[string]string{"created_at": "when the competence was made: shown, decides nothing"},
		Label:     "'năng lực ' || code || ' của ' || agency_code"},
	{Table: "competence_requirements", Key: []string{"id"},
		State: sinceAll(8, "agency_code", "competence_id", "role", "procedure_id", "step_id", "withdrawn", "withdrawn_reason", "withdrawn_by",
			"withdrawn_at", "created_by"),
		Unchecked: map[string]string{"created_at": "when the requirement was made: shown, decides nothing"},
		Label:     "'yêu cầu năng lực ' || id || ' của ' || agency_code"},
	{Table: "competence_records", Key: []string{"id"},
		State: sinceAll(8, "agency_code", "user_id", "competence_id", "course", "certificate_no", "issuer", "obtained_on", "expires_on",
			"evidence_sha256", "evidence_name", "evidence_type", "evidence_size", "revoked", "revoked_reason", "revoked_by", "revoked_at", "created_by"),
		Unchecked: map[string]string{"created_at": "when the record was made: shown, decides nothing"},
		Label:     "'hồ sơ năng lực ' || id || ' của ' || COALESCE((SELECT username FROM users WHERE id = user_id), '?')"},
	// The agency's declaration of its ISO system's scope (công bố hệ
	// thống quản lý chất lượng phù hợp TCVN ISO 9001:2015).
	{Table: "declarations", Key: []string{"id"},
		State: sinceAll(8, "agency_code", "number", "decided_on", "signed_by", "tthc_codes", "processes", "file_sha256", "file_name", "file_type",
			"file_size", "note", "created_by", "superseded_at", "superseded_by"),
		Unchecked: map[string]string{"created_at": "when the declaration was recorded: shown, decides nothing"},
		Label:     "'quyết định công bố ' || number || ' của ' || agency_code"},
	// External providers (8.4), their evaluations and the nonconformities
	// raised on them.
	{Table: "providers", Key: []string{"id"},
		State: sinceAll(8, "agency_code", "name", "service", "contract_ref", "contact", "criteria_json", "period_months", "status", "status_reason",
			"status_by", "status_at", "created_by"),
		Unchecked: map[string]string{"created_at": "when the provider was recorded: shown, decides nothing"},
		Label:     "'nhà cung cấp ' || name || ' của ' || agency_code"},
	{Table: "provider_evaluations", Key: []string{"id"},
		State:     sinceAll(8, "provider_id", "evaluated_on", "scores_json", "result", "evaluator", "note"),
		Unchecked: map[string]string{"created_at": "when the evaluation was recorded: shown, decides nothing"},
		Label:     "'lần đánh giá nhà cung cấp ' || id || ' (' || COALESCE((SELECT name FROM providers WHERE id = provider_id), '?') || ')'"},
	{Table: "provider_ncs", Key: []string{"provider_id", "nc_id"},
		State: sinceAll(8, "linked_by", "linked_at"),
		Label: "'sự không phù hợp ' || COALESCE((SELECT code FROM nonconformities WHERE id = nc_id), '?') || ' của nhà cung cấp ' || COALESCE((SELECT name FROM providers WHERE id = provider_id), '?')"},
	// A form's code is what a flowchart's step names to ask for it, and
	// its procedure what it belongs to.
	{Table: "forms", Key: []string{"id"},
		State:     sinceAll(8, "agency_code", "code", "title", "kind", "procedure_id", "legal_basis", "purpose", "merged_from"),
		Unchecked: map[string]string{"created_at": "when the form was made: shown, decides nothing"},
		Label:     "'biểu mẫu ' || code || ' của ' || agency_code"},
	// What a merger or a split left behind: an old code of a TTHC,
	// procedure or form leads to its new one, a moved dossier's code to
	// the agency that holds it now (the public lookup follows it).
	{Table: "merged_codes", Key: []string{"agency_code", "kind", "from_agency", "old_code"},
		State: sinceAll(8, "new_code", "merged_at"),
		Label: "'mã cũ ' || old_code || ' (' || kind || ') của ' || from_agency || ' sang ' || agency_code"},
	{Table: "dossier_moves", Key: []string{"agency_code", "code"},
		State: sinceAll(8, "moved_to", "moved_at"),
		Label: "'hồ sơ ' || code || ' chuyển từ ' || agency_code"},
	// Citizens' answers to the satisfaction survey (SIPAS): the public
	// figure of satisfaction. One per returned dossier, many in a
	// province: read row by row by a whole verification only.
	{Table: "satisfaction_responses", Key: []string{"id"},
		State: sinceAll(8, "agency_code", "dossier_id", "tthc_code", "questionnaire", "answers_json", "comment", "submitted_at"),
		Label: "'phiếu khảo sát ' || id || ' của ' || agency_code", Bulk: true},
	// Citizens' feedback (phản ánh, kiến nghị) is many in a province:
	// read row by row by a whole verification only.
	{Table: "feedback", Key: []string{"id"},
		State: sinceAll(8, "agency_code", "code", "name", "contact", "content", "dossier_code", "status", "ip_hash", "received_at",
			"assigned_to", "assigned_by", "assigned_at", "answer", "answered_by", "answered_at", "published_by", "published_at"),
		Label: "'phản ánh, kiến nghị ' || code || ' của ' || agency_code", Bulk: true},
}

// sinceAll are state columns all covered since version.
func sinceAll(version int, names ...string) []StateColumn {
	out := make([]StateColumn, len(names))
	for i, n := range names {
		out[i] = StateColumn{n, version}
	}
	return out
}

// RowSourceAt is a RowSource that also hashes a row as an older
// RowStateVersion did, without the state columns covered since.
type RowSourceAt interface {
	RowSource
	// QueryAt lists the rows in key order for ScanRowAt.
	QueryAt() string
	// ScanRowAt reads one row of QueryAt and returns its key, its hash at
	// version and its hash now.
	ScanRowAt(r Row, version int) (key, then, now string, err error)
}

// RecordedStates folds the row states of the whole trail, oldest first,
// into the newest recorded state of each row (not verifying the chain:
// `qms audit verify` does).
func RecordedStates(ctx context.Context, q Querier) (*qms.RowStates, error) {
	rows, err := q.Query(ctx, `SELECT row_states FROM audit_log WHERE row_states IS NOT NULL ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := qms.NewRowStates()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		var e qms.AuditEntry
		if e.Rows, err = qms.ParseRowStates(s); err != nil {
			return nil, fmt.Errorf("recorded row states: %w", err)
		}
		out.Record(&e)
	}
	return out, rows.Err()
}

// StillAsRecorded lists, for the move of sources to a new version, the
// rows whose state as the version before hashed it is the state the
// trail last recorded: those whose state now is to be recorded. A row
// recorded already with its state now needs nothing; any other row
// (never recorded, or changed outside the application before the
// upgrade) is left as it is, for verification to name. The rows of a
// table the version starts covering were never recorded: the trail
// vouches for them otherwise (newlyCovered).
func StillAsRecorded[S RowSourceAt](ctx context.Context, q Querier, sources []S, version int) ([][2]string, error) {
	recorded, err := RecordedStates(ctx, q)
	if err != nil {
		return nil, err
	}
	var out [][2]string
	for _, s := range sources {
		if coveredSince(s.Table()) >= version {
			// Covered from this version on (newlyCovered) or a later
			// one: the trail recorded none of its rows, and a later
			// version's columns need not exist yet.
			continue
		}
		rows, err := q.Query(ctx, s.QueryAt())
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			key, then, now, err := s.ScanRowAt(rows, version-1)
			if err != nil {
				rows.Close()
				return nil, err
			}
			was, sameThen := recorded.Matches(s.Table(), key, then)
			if _, sameNow := recorded.Matches(s.Table(), key, now); was && sameThen && !sameNow {
				out = append(out, [2]string{s.Table(), key})
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	if vouch := newlyCovered[version]; vouch != nil || asFound[version] {
		more, err := newlyCoveredRows(ctx, q, sources, version)
		if err != nil {
			return nil, err
		}
		// A table the trail already covers had this upgrade before: run
		// again (its migration's row deleted, its triggers dropped with
		// the file), it would record as found a row changed, added or
		// deleted outside the application since.
		//
		// The version's tables go together: one the trail covers tells
		// that the upgrade ran, and a table it found empty is covered by
		// none of its entries until the application writes it (outsider
		// pass 22 laundered an agency's clock mode this way).
		if slices.ContainsFunc(more, func(k [2]string) bool { return recorded.Covers(k[0]) }) {
			return out, nil
		}
		out = append(out, more...)
	}
	return out, nil
}

// coveredSince is the RowStateVersion that started covering table: that
// of its first state column; 0 for a table whose state is its key alone
// (covered since the migration that made it).
func coveredSince(table string) int {
	for _, t := range SecurityTables {
		if t.Table == table && len(t.State) > 0 {
			return slices.MinFunc(t.State, func(a, b StateColumn) int { return a.Since - b.Since }).Since
		}
	}
	return 0
}

// newlyCovered finds, for a version that starts covering a table, the
// rows of it the trail vouches for.
var newlyCovered = map[int]func(ctx context.Context, q Querier) ([][2]string, error){
	2: SignaturesAsSigned, 3: trustRowsAsAudited, 4: ProcedureLinksAsAudited, 5: dossiersAsFound,
}

// asFound are the versions that record every row of the tables they
// start covering as found at the upgrade: the trail before carries no
// state of those rows (7: the clock's inputs, 8: the ISO records).
var asFound = map[int]bool{7: true, 8: true}

// newlyCoveredRows are the rows of the tables version starts covering
// that the trail vouches for: newlyCovered's, or with asFound every row
// of them, keyed as sources read them.
func newlyCoveredRows[S RowSourceAt](ctx context.Context, q Querier, sources []S, version int) ([][2]string, error) {
	if vouch := newlyCovered[version]; vouch != nil {
		return vouch(ctx, q)
	}
	var out [][2]string
	for _, s := range sources {
		if coveredSince(s.Table()) != version {
			continue
		}
		err := eachRow(ctx, q, s.Query(), func(r Row) error {
			key, _, _, err := s.ScanRow(r)
			out = append(out, [2]string{s.Table(), key})
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// SignaturesAsSigned lists the signatures whose row is, column for
// column, the signature its signature.sign entry recorded; a signature
// written or changed outside the application is not among them.
func SignaturesAsSigned(ctx context.Context, q Querier) ([][2]string, error) {
	rows, err := q.Query(ctx, `SELECT after_json FROM audit_log WHERE action = 'signature.sign' AND after_json IS NOT NULL`)
	if err != nil {
		return nil, err
	}
	signed := map[int64]qms.Signature{}
	for rows.Next() {
		var s string
		var sig qms.Signature
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return nil, err
		}
		if json.Unmarshal([]byte(s), &sig) == nil && sig.ID != 0 {
			if sig.ContentVersion == 0 {
				sig.ContentVersion = 1 // written before content versions
			}
			signed[sig.ID] = sig
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.Query(ctx, `SELECT id, object_type, object_id, content_sha256, content_version, user_id, username, full_name, title, meaning, signed_at FROM signatures ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var sig qms.Signature
		var at string
		if err := rows.Scan(&sig.ID, &sig.ObjectType, &sig.ObjectID, &sig.ContentSHA256, &sig.ContentVersion, &sig.UserID, &sig.Username,
			&sig.FullName, &sig.Title, &sig.Meaning, &at); err != nil {
			return nil, err
		}
		want, ok := signed[sig.ID]
		if ok && FormatTime(want.SignedAt) == at {
			want.SignedAt, want.Current = time.Time{}, false
			if want == sig {
				out = append(out, [2]string{"signatures", fmt.Sprintf("[%d]", sig.ID)})
			}
		}
	}
	return out, rows.Err()
}

// BaselineRows bounds the rows one baseline entry records: a province's
// signatures are hundreds of thousands, its dossiers a million. Every
// verification reads each entry's row states as one string: at some 90
// bytes a row, 300 keep it within the collector's small objects, where
// entries of 10,000 (a megabyte each) grew the server's heap by some 70
// MB at each compliance scan.
const BaselineRows = 300

// RecordBaselineKeys has audit entries (audit.baseline, at most
// BaselineRows rows each) record the rows keys names (StillAsRecorded) as
// they are now: exec runs a statement and audit writes an entry, both in
// the migration's transaction of either store.
func RecordBaselineKeys(ctx context.Context, keys [][2]string, version int,
	exec func(ctx context.Context, query string, args ...any) error,
	audit func(ctx context.Context, agency, action, objectType, objectID string, before, after any, reason string) error) error {
	for len(keys) > 0 {
		n := min(len(keys), BaselineRows)
		for _, k := range keys[:n] {
			if err := exec(ctx, `INSERT INTO row_changes (tbl, row_key) VALUES (?, ?)`, k[0], k[1]); err != nil {
				return err
			}
		}
		if err := audit(ctx, qms.SystemAgencyCode, "audit.baseline", "audit_log", "row_states", nil,
			map[string]int{"rows": n, "version": version}, RebaselineReasons[version]); err != nil {
			return err
		}
		keys = keys[n:]
	}
	return nil
}

// HashRowAt is the hash of a row's state values (in SecurityTable.State
// order, since giving each column's StateColumn.Since) as version
// covered them: the columns covered later are left out. A row without
// state columns (a membership) hashes its key alone.
func HashRowAt(table, key string, vals []*string, since []int, version int) string {
	var covered []*string
	for i, v := range vals {
		if since[i] <= version {
			covered = append(covered, v)
		}
	}
	return qms.HashRowState(table, key, covered)
}
