package storetest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"isodt/qms"
	"isodt/qms/qmstest"
)

// splitAgency sets up PA (mergeAgency: QT-01 on TTHC 1.000001 recording
// on form BM-QT01-01, an open and a closed dossier) with a second
// procedure QT-02 on 1.000004 whose steps name the same form, and PN, an
// existing agency with a form BM-QT01-01 of its own and a staff member.
func splitAgency(t *testing.T, f *fixture) (open, closed string, procID int64) {
	t.Helper()
	sys := f.ctx
	open, closed, procID = mergeAgency(t, f, "PA", true)
	p := &qms.Procedure{AgencyCode: "PA", Code: "QT-02", Title: "Công nhận điểm du lịch", TTHCCodes: []string{"1.000004"}}
	if err := f.CreateProcedure(sys, p); err != nil {
		t.Fatal(err)
	}
	v, err := f.CreateVersion(sys, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	v.Flowchart = qmstest.DecisionChart()
	v.Flowchart.Steps[1].Forms = []string{"BM-QT01-01"}
	if err := f.UpdateVersion(sys, v); err != nil {
		t.Fatal(err)
	}
	if err := f.CreateAgency(sys, &qms.Agency{Code: "PN", Name: "Phòng nhận"}); err != nil {
		t.Fatal(err)
	}
	if err := f.CreateForm(sys, &qms.Form{AgencyCode: "PN", Code: "BM-QT01-01", Title: "Phiếu khác"}, json.RawMessage(checkSchema)); err != nil {
		t.Fatal(err)
	}
	u := &qms.User{Username: "chuyen.vien.pn", Memberships: []qms.Membership{{AgencyCode: "PN", Role: qms.RoleStaff}}}
	if err := f.CreateUser(sys, u, "ngua-o-123"); err != nil {
		t.Fatal(err)
	}
	return open, closed, procID
}

// formVersions lists the versions of agency's form code.
func formVersions(t *testing.T, f *fixture, agency, code string) []string {
	return mustQuery(t, f, `SELECT v.number, v.status, v.schema_json FROM form_versions v JOIN forms f ON f.id = v.form_id
		WHERE f.agency_code = '`+agency+`' AND f.code = '`+code+`' ORDER BY v.number`)
}

// queryID is the id the query's one row holds.
func queryID(t *testing.T, f *fixture, q string) int64 {
	t.Helper()
	rows := mustQuery(t, f, q)
	if len(rows) != 1 {
		t.Fatalf("%s: %q", q, rows)
	}
	var id int64
	if _, err := fmt.Sscan(rows[0], &id); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return id
}

// TestAgencySplit1MovesWithDossiers: QT-01 and its TTHC go from PA to PN
// with the open dossier (code, clock, pinned version unchanged, found
// from PA's page, recording in PN on PA's form, renamed there), the form
// QT-02 still uses is copied with its versions, PA stays active with its
// history and its report.
func TestAgencySplit1MovesWithDossiers(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys := f.ctx
		open, closed, procID := splitAgency(t, f)
		orig := formVersions(t, f, "PA", "BM-QT01-01")
		want, _ := f.FindDossier(sys, "PA", open)
		from, to := hanoi(2026, 1, 1, 0, 0), hanoi(2026, 4, 1, 0, 0)
		repBefore, _ := f.OnTime(sys, "PA", from, to, "")

		f.clk.Add(1e9)
		rep, err := f.SplitAgency(sys, qms.SplitPlan{From: "pa", Into: "PN", TTHC: []string{"1.000001"}, Procedures: []string{"QT-01"}}, false)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			table                     string
			moved, stayed, reconciled int
		}{
			{"tthc", 1, 1, 0}, {"procedures", 1, 1, 0}, {"forms", 0, 0, 0}, {"forms (copied)", 1, 0, 0}, {"dossiers", 1, 1, 0}, {"dossier_open_steps", 1, 0, 0}, {"findings", 0, 2, 0},
		} {
			if got := rep.Count(c.table); got.Moved != c.moved || got.Stayed != c.stayed || got.Reconciled != c.reconciled {
				t.Errorf("%s: %+v, want moved %d stayed %d reconciled %d", c.table, got, c.moved, c.stayed, c.reconciled)
			}
		}
		if !reflect.DeepEqual(rep.Copied, []qms.MergeRename{{Kind: "form", From: "PA", OldCode: "BM-QT01-01", NewCode: "BM-QT01-01-PA"}}) || !reflect.DeepEqual(rep.Dossiers, []string{open}) {
			t.Fatalf("copied %+v, dossiers %v", rep.Copied, rep.Dossiers)
		}
		// The form stays in PA as it was; PN's copy holds the same versions.
		for agency, code := range map[string]string{"PA": "BM-QT01-01", "PN": "BM-QT01-01-PA"} {
			if got := formVersions(t, f, agency, code); len(orig) != 2 || !reflect.DeepEqual(got, orig) {
				t.Errorf("%s %s versions %v, want %v", agency, code, got, orig)
			}
		}
		for _, agency := range []string{"PA", "PN"} {
			got, err := f.FindDossierByCode(sys, agency, open)
			if err != nil || got.AgencyCode != "PN" || !got.DueAt.Equal(want.DueAt) || got.ProcedureID != procID || got.VersionNumber != 1 {
				t.Fatalf("%s at %s: %+v %v", open, agency, got, err)
			}
		}
		if fm, v, err := f.EffectiveStepForm(sys, "PN", procID, "BM-QT01-01"); err != nil || fm.Code != "BM-QT01-01-PA" || v.Number != 2 {
			t.Fatalf("step form in PN: %+v %+v %v", fm, v, err)
		}
		u, _ := f.FindUserByUsername(sys, "chuyen.vien.pn")
		staffN := qms.WithActor(context.Background(), qms.Actor{UserID: u.ID, Username: u.Username, AgencyCode: "PN"})
		if tasks, err := f.Tasks(staffN, "PN", []qms.Role{qms.RoleStaff}); err != nil || len(tasks) != 1 {
			t.Fatalf("tasks in PN: %+v %v", tasks, err)
		}
		if _, err := f.CompleteStep(staffN, "PN", open, qms.CompleteStep{StepID: "check", Entry: checkEntry, FormVersion: 2}); err != nil {
			t.Fatalf("step in PN: %v", err)
		}
		if steps, _ := f.StepRecords(sys, want.ID); steps[len(steps)-1].FormCode != "BM-QT01-01-PA" {
			t.Fatalf("recorded on %q", steps[len(steps)-1].FormCode)
		}
		for agency, want := range map[string]int{"PN": 2, "PA": 0} {
			if hits, err := f.Search(sys, agency, "karaoke", 10); err != nil || len(hits) != want {
				t.Errorf("search in %s: %+v %v, want %d hits", agency, hits, err, want)
			}
		}
		// PA stays active with the rest and its history.
		if a, _ := f.FindAgencyByCode(sys, "PA"); a.IsMerged() {
			t.Fatal("the source was marked merged")
		}
		if d, err := f.FindDossier(sys, "PA", closed); err != nil || d.Status != qms.DossierCompleted {
			t.Fatalf("closed dossier: %+v %v", d, err)
		}
		repAfter, _ := f.OnTime(sys, "PA", from, to, "")
		if repAfter[""].Completed != repBefore[""].Completed || repBefore[""].Completed != 1 {
			t.Fatalf("PA's report: before %+v after %+v", repBefore[""], repAfter[""])
		}
		if err := f.CreateProcedure(sys, &qms.Procedure{AgencyCode: "PA", Code: "QT-09", Title: "Vẫn ghi được"}); err != nil {
			t.Fatalf("the source is not read-only: %v", err)
		}
		checkDossierCounts(t, f)
		if n, err := f.VerifyAuditChain(sys); err != nil || n == 0 {
			t.Fatalf("audit chain: %d %v", n, err)
		}
		if got := mustQuery(t, f, `SELECT action, agency_code FROM audit_log WHERE action LIKE 'agency.split.%' ORDER BY id`); !reflect.DeepEqual(got,
			[]string{"agency.split.from PA", "agency.split.into PN"}) {
			t.Fatalf("split audit entries: %q", got)
		}
	})
}

