package web

import (
	"reflect"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
	"isodt/qms/flowchart"
)

// apiDocs describes each API route for the OpenAPI file: a summary and
// the Go types of the request and response bodies, from which the schemas
// are derived, so the document cannot drift from the code's field names.
var apiDocs = map[string]struct {
	Summary       string
	Request, Resp any
}{
	"POST /api/v1/auth/token":                                  {"Đổi tên đăng nhập và mật khẩu lấy mã truy cập API", tokenRequest{}, map[string]string{}},
	"GET /api/v1/me":                                           {"Người dùng hiện tại, đơn vị đang làm việc và vai trò", nil, map[string]any{}},
	"POST /api/v1/me/password":                                 {"Đổi mật khẩu của chính mình (current_password, new_password); mọi phiên và mã truy cập của tài khoản, kể cả mã đang dùng, hết hiệu lực", passwordRequest{}, map[string]any{}},
	"GET /api/v1/agencies":                                     {"Danh sách đơn vị trong phạm vi", nil, []qms.Agency{}},
	"POST /api/v1/agencies":                                    {"Thêm đơn vị (quản trị đơn vị: đơn vị trực thuộc, kind truc_thuoc, dưới đơn vị trong phạm vi; tên không trùng đơn vị đang hoạt động)", agencyRequest{}, qms.Agency{}},
	"GET /api/v1/agencies/{code}":                              {"Một đơn vị", nil, qms.Agency{}},
	"GET /api/v1/users":                                        {"Danh sách người dùng trong phạm vi", nil, []qms.User{}},
	"POST /api/v1/users":                                       {"Thêm người dùng với một vai trò", userRequest{}, qms.User{}},
	"GET /api/v1/users/{id}":                                   {"Một người dùng", nil, qms.User{}},
	"GET /api/v1/audit-log":                                    {"Nhật ký hệ thống: đơn vị đang làm việc, đơn vị trực thuộc và đơn vị đã sáp nhập vào (merged_into) (lọc: actor, action, object_type, object_id, agency, from, to dd/mm/yyyy, page)", nil, []qms.AuditEntry{}},
	"GET /api/v1/audit":                                        {"Nhật ký hệ thống: tên cũ của /api/v1/audit-log, giữ để tương thích", nil, []qms.AuditEntry{}},
	"GET /api/v1/tthc":                                         {"Danh mục thủ tục hành chính của đơn vị", nil, []qms.TTHC{}},
	"GET /api/v1/tthc/status":                                  {"Tình trạng kiểm soát ISO của từng thủ tục (lọc: status, field, q)", nil, []qms.Control{}},
	"POST /api/v1/tthc/import":                                 {"Nhập danh mục CSV/XLSX (multipart 'file' hoặc thân yêu cầu với ?name=): tất cả hoặc không", nil, map[string]int{}},
	"GET /api/v1/search":                                       {"Tìm thủ tục và quy trình, không phân biệt dấu (q)", nil, []qms.SearchHit{}},
	"GET /api/v1/procedures":                                   {"Danh sách quy trình nội bộ (lọc: tthc)", nil, []qms.Procedure{}},
	"POST /api/v1/procedures":                                  {"Tạo quy trình nội bộ", procedureRequest{}, qms.Procedure{}},
	"GET /api/v1/procedures/{id}":                              {"Quy trình và các lần ban hành", nil, qms.Procedure{}},
	"PUT /api/v1/procedures/{id}":                              {"Sửa thông tin quy trình (mục không gửi giữ nguyên)", procedureUpdate{}, qms.Procedure{}},
	"POST /api/v1/procedures/{id}/versions":                    {"Soạn lần ban hành mới (dự thảo)", nil, qms.ProcedureVersion{}},
	"GET /api/v1/procedures/{id}/versions/{n}":                 {"Một lần ban hành, kèm kết quả kiểm tra lưu đồ", nil, qms.ProcedureVersion{}},
	"PUT /api/v1/procedures/{id}/versions/{n}":                 {"Lưu dự thảo (các mục và lưu đồ)", versionRequest{}, qms.ProcedureVersion{}},
	"POST /api/v1/procedures/{id}/versions/{n}/bpmn":           {"Nhập lưu đồ từ tệp BPMN 2.0 (thân yêu cầu; ?participant=; khi tệp có nhiều pool: 400 kèm participants [{id, name, steps}])", nil, map[string]any{}},
	"POST /api/v1/procedures/{id}/versions/{n}/submit":         {"Trình duyệt", actionRequest{}, qms.ProcedureVersion{}},
	"POST /api/v1/procedures/{id}/versions/{n}/approve":        {"Phê duyệt (người soạn không tự duyệt)", actionRequest{}, qms.ProcedureVersion{}},
	"POST /api/v1/procedures/{id}/versions/{n}/reject":         {"Trả lại dự thảo, kèm lý do", actionRequest{}, qms.ProcedureVersion{}},
	"POST /api/v1/procedures/{id}/versions/{n}/withdraw":       {"Thu hồi, kèm lý do", actionRequest{}, qms.ProcedureVersion{}},
	"GET /api/v1/procedures/{id}/versions/{n}/flowchart.{ext}": {"Lưu đồ dạng svg, bpmn hoặc mmd", nil, nil},
	"GET /api/v1/forms":                                        {"Biểu mẫu của đơn vị và biểu mẫu chuẩn", nil, []qms.Form{}},
	"GET /api/v1/forms/{id}":                                   {"Một biểu mẫu và các phiên bản (lược đồ trường, tệp mẫu)", nil, qms.Form{}},
	"GET /api/v1/forms/{id}/versions/{n}/template":             {"Tải tệp mẫu (đúng từng byte đã lưu)", nil, nil},
	"GET /api/v1/findings":                                     {"Phát hiện kiểm tra tuân thủ (lọc: rule, severity, open=0|1)", nil, []qms.Finding{}},
	"POST /api/v1/checks/run":                                  {"Chạy kiểm tra tuân thủ ngay (rule tùy chọn)", checkRequest{}, qms.CheckResult{}},
	"GET /api/v1/jobs":                                         {"Các tác vụ định kỳ, lịch, lần chạy tới và lịch sử", nil, map[string]any{}},
	"POST /api/v1/jobs/{name}/run":                             {"Chạy một tác vụ ngay", nil, qms.JobRun{}},
	"GET /api/v1/nonconformities":                              {"Sự không phù hợp của đơn vị", nil, []qms.Nonconformity{}},
	"POST /api/v1/nonconformities":                             {"Lập phiếu sự không phù hợp (nguồn: audit, finding, late_dossier, complaint, other)", ncRequest{}, qms.Nonconformity{}},
	"GET /api/v1/nonconformities/{id}":                         {"Một sự không phù hợp và kế hoạch khắc phục", nil, qms.Nonconformity{}},
	"POST /api/v1/nonconformities/{id}/actions":                {"Thêm hành động khắc phục (người phụ trách, hạn)", actionInput{}, qms.Nonconformity{}},
	"POST /api/v1/nonconformities/{id}/actions/{aid}/done":     {"Hoàn thành hành động khắc phục, kèm kết quả (result; reason là tên cũ)", actionDoneRequest{}, qms.Nonconformity{}},
	"POST /api/v1/nonconformities/{id}/status":                 {"Bắt đầu khắc phục (start), đánh giá hiệu lực (verify + verdict), đóng (close)", ncChangeRequest{}, qms.Nonconformity{}},
	"GET /api/v1/audits/plans":                                 {"Kế hoạch đánh giá nội bộ của đơn vị", nil, []qms.AuditPlan{}},
	"GET /api/v1/audits/plans/{id}":                            {"Một kế hoạch đánh giá với danh mục kiểm tra và kết quả", nil, qms.AuditPlan{}},
	"GET /api/v1/reviews":                                      {"Các cuộc họp xem xét của lãnh đạo", nil, []qms.ManagementReview{}},
	"GET /api/v1/reviews/{id}":                                 {"Một cuộc họp xem xét: đầu vào, biên bản, quyết định", nil, qms.ManagementReview{}},
	"GET /api/v1/objectives":                                   {"Mục tiêu chất lượng của đơn vị (lọc: year, withdrawn=1)", nil, []qms.Objective{}},
	"POST /api/v1/objectives":                                  {"Đặt mục tiêu chất lượng (measure: timely_rate|late_rate, period: quarter|year, target %)", objectiveRequest{}, qms.Objective{}},
	"GET /api/v1/objectives/status":                            {"Kết quả từng kỳ của mỗi mục tiêu trong năm (year): met, not_met, no_data", nil, objectiveStatusResponse{}},
	"GET /api/v1/feedback":                                     {"Phản ánh, kiến nghị của đơn vị (lọc: status)", nil, []qms.Feedback{}},
	"POST /api/v1/feedback/{id}/assign":                        {"Giao phản ánh cho người xử lý thuộc đơn vị", assignRequest{}, qms.Feedback{}},
	"POST /api/v1/feedback/{id}/answer":                        {"Trả lời phản ánh (sửa được đến khi công khai)", answerRequest{}, qms.Feedback{}},
	"POST /api/v1/feedback/{id}/publish":                       {"Công khai câu trả lời (không kèm họ tên, liên hệ của người gửi)", nil, qms.Feedback{}},
	"GET /api/v1/tasks":                                        {"Các bước hồ sơ đang chờ vai trò của người gọi hoặc được ủy quyền cho người đó (delegated_by), quá hạn trước", nil, []qms.Task{}},
	"GET /api/v1/dossiers":                                     {"Danh sách hồ sơ (lọc: status, code, tthc, overdue=1, page)", nil, []qms.Dossier{}},
	"POST /api/v1/dossiers":                                    {"Tiếp nhận hồ sơ: ghim quy trình đang hiệu lực, tính hạn theo ngày làm việc (code tùy chọn: mã đơn vị, \"-\" và phần đuôi 1–40 ký tự A-Z, 0-9, \"-\"; duy nhất trong đơn vị). Header Idempotency-Key: gửi lại cùng khóa trong 24 giờ trả về hồ sơ đã tạo lần đầu (Idempotent-Replayed: true)", receiveRequest{}, dossierJSON{}},
	"GET /api/v1/dossiers/{code}":                              {"Một hồ sơ, kèm nhật ký các bước và các lần tạm dừng", nil, dossierJSON{}},
	"POST /api/v1/dossiers/{code}/steps":                       {"Hoàn thành một bước đang chờ (exit: hướng đã chọn ở bước quyết định); người có vai trò phụ trách bước thực hiện, người khác cần ủy quyền đã được người ủy quyền ghi nhận trước (POST …/delegations; delegated_by nếu có phải trùng người ủy quyền)", stepRequest{}, dossierJSON{}},
	"POST /api/v1/dossiers/{code}/delegations/{id}/revoke":     {"Thu hồi một ủy quyền chưa dùng (người đã ủy quyền hoặc lãnh đạo đơn vị)", nil, qms.StepDelegation{}},
	"POST /api/v1/dossiers/{code}/delegations":                 {"Ủy quyền một bước của hồ sơ cho người khác trong đơn vị (người có vai trò phụ trách bước hoặc lãnh đạo đơn vị; dùng một lần)", delegationRequest{}, qms.StepDelegation{}},
	"POST /api/v1/dossiers/{code}/pause":                       {"Tạm dừng chờ bổ sung hồ sơ (dừng đồng hồ)", reasonRequest{}, dossierJSON{}},
	"POST /api/v1/dossiers/{code}/resume":                      {"Tiếp tục giải quyết sau khi nhận bổ sung", nil, dossierJSON{}},
	"POST /api/v1/dossiers/{code}/complete":                    {"Trả kết quả (hoàn thành bước kết thúc); hồ sơ trễ cần phiếu xin lỗi trước", reasonRequest{}, dossierJSON{}},
	"POST /api/v1/dossiers/{code}/apology":                     {"Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu số 04): chỉ cho hồ sơ đã hoặc sẽ quá hạn, lập vào ngày làm việc, ngày hẹn mới là ngày làm việc", reasonRequest{}, dossierJSON{}},
	"GET /api/v1/reports/ontime":                               {"Số liệu giải quyết đúng hạn (from, to dd/mm/yyyy; group_by field|tthc)", nil, map[string]any{}},
}

