package web

import (
	"strings"
	"testing"
	"time"

	"isodt/qms/flowchart"
)

// TestFormatDateTime: the hand-written format agrees with Time.Format in
// Vietnam's zone, across the UTC day boundary and the zone's history.
func TestFormatDateTime(t *testing.T) {
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{time.Time{}, ""},
		{time.Date(2026, 11, 30, 17, 5, 0, 0, time.UTC), "01/12/2026 00:05"},
		{time.Date(2026, 1, 2, 3, 4, 59, 0, time.UTC), "02/01/2026 10:04"},
		{time.Date(2026, 12, 31, 16, 59, 0, 0, time.UTC), "31/12/2026 23:59"},
		{time.Date(1970, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(1970, 6, 1, 0, 0, 0, 0, time.UTC).In(ictZone).Format("02/01/2006 15:04")},
		{time.Date(12, 3, 4, 5, 6, 0, 0, time.UTC), time.Date(12, 3, 4, 5, 6, 0, 0, time.UTC).In(ictZone).Format("02/01/2006 15:04")},
	} {
		if got := formatDateTime(tc.at); got != tc.want {
			t.Errorf("formatDateTime(%v) = %q, want %q", tc.at, got, tc.want)
		}
		var r fragment
		if r.dateTime(tc.at); r.b.String() != tc.want {
			t.Errorf("fragment.dateTime(%v) = %q, want %q", tc.at, r.b.String(), tc.want)
		}
	}
}

// TestFragmentText escapes as html/template does, and only when needed.
func TestFragmentText(t *testing.T) {
	for in, want := range map[string]string{
		"Nguyễn Văn An":    "Nguyễn Văn An",
		`<b>"A" & 'B'</b>`: "&lt;b&gt;&#34;A&#34; &amp; &#39;B&#39;&lt;/b&gt;",
		"tail >":           "tail &gt;",
		"nul\x00":          "nul\uFFFD",
		"":                 "",
	} {
		var r fragment
		if r.text(in); r.b.String() != want {
			t.Errorf("text(%q) = %q, want %q", in, r.b.String(), want)
		}
	}
}

// TestOpenStepForms: each open step gets its completion form, with the
// text of the flowchart and the form escaped.
func TestOpenStepForms(t *testing.T) {
	opened := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	open := []openStepView{
		{Step: flowchart.Step{ID: "ok", Name: `Thẩm định <script>`, Responsible: "Chuyên viên", Hours: 4.5}, OpenedAt: opened, Exits: []string{"Đạt", `"Không" đạt`},
			FormCode: "BM-01", FormTitle: "Phiếu <b>thẩm định</b>", FormVersion: 3, FormHTML: `<input name="ket_luan">`},
		{Step: flowchart.Step{ID: "x", Name: "Lập biên bản", Forms: []string{"BM-02"}}, OpenedAt: opened, FormCode: "BM-02", FormTitle: "chưa có phiên bản có hiệu lực"},
		{Step: flowchart.Step{ID: "e", Name: "Trả kết quả", Kind: flowchart.KindEnd}, OpenedAt: opened},
	}
	got := string(openStepForms("SVHTT-2026-000001", "tok&1", open))
	for _, want := range []string{
		`<form method="post" action="/dossiers/SVHTT-2026-000001/steps" class="card step-form" enctype="multipart/form-data">`,
		`name="_csrf" value="tok&amp;1"`, `name="step_id" value="ok"`, `<h3>Bước đang chờ: Thẩm định &lt;script&gt;</h3>`,
		`<legend>BM-01 – Phiếu &lt;b&gt;thẩm định&lt;/b&gt; (phiên bản 3 đang có hiệu lực)</legend>`,
		`<input type="hidden" name="form_version" value="3"><input name="ket_luan"></fieldset>`,
		`Trách nhiệm: Chuyên viên — thời gian: 4.5 giờ làm việc — bắt đầu 02/03/2026 09:00`,
		`<select name="exit" id="exit-ok"><option>Đạt</option><option>&#34;Không&#34; đạt</option></select>`,
		`id="note-ok"`, `id="complete-ok">Hoàn thành bước</button>`,
		`<p class="error">Biểu mẫu BM-02: chưa có phiên bản có hiệu lực</p>`,
		`id="complete-e">Trả kết quả</button>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %s", want)
		}
	}
	if n := strings.Count(got, "<form "); n != 3 || strings.Count(got, `id="exit-`) != 1 {
		t.Fatalf("%d forms in\n%s", n, got)
	}
}
