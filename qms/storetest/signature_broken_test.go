package storetest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"

	"isodt/qms"
	"isodt/qms/sqlstore"
)

// brokenSignatures runs SIGNATURE_BROKEN over every agency and returns
// its open findings as "agency object_type object_id", sorted; `qms
// audit verify` must name the same records.
func brokenSignatures(t *testing.T, f *fixture) (out []string) {
	t.Helper()
	defer func() {
		if want := signatureRecords(out); !slices.Equal(verifiedSignatures(t, f), want) {
			t.Errorf("verify names the signed records %q, SIGNATURE_BROKEN %q", verifiedSignatures(t, f), want)
		}
	}()
	if _, err := f.RunChecks(f.ctx, qms.CheckScope{Rule: qms.RuleSignatureBroken}); err != nil {
		t.Fatal(err)
	}
	rule, open := qms.RuleSignatureBroken, true
	fs, err := f.FindFindings(f.ctx, qms.FindingFilter{Rule: &rule, Open: &open})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range fs {
		out = append(out, x.AgencyCode+" "+x.ObjectType+" "+x.ObjectID)
	}
	sort.Strings(out)
	return out
}

// signatureRecords are findings ("agency object_type object_id") as
// "table [id]", sorted.
func signatureRecords(findings []string) []string {
	var out []string
	for _, x := range findings {
		f := strings.Fields(x)
		out = append(out, signedTables[f[1]]+" ["+f[2]+"]")
	}
	sort.Strings(out)
	return out
}

// verifiedSignatures are the signed records `qms audit verify` names as
// changed or deleted after signing, as "table [id]", sorted.
func verifiedSignatures(t *testing.T, f *fixture) []string {
	t.Helper()
	_, err := f.VerifyAuditChain(f.ctx)
	var rt *qms.RowsTampered
	if err != nil && !errors.As(err, &rt) {
		t.Fatalf("verify: %v", err)
	}
	var out []string
	if rt != nil {
		for _, c := range rt.Rows {
			if strings.HasPrefix(c.Label, "nội dung ") && slices.Contains(slices.Collect(maps.Values(signedTables)), c.Table) {
				out = append(out, c.Table+" "+c.Key)
			}
		}
	}
	sort.Strings(out)
	return out
}

// dropTrigger drops a trigger on table, as whoever holds the file can.
func dropTrigger(t *testing.T, f *fixture, name, table string) {
	t.Helper()
	if err := f.exec(`DROP TRIGGER ` + name + ` ON ` + table); err != nil {
		if err := f.exec(`DROP TRIGGER ` + name); err != nil {
			t.Fatal(err)
		}
	}
}

// TestOutsider11SignedStepBroken (outsider pass 11, finding 2): a
// leader's signed dossier step changed around its trigger (note, actor,
// exit, completion time) was not seen by SIGNATURE_BROKEN, which
// re-hashed versions, nonconformities and audit reports only. Now the
// step is flagged in its agency, clears when put back, and a signed step
// deleted is flagged too, in the agency its signature's entry names.
func TestOutsider11SignedStepBroken(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		staff, leader, _ := receiptFixture(t, f)
		_, step := toSignedStep(t, f, staff, leader, "Đồng ý cấp phép")
		if sigs, err := f.FindSignatures(f.ctx, qms.SignedDossierStep, step.ID); err != nil || len(sigs) != 1 || !sigs[0].Current {
			t.Fatalf("the leader's step signature: %+v %v", sigs, err)
		}
		if got := brokenSignatures(t, f); len(got) != 0 {
			t.Fatalf("SIGNATURE_BROKEN on untouched records: %v", got)
		}
		id := itoa(step.ID)
		if err := f.exec(`CREATE TABLE kept_step AS SELECT * FROM dossier_steps WHERE id = ` + id); err != nil {
			t.Fatal(err)
		}
		dropTrigger(t, f, "dossier_steps_signed", "dossier_steps")
		for _, q := range []string{
			`UPDATE dossier_steps SET note = 'Không đồng ý' WHERE id = ` + id,
			`UPDATE dossier_steps SET actor = 'chuyen.vien' WHERE id = ` + id,
			`UPDATE dossier_steps SET exit = 'Không đạt' WHERE id = ` + id,
			`UPDATE dossier_steps SET completed_at = '2026-01-01T00:00:00Z' WHERE id = ` + id,
			// the name the step was done under (SignedContentVersion 3)
			`UPDATE dossier_steps SET actor_name = 'Chuyên viên Khác' WHERE id = ` + id,
		} {
			if err := f.tamper(q); err != nil {
				t.Fatal(err)
			}
			if got, want := brokenSignatures(t, f), []string{"SVHTT dossier_step " + id}; fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("after %s: %v, want %v", q, got, want)
			}
			if sigs, _ := f.FindSignatures(f.ctx, qms.SignedDossierStep, step.ID); sigs[0].Current {
				t.Fatalf("after %s: the signature still reads as current", q)
			}
			if err := f.tamper(`UPDATE dossier_steps SET note = k.note, actor = k.actor, exit = k.exit, completed_at = k.completed_at, actor_name = k.actor_name
				FROM kept_step k WHERE dossier_steps.id = k.id`); err != nil {
				t.Fatal(err)
			}
			if got := brokenSignatures(t, f); len(got) != 0 {
				t.Fatalf("put back after %s: %v", q, got)
			}
		}
		if err := f.exec(`DELETE FROM dossier_steps WHERE id = ` + id); err != nil {
			t.Fatal(err)
		}
		// Its finding is its agency's, as its signature's entry says
		// (outsider pass 12: the system agency's, seen by no one there).
		if got, want := brokenSignatures(t, f), []string{"SVHTT dossier_step " + id}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("signed step deleted: %v, want %v", got, want)
		}
	})
}