var fiberParam = regexp.MustCompile(`:([a-z]+)`)

// openAPI serves an OpenAPI 3 document of every /api/v1 route.
// createdRoutes answer 201 Created (fiber.StatusCreated), the others 200.
var createdRoutes = map[string]bool{
	"POST /api/v1/auth/token": true, "POST /api/v1/agencies": true, "POST /api/v1/users": true,
	"POST /api/v1/dossiers": true, "POST /api/v1/dossiers/{code}/delegations": true,
	"POST /api/v1/nonconformities": true, "POST /api/v1/objectives": true, "POST /api/v1/risks": true,
	"POST /api/v1/procedures": true, "POST /api/v1/procedures/{id}/versions": true,
}

func (s *Server) openAPI(c *fiber.Ctx) error {
	paths := map[string]map[string]any{}
	keys := make([]string, 0, len(s.rules))
	for k := range s.rules {
		keys = append(keys, k)
	}
	keys = append(keys, "POST /api/v1/auth/token")
	sort.Strings(keys)
	for _, k := range keys {
		method, path, _ := strings.Cut(k, " ")
		if !strings.HasPrefix(path, "/api/v1/") {
			continue
		}
		oaPath := fiberParam.ReplaceAllString(path, "{$1}")
		doc := apiDocs[method+" "+oaPath]
		ok := "200"
		if createdRoutes[method+" "+oaPath] {
			ok = "201"
		}
		op := map[string]any{
			"summary": doc.Summary,
			"responses": map[string]any{
				ok:        map[string]any{"description": "OK", "content": jsonContent(doc.Resp)},
				"default": map[string]any{"description": "Lỗi", "content": jsonContent(apiError{})},
			},
		}
		if rule, ok := s.rules[k]; ok {
			op["security"] = []any{map[string]any{"bearer": []string{}}}
			op["x-permission"] = rule.Object + ":" + rule.Action
		}
		var params []any
		for _, m := range fiberParam.FindAllStringSubmatch(path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]string{"type": "string"}})
		}
		if params != nil {
			op["parameters"] = params
		}
		if doc.Request != nil {
			op["requestBody"] = map[string]any{"content": jsonContent(doc.Request)}
		}
		if paths[oaPath] == nil {
			paths[oaPath] = map[string]any{}
		}
		paths[oaPath][strings.ToLower(method)] = op
	}
	return c.JSON(map[string]any{
		"openapi": "3.0.3",
		"info":    map[string]any{"title": "ISO điện tử API", "version": "1"},
		"paths":   paths,
		"components": map[string]any{"securitySchemes": map[string]any{
			"bearer": map[string]any{"type": "http", "scheme": "bearer", "description": "POST /api/v1/auth/token hoặc qms token create"},
		}},
	})
}

