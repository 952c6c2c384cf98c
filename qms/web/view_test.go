package web

import (
	"strings"
	"testing"
	"time"

	"isodt/qms"
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

// TestDossierFactsAndActions: the facts and the action bar of a dossier
// page, text escaped, overdue and status marked, paused or not.
func TestDossierFactsAndActions(t *testing.T) {
	due := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	again := due.Add(48 * time.Hour)
	d := &qms.Dossier{Code: "SVHTT-2026-000001", TTHCCode: "1.000001", VersionNumber: 2, Applicant: qms.Applicant{Name: "<b>An</b>", Phone: "0912"},
		ReceivedAt: due.Add(-72 * time.Hour), DueAt: due, NewAppointment: &again, Status: qms.DossierPaused, Result: qms.Late}
	facts := string(dossierFacts(d, true, dictionaries["vi"]))
	for _, want := range []string{"<dd>1.000001 (quy trình phiên bản 2)</dd>", "<dd>&lt;b&gt;An&lt;/b&gt; — 0912</dd>", "<dd>27/02/2026 09:00</dd>",
		`<strong id="dossier-due">02/03/2026 09:00</strong> <span class="tag warn">quá hạn</span> — hẹn lại: 04/03/2026 09:00`,
		`id="dossier-status">Tạm dừng chờ bổ sung</span> — <span id="dossier-result">Quá hạn</span>`} {
		if !strings.Contains(facts, want) {
			t.Errorf("facts miss %s in\n%s", want, facts)
		}
	}
	actions := string(dossierActions(d, "tok"))
	if !strings.Contains(actions, `action="/dossiers/SVHTT-2026-000001/resume" class="inline"><input type="hidden" name="_csrf" value="tok"><button type="submit" id="resume">`) ||
		strings.Contains(actions, `id="pause"`) || !strings.Contains(actions, `action="/dossiers/SVHTT-2026-000001/apology"`) {
		t.Errorf("actions of a paused dossier:\n%s", actions)
	}
	d.Status, d.Result, d.NewAppointment = qms.DossierInProgress, "", nil
	if facts := string(dossierFacts(d, false, dictionaries["vi"])); strings.Contains(facts, "quá hạn") || strings.Contains(facts, "dossier-result") || strings.Contains(facts, "hẹn lại") {
		t.Errorf("facts of a dossier on time:\n%s", facts)
	}
	if actions := string(dossierActions(d, "tok")); !strings.Contains(actions, `id="pause"`) || strings.Contains(actions, `id="resume"`) {
		t.Errorf("actions of a dossier in progress:\n%s", actions)
	}
}
