package storetest_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/qmstest"
	"isodt/qms/sqlstore"
)

// receiptFixture sets up agency SVHTT with TTHC 1.000001 (5 days) and an
// effective procedure with the decision chart; it returns a staff, a
// leader and a quality officer context.
func receiptFixture(t *testing.T, f *fixture) (staff, leader, officer context.Context) {
	t.Helper()
	return qmstest.EffectiveProcedure(t, f, f.ctx, qmstest.SampleTTHC())
}

func hanoi(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, qms.Zone)
}

// checkOpenStepsMirror fails the test when an open step's copy of its
// dossier differs from the dossier, or an open step survives its finished
// dossier. The fixture's exec returns no rows, so the check is a
// statement that fails on such a row (its step_id is NOT NULL) and
// changes nothing otherwise.
func checkOpenStepsMirror(t *testing.T, f *fixture) {
	t.Helper()
	if err := f.exec(`UPDATE dossier_open_steps SET step_id = NULL WHERE EXISTS (SELECT 1 FROM dossiers d WHERE d.id = dossier_open_steps.dossier_id
		AND (dossier_open_steps.dossier_code != d.code OR dossier_open_steps.tthc_code != d.tthc_code OR dossier_open_steps.dossier_due != d.due_at
		OR dossier_open_steps.procedure_id != COALESCE(d.procedure_id, 0) OR dossier_open_steps.version_number != d.version_number
		OR dossier_open_steps.paused != (d.status = 'paused') OR d.status IN ('completed', 'refused', 'withdrawn')))`); err != nil {
		t.Fatalf("open steps differ from their dossier: %v", err)
	}
}

