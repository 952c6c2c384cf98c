package qmstest

import (
	"context"
	"testing"
	"time"

	"isodt/qms"
)

// ProcedureStore is what EffectiveProcedure sets up through: any store.
type ProcedureStore interface {
	CreateAgency(ctx context.Context, a *qms.Agency) error
	ImportTTHC(ctx context.Context, agency string, items []qms.TTHC) (int, int, error)
	CreateUser(ctx context.Context, u *qms.User, password string) error
	CreateProcedure(ctx context.Context, p *qms.Procedure) error
	CreateVersion(ctx context.Context, procedureID int64) (*qms.ProcedureVersion, error)
	UpdateVersion(ctx context.Context, v *qms.ProcedureVersion) error
	TransitionVersion(ctx context.Context, procedureID int64, number int, action, reason string) (*qms.ProcedureVersion, error)
}

// EffectiveProcedure sets up agency SVHTT with the catalogue tthcs, users
// thu.ky (quality officer), giam.doc (leader) and chuyen.vien (staff),
// and procedure QT-01 covering TTHC 1.000001 with an effective version
// on DecisionChart: dossiers of 1.000001 can be received. It returns the
// staff's, the leader's and the officer's contexts.
func EffectiveProcedure(t testing.TB, s ProcedureStore, sys context.Context, tthcs []qms.TTHC) (staff, leader, officer context.Context) {
	t.Helper()
	if err := s.CreateAgency(sys, &qms.Agency{Code: "SVHTT", Name: "Sở VHTT"}); err != nil && qms.ErrorCode(err) != qms.ECONFLICT {
		t.Fatal(err)
	}
	if _, _, err := s.ImportTTHC(sys, "SVHTT", tthcs); err != nil {
		t.Fatal(err)
	}
	users := map[string]*qms.User{}
	for _, u := range []struct {
		name string
		role qms.Role
	}{{"thu.ky", qms.RoleQualityOfficer}, {"giam.doc", qms.RoleLeader}, {"chuyen.vien", qms.RoleStaff}} {
		usr := &qms.User{Username: u.name, Memberships: []qms.Membership{{AgencyCode: "SVHTT", Role: u.role}}}
		if err := s.CreateUser(sys, usr, "ngua-o-123"); err != nil {
			t.Fatal(err)
		}
		users[u.name] = usr
	}
	as := func(name string) context.Context {
		return qms.WithActor(context.Background(), qms.Actor{UserID: users[name].ID, Username: name, AgencyCode: "SVHTT"})
	}
	p := &qms.Procedure{AgencyCode: "SVHTT", Code: "QT-01", Title: "Cấp phép karaoke", TTHCCodes: []string{"1.000001"}}
	if err := s.CreateProcedure(as("thu.ky"), p); err != nil {
		t.Fatal(err)
	}
	v, err := s.CreateVersion(as("thu.ky"), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	v.Flowchart = DecisionChart()
	if err := s.UpdateVersion(as("thu.ky"), v); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TransitionVersion(as("thu.ky"), p.ID, 1, qms.ActionSubmit, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TransitionVersion(as("giam.doc"), p.ID, 1, qms.ActionApprove, ""); err != nil {
		t.Fatal(err)
	}
	return as("chuyen.vien"), as("giam.doc"), as("thu.ky")
}

// SampleTTHC is a small catalogue of three TTHC: 1.000001 (5 working
// days, with a fee), 1.000004 (30 days) and 1.000009 (15 days).
func SampleTTHC() []qms.TTHC {
	pub, _ := time.Parse("2006-01-02", "2024-03-15")
	return []qms.TTHC{
		{Code: "1.000001", Name: "Cấp giấy phép kinh doanh dịch vụ karaoke", Field: "Văn hóa", TimeLimitDays: 5, Fee: "4.000.000", PublishedOn: pub},
		{Code: "1.000004", Name: "Công nhận điểm du lịch", Field: "Du lịch", TimeLimitDays: 30, PublishedOn: pub},
		{Code: "1.000009", Name: "Đăng ký tổ chức lễ hội", Field: "Văn hóa", TimeLimitDays: 15},
	}
}