func jsonContent(v any) map[string]any {
	if v == nil {
		return map[string]any{"application/octet-stream": map[string]any{}}
	}
	return map[string]any{"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(v), 0)}}
}

var timeType = reflect.TypeOf(time.Time{})

// schemaOf derives a JSON schema from a Go type and its json tags.
func schemaOf(t reflect.Type, depth int) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t == reflect.TypeOf(flowchart.Kind("")):
		return map[string]any{"type": "string", "enum": []string{"start", "task", "decision", "parallel", "end"}}
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int64, reflect.Int32:
		return map[string]any{"type": "integer"}
	case reflect.Float64, reflect.Float32:
		return map[string]any{"type": "number"}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "object"} // json.RawMessage
		}
		return map[string]any{"type": "array", "items": schemaOf(t.Elem(), depth+1)}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem(), depth+1)}
	case reflect.Interface:
		return map[string]any{}
	case reflect.Struct:
		if depth > 6 {
			return map[string]any{"type": "object"}
		}
		props := map[string]any{}
		addFields(t, props, depth)
		return map[string]any{"type": "object", "properties": props}
	}
	return map[string]any{}
}

func addFields(t reflect.Type, props map[string]any, depth int) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" {
			addFields(f.Type, props, depth)
			continue
		}
		if name == "" {
			name = f.Name
		}
		props[name] = schemaOf(f.Type, depth+1)
	}
}