// TestDossierLife: received before Tết, paused for a supplement, a
// decision branch, a late return refused without an apology.
func TestDossierLife(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys, clk := f.ctx, f.clk
		staff, leader, _ := receiptFixture(t, f)
		if err := f.ReceiveDossier(staff, &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000004", Applicant: qms.Applicant{Name: "A"}, Channel: qms.ChannelCounter}); qms.ErrorCode(err) != qms.ECONFLICT {
			t.Fatalf("TTHC without procedure received: %v", err)
		}
		// Friday 13/02/2026 10:00: 5 working days skip Tết (16–20/02) → 27/02/2026 10:00.
		received := hanoi(2026, 2, 13, 10, 0)
		d := &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "Nguyễn Văn An", IDNumber: "001099012345"}, Channel: qms.ChannelCounter, ReceivedAt: received}
		if err := f.ReceiveDossier(staff, d); err != nil {
			t.Fatal(err)
		}
		if want := hanoi(2026, 2, 27, 10, 0); !d.DueAt.Equal(want) {
			t.Fatalf("due %v, want %v", d.DueAt.In(qms.Zone), want)
		}
		if d.Code != "SVHTT-2026-000001" || d.Status != qms.DossierReceived || len(d.Flow.Open) != 1 {
			t.Fatalf("received: %+v", d)
		}
		checkOpenStepsMirror(t, f)
		tasks, _ := f.Tasks(staff, "SVHTT", []qms.Role{qms.RoleStaff})
		if len(tasks) != 1 || tasks[0].StepID != "check" {
			t.Fatalf("staff tasks: %+v", tasks)
		}
		clk.Set(hanoi(2026, 2, 23, 9, 0).UTC())
		if _, err := f.CompleteStep(staff, "SVHTT", d.Code, qms.CompleteStep{StepID: "sign"}); qms.ErrorCode(err) != qms.EINVALID {
			t.Fatalf("completing a closed step: %v", err)
		}
		if _, err := f.CompleteStep(staff, "SVHTT", d.Code, qms.CompleteStep{StepID: "check", Note: "Đủ thành phần"}); err != nil {
			t.Fatal(err)
		}
		// Pause Monday 23/02 10:00 → resume Wednesday 25/02 10:00: 2 working days move the due time.
		clk.Set(hanoi(2026, 2, 23, 10, 0).UTC())
		if _, err := f.PauseDossier(staff, "SVHTT", d.Code, "Bổ sung bản sao giấy chứng nhận PCCC"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.PauseDossier(staff, "SVHTT", d.Code, "Lần nữa"); qms.ErrorCode(err) != qms.EINVALID {
			t.Fatalf("paused twice: %v", err)
		}
		checkOpenStepsMirror(t, f)
		if tasks, _ = f.Tasks(staff, "SVHTT", []qms.Role{qms.RoleStaff}); len(tasks) != 0 {
			t.Fatalf("a paused dossier's step is a task: %+v", tasks)
		}
		if _, err := f.CompleteStep(staff, "SVHTT", d.Code, qms.CompleteStep{StepID: "ok", Exit: "Đạt"}); qms.ErrorCode(err) != qms.EINVALID {
			t.Fatalf("step completed while paused: %v", err)
		}
		clk.Set(hanoi(2026, 2, 25, 10, 0).UTC())
		var err error
		if d, err = f.ResumeDossier(staff, "SVHTT", d.Code); err != nil || !d.DueAt.Equal(hanoi(2026, 3, 3, 10, 0)) {
			t.Fatalf("due after resume %v (%v), want 03/03 10:00", d, err)
		}
		checkOpenStepsMirror(t, f)
		if tasks, _ = f.Tasks(staff, "SVHTT", []qms.Role{qms.RoleStaff}); len(tasks) != 1 || !tasks[0].DossierDue.Equal(d.DueAt) || tasks[0].DossierCode != d.Code {
			t.Fatalf("tasks after resume: %+v", tasks)
		}
		if _, err := f.CompleteStep(staff, "SVHTT", d.Code, qms.CompleteStep{StepID: "ok", Exit: "Sai"}); qms.ErrorCode(err) != qms.EINVALID {
			t.Fatalf("unknown exit: %v", err)
		}
		if d, _ = f.CompleteStep(staff, "SVHTT", d.Code, qms.CompleteStep{StepID: "ok", Exit: "Đạt"}); d == nil || d.Flow.Open[0].StepID != "sign" {
			t.Fatalf("decision went to %+v", d)
		}
		if tasks, _ = f.Tasks(leader, "SVHTT", []qms.Role{qms.RoleLeader}); len(tasks) != 1 || tasks[0].StepName != "Ký giấy phép" {
			t.Fatalf("leader tasks: %+v", tasks)
		}
		if _, err := f.CompleteStep(staff, "SVHTT", d.Code, qms.CompleteStep{StepID: "sign"}); qms.ErrorCode(err) != qms.EFORBIDDEN {
			t.Fatalf("staff signed the leader's step: %v", err)
		}
		if _, err := f.CompleteStep(leader, "SVHTT", d.Code, qms.CompleteStep{StepID: "sign"}); err != nil {
			t.Fatal(err)
		}
		// Returned on 05/03, a day after the due date: refused until the apology slip.
		clk.Set(hanoi(2026, 3, 5, 9, 0).UTC())
		if _, err := f.CompleteStep(staff, "SVHTT", d.Code, qms.CompleteStep{StepID: "e"}); qms.ErrorCode(err) != qms.EINVALID {
			t.Fatalf("late return without apology: %v", err)
		}
		if _, err := f.Apologize(staff, "SVHTT", d.Code, hanoi(2026, 3, 6, 16, 0), ""); qms.ErrorField(err) != "reason" {
			t.Fatalf("apology without reason: %v", err)
		}
		if _, err := f.Apologize(staff, "SVHTT", d.Code, hanoi(2026, 3, 6, 16, 0), "Chờ ý kiến cơ quan PCCC"); err != nil {
			t.Fatal(err)
		}
		checkOpenStepsMirror(t, f)
		if d, _ = f.CompleteStep(staff, "SVHTT", d.Code, qms.CompleteStep{StepID: "e"}); d == nil || d.Status != qms.DossierCompleted || d.Result != qms.Late {
			t.Fatalf("completed: %+v", d)
		}
		checkOpenStepsMirror(t, f)
		steps, _ := f.StepRecords(sys, d.ID)
		pauses, _ := f.Pauses(sys, d.ID)
		if len(steps) != 5 || steps[2].Exit != "Đạt" || steps[1].Note != "Đủ thành phần" || len(pauses) != 1 || pauses[0].EndedAt == nil {
			t.Fatalf("%d steps, %d pauses", len(steps), len(pauses))
		}
		p, err := f.DossierProgress(staff, "SVHTT", strings.ToLower(d.Code))
		if err != nil || p.Dossier.Code != d.Code || len(p.Steps) != len(steps) || p.Steps[2].Exit != "Đạt" || len(p.Pauses) != 1 || p.Pauses[0].Reason != pauses[0].Reason {
			t.Fatalf("progress: %+v, %v", p, err)
		}
		if p.Dossier.NewAppointment == nil || !p.Dossier.NewAppointment.Equal(hanoi(2026, 3, 6, 16, 0)) {
			t.Fatalf("new appointment %v", p.Dossier.NewAppointment)
		}
		if _, err := f.DossierProgress(staff, "STP", d.Code); qms.ErrorCode(err) != qms.ENOTFOUND {
			t.Fatalf("another agency's dossier: %v", err)
		}
		if _, err := f.PauseDossier(staff, "SVHTT", d.Code, "x"); qms.ErrorCode(err) != qms.EINVALID {
			t.Fatalf("finished dossier paused: %v", err)
		}
		for _, action := range []string{"dossier.receive", "dossier.step", "dossier.pause", "dossier.resume", "dossier.apology", "dossier.complete"} {
			a := action
			if es, _, _ := f.FindAuditEntries(sys, qms.AuditFilter{Action: &a}); len(es) == 0 {
				t.Errorf("%s not audited", action)
			}
		}
		if _, err := f.VerifyAuditChain(sys); err != nil {
			t.Fatal(err)
		}
	})
}

