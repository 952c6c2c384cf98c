package postgres

import "isodt/qms"

// The services this store implements so far; the compiler holds it to
// each.
var (
	_ qms.AgencyService = (*DB)(nil)
	_ qms.UserService   = (*DB)(nil)
	_ qms.AuthService   = (*DB)(nil)
	_ qms.AuditService  = (*DB)(nil)
	_ qms.ChangeFeed    = (*DB)(nil)

	_ qms.NotificationService = (*DB)(nil)
	_ qms.ObjectiveService    = (*DB)(nil)
	_ qms.NCService           = (*DB)(nil)
	_ qms.RiskService         = (*DB)(nil)

	_ qms.InternalAuditService = (*DB)(nil)
	_ qms.ContextService       = (*DB)(nil)
	_ qms.ProviderService      = (*DB)(nil)
)

// NotYetPorted names, in the words an operator reads, what `qms serve`
// and the CLI need that this store does not implement yet. cmd/qms
// refuses a postgres:// database while it is not empty, rather than run
// half a product; each port removes its line.
var NotYetPorted = []string{
	"trạng thái kiểm soát ISO của thủ tục (ProcedureService.ControlStatuses, cần biểu mẫu); phê duyệt phiên bản quy trình (cần phân phối tài liệu), ký số khi trình hoặc duyệt và lưu đồ ghi trên biểu mẫu (quy trình, phiên bản, lưu đồ và tìm kiếm quy trình đã có)",
	"biểu mẫu và hồ sơ biểu mẫu (FormService; tệp đính kèm PutFile/GetFile đã có)",
	"hồ sơ một cửa và các bước xử lý, ủy quyền bước (DossierService)",
	"kiểm tra tuân thủ và gửi thông báo qua thư điện tử (ComplianceService, PendingEmails)",
	"sự không phù hợp lập từ phát hiện, hồ sơ hoặc đánh giá nội bộ và ký điện tử phiếu (NCService), sổ rủi ro và cơ hội (RiskService): cần kiểm tra tuân thủ, hồ sơ, đánh giá nội bộ và chữ ký",
	"đo kết quả mục tiêu chất lượng (cần hồ sơ), phản hồi (FeedbackService)",
	"danh mục kiểm tra đánh giá nội bộ và ký báo cáo đánh giá (cần quy trình, hồ sơ, chữ ký), xem xét của lãnh đạo (ReviewService)",
	"sao lưu (qms backup: dùng pg_dump) và dữ liệu mẫu (qms demo)",
	"sáp nhập, chia tách đơn vị; tuyên bố phù hợp; năng lực; phân phối tài liệu; chữ ký; khảo sát sự hài lòng",
}