// TestAgencySplit1RefusedPlansChangeNothing: a plan the rules refuse
// fails before or after moving (rolled back), a caller other than the
// system admin is refused, and a dry run reports without writing.
func TestAgencySplit1RefusedPlansChangeNothing(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys := f.ctx
		splitAgency(t, f)
		mergeAgency(t, f, "PB", false)
		// PD has both codes QT-01's form could take: refused after the
		// catalogue moved.
		f.CreateAgency(sys, &qms.Agency{Code: "PD", Name: "Phòng D"})
		for _, code := range []string{"BM-QT01-01", "BM-QT01-01-PA"} {
			if err := f.CreateForm(sys, &qms.Form{AgencyCode: "PD", Code: code, Title: "Phiếu"}, json.RawMessage(checkSchema)); err != nil {
				t.Fatal(err)
			}
		}
		f.CreateAgency(sys, &qms.Agency{Code: "PM", Name: "Phòng M"})
		f.CreateAgency(sys, &qms.Agency{Code: "PX", Name: "Phòng X"})
		if _, err := f.MergeAgencies(sys, qms.MergePlan{Into: "PX", From: []string{"PM"}}, false); err != nil {
			t.Fatal(err)
		}
		admin, _ := f.FindUserByUsername(sys, "admin")
		sysAdmin := qms.WithActor(context.Background(), qms.Actor{UserID: admin.ID, Username: admin.Username, AgencyCode: qms.SystemAgencyCode})
		leader, _ := f.FindUserByUsername(sys, "giam.doc.pa")
		leaderA := qms.WithActor(context.Background(), qms.Actor{UserID: leader.ID, Username: leader.Username, AgencyCode: "PA"})
		before := dumpTables(t, f)
		plan := func(into string, tthc, procs []string) qms.SplitPlan {
			return qms.SplitPlan{From: "PA", Into: into, Name: "Mới", TTHC: tthc, Procedures: procs}
		}
		one, qt1 := []string{"1.000001"}, []string{"QT-01"}
		for _, tc := range []struct {
			name string
			ctx  context.Context
			plan qms.SplitPlan
			code string
		}{
			{"unknown source", sys, qms.SplitPlan{From: "XX", Into: "NEW", Name: "Mới", TTHC: one}, qms.ENOTFOUND},
			{"unknown tthc", sys, plan("NEW", []string{"9.999999"}, nil), qms.ENOTFOUND},
			{"unknown procedure", sys, plan("NEW", one, []string{"QT-99"}), qms.ENOTFOUND},
			{"nothing chosen", sys, plan("NEW", nil, nil), qms.EINVALID},
			{"into itself", sys, plan("PA", one, qt1), qms.EINVALID},
			{"system agency", sys, plan("SYS", one, qt1), qms.EINVALID},
			{"new agency without name", sys, qms.SplitPlan{From: "PA", Into: "NEW", TTHC: one, Procedures: qt1}, qms.EINVALID},
			{"procedure without its tthc", sys, plan("NEW", nil, qt1), qms.EINVALID},
			{"tthc without its procedure", sys, plan("NEW", one, nil), qms.EINVALID},
			{"into an agency that has the tthc", sys, plan("PB", one, qt1), qms.ECONFLICT},
			{"into a merged agency", sys, plan("PM", one, qt1), qms.EFORBIDDEN},
			{"clash after moves", sys, plan("PD", one, qt1), qms.ECONFLICT},
			{"not the system admin", leaderA, plan("NEW", one, qt1), qms.EFORBIDDEN},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if _, err := f.SplitAgency(tc.ctx, tc.plan, false); qms.ErrorCode(err) != tc.code {
					t.Fatalf("got %v, want %s", err, tc.code)
				}
			})
		}
		// A merge asked by anyone but the system admin is refused as well.
		if _, err := f.MergeAgencies(leaderA, qms.MergePlan{Into: "NEW", Name: "Mới", From: []string{"PA", "PB"}}, false); qms.ErrorCode(err) != qms.EFORBIDDEN {
			t.Fatalf("merge by an agency's leader: %v", err)
		}
		rep, err := f.SplitAgency(sysAdmin, plan("NEW", one, qt1), true)
		if err != nil || !rep.DryRun || !rep.Created || rep.Count("dossiers").Moved != 1 || rep.Count("forms (copied)").Moved != 1 {
			t.Fatalf("dry run: %+v %v", rep, err)
		}
		sameTables(t, f, before)
	})
}