// A receipt is decided before its write, outside it; a change to the
// catalogue committed in between is seen by the write, which decides
// again: a TTHC abolished meanwhile refuses the dossier, a new time limit
// gives the due time on it.
func TestReceiptDecidedAgainWhenCatalogueMoved(t *testing.T) {
	for _, tc := range []struct {
		name    string
		change  func(*qms.TTHC)
		refused bool
		days    int
	}{
		{name: "unchanged", change: func(*qms.TTHC) {}, days: 5},
		{name: "time limit changed", change: func(t *qms.TTHC) { t.TimeLimitDays = 12 }, days: 12},
		{name: "abolished", change: func(t *qms.TTHC) { t.Status = qms.TTHCAbolished }, refused: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			eachStore(t, func(t *testing.T, f *fixture) {
				sys := f.ctx
				staff, _, _ := receiptFixture(t, f)
				items := qmstest.SampleTTHC()
				tc.change(&items[0])
				defer sqlstore.SetReceiptPlanned(func() {
					if _, _, err := f.ImportTTHC(sys, "SVHTT", items); err != nil {
						t.Error(err)
					}
				})()
				received := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC) // a Monday, 9:00 in Hà Nội
				d := &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "Nguyễn Văn An"}, Channel: qms.ChannelOnline, ReceivedAt: received}
				err := f.ReceiveDossier(staff, d)
				if tc.refused {
					if qms.ErrorCode(err) != qms.EINVALID {
						t.Fatalf("receipt of an abolished TTHC: %v", err)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				cal, _ := f.Calendar(sys, "SVHTT")
				want, _ := cal.Due(received, tc.days)
				got, err := f.FindDossier(sys, "SVHTT", d.Code)
				if err != nil || !got.DueAt.Equal(want) || !d.DueAt.Equal(want) {
					t.Fatalf("due %v (stored %v), want %v on %d days: %v", d.DueAt, got.DueAt, want, tc.days, err)
				}
			})
		})
	}
}

// TestDossierNumberingTwoServers: two servers (two handles on one
// database) receive dossiers of one agency at once. Every receipt
// succeeds, the codes are unique and the year's numbers run 1…n without
// a gap; a receipt repeated with its idempotency key through the other
// server returns the first dossier instead of numbering a second.
func TestDossierNumberingTwoServers(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		staff, _, _ := receiptFixture(t, f)
		servers := []Store{f.Store, f.second(t)}
		const each = 50
		type result struct {
			d   *qms.Dossier
			err error
		}
		results := make(chan result, len(servers)*each)
		var wg sync.WaitGroup
		for s, srv := range servers {
			for i := range each {
				wg.Add(1)
				go func() {
					defer wg.Done()
					d := &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "Người nộp"}, Channel: qms.ChannelOnline,
						IdempotencyKey: fmt.Sprintf("server%d-%d", s, i)}
					results <- result{d, srv.ReceiveDossier(staff, d)}
				}()
			}
		}
		wg.Wait()
		close(results)
		codes := map[string]*qms.Dossier{}
		for r := range results {
			if r.err != nil {
				t.Fatalf("a concurrent receipt failed: %v", r.err)
			}
			if codes[r.d.Code] != nil {
				t.Fatalf("code %s given twice", r.d.Code)
			}
			codes[r.d.Code] = r.d
		}
		for n := 1; n <= len(servers)*each; n++ {
			if codes[qms.DossierCode("SVHTT", 2026, n)] == nil {
				t.Fatalf("number %d of %d missing: the sequence has a gap", n, len(servers)*each)
			}
		}
		// The same key again, through the other server: the first dossier.
		first := codes[qms.DossierCode("SVHTT", 2026, 1)]
		other := servers[0]
		if strings.HasPrefix(first.IdempotencyKey, "server0-") {
			other = servers[1]
		}
		again := &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "Người nộp"}, Channel: qms.ChannelOnline, IdempotencyKey: first.IdempotencyKey}
		if err := other.ReceiveDossier(staff, again); err != nil || !again.Replayed || again.Code != first.Code || again.ID != first.ID {
			t.Fatalf("the key resent through the other server: %+v %v, want %s", again, err, first.Code)
		}
		// The key resent with another dossier is refused, not answered
		// with the first one.
		for _, changed := range []*qms.Dossier{
			{Code: "SVHTT-MC-000001", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "Người nộp"}, Channel: qms.ChannelOnline},
			{TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "Người khác"}, Channel: qms.ChannelOnline},
			{TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "Người nộp"}, Channel: qms.ChannelCounter},
		} {
			changed.AgencyCode, changed.IdempotencyKey = "SVHTT", first.IdempotencyKey
			if err := other.ReceiveDossier(staff, changed); qms.ErrorCode(err) != qms.ECONFLICT || qms.ErrorField(err) != "idempotency_key" || changed.Replayed {
				t.Fatalf("the key resent with %+v: %v", changed, err)
			}
		}
		agency := "SVHTT"
		if _, total, err := f.FindDossiers(f.ctx, qms.DossierFilter{AgencyCode: &agency, Limit: 1}); err != nil || total != len(servers)*each {
			t.Fatalf("%d dossiers (%v), want %d", total, err, len(servers)*each)
		}
		// The next receipt, on either server, takes the next number.
		next := &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "Người nộp"}, Channel: qms.ChannelCounter}
		if err := servers[1].ReceiveDossier(staff, next); err != nil || next.Code != qms.DossierCode("SVHTT", 2026, len(servers)*each+1) {
			t.Fatalf("next receipt: %s %v", next.Code, err)
		}
	})
}

