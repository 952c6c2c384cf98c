package web

import (
	"io"
	"strconv"
	"testing"
)

// The task list's render, the largest part of its CPU under load (the
// other being its query): its layout alone (rows0), with fifty rows, and
// without a menu (rows-1). make bench runs it; speed goals are the load
// test's.

func benchTasksPage(rows int) *tasksPage {
	show := map[string]bool{}
	for _, s := range navSections {
		show[navID(s.Title)] = true
		for _, l := range s.Links {
			show[navID(l.Label)] = true
		}
	}
	p := page{Lang: "vi", Path: "/tasks", Head: pageHead{Lang: "vi", SignedIn: true, Agency: "000.00.00.H01", Name: "Nguyễn Văn An", CSRF: "abcdefabcdefabcdefabcdef", AgencyList: []string{"000.00.00.H01"},
		Menu: mainMenu{Show: show, Active: map[string]bool{"tasks": true}}}}
	d := &tasksPage{page: p, PageNum: 1, From: 1, To: rows}
	for i := 0; i < rows; i++ {
		d.Tasks = append(d.Tasks, taskRow{DossierCode: "000.00.00.H01-260101-" + strconv.Itoa(i), TTHCName: "Cấp giấy phép xây dựng đối với công trình cấp đặc biệt", StepID: "s3", StepName: "Thẩm định hồ sơ", Responsible: "chuyên viên", DueAt: "03/12/2026 16:30", DossierDue: "10/12/2026 17:00", Late: i%3 == 0})
	}
	return d
}

func BenchmarkRenderTaskList(b *testing.B) {
	v := testViews(b)
	for _, n := range []int{0, 50, -1} {
		d := benchTasksPage(max(n, 0))
		if n < 0 {
			d.Head.Menu.Show = nil
		}
		b.Run("rows"+strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if err := v.Render(io.Discard, "tasks", d, "layout"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