// TestAgencySplit1WorkFollowsWhatMoved (outsider finding): what is still
// to do about a moved procedure or dossier moves with it — the open
// findings on its versions, forms and steps (one the receiving agency
// already has open is closed instead), the pending reads of its versions,
// its open risks — while done work and what concerns the rest stays.
func TestAgencySplit1WorkFollowsWhatMoved(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		open, _, _ := splitAgency(t, f)
		ids := map[string]string{}
		for _, code := range []string{"QT-01", "QT-02"} {
			ids[code] = mustQuery(t, f, `SELECT id FROM procedures WHERE agency_code = 'PA' AND code = '`+code+`'`)[0]
		}
		user := mustQuery(t, f, `SELECT id FROM users WHERE username = 'admin'`)[0]
		q1, q2 := ids["QT-01"], ids["QT-02"]
		for _, stmt := range []string{
			`INSERT INTO findings (rule, severity, agency_code, object_type, object_id, message, opened_at) VALUES
				('ACK_OVERDUE', 'low', 'PA', 'procedure_version', '` + q1 + `/1', 'moves', '2026-01-01T00:00:00Z'),
				('FORM_NOT_EFFECTIVE', 'high', 'PA', 'procedure', '` + q1 + `/BM-X', 'moves', '2026-01-01T00:00:00Z'),
				('STEP_OVERDUE', 'medium', 'PA', 'dossier_step', '` + open + `/check', 'moves', '2026-01-01T00:00:00Z'),
				('SLOW', 'medium', 'PA', 'dossier', '` + open + `', 'reconciled', '2026-01-01T00:00:00Z'),
				('SLOW', 'medium', 'PN', 'dossier', '` + open + `', 'kept', '2026-01-01T00:00:00Z'),
				('ACK_OVERDUE', 'low', 'PA', 'procedure_version', '` + q2 + `/1', 'stays', '2026-01-01T00:00:00Z'),
				('STEP_OVERDUE', 'medium', 'PA', 'dossier_step', '` + open + `X/check', 'stays', '2026-01-01T00:00:00Z')`,
			`INSERT INTO document_reads (agency_code, kind, doc_id, version_id, number, user_id, roles, distributed_at, acknowledged_at) VALUES
				('PA', 'procedure', ` + q1 + `, 901, 1, ` + user + `, 'test', '2026-01-01T00:00:00Z', NULL),
				('PA', 'procedure', ` + q1 + `, 902, 1, ` + user + `, 'test', '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z'),
				('PA', 'procedure', ` + q2 + `, 903, 1, ` + user + `, 'test', '2026-01-01T00:00:00Z', NULL)`,
			`INSERT INTO risks (agency_code, code, kind, description, procedure_id, likelihood, impact, owner, review_on, status, created_by, created_at) VALUES
				('PA', 'RR-1', 'risk', 'moves', ` + q1 + `, 3, 3, 'x', '2026-06-01', 'open', 'x', '2026-01-01T00:00:00Z'),
				('PA', 'RR-2', 'risk', 'stays: closed', ` + q1 + `, 3, 3, 'x', '2026-06-01', 'closed', 'x', '2026-01-01T00:00:00Z'),
				('PA', 'RR-3', 'risk', 'stays: other process', ` + q2 + `, 3, 3, 'x', '2026-06-01', 'open', 'x', '2026-01-01T00:00:00Z')`,
		} {
			mustExec(t, f, stmt)
		}
		rep, err := f.SplitAgency(f.ctx, qms.SplitPlan{From: "PA", Into: "PN", TTHC: []string{"1.000001"}, Procedures: []string{"QT-01"}}, false)
		if err != nil {
			t.Fatal(err)
		}
		if got := rep.Count("findings"); got.Moved != 3 || got.Stayed != 5 || got.Reconciled != 1 {
			t.Errorf("findings counted %+v", got)
		}
		for _, tc := range []struct {
			what, query string
			want        []string
		}{
			{"findings", `SELECT agency_code, message, closed_at IS NULL FROM findings WHERE message != 'x' ORDER BY agency_code, message`,
				[]string{"PA reconciled false", "PA stays true", "PA stays true", "PN kept true", "PN moves true", "PN moves true", "PN moves true"}},
			{"reads", `SELECT agency_code, version_id FROM document_reads WHERE roles = 'test' ORDER BY version_id`, []string{"PN 901", "PA 902", "PA 903"}},
			{"risks", `SELECT agency_code, code FROM risks ORDER BY code`, []string{"PN RR-1", "PA RR-2", "PA RR-3"}},
		} {
			got := mustQuery(t, f, tc.query)
			for i, row := range got { // SQLite's flag is 0 or 1
				got[i] = strings.NewReplacer(" 1", " true", " 0", " false").Replace(row)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("%s after the split: %q, want %q", tc.what, got, tc.want)
			}
		}
	})
}