// A code the caller chose ahead of the sequence is skipped when the
// sequence gets there; a code taken already is a conflict.
func TestDossierNumberingSkipsChosenCodes(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		staff, _, _ := receiptFixture(t, f)
		receive := func(code string) (*qms.Dossier, error) {
			d := &qms.Dossier{Code: code, AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "Người nộp"}, Channel: qms.ChannelCounter}
			return d, f.ReceiveDossier(staff, d)
		}
		for i, tc := range []struct {
			code, want string
			err        string
		}{
			{"", "SVHTT-2026-000001", ""},
			{"svhtt-2026-000003", "SVHTT-2026-000003", ""},
			{"", "SVHTT-2026-000002", ""},
			{"", "SVHTT-2026-000004", ""},
			{"SVHTT-2026-000004", "", qms.ECONFLICT},
		} {
			d, err := receive(tc.code)
			if qms.ErrorCode(err) != tc.err || tc.err == "" && d.Code != tc.want {
				t.Fatalf("receipt %d (%q): %s %v, want %s %s", i, tc.code, d.Code, err, tc.want, tc.err)
			}
		}
	})
}

// TestImportDossiersAndSeedFigures: the department's figures from the
// domain brief, imported from a one-stop system's history — 2,002
// completed, 1,856 early, 65 on time, 81 late → 95.95; a bad row rejects
// the whole import.
func TestImportDossiersAndSeedFigures(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys, clk := f.ctx, f.clk
		if err := f.CreateAgency(sys, &qms.Agency{Code: "SVHTT", Name: "Sở VHTT"}); err != nil {
			t.Fatal(err)
		}
		clk.Set(hanoi(2026, 7, 1, 8, 0).UTC())
		var rows []sqlstore.DossierImport
		add := func(n int, received, due time.Time, done *time.Time, status qms.DossierStatus) {
			for range n {
				rows = append(rows, sqlstore.DossierImport{Code: fmt.Sprintf("H-%05d", len(rows)), TTHCCode: "1.000001", ReceivedAt: received, DueAt: due, CompletedAt: done, Status: status})
			}
		}
		day := func(m time.Month, d int) *time.Time { t := hanoi(2026, m, d, 15, 0); return &t }
		add(1856, hanoi(2026, 4, 6, 9, 0), hanoi(2026, 4, 13, 9, 0), day(4, 10), qms.DossierCompleted)
		add(65, hanoi(2026, 4, 6, 9, 0), hanoi(2026, 4, 13, 9, 0), day(4, 13), qms.DossierCompleted)
		add(81, hanoi(2026, 5, 4, 9, 0), hanoi(2026, 5, 8, 9, 0), day(5, 12), qms.DossierCompleted)
		add(10, hanoi(2026, 3, 20, 9, 0), hanoi(2026, 5, 20, 9, 0), nil, qms.DossierInProgress) // carried over, open
		add(7, hanoi(2026, 6, 1, 9, 0), hanoi(2026, 6, 10, 9, 0), nil, qms.DossierInProgress)   // overdue at the end
		add(3, hanoi(2026, 6, 25, 9, 0), hanoi(2026, 7, 10, 9, 0), nil, qms.DossierInProgress)  // within time
		if n, err := f.ImportDossiers(sys, "SVHTT", rows); err != nil || n != len(rows) {
			t.Fatalf("import: %d %v", n, err)
		}
		reps, err := f.OnTime(sys, "SVHTT", hanoi(2026, 4, 1, 0, 0), hanoi(2026, 7, 1, 0, 0), "")
		if err != nil {
			t.Fatal(err)
		}
		r := reps[""]
		want := qms.OnTimeReport{Received: 2002 + 7 + 3, CarriedOver: 10, Completed: 2002, Early: 1856, OnTime: 65, Late: 81, InProgress: 3, Overdue: 17, TimelyRate: 95.95}
		want.LateRate = r.LateRate
		want.MeasuredAt = hanoi(2026, 7, 1, 0, 0).UTC()
		if *r != want {
			t.Fatalf("report %+v\nwant   %+v", *r, want)
		}
		got, err := f.FindDossier(sys, "SVHTT", "H-00000")
		if err != nil || got.Result != qms.Early || got.ReturnedAt == nil || got.Note != "nhập từ hệ thống một cửa" {
			t.Fatalf("an imported row: %+v %v", got, err)
		}
		// A bad row rejects the whole import.
		bad := []sqlstore.DossierImport{{Code: "NEW-1", TTHCCode: "1.000001", ReceivedAt: time.Now(), DueAt: time.Now(), Status: qms.DossierReceived}, rows[0]}
		if _, err := f.ImportDossiers(sys, "SVHTT", bad); qms.ErrorCode(err) != qms.ECONFLICT {
			t.Fatalf("duplicate code: %v", err)
		}
		if _, err := f.FindDossier(sys, "SVHTT", "NEW-1"); qms.ErrorCode(err) != qms.ENOTFOUND {
			t.Fatal("a failed import left a row")
		}
		if _, err := f.ImportDossiers(sys, "KHONG-CO", rows[:1]); qms.ErrorCode(err) != qms.ENOTFOUND {
			t.Fatalf("import into an unknown agency: %v", err)
		}
	})
}

