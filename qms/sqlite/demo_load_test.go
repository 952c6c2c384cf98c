package sqlite_test

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/sqlite"
)

// step is one action of a scripted dossier: complete a step (with an
// exit) or, with apologize set, make the apology slip.
type step struct {
	at        time.Time
	id, exit  string
	apologize time.Time
}

// TestHistoryMatchesServices replays the same actions through the
// services, a transaction each, and as a history loaded in bulk: the two
// dossiers must end with the same state, step log and open steps, so the
// bulk path cannot drift from the rules of ReceiveDossier and
// CompleteStep.
func TestHistoryMatchesServices(t *testing.T) {
	received := hanoi(2026, 3, 2, 9, 0) // 5 working days → due 09/03 09:00
	cases := []struct {
		name  string
		steps []step
		want  qms.DossierStatus
	}{
		{"early through the leader", []step{{at: hanoi(2026, 3, 3, 8, 0), id: "check"}, {at: hanoi(2026, 3, 3, 9, 0), id: "ok", exit: "Đạt"},
			{at: hanoi(2026, 3, 4, 14, 0), id: "sign"}, {at: hanoi(2026, 3, 5, 10, 0), id: "e"}}, qms.DossierCompleted},
		{"refused on time", []step{{at: hanoi(2026, 3, 4, 8, 0), id: "check"}, {at: hanoi(2026, 3, 5, 9, 0), id: "ok", exit: "Không đạt"},
			{at: hanoi(2026, 3, 9, 8, 0), id: "notice"}, {at: hanoi(2026, 3, 9, 16, 0), id: "e"}}, qms.DossierCompleted},
		{"late after an apology", []step{{at: hanoi(2026, 3, 6, 8, 0), id: "check"}, {at: hanoi(2026, 3, 9, 9, 0), id: "ok", exit: "Đạt"},
			{at: hanoi(2026, 3, 10, 14, 0), id: "sign"}, {at: hanoi(2026, 3, 11, 8, 0), apologize: hanoi(2026, 3, 13, 8, 0)},
			{at: hanoi(2026, 3, 11, 9, 0), id: "e"}}, qms.DossierCompleted},
		{"open at the decision", []step{{at: hanoi(2026, 3, 3, 8, 0), id: "check"}}, qms.DossierInProgress},
		{"open at receipt", nil, qms.DossierReceived},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db, clk, sys := openDB(t)
			staff, leader := effectiveProcedure(t, db, sys)
			clk.Set(received.UTC())
			viaServices := &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "Trần Thị Bình"}, Channel: qms.ChannelOnline, ReceivedAt: received}
			if err := db.ReceiveDossier(staff, viaServices); err != nil {
				t.Fatal(err)
			}
			for _, s := range tc.steps {
				clk.Set(s.at.UTC())
				var err error
				if !s.apologize.IsZero() {
					_, err = db.Apologize(staff, "SVHTT", viaServices.Code, s.apologize, "Chờ ý kiến cơ quan liên quan")
				} else {
					who := staff
					if s.id == "sign" {
						who = leader
					}
					_, err = db.CompleteStep(who, "SVHTT", viaServices.Code, qms.CompleteStep{StepID: s.id, Exit: s.exit, Note: "Đã xử lý"})
				}
				if err != nil {
					t.Fatalf("services, step %+v: %v", s, err)
				}
			}

			v, err := db.FindVersion(sys, viaServices.ProcedureID, viaServices.VersionNumber)
			if err != nil {
				t.Fatal(err)
			}
			cal, err := db.Calendar(sys, "SVHTT")
			if err != nil {
				t.Fatal(err)
			}
			in := *viaServices
			in.Code, in.ID, in.Flow, in.Status, in.DueAt, in.UpdatedAt = "SVHTT-2026-000002", 0, qms.FlowState{}, "", time.Time{}, time.Time{}
			h, err := qms.ReceiveHistory(in, v.Flowchart, cal, 5, "chuyen.vien")
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range tc.steps {
				if !s.apologize.IsZero() {
					err = h.Apologize(v.Flowchart, cal, s.apologize, s.at)
				} else {
					err = h.Complete(v.Flowchart, cal, qms.CompleteStep{StepID: s.id, Exit: s.exit, Note: "Đã xử lý"}, s.at, doneBy(s.id))
				}
				if err != nil {
					t.Fatalf("history, step %+v: %v", s, err)
				}
			}
			if err := db.LoadDossierHistories(sys, "SVHTT", []*qms.DossierHistory{h}); err != nil {
				t.Fatal(err)
			}

			a, _ := db.FindDossier(sys, "SVHTT", viaServices.Code)
			b, _ := db.FindDossier(sys, "SVHTT", h.Dossier.Code)
			if a == nil || b == nil || a.Status != tc.want {
				t.Fatalf("dossiers %+v %+v, want status %s", a, b, tc.want)
			}
			if sameDossier(a) != sameDossier(b) {
				t.Errorf("dossier differs:\nservices %s\nhistory  %s", sameDossier(a), sameDossier(b))
			}
			ra, _ := db.StepRecords(sys, a.ID)
			rb, _ := db.StepRecords(sys, b.ID)
			if len(ra) != len(tc.steps)+1-countApologies(tc.steps) || len(ra) != len(rb) {
				t.Fatalf("step records: services %d, history %d", len(ra), len(rb))
			}
			for i := range ra {
				x, y := *ra[i], *rb[i]
				x.ID, x.DossierID, y.ID, y.DossierID = 0, 0, 0, 0
				if !reflect.DeepEqual(x, y) {
					t.Errorf("step %d differs:\nservices %+v\nhistory  %+v", i, x, y)
				}
			}
			ta, _ := db.Tasks(sys, "SVHTT", qms.Roles)
			if want := 2 * len(a.Flow.Open); len(ta) != want {
				t.Fatalf("open steps: %d, want %d (both dossiers)", len(ta), want)
			}
			for i := 0; i+1 < len(ta); i += 2 {
				if ta[i].StepID != ta[i+1].StepID || !ta[i].DueAt.Equal(ta[i+1].DueAt) {
					t.Errorf("open step differs: %+v / %+v", ta[i], ta[i+1])
				}
			}
		})
	}
}

