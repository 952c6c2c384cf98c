package qmstest

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"isodt/qms"
)

// AgencySetup is what MergeAgency sets an agency up through: services
// every store implements.
type AgencySetup interface {
	ProcedureStore
	CreateForm(ctx context.Context, f *qms.Form, schema json.RawMessage) error
	CreateFormVersion(ctx context.Context, formID int64) (*qms.FormVersion, error)
	TransitionFormVersion(ctx context.Context, formID int64, number int, action, reason string) (*qms.FormVersion, error)
	FindForms(ctx context.Context, agency string) ([]*qms.Form, error)
	AdoptForm(ctx context.Context, agency string, sysFormID int64) (*qms.Form, error)
	CreateNC(ctx context.Context, nc *qms.Nonconformity) error
	UpdateNC(ctx context.Context, agency string, id int64, description, correction, rootCause string) (*qms.Nonconformity, error)
	AddAction(ctx context.Context, agency string, id int64, a qms.CorrectiveAction) (*qms.Nonconformity, error)
	CompleteAction(ctx context.Context, agency string, id, actionID int64, result string) (*qms.Nonconformity, error)
	ChangeNC(ctx context.Context, agency string, id int64, action, verdict string) (*qms.Nonconformity, error)
	CreateObjective(ctx context.Context, o *qms.Objective) error
}

// CheckSchema is the schema of the check step's form in MergeAgency.
const CheckSchema = `{"fields":[{"name":"ket_luan","label":"Kết luận thẩm định","type":"select","required":true,"options":["Đạt","Không đạt"]},{"name":"ghi_chu","label":"Ghi chú","type":"text"}]}`