// TestConcurrentCompletionsOfOneStep: many people completing the same
// open step at once (the step is worked out before the write), half of
// them through another server, leave one record; the others are told the
// step is no longer open.
func TestConcurrentCompletionsOfOneStep(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		staff, _, _ := receiptFixture(t, f)
		d := &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "Trần Thị Bình"}, Channel: qms.ChannelOnline}
		if err := f.ReceiveDossier(staff, d); err != nil {
			t.Fatal(err)
		}
		servers := []Store{f.Store, f.second(t)}
		const n = 16
		errs := make(chan error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := servers[i%2].CompleteStep(staff, "SVHTT", d.Code, qms.CompleteStep{StepID: "check"})
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		ok := 0
		for err := range errs {
			switch {
			case err == nil:
				ok++
			case qms.ErrorField(err) != "step_id" && qms.ErrorCode(err) != qms.ECONFLICT:
				t.Errorf("a losing completion: %v", err)
			}
		}
		recs, _ := f.StepRecords(f.ctx, d.ID)
		if ok != 1 || len(recs) != 2 {
			t.Fatalf("%d completions succeeded, %d records; want 1 and 2 (receipt, check)", ok, len(recs))
		}
		checkOpenStepsMirror(t, f)
	})
}

// TestStepDelegation: a leader delegates a staff step to the quality
// officer, who completes it once on the delegation; the record carries
// the delegator. A delegate without a role in the agency, a delegator
// without the step's role, a completion naming the wrong delegator and a
// second use are refused.
func TestStepDelegation(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys := f.ctx
		staff, leader, officer := receiptFixture(t, f)
		d := &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "Lê Văn Cường"}, Channel: qms.ChannelCounter}
		if err := f.ReceiveDossier(staff, d); err != nil {
			t.Fatal(err)
		}
		if err := f.CreateUser(sys, &qms.User{Username: "ngoai.don.vi"}, "ngua-o-123"); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name  string
			ctx   context.Context
			del   qms.StepDelegation
			field string
		}{
			{"delegate without a role here", leader, qms.StepDelegation{StepID: "check", To: "ngoai.don.vi", Reason: "Nghỉ phép"}, "to"},
			{"delegator without the step's role", officer, qms.StepDelegation{StepID: "check", To: "giam.doc", Reason: "Nghỉ phép"}, "step_id"},
			{"unknown step", leader, qms.StepDelegation{StepID: "khong-co", To: "thu.ky", Reason: "Nghỉ phép"}, "step_id"},
		} {
			if _, err := f.DelegateStep(tc.ctx, "SVHTT", d.Code, tc.del); qms.ErrorField(err) != tc.field {
				t.Errorf("%s: %v, want an error on %s", tc.name, err, tc.field)
			}
		}
		if _, err := f.CompleteStep(officer, "SVHTT", d.Code, qms.CompleteStep{StepID: "check"}); qms.ErrorCode(err) != qms.EFORBIDDEN {
			t.Fatalf("completed without the role or a delegation: %v", err)
		}
		del, err := f.DelegateStep(leader, "SVHTT", d.Code, qms.StepDelegation{StepID: "check", To: " Thu.Ky ", Reason: "Chuyên viên nghỉ phép"})
		if err != nil || del.ID == 0 || del.From != "giam.doc" || del.To != "thu.ky" {
			t.Fatalf("delegate: %+v %v", del, err)
		}
		open, err := f.OpenDelegations(officer, "SVHTT", d.Code, "thu.ky")
		if err != nil || len(open) != 1 || open[0].ID != del.ID || open[0].StepID != "check" || open[0].From != "giam.doc" {
			t.Fatalf("open delegations: %+v %v", open, err)
		}
		if _, err := f.CompleteStep(officer, "SVHTT", d.Code, qms.CompleteStep{StepID: "check", DelegatedBy: "chuyen.vien", DelegationReason: "x"}); qms.ErrorField(err) != "delegated_by" {
			t.Fatalf("completion naming another delegator: %v", err)
		}
		if _, err := f.CompleteStep(officer, "SVHTT", d.Code, qms.CompleteStep{StepID: "check"}); err != nil {
			t.Fatalf("completion on the delegation: %v", err)
		}
		recs, _ := f.StepRecords(sys, d.ID)
		if len(recs) != 2 || recs[1].Actor != "thu.ky" || recs[1].DelegatedBy != "giam.doc" || recs[1].DelegationReason != "Chuyên viên nghỉ phép" {
			t.Fatalf("records: %+v", recs)
		}
		if open, _ = f.OpenDelegations(officer, "SVHTT", d.Code, "thu.ky"); len(open) != 0 {
			t.Fatalf("a used delegation is still open: %+v", open)
		}
		if _, err := f.CompleteStep(officer, "SVHTT", d.Code, qms.CompleteStep{StepID: "ok", Exit: "Đạt"}); qms.ErrorCode(err) != qms.EFORBIDDEN {
			t.Fatalf("the delegation used twice: %v", err)
		}
		if n := unread(t, f, "thu.ky"); n != 1 {
			t.Errorf("the delegate has %d notifications, want 1", n)
		}
	})
}

