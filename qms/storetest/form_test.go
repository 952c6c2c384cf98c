package storetest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"isodt/qms"
	"isodt/qms/qmstest"
)

const checkSchema = `{"fields":[{"name":"ket_luan","label":"Kết luận thẩm định","type":"select","required":true,"options":["Đạt","Không đạt"]},{"name":"ghi_chu","label":"Ghi chú","type":"text"}]}`

// formPeople makes agency SVHTT with a quality officer who writes forms
// and a leader who approves them, and returns a context for each.
func formPeople(t *testing.T, f *fixture) (officer, leader *qms.User, as func(u *qms.User) context.Context) {
	t.Helper()
	if err := f.CreateAgency(f.ctx, &qms.Agency{Code: "SVHTT", Name: "Sở VHTT"}); err != nil {
		t.Fatal(err)
	}
	officer = &qms.User{Username: "thu.ky", Memberships: []qms.Membership{{AgencyCode: "SVHTT", Role: qms.RoleQualityOfficer}}}
	leader = &qms.User{Username: "giam.doc", Memberships: []qms.Membership{{AgencyCode: "SVHTT", Role: qms.RoleLeader}}}
	for _, u := range []*qms.User{officer, leader} {
		if err := f.CreateUser(f.ctx, u, "ngua-o-123"); err != nil {
			t.Fatal(err)
		}
	}
	return officer, leader, func(u *qms.User) context.Context {
		return qms.WithActor(context.Background(), qms.Actor{UserID: u.ID, Username: u.Username, AgencyCode: "SVHTT"})
	}
}

// Bootstrap seeds the standard forms of SYS once, each in force, issued
// by its legal basis; every agency finds them.
func TestStandardFormsSeeded(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys := f.ctx
		fs, err := f.FindForms(sys, "SYS")
		if err != nil || len(fs) != 13 {
			t.Fatalf("%d standard forms, %v", len(fs), err)
		}
		form, v, err := f.EffectiveForm(sys, "ANY", "Mẫu số 04")
		if err != nil || form.AgencyCode != "SYS" || v.Status != qms.StatusEffective || v.Approver != form.LegalBasis || v.EffectiveOn == nil || len(v.Schema) == 0 {
			t.Fatalf("apology form in force: %+v %+v %v", form, v, err)
		}
		if _, err := f.Bootstrap(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
		if fs, _ = f.FindForms(sys, "SYS"); len(fs) != 13 {
			t.Fatalf("second bootstrap: %d forms", len(fs))
		}
		action := "form.seed"
		if _, n, err := f.FindAuditEntries(sys, qms.AuditFilter{Action: &action, Limit: 1}); err != nil || n != 13 {
			t.Fatalf("%d seed entries, %v", n, err)
		}
	})
}

