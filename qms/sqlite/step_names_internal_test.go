package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"isodt/qms"
	"isodt/qms/qmstest"
)

// TestStepNamesOnUpgrade: migration 0056 gives the steps recorded before
// it their actors' names as they read at the upgrade, puts back the guard
// on a signed step with the new columns, and leaves the leader's
// signature current; a renamed actor's later steps carry the new name
// while the old ones keep theirs.
func TestStepNamesOnUpgrade(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "qms.db")
	db, err := Open(ctx, path, Options{PasswordCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	sys := qms.WithActor(ctx, qms.SystemActor("test"))
	staff, leader, _ := qmstest.EffectiveProcedure(t, db, sys, qmstest.SampleTTHC())
	for who, name := range map[context.Context]string{staff: "Lê Thị Chuyên", leader: "Phạm Văn Giám"} {
		u, _ := qms.ActorFrom(who)
		if _, err := db.UpdateUser(sys, u.UserID, qms.UserUpdate{FullName: &name}); err != nil {
			t.Fatal(err)
		}
	}
	d := signedDossier(t, db, staff, leader)
	db.Close()

	// Back to 0055: no name columns, the guard without them.
	raw, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range []string{
		`DROP TRIGGER dossier_steps_signed`,
		`ALTER TABLE dossier_steps DROP COLUMN actor_name`,
		`ALTER TABLE dossier_steps DROP COLUMN delegated_by_name`,
		`DELETE FROM migrations WHERE name LIKE '%0056%'`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if db, err = Open(ctx, path, Options{PasswordCost: bcrypt.MinCost}); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p, err := db.DossierProgress(ctx, "SVHTT", d.Code)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, st := range p.Steps {
		us, err := db.FindUsers(ctx, qms.UserFilter{Username: &st.Actor, Limit: 1})
		if err != nil || len(us) != 1 {
			t.Fatalf("the actor of %s: %v %v", st.StepID, us, err)
		}
		if st.ActorName == "" || st.ActorName != us[0].FullName {
			t.Errorf("step %s after the upgrade: actor_name %q, want %q", st.StepID, st.ActorName, us[0].FullName)
		}
		names[st.StepID] = st.ActorName
	}
	signed := p.Steps[len(p.Steps)-1]
	if sigs, err := db.FindSignatures(ctx, qms.SignedDossierStep, signed.ID); err != nil || len(sigs) != 1 || !sigs[0].Current {
		t.Fatalf("the leader's signature after the upgrade: %+v %v", sigs, err)
	}
	if _, err := raw.Exec(`UPDATE dossier_steps SET actor_name = 'Người Khác' WHERE id = ?`, signed.ID); err == nil {
		t.Fatal("the guard lets a signed step's name change")
	}

	// Renamed, the staff member's next receipt carries the new name; the
	// steps before keep the old one.
	u, _ := qms.ActorFrom(staff)
	newName := "Chuyên viên Đã Đổi Tên"
	if _, err := db.UpdateUser(sys, u.UserID, qms.UserUpdate{FullName: &newName}); err != nil {
		t.Fatal(err)
	}
	later := &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "Trần Thị Bình"}, Channel: qms.ChannelCounter}
	if err := db.ReceiveDossier(staff, later); err != nil {
		t.Fatal(err)
	}
	lp, err := db.DossierProgress(ctx, "SVHTT", later.Code)
	if err != nil {
		t.Fatal(err)
	}
	if got := lp.Steps[0].ActorName; got != newName {
		t.Errorf("a receipt after the rename: %q, want %q", got, newName)
	}
	p, _ = db.DossierProgress(ctx, "SVHTT", d.Code)
	if got := p.Steps[0].ActorName; got != names["s"] || got == newName {
		t.Errorf("a receipt before the rename now reads %q, want %q", got, names["s"])
	}
}
