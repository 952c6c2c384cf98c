package importer_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"isodt/qms/importer"
)

const dossierHeader = "code,tthc_code,received_at,due_at,completed_at,status\n"

func TestParseDossierHistory(t *testing.T) {
	ict := time.FixedZone("+07", 7*60*60)
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, ict) }
	ptr := func(t time.Time) *time.Time { return &t }
	csv := dossierHeader +
		"HS-001,1.000001,2024-03-15T08:30:00+07:00,2024-03-22T17:00:00+07:00,2024-03-20T10:00:00+07:00,completed\n" +
		"hs-002,1.000002,2024-03-15T08:30,2024-03-22 17:00:00,2024-03-22T17:00,Completed\n" +
		"HS-003,1.000001,15/03/2024 08:30,22/03/2024 17:00,21/03/2024 09:15,Refused\n" +
		"HS-004,12.000001,2024-03-15,2024-03-15,2024-03-15,withdrawn\n" +
		"HS-005,1.000001,2024-03-15T01:30:00Z,2024-03-16,2024-03-15 08:30,withdrawn\n" +
		"HS-006,1.000001,2024-03-15 08:30,2024-03-22 08:30,2024-03-25 08:00,refused\n"
	want := []importer.DossierRecord{
		{Row: 2, Code: "HS-001", TTHCCode: "1.000001", ReceivedAt: at(2024, 3, 15, 8, 30), DueAt: at(2024, 3, 22, 17, 0), CompletedAt: ptr(at(2024, 3, 20, 10, 0)), Status: "completed"},
		// Upper-cased as a receipt's code is.
		{Row: 3, Code: "HS-002", TTHCCode: "1.000002", ReceivedAt: at(2024, 3, 15, 8, 30), DueAt: at(2024, 3, 22, 17, 0), CompletedAt: ptr(at(2024, 3, 22, 17, 0)), Status: "completed"},
		{Row: 4, Code: "HS-003", TTHCCode: "1.000001", ReceivedAt: at(2024, 3, 15, 8, 30), DueAt: at(2024, 3, 22, 17, 0), CompletedAt: ptr(at(2024, 3, 21, 9, 15)), Status: "refused"},
		{Row: 5, Code: "HS-004", TTHCCode: "12.000001", ReceivedAt: at(2024, 3, 15, 0, 0), DueAt: at(2024, 3, 15, 0, 0), CompletedAt: ptr(at(2024, 3, 15, 0, 0)), Status: "withdrawn"},
		{Row: 6, Code: "HS-005", TTHCCode: "1.000001", ReceivedAt: at(2024, 3, 15, 8, 30), DueAt: at(2024, 3, 16, 0, 0), CompletedAt: ptr(at(2024, 3, 15, 8, 30)), Status: "withdrawn"},
		{Row: 7, Code: "HS-006", TTHCCode: "1.000001", ReceivedAt: at(2024, 3, 15, 8, 30), DueAt: at(2024, 3, 22, 8, 30), CompletedAt: ptr(at(2024, 3, 25, 8, 0)), Status: "refused"},
	}
	xlsx := buildXLSX(t, 1, [][]any{
		{"Mã hồ sơ", "Mã thủ tục", "Ngày tiếp nhận", "Hạn trả kết quả", "Ngày hoàn thành", "Trạng thái"},
		{"HS-001", "1.000001", xlsxCell{v: time.Date(2024, 3, 15, 8, 30, 0, 0, time.UTC), numFmt: 22}, "2024-03-22T17:00:00+07:00", xlsxCell{v: time.Date(2024, 3, 20, 10, 0, 0, 0, time.UTC), custom: "dd/mm/yyyy hh:mm"}, "completed"},
		{"hs-002", "1.000002", "2024-03-15T08:30", "2024-03-22 17:00:00", "2024-03-22T17:00", "Completed"},
		{"HS-003", "1.000001", "15/03/2024 08:30", "22/03/2024 17:00", "21/03/2024 09:15", "Refused"},
		{"HS-004", "12.000001", xlsxCell{v: time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC), numFmt: 14}, "2024-03-15", "2024-03-15", "withdrawn"},
		{"HS-005", "1.000001", "2024-03-15T01:30:00Z", "2024-03-16", "2024-03-15 08:30", "withdrawn"},
		{"HS-006", "1.000001", "2024-03-15 08:30", "2024-03-22 08:30", "2024-03-25 08:00", "refused"},
	})
	for _, tt := range []struct {
		name string
		data []byte
	}{{"h.csv", []byte(csv)}, {"h.xlsx", xlsx}} {
		got, err := importer.ParseDossierHistory(bytes.NewReader(tt.data), tt.name, importer.Options{
			AgencyCode: "HS",
			KnownTTHC:  func(code string) bool { return code != "9.999999" },
		})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if len(got) != len(want) {
			t.Fatalf("%s: %d records, want %d", tt.name, len(got), len(want))
		}
		for i, g := range got {
			w := want[i]
			if g.Row != w.Row || g.Code != w.Code || g.TTHCCode != w.TTHCCode || g.Status != w.Status ||
				!g.ReceivedAt.Equal(w.ReceivedAt) || !g.DueAt.Equal(w.DueAt) ||
				(g.CompletedAt == nil) != (w.CompletedAt == nil) || (g.CompletedAt != nil && !g.CompletedAt.Equal(*w.CompletedAt)) {
				t.Errorf("%s: record %d = %+v, want %+v", tt.name, i, g, w)
			}
			if _, off := g.ReceivedAt.Zone(); off != 7*60*60 {
				t.Errorf("%s: record %d received_at offset %d, want +07:00", tt.name, i, off)
			}
		}
	}
}