// A form and its versions up to approval (which needs the distribution
// of SQLite: TestFormLifecycleAndRecordRule there): created with a valid
// schema and a unique code, a draft edited, submitted, its approvers told,
// sent back and withdrawn, each contributor and action recorded.
func TestFormVersions(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys := f.ctx
		officer, leader, as := formPeople(t, f)
		create := []struct {
			name   string
			form   qms.Form
			schema string
			code   string
			field  string
		}{
			{"valid", qms.Form{AgencyCode: "SVHTT", Code: " BM-QT01-01 ", Title: "Phiếu thẩm định"}, checkSchema, "", ""},
			{"bad schema", qms.Form{AgencyCode: "SVHTT", Code: "BM-QT01-02", Title: "Phiếu"}, `{"fields":[{"name":"x"}]}`, qms.EINVALID, ""},
			{"no code", qms.Form{AgencyCode: "SVHTT", Title: "Phiếu"}, checkSchema, qms.EINVALID, "code"},
			{"bad kind", qms.Form{AgencyCode: "SVHTT", Code: "BM-QT01-03", Title: "Phiếu", Kind: "khac"}, checkSchema, qms.EINVALID, "kind"},
			{"same code", qms.Form{AgencyCode: "SVHTT", Code: "BM-QT01-01", Title: "Trùng"}, checkSchema, qms.ECONFLICT, "code"},
			{"unknown agency", qms.Form{AgencyCode: "NOPE", Code: "BM-QT01-01", Title: "Phiếu"}, checkSchema, qms.ENOTFOUND, ""},
		}
		var form *qms.Form
		for _, tt := range create {
			t.Run(tt.name, func(t *testing.T) {
				err := f.CreateForm(as(officer), &tt.form, json.RawMessage(tt.schema))
				if qms.ErrorCode(err) != tt.code || (tt.field != "" && qms.ErrorField(err) != tt.field) {
					t.Fatalf("err = %v, want %q on %q", err, tt.code, tt.field)
				}
				if tt.code == "" {
					form = &tt.form
				}
			})
		}
		if form == nil {
			t.Fatal("no form")
		}
		got, err := f.FindForm(sys, "SVHTT", form.ID)
		if err != nil || got.Code != "BM-QT01-01" || got.Kind != qms.FormLocal || got.CreatedAt.IsZero() {
			t.Fatalf("found %+v, %v", got, err)
		}
		if _, err := f.FindForm(sys, "OTHER", form.ID); qms.ErrorCode(err) != qms.ENOTFOUND {
			t.Fatalf("another agency's form: %v", err)
		}
		if fs, err := f.FindForms(sys, "SVHTT"); err != nil || len(fs) != 14 || fs[0].AgencyCode != "SVHTT" {
			t.Fatalf("forms of SVHTT: %d, %v", len(fs), err)
		}
		if _, _, err := f.EffectiveForm(sys, "SVHTT", "BM-QT01-01"); qms.ErrorCode(err) != qms.ECONFLICT {
			t.Fatalf("a draft form in force: %v", err)
		}
		if _, err := f.CreateFormVersion(as(officer), form.ID); qms.ErrorCode(err) != qms.ECONFLICT {
			t.Fatalf("second open draft: %v", err)
		}
		tmpl, err := f.PutFile(as(officer), "mau.docx", qms.TemplateTypes[".docx"], []byte("PK\x03\x04 a docx"))
		if err != nil {
			t.Fatal(err)
		}
		edits := []struct {
			name   string
			schema string
			code   string
		}{
			{"bad schema", `{"fields":[{"name":"x"}]}`, qms.EINVALID},
			{"schema and template", checkSchema, ""},
		}
		for _, tt := range edits {
			t.Run(tt.name, func(t *testing.T) {
				v := &qms.FormVersion{FormID: form.ID, Number: 1, Schema: json.RawMessage(tt.schema), Template: &tmpl, ChangeSummary: " Thêm mẫu Word "}
				if err := f.UpdateFormVersion(as(officer), v); qms.ErrorCode(err) != tt.code {
					t.Fatalf("err = %v, want %q", err, tt.code)
				}
			})
		}
		v1, err := f.FindFormVersion(sys, form.ID, 1)
		if err != nil || v1.ChangeSummary != "Thêm mẫu Word" || v1.Template == nil || v1.Template.SHA256 != tmpl.SHA256 || v1.Template.Name != "mau.docx" || v1.Status != qms.StatusDraft {
			t.Fatalf("v1 = %+v, %v", v1, err)
		}
		steps := []struct {
			name   string
			ctx    context.Context
			action string
			reason string
			code   string
			status qms.DocStatus
		}{
			{"submit", as(officer), qms.ActionSubmit, "", "", qms.StatusSubmitted},
			{"self-approval", as(officer), qms.ActionApprove, "", qms.EFORBIDDEN, qms.StatusSubmitted},
			{"reject without a reason", as(leader), qms.ActionReject, "", qms.EINVALID, qms.StatusSubmitted},
			{"reject", as(leader), qms.ActionReject, "Bổ sung ghi chú", "", qms.StatusDraft},
			{"withdraw", as(leader), qms.ActionWithdraw, "Không dùng nữa", "", qms.StatusWithdrawn},
		}
		for _, tt := range steps {
			t.Run(tt.name, func(t *testing.T) {
				_, err := f.TransitionFormVersion(tt.ctx, form.ID, 1, tt.action, tt.reason)
				if qms.ErrorCode(err) != tt.code {
					t.Fatalf("%s: err = %v, want %q", tt.action, err, tt.code)
				}
				if got, err := f.FindFormVersion(sys, form.ID, 1); err != nil || got.Status != tt.status {
					t.Fatalf("after %s: %+v, %v; want %s", tt.action, got, err, tt.status)
				}
			})
		}
		v1, _ = f.FindFormVersion(sys, form.ID, 1)
		var who []string
		for _, c := range v1.Contributors {
			who = append(who, c.Username+":"+c.Act)
		}
		if strings.Join(who, ",") != "thu.ky:create,thu.ky:edit,thu.ky:submit" || v1.Reason != "Không dùng nữa" {
			t.Fatalf("contributors = %v, reason %q", who, v1.Reason)
		}
		if ns, unread, err := f.Notifications(sys, leader.ID, 10); err != nil || unread != 1 || ns[0].Link != "/forms/"+itoa(form.ID)+"/versions/1" || !strings.Contains(ns[0].Title, "BM-QT01-01") {
			t.Fatalf("leader's notifications = %+v (%d unread), %v", ns, unread, err)
		}
		if err := f.UpdateFormVersion(as(officer), &qms.FormVersion{FormID: form.ID, Number: 1, Schema: json.RawMessage(checkSchema)}); qms.ErrorCode(err) != qms.EINVALID {
			t.Fatalf("a withdrawn version edited: %v", err)
		}
		// Version 2 starts from the schema and template of version 1.
		v2, err := f.CreateFormVersion(as(officer), form.ID)
		if err != nil || v2.Number != 2 || v2.Status != qms.StatusDraft || v2.Template == nil || v2.Template.SHA256 != tmpl.SHA256 || !bytes.Equal(v2.Schema, v1.Schema) {
			t.Fatalf("v2 = %+v, %v", v2, err)
		}
		if vs, err := f.FindFormVersions(sys, form.ID); err != nil || len(vs) != 2 || vs[0].Number != 1 || vs[1].Number != 2 {
			t.Fatalf("versions = %v, %v", vs, err)
		}
		if _, err := f.FindFormVersion(sys, form.ID, 7); qms.ErrorCode(err) != qms.ENOTFOUND {
			t.Fatalf("no version 7: %v", err)
		}
		if _, err := f.CreateFormVersion(as(officer), 999999); qms.ErrorCode(err) != qms.ENOTFOUND {
			t.Fatalf("version of no form: %v", err)
		}
		for _, action := range []string{"form.create", "form.version_create", "form.version_update", "form.version_submit", "form.version_reject", "form.version_withdraw", "file.store"} {
			a := action
			if es, _, err := f.FindAuditEntries(sys, qms.AuditFilter{Action: &a}); err != nil || len(es) == 0 {
				t.Errorf("%s not audited: %v", action, err)
			}
		}
		if _, err := f.VerifyAuditChain(sys); err != nil {
			t.Fatal(err)
		}
	})
}

