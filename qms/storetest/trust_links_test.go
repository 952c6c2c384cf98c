package storetest_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"isodt/qms"
)

// trustLinks is what trustLinksScenario wrote through the application.
type trustLinks struct {
	sys, staff, leader, officer context.Context
	first, second               *qms.Procedure // QT-01: 1.000001; QT-02: 1.000004, 1.000009
}

// trustLinksScenario writes the links of TTHCs to procedures the way the
// application does: QT-01 governs 1.000001 (receiptFixture), QT-02 is
// created with 1.000004 and 1.000009 and its issue 01 approved with them.
func trustLinksScenario(t *testing.T, f *fixture) *trustLinks {
	t.Helper()
	r := &trustLinks{sys: f.ctx}
	r.staff, r.leader, r.officer = receiptFixture(t, f)
	r.first = soleProcedure(t, f)
	r.second = &qms.Procedure{AgencyCode: "SVHTT", Code: "QT-02", Title: "Công nhận điểm du lịch", TTHCCodes: []string{"1.000004", "1.000009"}}
	if err := f.CreateProcedure(r.officer, r.second); err != nil {
		t.Fatal(err)
	}
	approveDraft(t, f, r, r.second.ID)
	if got := namedRows(t, f, r.sys); got != nil {
		t.Fatalf("after the application's own writes: named %q", got)
	}
	return r
}

