package sqlite_test

import (
	"time"

	"isodt/qms"
)

func sampleTTHC() []qms.TTHC {
	pub, _ := time.Parse("2006-01-02", "2024-03-15")
	return []qms.TTHC{
		{Code: "1.000001", Name: "Cấp giấy phép kinh doanh dịch vụ karaoke", Field: "Văn hóa", TimeLimitDays: 5, Fee: "4.000.000", PublishedOn: pub},
		{Code: "1.000004", Name: "Công nhận điểm du lịch", Field: "Du lịch", TimeLimitDays: 30, PublishedOn: pub},
		{Code: "1.000009", Name: "Đăng ký tổ chức lễ hội", Field: "Văn hóa", TimeLimitDays: 15},
	}
}