// Files are kept once by their hash; an agency adopts a standard form as
// a draft of its own while the standard one stays in force.
func TestFilesAndAdoption(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys := f.ctx
		if err := f.CreateAgency(sys, &qms.Agency{Code: "SVHTT", Name: "Sở VHTT"}); err != nil {
			t.Fatal(err)
		}
		data := []byte("PK\x03\x04 a docx")
		a, err := f.PutFile(sys, "mau.docx", qms.TemplateTypes[".docx"], data)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := f.PutFile(sys, "ban-sao.docx", qms.TemplateTypes[".docx"], data)
		if a.SHA256 != b.SHA256 || len(a.SHA256) != 64 || b.Name != "ban-sao.docx" {
			t.Fatalf("hashes %s %s", a.SHA256, b.SHA256)
		}
		got, ref, err := f.GetFile(sys, a.SHA256)
		if err != nil || !bytes.Equal(got, data) || ref.ContentType != qms.TemplateTypes[".docx"] || ref.Size != int64(len(data)) {
			t.Fatalf("get: %+v, %v", ref, err)
		}
		if _, _, err := f.GetFile(sys, strings.Repeat("0", 64)); qms.ErrorCode(err) != qms.ENOTFOUND {
			t.Fatalf("no such file: %v", err)
		}
		fs, _ := f.FindForms(sys, "SYS")
		adopt := []struct {
			name string
			id   int64
			code string
		}{
			{"standard form", fs[0].ID, ""},
			{"again", fs[0].ID, qms.ECONFLICT},
			{"no such form", 999999, qms.ENOTFOUND},
		}
		var adopted *qms.Form
		for _, tt := range adopt {
			t.Run(tt.name, func(t *testing.T) {
				got, err := f.AdoptForm(sys, "SVHTT", tt.id)
				if qms.ErrorCode(err) != tt.code {
					t.Fatalf("err = %v, want %q", err, tt.code)
				}
				if tt.code == "" {
					adopted = got
				}
			})
		}
		if adopted == nil || adopted.AgencyCode != "SVHTT" || adopted.Code != fs[0].Code {
			t.Fatalf("adopt: %+v", adopted)
		}
		if v, err := f.FindFormVersion(sys, adopted.ID, 1); err != nil || v.Status != qms.StatusDraft || v.ChangeSummary != "Áp dụng biểu mẫu chuẩn" {
			t.Fatalf("adopted form starts as %+v, %v", v, err)
		}
		// Until the agency approves its copy, the standard one stays in force.
		if form, _, err := f.EffectiveForm(sys, "SVHTT", fs[0].Code); err != nil || form.AgencyCode != "SYS" {
			t.Fatalf("in force: %+v, %v", form, err)
		}
		// A step records on its form's own code where no merge renamed it.
		if code, err := f.StepFormCode(sys, "SVHTT", 1, fs[0].Code); err != nil || code != fs[0].Code {
			t.Fatalf("step form code %q, %v", code, err)
		}
		if form, _, err := f.EffectiveStepForm(sys, "SVHTT", 1, fs[0].Code); err != nil || form.AgencyCode != "SYS" {
			t.Fatalf("step form in force: %+v, %v", form, err)
		}
	})
}

