package demo

import (
	"math/rand"
	"strings"
	"unicode"

	"isodt/qms"
)

// department is an agency of the demo province with the fields (lĩnh
// vực) and objects its TTHC are named from.
type department struct {
	code, name string
	fields     []string
	objects    []string
}

// departments are the agencies of a province, in the order they are
// created: the small scale takes the first alone.
var departments = []department{
	{"SVHTT", "Sở Văn hóa, Thể thao và Du lịch", []string{"Văn hóa", "Du lịch", "Thể dục thể thao", "Gia đình", "Nghệ thuật biểu diễn", "Mỹ thuật"},
		[]string{"kinh doanh dịch vụ karaoke", "tổ chức biểu diễn nghệ thuật", "điểm du lịch", "cơ sở lưu trú du lịch",
			"hoạt động thể thao", "triển lãm mỹ thuật", "tổ chức lễ hội", "câu lạc bộ thể thao", "cơ sở hỗ trợ nạn nhân bạo lực gia đình"}},
	{"STP", "Sở Tư pháp", []string{"Hộ tịch", "Lý lịch tư pháp", "Công chứng", "Luật sư", "Đấu giá tài sản"},
		[]string{"phiếu lý lịch tư pháp", "văn phòng công chứng", "tổ chức hành nghề luật sư", "tổ chức đấu giá tài sản", "trung tâm trọng tài", "thay đổi hộ tịch có yếu tố nước ngoài"}},
	{"SYT", "Sở Y tế", []string{"Khám bệnh, chữa bệnh", "Dược phẩm", "An toàn thực phẩm", "Y tế dự phòng"},
		[]string{"chứng chỉ hành nghề khám bệnh, chữa bệnh", "phòng khám đa khoa", "nhà thuốc", "cơ sở bán lẻ thuốc", "cơ sở đủ điều kiện an toàn thực phẩm", "quảng cáo mỹ phẩm"}},
	{"SXD", "Sở Xây dựng", []string{"Hoạt động xây dựng", "Nhà ở", "Quy hoạch xây dựng", "Vật liệu xây dựng"},
		[]string{"giấy phép xây dựng công trình", "chứng chỉ hành nghề hoạt động xây dựng", "năng lực hoạt động xây dựng", "thiết kế xây dựng", "nhà ở xã hội", "quy hoạch chi tiết"}},
	{"STNMT", "Sở Tài nguyên và Môi trường", []string{"Đất đai", "Môi trường", "Tài nguyên nước", "Khoáng sản"},
		[]string{"quyền sử dụng đất", "giấy phép môi trường", "khai thác nước dưới đất", "thăm dò khoáng sản", "chuyển mục đích sử dụng đất", "báo cáo đánh giá tác động môi trường"}},
	{"SGDDT", "Sở Giáo dục và Đào tạo", []string{"Giáo dục trung học", "Giáo dục mầm non", "Văn bằng, chứng chỉ", "Giáo dục thường xuyên"},
		[]string{"trường trung học phổ thông tư thục", "trung tâm ngoại ngữ, tin học", "bản sao văn bằng, chứng chỉ", "hoạt động dạy thêm, học thêm", "trường mầm non tư thục", "du học tự túc"}},
	{"SKHDT", "Sở Kế hoạch và Đầu tư", []string{"Thành lập và hoạt động doanh nghiệp", "Đầu tư tại Việt Nam", "Hợp tác xã"},
		[]string{"doanh nghiệp tư nhân", "công ty trách nhiệm hữu hạn", "chủ trương đầu tư dự án", "hợp tác xã", "địa điểm kinh doanh", "chi nhánh doanh nghiệp"}},
	{"SCT", "Sở Công Thương", []string{"Lưu thông hàng hóa", "Điện", "Hóa chất", "Xúc tiến thương mại"},
		[]string{"kinh doanh xăng dầu", "bán lẻ rượu", "hoạt động điện lực", "sản xuất hóa chất", "chương trình khuyến mại", "hội chợ, triển lãm thương mại"}},
	{"SNNPTNT", "Sở Nông nghiệp và Phát triển nông thôn", []string{"Trồng trọt", "Chăn nuôi", "Thủy sản", "Lâm nghiệp", "Thú y"},
		[]string{"buôn bán thuốc bảo vệ thực vật", "cơ sở chăn nuôi", "tàu cá", "khai thác gỗ rừng trồng", "hành nghề thú y", "cơ sở sản xuất giống thủy sản"}},
	{"SGTVT", "Sở Giao thông vận tải", []string{"Đường bộ", "Đường thủy nội địa", "Đăng kiểm"},
		[]string{"giấy phép lái xe", "kinh doanh vận tải bằng xe ô tô", "phù hiệu xe ô tô", "bến thủy nội địa", "cơ sở đào tạo lái xe", "thi công công trình trên đường bộ"}},
	{"SLDTBXH", "Sở Lao động - Thương binh và Xã hội", []string{"Việc làm", "Người có công", "Bảo trợ xã hội", "Giáo dục nghề nghiệp"},
		[]string{"giấy phép lao động cho người nước ngoài", "trợ cấp người có công", "cơ sở trợ giúp xã hội", "dịch vụ việc làm", "cho thuê lại lao động", "cơ sở giáo dục nghề nghiệp"}},
	{"STTTT", "Sở Thông tin và Truyền thông", []string{"Báo chí", "Xuất bản, in và phát hành", "Viễn thông và Internet"},
		[]string{"xuất bản bản tin", "hoạt động in", "trang thông tin điện tử tổng hợp", "mạng viễn thông dùng riêng", "trò chơi điện tử trên mạng", "nhập khẩu xuất bản phẩm"}},
	{"SNV", "Sở Nội vụ", []string{"Tổ chức phi chính phủ", "Thi đua, khen thưởng", "Tín ngưỡng, tôn giáo", "Văn thư, lưu trữ"},
		[]string{"hội có phạm vi hoạt động trong tỉnh", "quỹ xã hội, quỹ từ thiện", "hoạt động tôn giáo", "chứng chỉ hành nghề lưu trữ", "danh hiệu thi đua", "hoạt động tín ngưỡng"}},
	{"STC", "Sở Tài chính", []string{"Quản lý giá", "Quản lý công sản", "Tài chính ngân sách"},
		[]string{"hiệp thương giá", "mã số đơn vị có quan hệ với ngân sách", "xử lý tài sản công", "quyết toán dự án hoàn thành", "bán tài sản công", "kê khai giá"}},
	{"SKHCN", "Sở Khoa học và Công nghệ", []string{"Tiêu chuẩn, đo lường, chất lượng", "An toàn bức xạ", "Hoạt động khoa học và công nghệ"},
		[]string{"kiểm định phương tiện đo", "tiến hành công việc bức xạ", "tổ chức khoa học và công nghệ", "chuyển giao công nghệ", "công bố hợp chuẩn", "sáng kiến"}},
	{"SNGV", "Sở Ngoại vụ", []string{"Hợp tác quốc tế", "Lãnh sự"},
		[]string{"hội nghị, hội thảo quốc tế", "tiếp nhận viện trợ phi chính phủ nước ngoài", "thẻ đi lại của doanh nhân APEC", "đoàn ra", "đoàn vào", "thỏa thuận quốc tế"}},
	{"BQLKKT", "Ban Quản lý các khu kinh tế", []string{"Đầu tư", "Xây dựng", "Lao động", "Thương mại"},
		[]string{"dự án đầu tư trong khu công nghiệp", "công trình trong khu kinh tế", "nội quy lao động", "giấy chứng nhận xuất xứ hàng hóa", "văn phòng đại diện", "hợp đồng gia công"}},
	{"BDT", "Ban Dân tộc", []string{"Công tác dân tộc"},
		[]string{"người có uy tín trong đồng bào dân tộc thiểu số", "dự án hỗ trợ phát triển kinh tế - xã hội vùng dân tộc", "thôn đặc biệt khó khăn", "chính sách hỗ trợ học sinh dân tộc thiểu số", "kế hoạch công tác dân tộc", "danh sách xã khu vực III"}},
	{"UBNDTP", "Ủy ban nhân dân thành phố", []string{"Hộ tịch", "Đất đai", "Thành lập và hoạt động hộ kinh doanh", "Chứng thực"},
		[]string{"hộ kinh doanh", "kết hôn có yếu tố nước ngoài", "quyền sử dụng đất lần đầu", "bản sao từ bản chính", "thay đổi, cải chính hộ tịch", "nhà ở riêng lẻ"}},
	{"UBNDTX", "Ủy ban nhân dân thị xã", []string{"Hộ tịch", "Đất đai", "Thành lập và hoạt động hộ kinh doanh", "Chứng thực"},
		[]string{"hộ kinh doanh", "khai sinh có yếu tố nước ngoài", "quyền sử dụng đất lần đầu", "chữ ký trong giấy tờ, văn bản", "hợp đồng, giao dịch", "nhà ở riêng lẻ"}},
}

var verbs = []string{"Cấp giấy phép", "Cấp giấy chứng nhận", "Công nhận", "Đăng ký", "Thẩm định", "Gia hạn giấy phép"}

var roleName = map[qms.Role]string{qms.RoleAdmin: "Quản trị", qms.RoleQualityOfficer: "Cán bộ ISO", qms.RoleLeader: "Lãnh đạo", qms.RoleStaff: "Chuyên viên", qms.RoleAuditor: "Đánh giá viên"}

var family = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"}
var given = []string{"Văn An", "Thị Bình", "Minh Châu", "Quốc Dũng", "Thu Hà", "Đức Huy", "Thị Lan", "Hoàng Nam"}

func applicant(rng *rand.Rand) string {
	return family[rng.Intn(len(family))] + " " + given[rng.Intn(len(given))]
}

func lowerFirst(s string) string {
	r := []rune(s)
	if len(r) > 0 {
		r[0] = unicode.ToLower(r[0])
	}
	return string(r)
}

func toLower(s string) string { return strings.ToLower(s) }