// sameDossier is the part of a dossier both paths must agree on.
func sameDossier(d *qms.Dossier) string {
	b, _ := json.Marshal(map[string]any{"due": d.DueAt.UTC(), "status": d.Status, "result": d.Result, "returned": d.ReturnedAt,
		"appointment": d.NewAppointment, "flow": d.Flow, "updated": d.UpdatedAt.UTC(), "version": d.VersionNumber})
	return string(b)
}

func countApologies(ss []step) int {
	n := 0
	for _, s := range ss {
		if !s.apologize.IsZero() {
			n++
		}
	}
	return n
}

// doneBy is the user of effectiveProcedure who completes a step of the
// decision chart: the leader signs, the staff does the rest.
func doneBy(step string) string {
	if step == "sign" {
		return "giam.doc"
	}
	return "chuyen.vien"
}

// loadFixture receives one dossier through the services (code …-000001)
// and returns a builder of histories on the same procedure version.
func loadFixture(t *testing.T) (*sqlite.DB, context.Context, context.Context, func(code string, received time.Time, done int) *qms.DossierHistory) {
	db, _, sys := openDB(t)
	staff, _ := effectiveProcedure(t, db, sys)
	first := &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "Lê Văn An"}, Channel: qms.ChannelCounter}
	if err := db.ReceiveDossier(staff, first); err != nil || first.Code != "SVHTT-2026-000001" {
		t.Fatalf("first receipt %q: %v", first.Code, err)
	}
	v, err := db.FindVersion(sys, first.ProcedureID, first.VersionNumber)
	if err != nil {
		t.Fatal(err)
	}
	cal, err := db.Calendar(sys, "SVHTT")
	if err != nil {
		t.Fatal(err)
	}
	// build receives at received and completes the first done steps of
	// the approved path (check, ok, sign, e) a working hour apart.
	build := func(code string, received time.Time, done int) *qms.DossierHistory {
		d := qms.Dossier{Code: code, AgencyCode: "SVHTT", TTHCCode: "1.000001", ProcedureID: first.ProcedureID, VersionNumber: first.VersionNumber,
			Applicant: qms.Applicant{Name: "Phạm Thu Hà"}, Channel: qms.ChannelPost, ReceivedAt: received}
		h, err := qms.ReceiveHistory(d, v.Flowchart, cal, 5, "chuyen.vien")
		if err != nil {
			t.Fatal(err)
		}
		at := received
		for _, s := range []qms.CompleteStep{{StepID: "check"}, {StepID: "ok", Exit: "Đạt"}, {StepID: "sign"}, {StepID: "e"}}[:done] {
			if at, err = cal.AddWorkingHours(at, time.Hour); err != nil {
				t.Fatal(err)
			}
			if err := h.Complete(v.Flowchart, cal, s, at, doneBy(s.StepID)); err != nil {
				t.Fatal(err)
			}
		}
		return h
	}
	return db, sys, staff, build
}