// A procedure's flowchart names forms the agency or SYS has: submitting
// one that names an unknown form is refused on every store.
func TestFlowchartNamesKnownForms(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		officer, _, as := formPeople(t, f)
		if _, _, err := f.ImportTTHC(f.ctx, "SVHTT", qmstest.SampleTTHC()); err != nil {
			t.Fatal(err)
		}
		if err := f.CreateForm(as(officer), &qms.Form{AgencyCode: "SVHTT", Code: "BM-QT01-01", Title: "Phiếu"}, json.RawMessage(checkSchema)); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name  string
			forms []string
			code  string
		}{
			{"unknown form", []string{"BM-KHONG-CO"}, qms.EINVALID},
			{"own draft form", []string{"BM-QT01-01"}, ""},
			{"standard form", []string{"Mẫu số 04"}, ""},
		}
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				p := &qms.Procedure{AgencyCode: "SVHTT", Code: "QT-0" + itoa(int64(i+1)), Title: "Quy trình", TTHCCodes: []string{"1.000001"}}
				if err := f.CreateProcedure(as(officer), p); err != nil {
					t.Fatal(err)
				}
				v, err := f.CreateVersion(as(officer), p.ID)
				if err != nil {
					t.Fatal(err)
				}
				v.Flowchart = qmstest.ValidChart(16)
				v.Flowchart.Steps[1].Forms = tt.forms
				if err := f.UpdateVersion(as(officer), v); err != nil {
					t.Fatal(err)
				}
				_, err = f.TransitionVersion(as(officer), p.ID, 1, qms.ActionSubmit, "")
				if qms.ErrorCode(err) != tt.code || (tt.code != "" && !strings.Contains(err.Error(), tt.forms[0])) {
					t.Fatalf("submit: %v, want %q", err, tt.code)
				}
			})
		}
	})
}

// A session keeps its latest uploads while its user picks, each for
// KeptUploadTTL, for that user and session only.
func TestKeptUploads(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		officer, leader, as := formPeople(t, f)
		if _, err := f.KeepUpload(as(officer), "", "a.bpmn", []byte("x")); qms.ErrorCode(err) != qms.EINVALID {
			t.Fatalf("kept outside a session: %v", err)
		}
		// Kept at the same instant: the order they were kept in decides.
		var ids []string
		for i := range qms.KeptUploadsPerSession + 1 {
			id, err := f.KeepUpload(as(officer), "phien-1", "a.bpmn", []byte{byte('a' + i)})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		other, err := f.KeepUpload(as(officer), "phien-2", "b.bpmn", []byte("b"))
		if err != nil {
			t.Fatal(err)
		}
		reads := []struct {
			name    string
			ctx     context.Context
			session string
			id      string
			want    string // "" for ENOTFOUND
		}{
			{"the oldest of too many", as(officer), "phien-1", ids[0], ""},
			{"the second", as(officer), "phien-1", ids[1], "b"},
			{"the latest", as(officer), "phien-1", ids[len(ids)-1], "d"},
			{"another session's", as(officer), "phien-1", other, ""},
			{"its own session", as(officer), "phien-2", other, "b"},
			{"another user", as(leader), "phien-1", ids[1], ""},
		}
		for _, tt := range reads {
			t.Run(tt.name, func(t *testing.T) {
				data, err := f.KeptUpload(tt.ctx, tt.session, tt.id)
				if tt.want == "" && qms.ErrorCode(err) != qms.ENOTFOUND || tt.want != "" && (err != nil || string(data) != tt.want) {
					t.Fatalf("got %q, %v; want %q", data, err, tt.want)
				}
			})
		}
		f.clk.Add(qms.KeptUploadTTL)
		if _, err := f.KeptUpload(as(officer), "phien-2", other); qms.ErrorCode(err) != qms.ENOTFOUND {
			t.Fatalf("kept past its time: %v", err)
		}
		action := "upload.keep"
		if _, n, err := f.FindAuditEntries(f.ctx, qms.AuditFilter{Action: &action, Limit: 1}); err != nil || n != len(ids)+1 {
			t.Fatalf("%d keep entries, %v", n, err)
		}
	})
}