// TestDelegationLapsesWithItsStep: a delegation is given for one round of
// a step. When someone else completes the step (here the staff who holds
// its role), the unused delegation ends with it, in the same write, and
// the step's audit entry says so: a flow looping back to the step must
// not find it alive, and the delegate's task list no longer shows it.
func TestDelegationLapsesWithItsStep(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		staff, leader, officer := receiptFixture(t, f)
		d := &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "Lê Văn Cường"}, Channel: qms.ChannelCounter}
		if err := f.ReceiveDossier(staff, d); err != nil {
			t.Fatal(err)
		}
		if _, err := f.DelegateStep(leader, "SVHTT", d.Code, qms.StepDelegation{StepID: "check", To: "thu.ky", Reason: "Chuyên viên nghỉ phép"}); err != nil {
			t.Fatal(err)
		}
		tasks, err := f.TasksPage(officer, "SVHTT", []qms.Role{qms.RoleQualityOfficer}, 0, 50)
		if err != nil || len(tasks) != 1 || tasks[0].StepID != "check" || tasks[0].DelegatedBy == "" {
			t.Fatalf("the delegate's tasks before: %+v %v", tasks, err)
		}
		if _, err := f.CompleteStep(staff, "SVHTT", d.Code, qms.CompleteStep{StepID: "check"}); err != nil {
			t.Fatal(err)
		}
		if open, err := f.OpenDelegations(officer, "SVHTT", d.Code, "thu.ky"); err != nil || len(open) != 0 {
			t.Fatalf("the delegation outlived its step: %+v %v", open, err)
		}
		if tasks, err := f.TasksPage(officer, "SVHTT", []qms.Role{qms.RoleQualityOfficer}, 0, 50); err != nil || len(tasks) != 0 {
			t.Fatalf("the delegate's tasks after: %+v %v", tasks, err)
		}
		action := "dossier.step"
		es, _, err := f.FindAuditEntries(f.ctx, qms.AuditFilter{Action: &action, Limit: 10})
		if err != nil || len(es) == 0 || !strings.Contains(string(es[0].After), `"lapsed_delegations":1`) {
			t.Fatalf("the step's audit entry does not say the delegation lapsed: %v", err)
		}
		// A new delegation of the next round's step works as before.
		if _, err := f.DelegateStep(leader, "SVHTT", d.Code, qms.StepDelegation{StepID: "ok", To: "thu.ky", Reason: "Chuyên viên nghỉ phép"}); err != nil {
			t.Fatalf("delegating the next step: %v", err)
		}
	})
}

// TestDossierCounts: the list's total of an agency (and a status) comes
// from the counts the database keeps by trigger; they follow receipts,
// step completions, pauses and a status written behind the store's back.
func TestDossierCounts(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys := f.ctx
		staff, leader, _ := receiptFixture(t, f)
		var codes []string
		for range 4 {
			d := &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "Nguyễn Văn An"}, Channel: qms.ChannelCounter}
			if err := f.ReceiveDossier(staff, d); err != nil {
				t.Fatal(err)
			}
			codes = append(codes, d.Code)
		}
		for _, step := range []struct {
			ctx      context.Context
			id, exit string
		}{{staff, "check", ""}, {staff, "ok", "Đạt"}, {leader, "sign", ""}, {staff, "e", ""}} {
			if _, err := f.CompleteStep(step.ctx, "SVHTT", codes[0], qms.CompleteStep{StepID: step.id, Exit: step.exit}); err != nil {
				t.Fatalf("step %s: %v", step.id, err)
			}
		}
		if _, err := f.PauseDossier(staff, "SVHTT", codes[1], "Bổ sung"); err != nil {
			t.Fatal(err)
		}
		if err := f.exec(`UPDATE dossiers SET status = 'refused' WHERE code = '` + codes[2] + `'`); err != nil {
			t.Fatal(err)
		}
		svhtt := "SVHTT"
		for _, tc := range []struct {
			status qms.DossierStatus
			want   int
		}{{"", 4}, {qms.DossierCompleted, 1}, {qms.DossierPaused, 1}, {qms.DossierRefused, 1}, {qms.DossierReceived, 1}, {qms.DossierInProgress, 0}} {
			fl := qms.DossierFilter{AgencyCode: &svhtt, Limit: 1}
			if tc.status != "" {
				fl.Status = &tc.status
			}
			if _, n, err := f.FindDossiers(sys, fl); err != nil || n != tc.want {
				t.Errorf("total of %q = %d (%v), want %d", tc.status, n, err, tc.want)
			}
		}
	})
}

