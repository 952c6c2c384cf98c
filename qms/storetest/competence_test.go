package storetest_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/flowchart"
	"isodt/qms/qmstest"
)

// competenceAgency gives SVHTT a quality officer thu.ky, a leader
// giam.doc and a staff member chuyen.vien, a procedure QT-01 whose
// version 1 (validChart: step a for staff, step b for the leader) is in
// force, and two competences: THAM-DINH required on step b, MOTCUA of
// every staff member. The version is submitted and approved.
func competenceAgency(t *testing.T, f *fixture) (officer context.Context, thamDinh, motCua *qms.Competence, p *qms.Procedure) {
	t.Helper()
	sys := f.ctx
	for _, a := range []*qms.Agency{{Code: "SVHTT", Name: "Sở VHTT"}, {Code: "KHAC", Name: "Khác"}} {
		if err := f.CreateAgency(sys, a); err != nil {
			t.Fatal(err)
		}
	}
	users := map[string]qms.Role{"thu.ky": qms.RoleQualityOfficer, "giam.doc": qms.RoleLeader, "chuyen.vien": qms.RoleStaff}
	var officerID, leaderID int64
	for name, role := range users {
		u := &qms.User{Username: name, FullName: strings.ToUpper(name), Memberships: []qms.Membership{{AgencyCode: "SVHTT", Role: role}}}
		if err := f.CreateUser(sys, u, "ngua-o-123"); err != nil {
			t.Fatal(err)
		}
		if name == "thu.ky" {
			officerID = u.ID
		}
		if name == "giam.doc" {
			leaderID = u.ID
		}
	}
	officer = qms.WithActor(context.Background(), qms.Actor{UserID: officerID, Username: "thu.ky", AgencyCode: "SVHTT"})
	p = &qms.Procedure{AgencyCode: "SVHTT", Code: "QT-01", Title: "Cấp giấy phép"}
	if err := f.CreateProcedure(officer, p); err != nil {
		t.Fatal(err)
	}
	v, err := f.CreateVersion(officer, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	v.Purpose, v.Flowchart = "Trình tự cấp giấy phép", qmstest.ValidChart(8)
	if err := f.UpdateVersion(officer, v); err != nil {
		t.Fatal(err)
	}
	leader := qms.WithActor(context.Background(), qms.Actor{UserID: leaderID, Username: "giam.doc", AgencyCode: "SVHTT"})
	if _, err := f.TransitionVersion(officer, p.ID, v.Number, qms.ActionSubmit, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := f.TransitionVersion(leader, p.ID, v.Number, qms.ActionApprove, ""); err != nil {
		t.Fatal(err)
	}
	thamDinh = &qms.Competence{AgencyCode: "SVHTT", Code: "THAM-DINH", Name: "Thẩm định hồ sơ"}
	motCua = &qms.Competence{AgencyCode: "SVHTT", Code: "MOTCUA", Name: "Nghiệp vụ một cửa", Description: "Tiếp nhận và trả kết quả"}
	for _, c := range []*qms.Competence{thamDinh, motCua} {
		if err := f.CreateCompetence(officer, c); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range []*qms.CompetenceRequirement{
		{AgencyCode: "SVHTT", CompetenceID: thamDinh.ID, ProcedureID: p.ID, StepID: "b"},
		{AgencyCode: "SVHTT", CompetenceID: motCua.ID, Role: qms.RoleStaff},
	} {
		if err := f.AddRequirement(officer, r); err != nil {
			t.Fatal(err)
		}
	}
	return officer, thamDinh, motCua, p
}

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// Competence (qms/sqlstore): the catalogue, requirements on a role or on
// a step of a version in force, records with expiry, the matrix and a
// step's gaps judged alike on both stores; what each refuses; a record
// revoked, never deleted; each change audited.
func TestCompetence(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		officer, thamDinh, motCua, p := competenceAgency(t, f)
		steps, err := f.CompetenceSteps(f.ctx, "SVHTT")
		var refs []string
		for _, s := range steps {
			refs = append(refs, s.StepID+":"+string(s.Role))
		}
		if err != nil || strings.Join(refs, ",") != "s:staff,a:staff,b:leader" {
			t.Fatalf("steps in force = %v, %v", refs, err)
		}

		soon, past := day("2026-04-01"), day("2026-01-31")
		records := []struct {
			name  string
			r     qms.CompetenceRecord
			code  string
			field string
		}{
			{"expiring", qms.CompetenceRecord{AgencyCode: "SVHTT", Username: "chuyen.vien", CompetenceID: motCua.ID, Course: "Một cửa", ObtainedOn: day("2024-01-01"), ExpiresOn: &soon}, "", ""},
			{"expired", qms.CompetenceRecord{AgencyCode: "SVHTT", Username: "giam.doc", CompetenceID: thamDinh.ID, Course: "Thẩm định", ObtainedOn: day("2024-01-01"), ExpiresOn: &past}, "", ""},
			{"obtained in the future", qms.CompetenceRecord{AgencyCode: "SVHTT", Username: "giam.doc", CompetenceID: thamDinh.ID, Course: "x", ObtainedOn: day("2026-12-01")}, qms.EINVALID, "obtained_on"},
			{"expires before obtained", qms.CompetenceRecord{AgencyCode: "SVHTT", Username: "giam.doc", CompetenceID: thamDinh.ID, Course: "x", ObtainedOn: day("2025-01-01"), ExpiresOn: ptr(day("2020-01-01"))}, qms.EINVALID, "expires_on"},
			{"not a member", qms.CompetenceRecord{AgencyCode: "SVHTT", Username: "admin", CompetenceID: thamDinh.ID, Course: "x", ObtainedOn: day("2025-01-01")}, qms.EINVALID, "username"},
			{"other agency's competence", qms.CompetenceRecord{AgencyCode: "KHAC", Username: "giam.doc", CompetenceID: thamDinh.ID, Course: "x", ObtainedOn: day("2025-01-01")}, qms.ENOTFOUND, "competence_id"},
		}
		for _, tt := range records {
			t.Run("record "+tt.name, func(t *testing.T) {
				r := tt.r
				if err := f.AddCompetenceRecord(officer, &r); qms.ErrorCode(err) != tt.code || qms.ErrorField(err) != tt.field {
					t.Fatalf("err = %v, want %q on %q", err, tt.code, tt.field)
				}
			})
		}
		refused := []struct {
			name  string
			err   error
			code  string
			field string
		}{
			{"duplicate code", f.CreateCompetence(officer, &qms.Competence{AgencyCode: "SVHTT", Code: "MOTCUA", Name: "x"}), qms.ECONFLICT, "code"},
			{"bad code", f.CreateCompetence(officer, &qms.Competence{AgencyCode: "SVHTT", Code: "a b", Name: "x"}), qms.EINVALID, "code"},
			{"unknown agency", f.CreateCompetence(officer, &qms.Competence{AgencyCode: "NOPE", Code: "X", Name: "x"}), qms.ENOTFOUND, ""},
			{"role and step", f.AddRequirement(officer, &qms.CompetenceRequirement{AgencyCode: "SVHTT", CompetenceID: thamDinh.ID, Role: qms.RoleStaff, ProcedureID: p.ID, StepID: "b"}), qms.EINVALID, "role"},
			{"unknown step", f.AddRequirement(officer, &qms.CompetenceRequirement{AgencyCode: "SVHTT", CompetenceID: thamDinh.ID, ProcedureID: p.ID, StepID: "nope"}), qms.EINVALID, "step_id"},
			{"other agency's procedure", f.AddRequirement(officer, &qms.CompetenceRequirement{AgencyCode: "SVHTT", CompetenceID: thamDinh.ID, ProcedureID: p.ID + 100, StepID: "b"}), qms.ENOTFOUND, ""},
			{"other agency's competence", f.AddRequirement(officer, &qms.CompetenceRequirement{AgencyCode: "KHAC", CompetenceID: thamDinh.ID, Role: qms.RoleStaff}), qms.ENOTFOUND, "competence_id"},
		}
		for _, tt := range refused {
			var e *qms.Error
			if qms.ErrorCode(tt.err) != tt.code || (tt.err != nil && !errors.As(tt.err, &e)) || qms.ErrorField(tt.err) != tt.field {
				t.Errorf("%s: %v, want %s on %q", tt.name, tt.err, tt.code, tt.field)
			}
		}

		m, err := f.CompetenceMatrix(f.ctx, "SVHTT")
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Competences) != 2 || m.Competences[0].Code != "MOTCUA" || m.Competences[0].Description != "Tiếp nhận và trả kết quả" || len(m.Applied) != 2 {
			t.Fatalf("matrix catalogue %+v, applied %d", m.Competences, len(m.Applied))
		}
		if a := m.Applied[0]; a.AppliesTo != qms.RoleLeader || a.ProcedureCode != "QT-01" || a.StepName != "Ký duyệt" {
			t.Fatalf("step requirement applied as %+v", a)
		}
		cell := func(user, code string) qms.MatrixCell {
			for _, row := range m.Rows {
				for i, c := range m.Competences {
					if row.Username == user && c.Code == code {
						return row.Cells[i]
					}
				}
			}
			t.Fatalf("no cell %s × %s", user, code)
			return qms.MatrixCell{}
		}
		cells := []struct {
			user, code, status string
			required           bool
		}{
			{"chuyen.vien", "MOTCUA", qms.CompetenceExpiring, true},
			{"giam.doc", "THAM-DINH", qms.CompetenceExpired, true},
			{"thu.ky", "MOTCUA", qms.CompetenceMissing, false},
			{"chuyen.vien", "THAM-DINH", qms.CompetenceMissing, false},
		}
		for _, tt := range cells {
			if c := cell(tt.user, tt.code); c.Status != tt.status || c.Required != tt.required {
				t.Errorf("%s × %s = %s required %v, want %s required %v", tt.user, tt.code, c.Status, c.Required, tt.status, tt.required)
			}
		}
		step := func(id string) flowchart.Step {
			st, ok := flowchart.FindStep(qmstest.ValidChart(8), id)
			if !ok {
				t.Fatalf("no step %s", id)
			}
			return st
		}
		gaps := []struct {
			user, step string
			want       []string
		}{
			{"giam.doc", "b", []string{"THAM-DINH"}},
			{"chuyen.vien", "b", []string{"THAM-DINH"}}, // a delegate lacks it too
			{"chuyen.vien", "a", nil},                   // expiring is still valid
			{"thu.ky", "a", []string{"MOTCUA"}},
		}
		for _, tt := range gaps {
			gs, err := f.StepCompetenceGaps(f.ctx, "SVHTT", tt.user, p.ID, step(tt.step))
			var got []string
			for _, g := range gs {
				got = append(got, g.Competence.Code)
			}
			if err != nil || strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("%s on %s lacks %v (%v), want %v", tt.user, tt.step, got, err, tt.want)
			}
		}

		// Revoked, never deleted; withdrawn, kept.
		recs, err := f.FindCompetenceRecords(f.ctx, qms.CompetenceRecordFilter{AgencyCode: "SVHTT", Username: ptr("giam.doc")})
		if err != nil || len(recs) != 1 || recs[0].ExpiresOn == nil || !recs[0].ExpiresOn.Equal(past) || recs[0].Evidence != nil {
			t.Fatalf("leader's records %+v, %v", recs, err)
		}
		rec := recs[0]
		if _, err := f.RevokeCompetenceRecord(officer, "SVHTT", rec.ID, " "); qms.ErrorCode(err) != qms.EINVALID {
			t.Fatalf("revoke without reason: %v", err)
		}
		if _, err := f.RevokeCompetenceRecord(officer, "KHAC", rec.ID, "x"); qms.ErrorCode(err) != qms.ENOTFOUND {
			t.Fatalf("revoke through another agency: %v", err)
		}
		if _, err := f.RevokeCompetenceRecord(officer, "SVHTT", rec.ID, "Cấp nhầm"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.RevokeCompetenceRecord(officer, "SVHTT", rec.ID, "Lần nữa"); qms.ErrorCode(err) != qms.EINVALID {
			t.Fatalf("revoke twice: %v", err)
		}
		if err := f.exec(`DELETE FROM competence_records WHERE id = ` + itoa(rec.ID)); err == nil {
			t.Fatal("a competence record was deleted")
		}
		if live, _ := f.FindCompetenceRecords(f.ctx, qms.CompetenceRecordFilter{AgencyCode: "SVHTT"}); len(live) != 1 {
			t.Fatalf("records in force: %d", len(live))
		}
		all, _ := f.FindCompetenceRecords(f.ctx, qms.CompetenceRecordFilter{AgencyCode: "SVHTT", IncludeRevoked: true})
		// Newest obtained first, then newest recorded: the leader's.
		if len(all) != 2 || all[0].ID != rec.ID || !all[0].Revoked || all[0].RevokedReason != "Cấp nhầm" || all[0].RevokedBy != "thu.ky" || all[0].RevokedAt == nil || all[1].Revoked {
			t.Fatalf("revoked record kept as %+v, %+v", all[0], all[len(all)-1])
		}
		w, err := f.WithdrawRequirement(officer, "SVHTT", m.Applied[1].ID, "Không còn yêu cầu")
		if err != nil || !w.Withdrawn || w.WithdrawnAt == nil {
			t.Fatalf("withdrawn %+v, %v", w, err)
		}
		if _, err := f.WithdrawRequirement(officer, "SVHTT", w.ID, "lần hai"); qms.ErrorCode(err) != qms.EINVALID {
			t.Fatalf("withdraw twice: %v", err)
		}
		if gs, _ := f.StepCompetenceGaps(f.ctx, "SVHTT", "thu.ky", p.ID, step("a")); len(gs) != 0 {
			t.Fatalf("a withdrawn requirement still gaps: %+v", gs)
		}
		if m, _ := f.CompetenceMatrix(f.ctx, "SVHTT"); len(m.Applied) != 2 || !m.Applied[1].Withdrawn {
			t.Fatalf("withdrawn requirement not kept: %+v", m.Applied)
		}
		if cs, err := f.FindCompetences(f.ctx, "KHAC"); err != nil || len(cs) != 0 {
			t.Fatalf("KHAC's catalogue %+v, %v", cs, err)
		}

		counts := map[string]int{}
		entries, _, err := f.FindAuditEntries(f.ctx, qms.AuditFilter{Action: ptr("competence."), Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			counts[e.Action]++
		}
		for a, want := range map[string]int{"competence.create": 2, "competence.require": 2, "competence.record.add": 2, "competence.record.revoke": 1, "competence.requirement.withdraw": 1} {
			if counts[a] != want {
				t.Errorf("%s audited %d times, want %d", a, counts[a], want)
			}
		}
		if _, err := f.VerifyAuditChain(f.ctx); err != nil {
			t.Fatal(err)
		}
	})
}

// TestCompetence5RuleFiresAndClears walks COMPETENCE_MISSING through its
// causes: a missing competence fires, a record clears, expiry fires
// again, a revoked record counts as none, withdrawing the requirement
// clears. The leader is "assigned" to step sign by holding its role.
func TestCompetence5RuleFiresAndClears(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys, clk := f.ctx, f.clk
		officer, thamDinh, motCua, _ := competenceAgency(t, f)
		leaderGap, staffGap := "giam.doc/THAM-DINH", "chuyen.vien/MOTCUA"
		check := func(step string, want map[string]bool) {
			t.Helper()
			run(t, f)
			for obj, open := range want {
				if got := openFinding(t, f, qms.RuleCompetenceMissing, obj); got != open {
					t.Fatalf("%s: finding on %s open = %v, want %v", step, obj, got, open)
				}
			}
		}
		check("nothing recorded", map[string]bool{leaderGap: true, staffGap: true, "thu.ky/MOTCUA": false, "thu.ky/THAM-DINH": false})

		exp := day("2026-06-30")
		rec := &qms.CompetenceRecord{AgencyCode: "SVHTT", Username: "giam.doc", CompetenceID: thamDinh.ID, Course: "Bồi dưỡng thẩm định", ObtainedOn: day("2025-06-30"), ExpiresOn: &exp}
		if err := f.AddCompetenceRecord(officer, rec); err != nil {
			t.Fatal(err)
		}
		check("leader trained", map[string]bool{leaderGap: false, staffGap: true})

		clk.Set(time.Date(2026, 7, 1, 2, 0, 0, 0, time.UTC))
		check("leader's certificate expired", map[string]bool{leaderGap: true})
		yes := true
		fs, _ := f.FindFindings(sys, qms.FindingFilter{Rule: ptr(qms.RuleCompetenceMissing), Open: &yes})
		var msg string
		for _, x := range fs {
			if x.ObjectID == leaderGap {
				msg = x.Message
			}
		}
		if !strings.Contains(msg, "hết hạn từ 30/06/2026") || !strings.Contains(msg, "Ký duyệt") {
			t.Fatalf("message %q names neither the expiry nor the step", msg)
		}

		staffRec := &qms.CompetenceRecord{AgencyCode: "SVHTT", Username: "chuyen.vien", CompetenceID: motCua.ID, Course: "Tập huấn một cửa 2026", ObtainedOn: day("2026-03-01")}
		if err := f.AddCompetenceRecord(officer, staffRec); err != nil {
			t.Fatal(err)
		}
		check("staff trained", map[string]bool{staffGap: false})
		if _, err := f.RevokeCompetenceRecord(officer, "SVHTT", staffRec.ID, "Chứng nhận cấp nhầm người"); err != nil {
			t.Fatal(err)
		}
		check("staff record revoked", map[string]bool{staffGap: true})

		reqs, _ := f.CompetenceMatrix(sys, "SVHTT")
		for _, r := range reqs.Applied {
			if _, err := f.WithdrawRequirement(officer, "SVHTT", r.ID, "Không còn yêu cầu"); err != nil {
				t.Fatal(err)
			}
		}
		check("requirements withdrawn", map[string]bool{leaderGap: false, staffGap: false})
	})
}