// approveDraft drafts, submits and approves the next issue of a procedure.
func approveDraft(t *testing.T, f *fixture, r *trustLinks, id int64) {
	t.Helper()
	n := draftVersion(t, f, r.officer, id)
	if _, err := f.TransitionVersion(r.officer, id, n, qms.ActionSubmit, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := f.TransitionVersion(r.leader, id, n, qms.ActionApprove, ""); err != nil {
		t.Fatal(err)
	}
}

// linkIDs replaces {first} and {second} with the procedures' ids.
func (r *trustLinks) linkIDs(s string) string {
	return strings.NewReplacer("{first}", fmt.Sprint(r.first.ID), "{second}", fmt.Sprint(r.second.ID)).Replace(s)
}

// TestTrust4LinksWrittenOutsideTheApp: a link of a TTHC to a procedure
// moved, inserted or deleted with the database alone (the outsider's
// `UPDATE procedure_tthc SET procedure_id = …`) is named by `qms audit
// verify`, also after later audited writes of links.
func TestTrust4LinksWrittenOutsideTheApp(t *testing.T) {
	tests := []struct {
		name string
		sql  string
		want []string // "change table label", sorted
	}{
		{"link pointed at another procedure", `UPDATE procedure_tthc SET procedure_id = {second} WHERE procedure_id = {first} AND tthc_code = '1.000001'`,
			[]string{qms.RowAdded + " procedure_tthc thủ tục 1.000001 theo quy trình SVHTT QT-02", qms.RowDeleted + ` procedure_tthc [{first},"1.000001"]`}},
		{"link inserted", `INSERT INTO procedure_tthc (procedure_id, tthc_code) VALUES ({first}, '1.000009')`,
			[]string{qms.RowAdded + " procedure_tthc thủ tục 1.000009 theo quy trình SVHTT QT-01"}},
		{"link deleted", `DELETE FROM procedure_tthc WHERE procedure_id = {second} AND tthc_code = '1.000004'`,
			[]string{qms.RowDeleted + ` procedure_tthc [{second},"1.000004"]`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eachStore(t, func(t *testing.T, f *fixture) {
				r := trustLinksScenario(t, f)
				mustExec(t, f, r.linkIDs(tt.sql))
				var want []string
				for _, w := range tt.want {
					want = append(want, r.linkIDs(w))
				}
				named := func() []string {
					got := namedRows(t, f, r.sys)
					slices.Sort(got)
					return got
				}
				if got := named(); !slices.Equal(got, want) {
					t.Fatalf("after tampering: named %q, want %q", got, want)
				}
				// A later audited write of links does not record the
				// tampered ones as its own.
				third := &qms.Procedure{AgencyCode: "SVHTT", Code: "QT-03", Title: "Đăng ký lễ hội", TTHCCodes: []string{"1.000009"}}
				if err := f.CreateProcedure(r.officer, third); err != nil {
					t.Fatal(err)
				}
				if got := named(); !slices.Equal(got, want) {
					t.Fatalf("after a later audited write: named %q, want %q", got, want)
				}
			})
		})
	}
}

// TestTrust4AuditedLinkWritesVerify: the application's own writes of
// links record them: a procedure's TTHC list changed through the store,
// an approval that takes a TTHC from another procedure, a split and a
// merge that move procedures with their links; receipts follow each.
func TestTrust4AuditedLinkWritesVerify(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		r := trustLinksScenario(t, f)
		receivedOn := func(agency, tthc string) int64 {
			t.Helper()
			d := &qms.Dossier{AgencyCode: agency, TTHCCode: tthc, Applicant: qms.Applicant{Name: "Lê Văn Cường"}, Channel: qms.ChannelCounter}
			if err := f.ReceiveDossier(r.staff, d); err != nil {
				t.Fatalf("receipt of %s in %s: %v", tthc, agency, err)
			}
			return d.ProcedureID
		}
		steps := []struct {
			name string
			do   func() error
		}{
			{"TTHC list changed", func() error {
				edited := *r.first
				edited.TTHCCodes = []string{"1.000001", "1.000009"}
				return f.UpdateProcedure(r.officer, &edited)
			}},
			{"approval taking a TTHC over", func() error {
				approveDraft(t, f, r, r.first.ID)
				if got := receivedOn("SVHTT", "1.000009"); got != r.first.ID {
					return fmt.Errorf("1.000009 received on procedure %d, want QT-01's %d", got, r.first.ID)
				}
				return nil
			}},
			{"split moving a procedure with its TTHC", func() error {
				_, err := f.SplitAgency(r.sys, qms.SplitPlan{From: "SVHTT", Into: "SDL", Name: "Sở Du lịch", TTHC: []string{"1.000004"}, Procedures: []string{"QT-02"}}, false)
				return err
			}},
			{"merge moving it back", func() error {
				_, err := f.MergeAgencies(r.sys, qms.MergePlan{Into: "SVHTT", From: []string{"SDL"}}, false)
				return err
			}},
		}
		for _, s := range steps {
			if err := s.do(); err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			if got := namedRows(t, f, r.sys); got != nil {
				t.Fatalf("after %s: named %q", s.name, got)
			}
		}
		if got := receivedOn("SVHTT", "1.000004"); got != r.second.ID {
			t.Fatalf("1.000004 after the split and merge: received on %d, want QT-02's %d", got, r.second.ID)
		}
		if got := mustQuery(t, f, r.linkIDs(`SELECT procedure_id || ' ' || tthc_code FROM procedure_tthc ORDER BY procedure_id, tthc_code`)); !slices.Equal(got,
			[]string{r.linkIDs("{first} 1.000001"), r.linkIDs("{first} 1.000009"), r.linkIDs("{second} 1.000004")}) {
			t.Fatalf("links after the writes: %q", got)
		}
	})
}

