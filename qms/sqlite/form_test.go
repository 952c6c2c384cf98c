package sqlite_test

import (
	"context"
	"encoding/json"
	"testing"

	"isodt/qms"
)

// The form service's own tests run on both stores (qms/storetest); this
// one records on a form in a dossier, which only this store has yet.

const checkSchema = `{"fields":[{"name":"ket_luan","label":"Kết luận thẩm định","type":"select","required":true,"options":["Đạt","Không đạt"]},{"name":"ghi_chu","label":"Ghi chú","type":"text"}]}`

func TestFormLifecycleAndRecordRule(t *testing.T) {
	db, clk, sys := openDB(t)
	staff, leader := effectiveProcedure(t, db, sys)
	officer := qms.WithActor(context.Background(), qms.Actor{UserID: 1000, Username: "thu.ky", AgencyCode: "SVHTT"})
	f := &qms.Form{AgencyCode: "SVHTT", Code: "BM-QT01-01", Title: "Phiếu thẩm định"}
	if err := db.CreateForm(officer, f, json.RawMessage(`{"fields":[{"name":"x"}]}`)); qms.ErrorCode(err) != qms.EINVALID {
		t.Fatalf("bad schema accepted: %v", err)
	}
	if err := db.CreateForm(officer, f, json.RawMessage(checkSchema)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.EffectiveForm(sys, "SVHTT", "BM-QT01-01"); qms.ErrorCode(err) != qms.ECONFLICT {
		t.Fatalf("draft form in force: %v", err)
	}
	db.TransitionFormVersion(officer, f.ID, 1, qms.ActionSubmit, "")
	if _, err := db.TransitionFormVersion(officer, f.ID, 1, qms.ActionApprove, ""); qms.ErrorCode(err) != qms.EFORBIDDEN {
		t.Fatalf("self-approval of a form: %v", err)
	}
	if _, err := db.TransitionFormVersion(leader, f.ID, 1, qms.ActionApprove, ""); err != nil {
		t.Fatal(err)
	}
	// The procedure's check step now requires the form.
	p, _ := db.FindProcedures(sys, qms.ProcedureFilter{})
	v2, err := db.CreateVersion(officer, p[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	v2.Flowchart.Steps[1].Forms = []string{"BM-QT01-01"}
	db.UpdateVersion(officer, v2)
	db.TransitionVersion(officer, p[0].ID, 2, qms.ActionSubmit, "")
	if _, err := db.TransitionVersion(leader, p[0].ID, 2, qms.ActionApprove, ""); err != nil {
		t.Fatal(err)
	}
	d := &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "A"}, Channel: qms.ChannelCounter}
	if err := db.ReceiveDossier(staff, d); err != nil {
		t.Fatal(err)
	}
	entry := map[string]any{"ket_luan": "Đạt"}
	for _, tt := range []struct {
		name  string
		in    qms.CompleteStep
		field string
	}{
		{"no entry", qms.CompleteStep{StepID: "check"}, "entry"},
		{"old version", qms.CompleteStep{StepID: "check", Entry: entry, FormVersion: 7}, "form_version"},
	} {
		if _, err := db.CompleteStep(staff, "SVHTT", d.Code, tt.in); qms.ErrorField(err) != tt.field {
			t.Fatalf("%s: %v", tt.name, err)
		}
	}
	// Version 2 of the form takes effect; version 1 is superseded but kept.
	clk.Add(1)
	nv, _ := db.CreateFormVersion(officer, f.ID)
	db.TransitionFormVersion(officer, f.ID, nv.Number, qms.ActionSubmit, "")
	db.TransitionFormVersion(leader, f.ID, nv.Number, qms.ActionApprove, "")
	if old, _ := db.FindFormVersion(sys, f.ID, 1); old.Status != qms.StatusSuperseded {
		t.Fatalf("v1 is %s", old.Status)
	}
	if _, err := db.CompleteStep(staff, "SVHTT", d.Code, qms.CompleteStep{StepID: "check", Entry: entry, FormVersion: 1}); qms.ErrorField(err) != "form_version" {
		t.Fatalf("record on the superseded version: %v", err)
	}
	if _, err := db.CompleteStep(staff, "SVHTT", d.Code, qms.CompleteStep{StepID: "check", Entry: entry, FormVersion: 2}); err != nil {
		t.Fatal(err)
	}
	steps, _ := db.StepRecords(sys, d.ID)
	if last := steps[len(steps)-1]; last.FormCode != "BM-QT01-01" || last.FormVersion != 2 || last.Entry["ket_luan"] != "Đạt" {
		t.Fatalf("record: %+v", last)
	}
}