// MergeAgency sets up agency code for the tests of agency merges and
// splits: the TTHC catalogue tthc, the effective procedure QT-01 on
// tthc[0] (DecisionChart) whose check step records on the agency's form
// BM-QT01-01 (PA's at version 2, every other agency's at version 1, so
// that a moved procedure finding another agency's form is seen), the
// adopted first standard form of SYS, a quality officer (thu.ky.<code>),
// a leader (giam.doc.<code>) and a staff member (chuyen.vien.<code>), an
// open and a closed finding on TTHC 1.000004 with an NC raised on the
// open one (and on PA a closed NC), last year's and this year's objective.
// returning runs a statement ending in RETURNING id behind the store's
// back. It returns the procedure and the users' contexts by role name
// (thu.ky, giam.doc, chuyen.vien).
func MergeAgency(t testing.TB, s AgencySetup, sys context.Context, code string, tthc []qms.TTHC, returning func(q string) int64) (*qms.Procedure, map[string]context.Context) {
	t.Helper()
	if err := s.CreateAgency(sys, &qms.Agency{Code: code, Name: "Đơn vị " + code}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.ImportTTHC(sys, code, tthc); err != nil {
		t.Fatal(err)
	}
	as := map[string]context.Context{}
	for _, u := range []struct {
		name string
		role qms.Role
	}{{"thu.ky", qms.RoleQualityOfficer}, {"giam.doc", qms.RoleLeader}, {"chuyen.vien", qms.RoleStaff}} {
		usr := &qms.User{Username: u.name + "." + strings.ToLower(code), Memberships: []qms.Membership{{AgencyCode: code, Role: u.role}}}
		if err := s.CreateUser(sys, usr, "ngua-o-123"); err != nil {
			t.Fatal(err)
		}
		as[u.name] = qms.WithActor(context.Background(), qms.Actor{UserID: usr.ID, Username: usr.Username, AgencyCode: code})
	}
	f := &qms.Form{AgencyCode: code, Code: "BM-QT01-01", Title: "Phiếu thẩm định"}
	if err := s.CreateForm(as["thu.ky"], f, json.RawMessage(CheckSchema)); err != nil {
		t.Fatal(err)
	}
	for n := 1; ; n++ {
		s.TransitionFormVersion(as["thu.ky"], f.ID, n, qms.ActionSubmit, "")
		if _, err := s.TransitionFormVersion(as["giam.doc"], f.ID, n, qms.ActionApprove, ""); err != nil {
			t.Fatal(err)
		}
		if code != "PA" || n == 2 {
			break
		}
		if _, err := s.CreateFormVersion(as["thu.ky"], f.ID); err != nil {
			t.Fatal(err)
		}
	}
	p := &qms.Procedure{AgencyCode: code, Code: "QT-01", Title: "Cấp phép karaoke", TTHCCodes: []string{tthc[0].Code}}
	if err := s.CreateProcedure(as["thu.ky"], p); err != nil {
		t.Fatal(err)
	}
	v, err := s.CreateVersion(as["thu.ky"], p.ID)
	if err != nil {
		t.Fatal(err)
	}
	v.Flowchart = DecisionChart()
	v.Flowchart.Steps[1].Forms = []string{f.Code}
	if err := s.UpdateVersion(as["thu.ky"], v); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TransitionVersion(as["thu.ky"], p.ID, 1, qms.ActionSubmit, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TransitionVersion(as["giam.doc"], p.ID, 1, qms.ActionApprove, ""); err != nil {
		t.Fatal(err)
	}
	fs, err := s.FindForms(sys, "SYS")
	if err != nil || len(fs) == 0 {
		t.Fatalf("standard forms: %v", err)
	}
	if _, err := s.AdoptForm(sys, code, fs[0].ID); err != nil {
		t.Fatal(err)
	}
	var findingID int64
	for _, closedAt := range []string{"NULL", "'2026-02-01T00:00:00Z'"} {
		id := returning(`INSERT INTO findings (rule, severity, agency_code, object_type, object_id, message, opened_at, closed_at)
			VALUES ('R', 'high', '` + code + `', 'tthc', '1.000004', 'x', '2026-01-01T00:00:00Z', ` + closedAt + `) RETURNING id`)
		if closedAt == "NULL" {
			findingID = id
		}
	}
	if err := s.CreateNC(as["thu.ky"], &qms.Nonconformity{AgencyCode: code, Source: qms.NCFromFinding, SourceRef: itoa(findingID), Description: "Thủ tục chưa có quy trình"}); err != nil {
		t.Fatal(err)
	}
	if code == "PA" {
		nc := &qms.Nonconformity{AgencyCode: code, Source: qms.NCFromOther, Description: "Thiếu phiếu"}
		if err := s.CreateNC(as["thu.ky"], nc); err != nil {
			t.Fatal(err)
		}
		// Worked to its close as the application does: the trail vouches
		// for a nonconformity's status.
		officer := as["thu.ky"]
		got, err := s.UpdateNC(officer, code, nc.ID, nc.Description, "Bổ sung phiếu", "Chưa hướng dẫn")
		if err == nil {
			got, err = s.AddAction(officer, code, nc.ID, qms.CorrectiveAction{Description: "Hướng dẫn lưu phiếu", Owner: "thu.ky." + strings.ToLower(code),
				DueOn: qms.CivilDate(time.Date(2026, 3, 9, 0, 0, 0, 0, qms.Zone))})
		}
		if err == nil {
			_, err = s.ChangeNC(officer, code, nc.ID, "start", "")
		}
		if err == nil {
			_, err = s.CompleteAction(officer, code, nc.ID, got.Actions[0].ID, "Đã hướng dẫn")
		}
		if err == nil {
			_, err = s.ChangeNC(as["giam.doc"], code, nc.ID, "verify", qms.VerdictEffective)
		}
		if err == nil {
			_, err = s.ChangeNC(qms.WithSigning(officer, true), code, nc.ID, "close", "")
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, year := range []int{2025, 2026} {
		if err := s.CreateObjective(sys, &qms.Objective{AgencyCode: code, Year: year, Title: "Đúng hạn", Measure: qms.MeasureTimelyRate, Target: 95, Period: qms.PeriodYear}); err != nil {
			t.Fatal(err)
		}
	}
	return p, as
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