// TestFormRecordedOnStep: a step whose version names a form records on
// the form's version in force only, and needs the entry; the record keeps
// the form's code and version. (The form's own life: TestFormVersions.)
func TestFormRecordedOnStep(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys := f.ctx
		sc := newFormDistributionScene(t, f) // QT-01 v2 records on BM-QT01-01 at check; the form is at v2
		if old, _ := f.FindFormVersion(sys, sc.formID, 1); old.Status != qms.StatusSuperseded {
			t.Fatalf("form v1 is %s", old.Status)
		}
		d := &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "A"}, Channel: qms.ChannelCounter}
		if err := f.ReceiveDossier(sc.staff, d); err != nil {
			t.Fatal(err)
		}
		entry := map[string]any{"ket_luan": "Đạt"}
		for _, tt := range []struct {
			name  string
			in    qms.CompleteStep
			field string
		}{
			{"no entry", qms.CompleteStep{StepID: "check"}, "entry"},
			{"unknown version", qms.CompleteStep{StepID: "check", Entry: entry, FormVersion: 7}, "form_version"},
			{"superseded version", qms.CompleteStep{StepID: "check", Entry: entry, FormVersion: 1}, "form_version"},
		} {
			if _, err := f.CompleteStep(sc.staff, "SVHTT", d.Code, tt.in); qms.ErrorField(err) != tt.field {
				t.Fatalf("%s: %v", tt.name, err)
			}
		}
		if _, err := f.CompleteStep(sc.staff, "SVHTT", d.Code, qms.CompleteStep{StepID: "check", Entry: entry, FormVersion: 2}); err != nil {
			t.Fatal(err)
		}
		steps, _ := f.StepRecords(sys, d.ID)
		if last := steps[len(steps)-1]; last.FormCode != "BM-QT01-01" || last.FormVersion != 2 || last.Entry["ket_luan"] != "Đạt" {
			t.Fatalf("record: %+v", last)
		}
	})
}

// TestFindFormVersionsOf: the versions of several forms by number, read
// at once: only the forms and numbers asked for, by form and number.
func TestFindFormVersionsOf(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys := f.ctx
		fs, err := f.FindForms(sys, "SYS")
		if err != nil || len(fs) < 3 {
			t.Fatalf("standard forms: %d, %v", len(fs), err)
		}
		asked := []int64{fs[2].ID, fs[0].ID}
		if _, err := f.CreateFormVersion(sys, fs[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.CreateFormVersion(sys, fs[1].ID); err != nil { // a form not asked for
			t.Fatal(err)
		}
		key := func(vs []*qms.FormVersion) (out [][2]int64) {
			for _, v := range vs {
				if len(v.Schema) == 0 {
					t.Fatalf("version %d of form %d without its schema", v.Number, v.FormID)
				}
				out = append(out, [2]int64{v.FormID, int64(v.Number)})
			}
			return out
		}
		lo, hi := min(fs[0].ID, fs[2].ID), max(fs[0].ID, fs[2].ID)
		for _, tc := range []struct {
			name    string
			numbers []int
			want    [][2]int64
		}{
			{"first versions", []int{1}, [][2]int64{{lo, 1}, {hi, 1}}},
			{"second versions", []int{2}, [][2]int64{{fs[0].ID, 2}}},
			{"both", []int{2, 1}, func() [][2]int64 {
				if fs[0].ID < fs[2].ID {
					return [][2]int64{{fs[0].ID, 1}, {fs[0].ID, 2}, {fs[2].ID, 1}}
				}
				return [][2]int64{{fs[2].ID, 1}, {fs[0].ID, 1}, {fs[0].ID, 2}}
			}()},
			{"none", []int{7}, nil},
			{"no numbers", nil, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				vs, err := f.FindFormVersionsOf(sys, asked, tc.numbers)
				if got := key(vs); err != nil || fmt.Sprint(got) != fmt.Sprint(tc.want) {
					t.Fatalf("versions %v, %v; want %v", got, err, tc.want)
				}
			})
		}
	})
}