// TestLoadDossierHistories loads a batch and checks what the rest of the
// system relies on: the rows, one audit entry, the chain, and receipts
// numbered after the loaded codes in each year.
func TestLoadDossierHistories(t *testing.T) {
	db, sys, staff, build := loadFixture(t)
	var hs []*qms.DossierHistory
	for n := 2; n <= 41; n++ {
		hs = append(hs, build(qms.DossierCode("SVHTT", 2026, n), hanoi(2026, 2, 2, 9, 0).Add(time.Duration(n)*time.Hour), n%5))
	}
	hs = append(hs, build("SVHTT-2025-000007", hanoi(2025, 12, 29, 9, 0), 4), build("MOTCUA-123", hanoi(2025, 12, 30, 9, 0), 4))
	if err := db.LoadDossierHistories(sys, "SVHTT", hs); err != nil {
		t.Fatal(err)
	}
	if _, total, _ := db.FindDossiers(sys, qms.DossierFilter{AgencyCode: ptr("SVHTT")}); total != 43 {
		t.Fatalf("%d dossiers, want 43", total)
	}
	open := 0
	for _, h := range hs {
		recs, err := db.StepRecords(sys, h.Dossier.ID)
		if err != nil || len(recs) != len(h.Steps) || recs[0].StepID != "s" || recs[len(recs)-1].StepID != h.Steps[len(h.Steps)-1].StepID {
			t.Fatalf("%s: %d step records, want %d (%v)", h.Dossier.Code, len(recs), len(h.Steps), err)
		}
		if !h.Dossier.Status.Finished() {
			open += len(h.Dossier.Flow.Open)
		}
	}
	tasks, _ := db.Tasks(sys, "SVHTT", qms.Roles)
	if len(tasks) != open+1 { // and the dossier received through the services
		t.Fatalf("%d open steps, want %d", len(tasks), open+1)
	}
	checkOpenStepsMirror(t, db)
	entries, total, _ := db.FindAuditEntries(sys, qms.AuditFilter{Action: ptr("dossier.generate")})
	if total != 1 || !json.Valid(entries[0].After) || string(entries[0].After) != `{"count":42,"first":"SVHTT-2026-000002","last":"MOTCUA-123"}` {
		t.Fatalf("audit of the batch: %d %s", total, entries[0].After)
	}
	if _, err := db.VerifyAuditChain(sys); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		received time.Time
		want     string
	}{{hanoi(2026, 3, 2, 10, 0), "SVHTT-2026-000042"}, {hanoi(2025, 12, 31, 10, 0), "SVHTT-2025-000008"}} {
		d := &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "Vũ Đức Huy"}, Channel: qms.ChannelCounter, ReceivedAt: tc.received}
		if err := db.ReceiveDossier(staff, d); err != nil || d.Code != tc.want {
			t.Errorf("receipt after the load: %q %v, want %s", d.Code, err, tc.want)
		}
	}
}

// TestLoadDossierHistoriesAllOrNothing: one bad history fails the whole
// batch with the rule it breaks, and nothing of it is written.
func TestLoadDossierHistoriesAllOrNothing(t *testing.T) {
	db, sys, _, build := loadFixture(t)
	received := hanoi(2026, 2, 2, 9, 0)
	cases := []struct {
		name   string
		bad    func() *qms.DossierHistory
		agency string
		code   string
	}{
		{"code already used", func() *qms.DossierHistory { return build("SVHTT-2026-000001", received, 4) }, "SVHTT", qms.ECONFLICT},
		{"code used twice in the batch", func() *qms.DossierHistory { return build("SVHTT-2026-000010", received, 4) }, "SVHTT", qms.ECONFLICT},
		{"another agency's dossier", func() *qms.DossierHistory {
			h := build("SVHTT-2026-000011", received, 4)
			h.Dossier.AgencyCode = qms.SystemAgencyCode
			return h
		}, "SVHTT", qms.EINVALID},
		{"TTHC not in the catalogue", func() *qms.DossierHistory {
			h := build("SVHTT-2026-000012", received, 4)
			h.Dossier.TTHCCode = "1.999999"
			return h
		}, "SVHTT", qms.EINVALID},
		{"record on a form version not in force", func() *qms.DossierHistory {
			h := build("SVHTT-2026-000013", received, 4)
			h.Steps[1].FormCode, h.Steps[1].FormVersion = "Mẫu số 05", 9
			return h
		}, "SVHTT", qms.EINVALID},
		{"no receipt", func() *qms.DossierHistory {
			h := build("SVHTT-2026-000014", received, 0)
			h.Steps = nil
			return h
		}, "SVHTT", qms.EINVALID},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, before, _ := db.FindAuditEntries(sys, qms.AuditFilter{})
			good := build("SVHTT-2026-000010", received, 2)
			err := db.LoadDossierHistories(sys, tc.agency, []*qms.DossierHistory{good, tc.bad()})
			if qms.ErrorCode(err) != tc.code {
				t.Fatalf("error %v, want %s", err, tc.code)
			}
			if _, n, _ := db.FindDossiers(sys, qms.DossierFilter{AgencyCode: ptr("SVHTT")}); n != 1 {
				t.Errorf("%d dossiers after a failed batch, want 1", n)
			}
			if _, after, _ := db.FindAuditEntries(sys, qms.AuditFilter{}); after != before {
				t.Errorf("audit entries %d → %d after a failed batch", before, after)
			}
		})
	}
}