func TestParseDossierHistoryErrors(t *testing.T) {
	const done = ",2024-03-20 10:00,completed\n"
	csv := dossierHeader +
		"HS-001,1.000001,2024-03-15 08:00,2024-03-22 17:00" + done + // 2 good
		",1.000001,2024-03-15 08:00,2024-03-22 17:00" + done + // 3
		"HS-001,1.000001,2024-03-15 08:00,2024-03-22 17:00" + done + // 4
		"HS-005,1.1,2024-03-15 08:00,2024-03-22 17:00" + done + // 5
		"HS-006,9.999999,2024-03-15 08:00,2024-03-22 17:00" + done + // 6
		"HS-007,1.000001,2024-03-15 08:00,2024-03-14 17:00" + done + // 7
		"HS-008,1.000001,2024-03-15 08:00,2024-03-22 17:00,,completed\n" + // 8
		"HS-009,1.000001,2024-03-15 08:00,2024-03-22 17:00,2024-03-20 10:00,in_progress\n" + // 9
		"HS-010,1.000001,2024-03-15 08:00,2024-03-22 17:00,2024-03-14 10:00,refused\n" + // 10
		"HS-011,1.000001,2024-03-15 08:00,2024-03-22 17:00,,done\n" + // 11
		"HS-012,1.000001,03/15/2024 08:00,,2024-03-20 10:00,completed\n" + // 12
		"HS-013,1.000001\n" + // 13
		// What an outside tester imported into SKHCN: another agency's
		// code, a TTHC outside the catalogue, a dossier still open.
		"SVHTT-2026-009999,9.999999,2026-01-05T08:00:00+07:00,2026-01-12T08:00:00+07:00,,in_progress\n" + // 14
		"HS,1.000001,2024-03-15 08:00,2024-03-22 17:00" + done + // 15
		"HSX-1,1.000001,2024-03-15 08:00,2024-03-22 17:00" + done + // 16
		"HS-016,1.000001,2024-03-15 08:00,2024-03-22 17:00,,received\n" + // 17
		"HS-017,1.000001,2024-03-15 08:00,2024-03-22 17:00,,paused\n" + // 18
		// Outsider pass 9: history dated ahead of the import.
		"HS-019,1.000001,2036-03-02 08:00,2036-03-09 17:00,2036-03-05 10:00,completed\n" + // 19
		"HS-020,1.000001,2026-05-31 08:00,2026-06-07 17:00,2026-06-01 10:04,completed\n" + // 20: within the clock skew
		// Outsider pass 13: a receipt dated 1900, and a 5-day TTHC's
		// appointment ten years on; a year and ten days on is taken.
		"HS-021,1.000001,1900-01-10 08:00,1900-01-15 08:00,1900-01-12 08:00,completed\n" + // 21
		"HS-022,1.000001,2025-01-10 08:00,2035-01-15 08:00,2025-01-12 08:00,completed\n" + // 22
		"HS-023,1.000001,2025-01-10 08:00,2026-01-20 08:00,2025-01-12 08:00,completed\n" // 23

	_, err := importer.ParseDossierHistory(strings.NewReader(csv), "h.csv", importer.Options{
		AgencyCode: "HS",
		KnownTTHC:  func(code string) bool { return code != "9.999999" },
		TimeLimit:  func(code string) (int, bool) { return 5, code != "9.999999" },
		Now:        time.Date(2026, 6, 1, 3, 0, 0, 0, time.UTC),
	})
	const formats = "(ví dụ 2024-03-15 08:30, 15/03/2024 08:30 hoặc 2024-03-15T08:30:00+07:00)"
	const open = ": chỉ nhập hồ sơ đã kết thúc (completed, refused hoặc withdrawn); hồ sơ đang giải quyết được tiếp nhận vào hệ thống để theo quy trình có hiệu lực"
	prefix := func(code string) string {
		return `Mã hồ sơ "` + code + `" phải bắt đầu bằng mã đơn vị HS và dấu gạch ngang, rồi đến phần đuôi 1–40 ký tự chữ in hoa, chữ số, gạch ngang (không bắt đầu hay kết thúc bằng gạch ngang), ví dụ HS-<năm>-<số thứ tự>.`
	}
	want := []string{
		"row 3: code: thiếu mã hồ sơ",
		"row 4: code: mã hồ sơ HS-001 trùng với dòng 2",
		`row 5: tthc_code: mã thủ tục "1.1" không đúng dạng mã quốc gia (ví dụ 1.001234)`,
		"row 6: tthc_code: thủ tục 9.999999 không có trong danh mục",
		"row 7: due_at: hạn trả kết quả trước thời điểm tiếp nhận",
		"row 8: completed_at: hồ sơ ở trạng thái completed phải có thời điểm hoàn thành",
		"row 9: status: hồ sơ ở trạng thái in_progress chưa kết thúc" + open,
		"row 10: completed_at: thời điểm hoàn thành trước thời điểm tiếp nhận",
		`row 11: status: trạng thái "done" không hợp lệ (received, in_progress, paused, completed, refused hoặc withdrawn)`,
		`row 12: received_at: thời điểm tiếp nhận "03/15/2024 08:00" không hợp lệ ` + formats,
		"row 12: due_at: thiếu hạn trả kết quả",
		"row 13: *: dòng có 2 ô nhưng dòng tiêu đề có 6 cột",
		"row 14: code: " + prefix("SVHTT-2026-009999"),
		"row 14: tthc_code: thủ tục 9.999999 không có trong danh mục",
		"row 14: status: hồ sơ ở trạng thái in_progress chưa kết thúc" + open,
		"row 15: code: " + prefix("HS"),
		"row 16: code: " + prefix("HSX-1"),
		"row 17: status: hồ sơ ở trạng thái received chưa kết thúc" + open,
		"row 18: status: hồ sơ ở trạng thái paused chưa kết thúc" + open,
		"row 19: received_at: thời điểm tiếp nhận 02/03/2036 08:00 ở tương lai",
		"row 19: completed_at: thời điểm hoàn thành 05/03/2036 10:00 ở tương lai",
		"row 21: received_at: thời điểm tiếp nhận 10/01/1900 trước khi có cơ chế một cửa (2003): kiểm tra lại năm",
		"row 22: due_at: hạn trả kết quả 15/01/2035 quá xa so với thời hạn 5 ngày làm việc của thủ tục tính từ khi tiếp nhận: kiểm tra lại năm",
	}
	if got := problems(t, err); !slices.Equal(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	_, err = importer.ParseDossierHistory(strings.NewReader("code,tthc_code,received_at\nHS-1,1.000001,2024-03-15\n"), "h.csv", importer.Options{})
	want = []string{
		"row 1: due_at: thiếu cột bắt buộc (tên khác: hạn trả kết quả, ngày hẹn trả)",
		"row 1: status: thiếu cột bắt buộc (tên khác: trạng thái)",
	}
	if got := problems(t, err); !slices.Equal(got, want) {
		t.Errorf("header problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