// TestCompetence5MergeMovesCatalogue: the catalogue, requirements and
// records move with the people; a clashing code takes the predecessor's
// suffix and keeps its records.
func TestCompetence5MergeMovesCatalogue(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys := f.ctx
		for _, code := range []string{"PA", "PB"} {
			mergeAgency(t, f, code, false)
			c := &qms.Competence{AgencyCode: code, Code: "ISO-NB", Name: "ISO 9001 nội bộ"}
			if err := f.CreateCompetence(sys, c); err != nil {
				t.Fatal(err)
			}
			if err := f.AddRequirement(sys, &qms.CompetenceRequirement{AgencyCode: code, CompetenceID: c.ID, Role: qms.RoleQualityOfficer}); err != nil {
				t.Fatal(err)
			}
			if err := f.AddCompetenceRecord(sys, &qms.CompetenceRecord{AgencyCode: code, Username: "thu.ky." + strings.ToLower(code), CompetenceID: c.ID, Course: "Đánh giá viên nội bộ", ObtainedOn: day("2025-05-05")}); err != nil {
				t.Fatal(err)
			}
		}
		rep := mergePAPB(t, f)
		var renamed bool
		for _, r := range rep.Renamed {
			renamed = renamed || r.Kind == "competence" && r.NewCode == "ISO-NB-PB"
		}
		if !renamed {
			t.Fatalf("report renames %+v", rep.Renamed)
		}
		m, err := f.CompetenceMatrix(sys, "NEW")
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Competences) != 2 || m.Competences[0].Code != "ISO-NB" || m.Competences[1].Code != "ISO-NB-PB" || m.Competences[1].MergedFrom != "PB" {
			t.Fatalf("catalogue after merge: %+v", m.Competences)
		}
		if gaps := m.Gaps(); len(gaps) != 2 {
			// Each officer holds one of the two entries and lacks the other:
			// the quality officer reconciles them.
			t.Fatalf("gaps after merge: %d", len(gaps))
		}
		recs, _ := f.FindCompetenceRecords(sys, qms.CompetenceRecordFilter{AgencyCode: "NEW"})
		if len(recs) != 2 {
			t.Fatalf("records after merge: %d", len(recs))
		}
		if left, _ := f.FindCompetences(sys, "PA"); len(left) != 0 {
			t.Fatalf("PA still has %d competences", len(left))
		}
	})
}