// signedTables maps each object type a signature can be on to its table:
// a signed type the rule does not check fails TestOutsider11EverySigned-
// TypeChecked until it is added here and to the rule.
var signedTables = map[string]string{
	qms.SignedProcedureVersion: "procedure_versions",
	qms.SignedFormVersion:      "form_versions",
	qms.SignedNonconformity:    "nonconformities",
	qms.SignedAuditReport:      "audit_plans",
	qms.SignedDossierStep:      "dossier_steps",
}

// TestOutsider11EverySignedTypeChecked: for every object type an action
// signs (qms.SignatureMeaning), a record whose signature's content hash
// is not its content is flagged by SIGNATURE_BROKEN in the record's
// agency (an audit report: the planning agency's).
func TestOutsider11EverySignedTypeChecked(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		staff, _, officer := receiptFixture(t, f)
		if err := f.CreateForm(officer, &qms.Form{AgencyCode: "SVHTT", Code: "BM-01", Title: "Phiếu"}, json.RawMessage(checkSchema)); err != nil {
			t.Fatal(err)
		}
		if err := f.CreateNC(officer, &qms.Nonconformity{AgencyCode: "SVHTT", Source: qms.NCFromOther, Description: "Thiếu phiếu"}); err != nil {
			t.Fatal(err)
		}
		// An internal audit of SVHTT, planned by the province's UBND.
		provinceAudit(t, f, "SVHTT", "Đánh giá Sở VHTT")
		d := &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "A"}, Channel: qms.ChannelCounter}
		if err := f.ReceiveDossier(staff, d); err != nil {
			t.Fatal(err)
		}
		if _, err := f.CompleteStep(staff, "SVHTT", d.Code, qms.CompleteStep{StepID: "check"}); err != nil {
			t.Fatal(err)
		}
		types := map[string]bool{}
		for a := range qms.SignatureMeaning {
			types[a.ObjectType] = true
		}
		var want []string
		for objectType := range types {
			table, ok := signedTables[objectType]
			if !ok {
				t.Errorf("signed object type %q: not in signedTables (nor, maybe, checked by SIGNATURE_BROKEN)", objectType)
				continue
			}
			id := mustQuery(t, f, `SELECT MAX(id) FROM `+table)[0] // the record made above
			if err := f.exec(`INSERT INTO signatures (object_type, object_id, content_sha256, user_id, username, full_name, title, meaning, signed_at)
				VALUES ('` + objectType + `', ` + id + `, 'not the content', 1, 'admin', 'Quản trị', '', 'approved', '2026-03-02T02:00:00Z')`); err != nil {
				t.Fatal(err)
			}
			agency := "SVHTT"
			if objectType == qms.SignedAuditReport {
				agency = "UBND"
			}
			want = append(want, agency+" "+objectType+" "+id)
		}
		sort.Strings(want)
		if got := brokenSignatures(t, f); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("SIGNATURE_BROKEN found\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}

// provinceAudit makes agency unit a subunit of the province's UBND,
// whose auditor dgv is on the plan of an internal audit of it (7.5,
// today), planned under UBND's programme for 2026; it returns the plan.
func provinceAudit(t *testing.T, f *fixture, unit, title string) *qms.AuditPlan {
	t.Helper()
	if err := f.CreateAgency(f.ctx, &qms.Agency{Code: "UBND", Name: "UBND tỉnh"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.UpdateAgency(f.ctx, unit, qms.AgencyUpdate{ParentCode: ptr("UBND")}); err != nil {
		t.Fatal(err)
	}
	if err := f.CreateUser(f.ctx, &qms.User{Username: "dgv", Memberships: []qms.Membership{{AgencyCode: "UBND", Role: qms.RoleAuditor}}}, "ngua-o-123"); err != nil {
		t.Fatal(err)
	}
	prog := &qms.AuditProgramme{AgencyCode: "UBND", Year: 2026, Title: "Chương trình 2026"}
	if err := f.CreateProgramme(f.ctx, prog); err != nil {
		t.Fatal(err)
	}
	day := qms.CivilDate(f.clk.Now())
	plan := &qms.AuditPlan{ProgrammeID: prog.ID, AgencyCode: "UBND", Title: title, Units: []string{unit}, Clauses: []string{"7.5"},
		Auditors: []string{"dgv"}, StartOn: day, EndOn: day}
	if err := f.CreatePlan(f.ctx, plan); err != nil {
		t.Fatal(err)
	}
	return plan
}

// closedSignedNC works a nonconformity of SVHTT to closing with an action
// done, the close signed; it returns its id.
func closedSignedNC(t *testing.T, f *fixture, officer context.Context) int64 {
	t.Helper()
	n := &qms.Nonconformity{AgencyCode: "SVHTT", Source: qms.NCFromOther, Description: "Hồ sơ lưu thiếu phiếu kiểm soát"}
	if err := f.CreateNC(officer, n); err != nil {
		t.Fatal(err)
	}
	got, err := f.UpdateNC(officer, "SVHTT", n.ID, n.Description, "Bổ sung phiếu", "Chưa hướng dẫn")
	if err == nil {
		got, err = f.AddAction(officer, "SVHTT", n.ID, qms.CorrectiveAction{Description: "Hướng dẫn lưu hồ sơ", Owner: "thu.ky", DueOn: qms.CivilDate(f.clk.Now()).AddDate(0, 0, 7)})
	}
	if err == nil {
		_, err = f.ChangeNC(officer, "SVHTT", n.ID, "start", "")
	}
	if err == nil {
		_, err = f.CompleteAction(officer, "SVHTT", n.ID, got.Actions[0].ID, "Đã hướng dẫn")
	}
	if err == nil {
		_, err = f.ChangeNC(verifier(), "SVHTT", n.ID, "verify", qms.VerdictEffective)
	}
	if err == nil {
		_, err = f.ChangeNC(qms.WithSigning(officer, true), "SVHTT", n.ID, "close", "")
	}
	if err != nil {
		t.Fatal(err)
	}
	return n.ID
}

// dropGuard drops the first of the triggers named that exists on table
// (SQLite and PostgreSQL name some guards differently).
func dropGuard(t *testing.T, f *fixture, table string, names ...string) {
	t.Helper()
	for _, n := range names {
		if f.exec(`DROP TRIGGER `+n+` ON `+table) == nil || f.exec(`DROP TRIGGER `+n) == nil {
			return
		}
	}
	t.Fatalf("no trigger %v on %s", names, table)
}

// TestOutsider11LaterColumnsSigned: columns that carried trust without
// being signed (a corrective action's done_by, added by migration 0052;
// who raised a nonconformity; a dossier step's delegation, responsible
// role and times) are part of what a signature made now covers
// (SignedContentVersion 2 on): changed around the guards, the record is
// flagged by SIGNATURE_BROKEN; put back, it clears.
func TestOutsider11LaterColumnsSigned(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		staff, leader, officer := receiptFixture(t, f)
		ncID := closedSignedNC(t, f, officer)
		_, signed := toSignedStep(t, f, staff, leader, "")
		stepID := signed.ID
		for _, tt := range []struct{ objectType, table string }{{qms.SignedNonconformity, "nonconformities"}, {qms.SignedDossierStep, "dossier_steps"}} {
			id := ncID
			if tt.objectType == qms.SignedDossierStep {
				id = stepID
			}
			if v := mustQuery(t, f, `SELECT content_version FROM signatures WHERE object_type = '`+tt.objectType+`' AND object_id = `+itoa(id)); len(v) != 1 || v[0] != fmt.Sprint(sqlstore.SignedContentVersion) {
				t.Fatalf("%s signed at content version %v, want the newest, %d", tt.objectType, v, sqlstore.SignedContentVersion)
			}
		}
		if got := brokenSignatures(t, f); len(got) != 0 {
			t.Fatalf("SIGNATURE_BROKEN on untouched records: %v", got)
		}
		dropGuard(t, f, "corrective_actions", "corrective_actions_signed_update", "corrective_actions_signed")
		dropGuard(t, f, "nonconformities", "nonconformities_signed")
		dropGuard(t, f, "dossier_steps", "dossier_steps_signed")
		nc, step := itoa(ncID), itoa(stepID)
		for _, tt := range []struct {
			name, change, back, want string
		}{
			{"who recorded the action done", `UPDATE corrective_actions SET done_by = 'nguoi.khac' WHERE nc_id = ` + nc,
				`UPDATE corrective_actions SET done_by = 'thu.ky' WHERE nc_id = ` + nc, "SVHTT nonconformity " + nc},
			{"who raised the nonconformity", `UPDATE nonconformities SET created_by = 'nguoi.khac' WHERE id = ` + nc,
				`UPDATE nonconformities SET created_by = 'thu.ky' WHERE id = ` + nc, "SVHTT nonconformity " + nc},
			{"a step made to look delegated", `UPDATE dossier_steps SET delegated_by = 'pho.giam.doc', delegation_reason = 'Đi công tác' WHERE id = ` + step,
				`UPDATE dossier_steps SET delegated_by = '', delegation_reason = '' WHERE id = ` + step, "SVHTT dossier_step " + step},
		} {
			if got := mustQuery(t, f, `SELECT COUNT(*) FROM corrective_actions WHERE done_by = 'thu.ky' AND nc_id = `+nc); got[0] != "1" {
				t.Fatalf("the action's done_by before %s: %v", tt.name, got)
			}
			for i, q := range []string{tt.change, tt.back} {
				if err := f.tamper(q); err != nil {
					t.Fatal(err)
				}
				var want []string
				if i == 0 {
					want = []string{tt.want}
				}
				if got := brokenSignatures(t, f); fmt.Sprint(got) != fmt.Sprint(want) {
					t.Fatalf("%s (%s): %v, want %v", tt.name, q, got, want)
				}
			}
		}
		// The step's responsible role and its times: changed, flagged as well.
		for _, col := range []string{"responsible", "due_at", "opened_at"} {
			if err := f.exec(`CREATE TABLE kept_` + col + ` AS SELECT id, ` + col + ` AS v FROM dossier_steps WHERE id = ` + step); err != nil {
				t.Fatal(err)
			}
			if err := f.tamper(`UPDATE dossier_steps SET ` + col + ` = '2099-01-01' WHERE id = ` + step); err != nil {
				t.Fatal(err)
			}
			if got := brokenSignatures(t, f); fmt.Sprint(got) != fmt.Sprint([]string{"SVHTT dossier_step " + step}) {
				t.Fatalf("%s changed: %v", col, got)
			}
			if err := f.tamper(`UPDATE dossier_steps SET ` + col + ` = (SELECT v FROM kept_` + col + `) WHERE id = ` + step); err != nil {
				t.Fatal(err)
			}
		}
		if got := brokenSignatures(t, f); len(got) != 0 {
			t.Fatalf("all put back: %v", got)
		}
	})
}

// TestOutsider11SignatureRowsVerified: whoever changes a signed record
// with the file can also re-hash its signature, and SIGNATURE_BROKEN,
// which checks the record against the signature, then sees nothing. The
// signature rows are security rows: `qms audit verify` names one changed
// (hash, signer's name) or added outside the application, and the
// store's own signing verifies.
func TestOutsider11SignatureRowsVerified(t *testing.T) {
	for _, tt := range []struct {
		name, sql, change string
	}{
		{"hash re-computed for changed content", `UPDATE signatures SET content_sha256 = 'ca11ab1e' WHERE id = {sig}`, qms.RowAltered},
		{"signer's name replaced", `UPDATE signatures SET full_name = 'Nguyễn Văn Giám', title = 'Giám đốc Sở' WHERE id = {sig}`, qms.RowAltered},
		{"signature forged", `INSERT INTO signatures (object_type, object_id, content_sha256, user_id, username, full_name, title, meaning, signed_at)
			SELECT object_type, object_id, content_sha256, user_id, username, full_name, title, 'reviewed', signed_at FROM signatures WHERE id = {sig}`, qms.RowAdded},
	} {
		t.Run(tt.name, func(t *testing.T) {
			eachStore(t, func(t *testing.T, f *fixture) {
				staff, leader, _ := receiptFixture(t, f)
				d := &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "Nguyễn Văn An"}, Channel: qms.ChannelCounter}
				if err := f.ReceiveDossier(staff, d); err != nil {
					t.Fatal(err)
				}
				for _, in := range []qms.CompleteStep{{StepID: "check"}, {StepID: "ok", Exit: "Đạt"}} {
					if _, err := f.CompleteStep(staff, "SVHTT", d.Code, in); err != nil {
						t.Fatal(err)
					}
				}
				if _, err := f.CompleteStep(qms.WithSigning(leader, true), "SVHTT", d.Code, qms.CompleteStep{StepID: "sign"}); err != nil {
					t.Fatal(err)
				}
				if _, err := f.VerifyAuditChain(f.ctx); err != nil {
					t.Fatalf("after the store's own signature: %v", err)
				}
				sig := mustQuery(t, f, `SELECT MAX(id) FROM signatures`)[0]
				dropGuard(t, f, "signatures", "signatures_no_update", "signatures_no_change")
				if err := f.exec(strings.ReplaceAll(tt.sql, "{sig}", sig)); err != nil {
					t.Fatal(err)
				}
				_, err := f.VerifyAuditChain(f.ctx)
				var rt *qms.RowsTampered
				if !errors.As(err, &rt) {
					t.Fatalf("verify: %v, want the signature %s", err, tt.change)
				}
				// The step no longer hashes to the signature's content (a
				// hash changed, or a signature of another meaning added),
				// which verify names too; the signature row itself is the
				// one named as a signature.
				rows := slices.DeleteFunc(slices.Clone(rt.Rows), func(c qms.RowChange) bool {
					return c.Table == "dossier_steps" && strings.HasPrefix(c.Label, "nội dung ")
				})
				if len(rows) != 1 || rows[0].Table != "signatures" || rows[0].Change != tt.change ||
					!strings.Contains(rows[0].Label, "giam.doc") || (tt.change == qms.RowAltered && rows[0].Key != "["+sig+"]") {
					t.Fatalf("verify: %v, want the signature %s", err, tt.change)
				}
			})
		})
	}
}

// toSignedStep receives a dossier of receiptFixture's as staff and takes
// it through the staff's steps to the leader's, signed with note; it
// returns the dossier and the signed step's record.
func toSignedStep(t *testing.T, f *fixture, staff, leader context.Context, note string) (*qms.Dossier, *qms.StepRecord) {
	t.Helper()
	d := &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "Nguyễn Văn An"}, Channel: qms.ChannelCounter}
	if err := f.ReceiveDossier(staff, d); err != nil {
		t.Fatal(err)
	}
	for _, in := range []qms.CompleteStep{{StepID: "check"}, {StepID: "ok", Exit: "Đạt"}} {
		if _, err := f.CompleteStep(staff, "SVHTT", d.Code, in); err != nil {
			t.Fatalf("%s: %v", in.StepID, err)
		}
	}
	if _, err := f.CompleteStep(qms.WithSigning(leader, true), "SVHTT", d.Code, qms.CompleteStep{StepID: "sign", Note: note}); err != nil {
		t.Fatal(err)
	}
	p, err := f.DossierProgress(f.ctx, "SVHTT", d.Code)
	if err != nil {
		t.Fatal(err)
	}
	return d, p.Steps[len(p.Steps)-1]
}