// TestFindDossiersPages pages an agency's dossiers newest first (ties by
// id, newest first) under each filter, with the exact total and, for the
// list page, the total capped at CountLimit+1.
func TestFindDossiersPages(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys := f.ctx
		receiptFixture(t, f)
		if err := f.CreateAgency(sys, &qms.Agency{Code: "SGDDT", Name: "Sở GDĐT"}); err != nil {
			t.Fatal(err)
		}
		// SVHTT-00 … SVHTT-11 received an hour apart, SVHTT-12 at the same
		// time as SVHTT-11; even ones completed, odd ones in progress; every
		// third on TTHC 1.000004.
		base := time.Date(2026, 1, 5, 1, 0, 0, 0, time.UTC)
		var rows []sqlstore.DossierImport
		for i := 0; i <= 12; i++ {
			r := sqlstore.DossierImport{Code: fmt.Sprintf("SVHTT-%02d", i), TTHCCode: "1.000001", ReceivedAt: base.Add(time.Duration(min(i, 11)) * time.Hour),
				DueAt: base.Add(240 * time.Hour), Status: qms.DossierInProgress}
			if i%2 == 0 {
				done := r.ReceivedAt.Add(24 * time.Hour)
				r.Status, r.CompletedAt = qms.DossierCompleted, &done
			}
			if i%3 == 0 {
				r.TTHCCode = "1.000004"
			}
			rows = append(rows, r)
		}
		if _, err := f.ImportDossiers(sys, "SVHTT", rows); err != nil {
			t.Fatal(err)
		}
		if _, err := f.ImportDossiers(sys, "SGDDT", []sqlstore.DossierImport{{Code: "SGDDT-01", TTHCCode: "1.000001", ReceivedAt: base.Add(99 * time.Hour),
			DueAt: base.Add(240 * time.Hour), Status: qms.DossierInProgress}}); err != nil {
			t.Fatal(err)
		}
		svhtt, tthc := "SVHTT", "1.000004"
		completed, inProgress := qms.DossierCompleted, qms.DossierInProgress
		codes := func(nums ...int) []string {
			var out []string
			for _, n := range nums {
				out = append(out, fmt.Sprintf("SVHTT-%02d", n))
			}
			return out
		}
		for _, tc := range []struct {
			name  string
			f     qms.DossierFilter
			want  []string
			total int
		}{
			{"first page", qms.DossierFilter{AgencyCode: &svhtt, Limit: 5}, codes(12, 11, 10, 9, 8), 13},
			{"second page", qms.DossierFilter{AgencyCode: &svhtt, Limit: 5, Offset: 5}, codes(7, 6, 5, 4, 3), 13},
			{"short last page", qms.DossierFilter{AgencyCode: &svhtt, Limit: 5, Offset: 10}, codes(2, 1, 0), 13},
			{"past the end", qms.DossierFilter{AgencyCode: &svhtt, Limit: 5, Offset: 20}, nil, 13},
			{"status", qms.DossierFilter{AgencyCode: &svhtt, Status: &completed, Limit: 3}, codes(12, 10, 8), 7},
			{"status, second page", qms.DossierFilter{AgencyCode: &svhtt, Status: &inProgress, Limit: 3, Offset: 3}, codes(5, 3, 1), 6},
			{"TTHC", qms.DossierFilter{AgencyCode: &svhtt, TTHCCode: &tthc, Limit: 3}, codes(12, 9, 6), 5},
			{"status and TTHC", qms.DossierFilter{AgencyCode: &svhtt, Status: &inProgress, TTHCCode: &tthc, Limit: 3}, codes(9, 3), 2},
			{"capped", qms.DossierFilter{AgencyCode: &svhtt, Status: &completed, Limit: 3, CountLimit: 4}, codes(12, 10, 8), 5},
			{"at the cap", qms.DossierFilter{AgencyCode: &svhtt, Status: &completed, Limit: 3, CountLimit: 7}, codes(12, 10, 8), 7},
			{"one past the cap", qms.DossierFilter{AgencyCode: &svhtt, Status: &completed, Limit: 3, CountLimit: 6}, codes(12, 10, 8), 7},
			{"under the cap", qms.DossierFilter{AgencyCode: &svhtt, Status: &completed, Limit: 3, CountLimit: 100}, codes(12, 10, 8), 7},
			{"capped, short last page", qms.DossierFilter{AgencyCode: &svhtt, Status: &completed, Limit: 5, Offset: 5, CountLimit: 4}, codes(2, 0), 5},
			{"capped, past the end", qms.DossierFilter{AgencyCode: &svhtt, Limit: 5, Offset: 20, CountLimit: 4}, nil, 5},
		} {
			t.Run(tc.name, func(t *testing.T) {
				ds, total, err := f.FindDossiers(sys, tc.f)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, d := range ds {
					got = append(got, d.Code)
				}
				if fmt.Sprint(got) != fmt.Sprint(tc.want) || total != tc.total {
					t.Fatalf("got %v, total %d; want %v, total %d", got, total, tc.want, tc.total)
				}
			})
		}
	})
}