// TestAgencySplit2WritersStillMayNotApprove (review finding): a version
// written and submitted in the source keeps its writers when a split or
// a merge brings its procedure or form to another agency, so the writer,
// made a leader there, is refused approving it while an independent
// leader approves. The split copies BM-QT01-01 (QT-02 stays in PA and
// names it) with new version ids; the merge moves it; QT-01 moves by id
// in both. The contributors written are vouched for by the trail.
func TestAgencySplit2WritersStillMayNotApprove(t *testing.T) {
	for _, path := range []struct {
		name        string
		restructure func(f *fixture) error
	}{
		{"split", func(f *fixture) error {
			_, err := f.SplitAgency(f.ctx, qms.SplitPlan{From: "PA", Into: "PN", TTHC: []string{"1.000001"}, Procedures: []string{"QT-01"}}, false)
			return err
		}},
		{"merge", func(f *fixture) error {
			_, err := f.MergeAgencies(f.ctx, qms.MergePlan{Into: "PN", From: []string{"PA"}}, false)
			return err
		}},
	} {
		t.Run(path.name, func(t *testing.T) {
			eachStore(t, func(t *testing.T, f *fixture) {
				sys := f.ctx
				_, _, procID := splitAgency(t, f)
				must := func(err error) {
					t.Helper()
					if err != nil {
						t.Fatal(err)
					}
				}
				writer, err := f.FindUserByUsername(sys, "thu.ky.pa")
				must(err)
				as := func(u *qms.User, agency string) context.Context {
					return qms.WithActor(context.Background(), qms.Actor{UserID: u.ID, Username: u.Username, AgencyCode: agency})
				}
				// The drafts are opened by someone else (the system actor),
				// so only the recorded contributors name their writer.
				paForm := queryID(t, f, `SELECT id FROM forms WHERE agency_code = 'PA' AND code = 'BM-QT01-01'`)
				fv, err := f.CreateFormVersion(sys, paForm)
				must(err)
				pv, err := f.CreateVersion(sys, procID)
				must(err)
				fv.ChangeSummary, pv.ChangeSummary = "Thêm ghi chú", "Rút ngắn thời hạn"
				must(f.UpdateFormVersion(as(writer, "PA"), fv))
				must(f.UpdateVersion(as(writer, "PA"), pv))
				_, err = f.TransitionFormVersion(as(writer, "PA"), paForm, fv.Number, qms.ActionSubmit, "")
				must(err)
				_, err = f.TransitionVersion(as(writer, "PA"), procID, pv.Number, qms.ActionSubmit, "")
				must(err)

				must(path.restructure(f))
				// PN's own form keeps the code: PA's arrives renamed.
				pnForm := queryID(t, f, `SELECT id FROM forms WHERE agency_code = 'PN' AND code = 'BM-QT01-01-PA'`)
				src, err := f.FindFormVersion(sys, paForm, fv.Number)
				must(err)
				got, err := f.FindFormVersion(sys, pnForm, fv.Number)
				must(err)
				// Opened by the system actor, edited and submitted by the writer.
				if len(got.Contributors) != 3 || !reflect.DeepEqual(got.Contributors, src.Contributors) {
					t.Fatalf("PN's form version's contributors %+v, the source's %+v", got.Contributors, src.Contributors)
				}
				_, err = f.SetMembership(sys, writer.ID, qms.Membership{AgencyCode: "PN", Role: qms.RoleLeader}, false)
				must(err)
				other := &qms.User{Username: "giam.doc.pn", Memberships: []qms.Membership{{AgencyCode: "PN", Role: qms.RoleLeader}}}
				must(f.CreateUser(sys, other, "ngua-o-123"))
				for _, doc := range []struct {
					name    string
					approve func(ctx context.Context) error
				}{
					{"form", func(ctx context.Context) error {
						_, err := f.TransitionFormVersion(ctx, pnForm, fv.Number, qms.ActionApprove, "")
						return err
					}},
					{"procedure", func(ctx context.Context) error {
						_, err := f.TransitionVersion(ctx, procID, pv.Number, qms.ActionApprove, "")
						return err
					}},
				} {
					if err := doc.approve(as(writer, "PN")); qms.ErrorCode(err) != qms.EFORBIDDEN {
						t.Errorf("%s: its writer approved it in PN: %v", doc.name, err)
					}
					if err := doc.approve(as(other, "PN")); err != nil {
						t.Errorf("%s: an independent leader of PN: %v", doc.name, err)
					}
				}
				if _, err := f.VerifyAuditChain(sys); err != nil {
					t.Fatalf("audit chain after the %s: %v", path.name, err)
				}
			})
		})
	}
}
