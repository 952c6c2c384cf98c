package importer_test

import (
	"errors"
	"os"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"isodt/qms"
	"isodt/qms/importer"
)

func sampleCSV(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/tthc-sample.csv")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// wantSample is testdata/tthc-sample.csv as TTHCs of agency "SVHTTDL".
func wantSample() []qms.TTHC {
	const nd54, qd100, qd101, qd102 = "Nghị định 54/2019/NĐ-CP", "Quyết định 100/QĐ-UBND", "Quyết định 101/QĐ-UBND", "Quyết định 102/QĐ-UBND"
	rows := []qms.TTHC{
		{Code: "1.000001", Name: "Cấp giấy phép kinh doanh dịch vụ karaoke", Field: "Văn hóa", TimeLimitDays: 5, Fee: "4.000.000", LegalBasis: nd54, PublishedBy: qd100, PublishedOn: day(2024, 3, 15), Status: "active"},
		{Code: "1.000002", Name: "Cấp giấy phép kinh doanh dịch vụ vũ trường", Field: "Văn hóa", TimeLimitDays: 5, Fee: "15.000.000", LegalBasis: nd54, PublishedBy: qd100, PublishedOn: day(2024, 3, 15), Status: "active"},
		{Code: "1.000003", Name: "Cấp giấy phép tổ chức biểu diễn nghệ thuật", Field: "Nghệ thuật biểu diễn", TimeLimitDays: 5, Fee: "0", LegalBasis: "Nghị định 144/2020/NĐ-CP", PublishedBy: qd100, PublishedOn: day(2024, 3, 15), Status: "active"},
		{Code: "1.000004", Name: "Công nhận điểm du lịch", Field: "Du lịch", TimeLimitDays: 30, Fee: "0", LegalBasis: "Luật Du lịch 2017", PublishedBy: qd101, PublishedOn: day(2024, 5, 2), Status: "active"},
		{Code: "1.000005", Name: "Cấp giấy chứng nhận đủ điều kiện kinh doanh hoạt động thể thao", Field: "Thể dục thể thao", TimeLimitDays: 7, Fee: "0", LegalBasis: "Nghị định 36/2019/NĐ-CP", PublishedBy: qd101, PublishedOn: day(2024, 5, 2), Status: "active"},
		{Code: "1.000006", Name: "Cấp giấy chứng nhận đăng ký hoạt động cơ sở hỗ trợ nạn nhân bạo lực gia đình", Field: "Gia đình", TimeLimitDays: 10, Fee: "0", LegalBasis: "Nghị định 76/2023/NĐ-CP", PublishedBy: qd102, PublishedOn: day(2024, 6, 20), Status: "active"},
		{Code: "1.000007", Name: "Cấp giấy phép triển lãm mỹ thuật", Field: "Mỹ thuật", TimeLimitDays: 7, Fee: "0", LegalBasis: "Nghị định 113/2013/NĐ-CP", PublishedBy: qd102, PublishedOn: day(2024, 6, 20), Status: "active"},
		{Code: "1.000008", Name: "Công nhận hạng cơ sở lưu trú du lịch 1 sao", Field: "Du lịch", TimeLimitDays: 30, Fee: "1.500.000", LegalBasis: "Luật Du lịch 2017", PublishedBy: qd102, PublishedOn: day(2024, 6, 20), Status: "abolished"},
	}
	for i := range rows {
		rows[i].AgencyCode = "SVHTTDL"
	}
	return rows
}

// problems returns err's problems as "row N: column: message" lines, failing
// the test if err is not an *importer.Errors.
func problems(t testing.TB, err error) []string {
	t.Helper()
	var list *importer.Errors
	if !errors.As(err, &list) {
		t.Fatalf("error = %v (%T), want *importer.Errors", err, err)
	}
	var out []string
	for _, p := range list.Problems {
		out = append(out, p.String())
	}
	return out
}

// xlsxCell is a value with an optional number format for buildXLSX: a
// built-in format ID, or a custom format code.
type xlsxCell struct {
	v      any
	numFmt int
	custom string
}

// buildXLSX writes rows (of plain values or xlsxCell) to Sheet1, starting at
// firstRow, and returns the file's bytes.
func buildXLSX(t testing.TB, firstRow int, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	styles := map[xlsxCell]int{}
	for r, cells := range rows {
		for c, v := range cells {
			name, err := excelize.CoordinatesToCellName(c+1, firstRow+r)
			if err != nil {
				t.Fatal(err)
			}
			x, ok := v.(xlsxCell)
			if !ok {
				x = xlsxCell{v: v}
			}
			if err := f.SetCellValue("Sheet1", name, x.v); err != nil {
				t.Fatal(err)
			}
			if x.numFmt == 0 && x.custom == "" {
				continue
			}
			key := xlsxCell{numFmt: x.numFmt, custom: x.custom}
			id, ok := styles[key]
			if !ok {
				st := &excelize.Style{NumFmt: x.numFmt}
				if x.custom != "" {
					st.CustomNumFmt = &x.custom
				}
				if id, err = f.NewStyle(st); err != nil {
					t.Fatal(err)
				}
				styles[key] = id
			}
			if err := f.SetCellStyle("Sheet1", name, name, id); err != nil {
				t.Fatal(err)
			}
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