// A brief list has what a row shows, without decoding the applicant's
// and the flow's JSON.
func TestFindDossiersBrief(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys := f.ctx
		staff, _, _ := receiptFixture(t, f)
		d := &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Channel: qms.ChannelCounter,
			Applicant: qms.Applicant{Name: "Nguyễn Văn An", IDNumber: "001099012345"}}
		if err := f.ReceiveDossier(staff, d); err != nil {
			t.Fatal(err)
		}
		agency := "SVHTT"
		full, _, err := f.FindDossiers(sys, qms.DossierFilter{AgencyCode: &agency})
		if err != nil || len(full) != 1 || full[0].Applicant.IDNumber == "" || len(full[0].Flow.Open) == 0 {
			t.Fatalf("full: %+v %v", full, err)
		}
		brief, _, err := f.FindDossiers(sys, qms.DossierFilter{AgencyCode: &agency, Brief: true})
		if err != nil || len(brief) != 1 {
			t.Fatalf("brief: %+v %v", brief, err)
		}
		b, fl := brief[0], full[0]
		if b.Applicant != (qms.Applicant{Name: "Nguyễn Văn An"}) || b.Flow.Open != nil || b.Code != fl.Code || b.Status != fl.Status ||
			!b.ReceivedAt.Equal(fl.ReceivedAt) || !b.DueAt.Equal(fl.DueAt) || b.ProcedureID != fl.ProcedureID || b.VersionNumber != fl.VersionNumber {
			t.Fatalf("brief %+v\nfull  %+v", b, fl)
		}
	})
}

// TestControlStatuses follows the ISO-control status of two TTHCs
// through their procedures' lives: an effective version controls one, a
// draft does not control the other, a withdrawal ends the control; a TTHC
// no longer active is left out.
func TestControlStatuses(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys := f.ctx
		_, leader, officer := receiptFixture(t, f)
		items := qmstest.SampleTTHC()
		items[2].Status = qms.TTHCAbolished
		if _, _, err := f.ImportTTHC(sys, "SVHTT", items); err != nil {
			t.Fatal(err)
		}
		qt01, err := f.FindProcedures(sys, qms.ProcedureFilter{AgencyCode: ptr("SVHTT")})
		if err != nil || len(qt01) != 1 {
			t.Fatalf("the fixture's procedure: %v %v", qt01, err)
		}
		qt02 := &qms.Procedure{AgencyCode: "SVHTT", Code: "QT-02", Title: "Công nhận điểm du lịch", TTHCCodes: []string{"1.000004"}}
		for _, step := range []struct {
			name       string
			do         func() error
			karaoke    string // 1.000001
			tourism    string // 1.000004, its reason when not controlled
			tourismWhy string
		}{
			{"effective version", func() error { return nil }, qms.Controlled, qms.NotControlled, qms.ReasonNoProcedure},
			{"procedure without versions", func() error { return f.CreateProcedure(officer, qt02) }, qms.Controlled, qms.NotControlled, qms.ReasonNoProcedure},
			{"draft", func() error {
				v, err := f.CreateVersion(officer, qt02.ID)
				if err != nil {
					return err
				}
				v.Flowchart = qmstest.ValidChart(16)
				return f.UpdateVersion(officer, v)
			}, qms.Controlled, qms.NotControlled, qms.ReasonDraftOnly},
			{"approved", func() error {
				if _, err := f.TransitionVersion(officer, qt02.ID, 1, qms.ActionSubmit, ""); err != nil {
					return err
				}
				_, err := f.TransitionVersion(leader, qt02.ID, 1, qms.ActionApprove, "")
				return err
			}, qms.Controlled, qms.Controlled, ""},
			{"withdrawn", func() error {
				_, err := f.TransitionVersion(leader, qt01[0].ID, 1, qms.ActionWithdraw, "Thủ tục bị bãi bỏ")
				return err
			}, qms.NotControlled, qms.Controlled, ""},
		} {
			if err := step.do(); err != nil {
				t.Fatalf("%s: %v", step.name, err)
			}
			cs, err := f.ControlStatuses(sys, "SVHTT")
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]qms.Control{}
			for _, c := range cs {
				got[c.Code] = c
			}
			k, tr := got["1.000001"], got["1.000004"]
			if len(got) != 2 || k.Status != step.karaoke || tr.Status != step.tourism || tr.Reason != step.tourismWhy {
				t.Fatalf("%s: %+v, want 1.000001 %s and 1.000004 %s %s only", step.name, got, step.karaoke, step.tourism, step.tourismWhy)
			}
		}
	})
}