// TestTrust4RebaselineOnUpgrade: migration 0059 (PostgreSQL 0036) starts
// covering the links of TTHCs to procedures. A database of the release
// before (0058: the triggers absent, no row state of links in the trail)
// upgrades with each link the trail sets recorded (a procedure's create
// and update entries, an approval's signed subject and the moves it
// made), and the outsider's link moved with the database alone before
// the upgrade named.
func TestTrust4RebaselineOnUpgrade(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		r := trustLinksScenario(t, f)
		// An approval that takes 1.000009 from QT-02 (procedure.tthc_moved).
		edited := *r.first
		edited.TTHCCodes = []string{"1.000001", "1.000009"}
		if err := f.UpdateProcedure(r.officer, &edited); err != nil {
			t.Fatal(err)
		}
		approveDraft(t, f, r, r.first.ID)
		backToRelease(t, f, r.sys, []string{"procedure_tthc"}, "0059_trust_procedure_links", "0036_trust_procedure_links")
		// Before the upgrade, with the database alone: the outsider's
		// link moved, and QT-02's link to 1.000009 that the approval
		// removed put back.
		mustExec(t, f, r.linkIDs(`UPDATE procedure_tthc SET procedure_id = {second} WHERE procedure_id = {first} AND tthc_code = '1.000001'`))
		mustExec(t, f, r.linkIDs(`INSERT INTO procedure_tthc (procedure_id, tthc_code) VALUES ({second}, '1.000009')`))
		var total int
		fmt.Sscan(mustQuery(t, f, `SELECT COUNT(*) FROM procedure_tthc`)[0], &total)

		upgraded := f.second(t)
		// The link gone before the upgrade was never recorded: nothing
		// names it; the ones the trail never set read as added.
		want := []string{
			qms.RowAdded + " procedure_tthc thủ tục 1.000001 theo quy trình SVHTT QT-02",
			qms.RowAdded + " procedure_tthc thủ tục 1.000009 theo quy trình SVHTT QT-02",
		}
		checkRebaselined(t, upgraded, r.sys, 4, want, total)
		// Verification goes on from there.
		mustExec(t, f, r.linkIDs(`DELETE FROM procedure_tthc WHERE procedure_id = {first} AND tthc_code = '1.000009'`))
		if got := namedRows(t, upgraded, r.sys); len(got) != 3 {
			t.Fatalf("a link deleted after the upgrade: named %q", got)
		}
	})
}

// TestReceiptRefusedOffSignedSubject: a TTHC whose link was pointed, with
// the database alone, at a procedure whose issue in force the leader
// approved for other TTHCs is not received on it: the receipt is refused
// (ECONFLICT naming the TTHC and the procedure) and writes nothing; the
// compliance run names the link (AUDIT_CHAIN_BROKEN).
func TestReceiptRefusedOffSignedSubject(t *testing.T) {
	tests := []struct {
		name, sql, tthc, procedure string
	}{
		{"link moved to another procedure", `UPDATE procedure_tthc SET procedure_id = {second} WHERE procedure_id = {first} AND tthc_code = '1.000001'`,
			"1.000001", "QT-02"},
		{"link inserted on a procedure, its own deleted", `DELETE FROM procedure_tthc WHERE procedure_id = {second} AND tthc_code = '1.000004';
			INSERT INTO procedure_tthc (procedure_id, tthc_code) VALUES ({first}, '1.000004')`,
			"1.000004", "QT-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eachStore(t, func(t *testing.T, f *fixture) {
				r := trustLinksScenario(t, f)
				// Received once before, so the issue in force is cached.
				d := &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: tt.tthc, Applicant: qms.Applicant{Name: "Lê Văn Cường"}, Channel: qms.ChannelCounter}
				if err := f.ReceiveDossier(r.staff, d); err != nil {
					t.Fatal(err)
				}
				for _, q := range strings.Split(r.linkIDs(tt.sql), ";") {
					mustExec(t, f, q)
				}
				count := `SELECT (SELECT COUNT(*) FROM dossiers) || ' ' || (SELECT COUNT(*) FROM audit_log)`
				before := mustQuery(t, f, count)
				d = &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: tt.tthc, Applicant: qms.Applicant{Name: "Lê Văn Cường"}, Channel: qms.ChannelCounter}
				err := f.ReceiveDossier(r.staff, d)
				if qms.ErrorCode(err) != qms.ECONFLICT || !strings.Contains(qms.ErrorMessage(err), "Thủ tục "+tt.tthc+" đang liên kết với quy trình "+tt.procedure) {
					t.Fatalf("receipt: %v, want ECONFLICT naming %s and %s", err, tt.tthc, tt.procedure)
				}
				if after := mustQuery(t, f, count); !slices.Equal(after, before) {
					t.Fatalf("dossiers and entries %q, before %q", after, before)
				}
				// The compliance run's AUDIT_CHAIN_BROKEN names the link too.
				if got := findingLines(t, f, qms.SystemAgencyCode, qms.RuleAuditChainBroken); !slices.ContainsFunc(got, func(l string) bool {
					return strings.Contains(l, "procedure_tthc") && strings.Contains(l, "thủ tục "+tt.tthc+" theo quy trình SVHTT "+tt.procedure)
				}) {
					t.Fatalf("%s findings: %q", qms.RuleAuditChainBroken, got)
				}
			})
		})
	}
}
