package web

// Agency kinds of the two-level local government and the figures of
// merged predecessors under their successor (issue #16 item 2).
var agencyKindTexts = []pageText{
	{"agency.kind", "Loại đơn vị", "Kind of agency"},
	{"agency.kind.ubnd_tinh", "UBND tỉnh, thành phố", "Provincial People's Committee"},
	{"agency.kind.so_nganh", "Sở, ban, ngành", "Provincial department or board"},
	{"agency.kind.ubnd_xa", "UBND xã, phường, đặc khu", "Commune, ward or special zone People's Committee"},
	{"agency.kind.truc_thuoc", "Đơn vị trực thuộc", "Subordinate unit"},
	{"agency.kind.ubnd_huyen", "UBND huyện, quận, thị xã, thành phố thuộc tỉnh (trước 01/7/2025)", "District People's Committee (before 1 July 2025)"},
	{"agency.kind.phong_huyen", "Phòng chuyên môn thuộc UBND cấp huyện (trước 01/7/2025)", "District office (before 1 July 2025)"},
	{"agency.placed_by_sys", "Chỉ quản trị hệ thống chuyển đơn vị sang cấp trên khác và đổi loại đơn vị.", "Only the system administrator moves an agency under another parent or changes its kind."},
	{"agency.new_subunit_only", "Bạn tạo đơn vị trực thuộc đơn vị mình; sở, ban, ngành, UBND tỉnh và UBND xã do quản trị hệ thống tạo.", "You create subordinate units of your agency; departments and the provincial and commune People's Committees are created by the system administrator."},
	{"agency.predecessors", "Đơn vị đã sáp nhập vào đơn vị này", "Agencies merged into this one"},
	{"merged.includes", "Gồm số liệu của", "Includes the figures of"},
	{"merged.merged_on", "đã sáp nhập ngày", "merged on"},
	{"merged.own", "Số liệu của đơn vị", "This agency's own figures"},
	{"merged.merged", "đã sáp nhập", "merged"},
	{"merged.total", "Tổng cộng, gồm đơn vị đã sáp nhập", "Total, merged agencies included"},
}

func init() { addPageTexts(dictionaries, agencyKindTexts) }
