package sqlite_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"isodt/qms"
	"isodt/qms/qmstest"
	"isodt/qms/sqlite"
)

// TestTrust10ContributorsMigration: migration 0019 finds the editors and
// submitters of versions written before it in the audit trail, so none
// of them can approve after the upgrade; an uninvolved leader still can.
func TestTrust10ContributorsMigration(t *testing.T) {
	db, clk, sys := openDB(t)
	effectiveProcedure(t, db, sys)
	as := func(name string) context.Context {
		u, err := db.FindUserByUsername(sys, name)
		if err != nil {
			t.Fatal(err)
		}
		return qms.WithActor(context.Background(), qms.Actor{UserID: u.ID, Username: name, AgencyCode: "SVHTT"})
	}
	for _, name := range []string{"bien.tap", "trinh.duyet"} {
		if err := db.CreateUser(sys, &qms.User{Username: name, Memberships: []qms.Membership{{AgencyCode: "SVHTT", Role: qms.RoleQualityOfficer}}}, "ngua-o-123"); err != nil {
			t.Fatal(err)
		}
	}
	// Version 2 of QT-01 and version 1 of a form: drafted by thu.ky,
	// rewritten by bien.tap, submitted by trinh.duyet.
	ps, _ := db.FindProcedures(sys, qms.ProcedureFilter{})
	pid := ps[0].ID
	v, err := db.CreateVersion(as("thu.ky"), pid)
	if err != nil {
		t.Fatal(err)
	}
	v.ChangeSummary = "Rút ngắn thời gian thẩm định"
	if err := db.UpdateVersion(as("bien.tap"), v); err != nil {
		t.Fatal(err)
	}
	if _, err := db.TransitionVersion(as("trinh.duyet"), pid, v.Number, qms.ActionSubmit, ""); err != nil {
		t.Fatal(err)
	}
	f := &qms.Form{AgencyCode: "SVHTT", Code: "BM-01", Title: "Phiếu thẩm định"}
	if err := db.CreateForm(as("thu.ky"), f, json.RawMessage(qmstest.CheckSchema)); err != nil {
		t.Fatal(err)
	}
	fv, _ := db.FindFormVersion(sys, f.ID, 1)
	fv.ChangeSummary = "Sửa nhãn"
	if err := db.UpdateFormVersion(as("bien.tap"), fv); err != nil {
		t.Fatal(err)
	}
	if _, err := db.TransitionFormVersion(as("trinh.duyet"), f.ID, 1, qms.ActionSubmit, ""); err != nil {
		t.Fatal(err)
	}

	// Back to the schema before 0019: only the authors were known.
	path := db.Path()
	db.Close()
	raw, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{`DROP TABLE version_contributors`, `DELETE FROM migrations WHERE name = 'migration/0019_version_contributors.sql'`} {
		if _, err := raw.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	raw.Close()
	if db, err = sqlite.Open(context.Background(), path, sqlite.Options{Now: clk.Now, PasswordCost: bcrypt.MinCost}); err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	approve := map[string]func(ctx context.Context) error{
		"procedure": func(ctx context.Context) error {
			_, err := db.TransitionVersion(ctx, pid, v.Number, qms.ActionApprove, "")
			return err
		},
		"form": func(ctx context.Context) error {
			_, err := db.TransitionFormVersion(ctx, f.ID, 1, qms.ActionApprove, "")
			return err
		},
	}
	for _, doc := range []string{"procedure", "form"} {
		for _, who := range []string{"thu.ky", "bien.tap", "trinh.duyet"} {
			if err := approve[doc](as(who)); qms.ErrorCode(err) != qms.EFORBIDDEN {
				t.Errorf("%s approved by its contributor %s: %v", doc, who, err)
			}
		}
		if err := approve[doc](as("giam.doc")); err != nil {
			t.Errorf("%s approved by an uninvolved leader: %v", doc, err)
		}
	}
}
