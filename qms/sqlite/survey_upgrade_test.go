package sqlite_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"isodt/qms"
	"isodt/qms/sqlite"
)

// TestSurveyMigrationDeidentifies: migration 0050 on a database whose
// responses carry their dossier's code and the sender's address hash, as
// 0039 wrote them: each response stays with its scores and comment, the
// code and the hash are gone, a dossier rated before is still refused a
// second response, another is still rated once, and a response is still
// a record no one changes.
func TestSurveyMigrationDeidentifies(t *testing.T) {
	db, clk, sys := openDB(t)
	if err := db.CreateAgency(sys, &qms.Agency{Code: "SVHTT", Name: "Sở Văn hóa"}); err != nil {
		t.Fatal(err)
	}
	at := clk.Now().Add(-time.Hour)
	var rows []sqlite.DossierImport
	for _, code := range []string{"SVHTT-KS-1", "SVHTT-KS-2"} {
		rows = append(rows, sqlite.DossierImport{Code: code, TTHCCode: "1.000001", ReceivedAt: at.Add(-72 * time.Hour), DueAt: at.Add(48 * time.Hour),
			CompletedAt: &at, Status: qms.DossierCompleted})
	}
	if _, err := db.ImportDossiers(sys, "SVHTT", rows); err != nil {
		t.Fatal(err)
	}
	public := qms.WithActor(context.Background(), qms.PublicActor("SVHTT"))
	answer := func(db *sqlite.DB, code string) error {
		d, err := db.FindDossier(sys, "SVHTT", code)
		if err != nil {
			t.Fatal(err)
		}
		answers := map[string]int{}
		for _, q := range qms.SIPAS2017.Questions {
			if !q.Optional {
				answers[q.Code] = 4
			}
		}
		return db.SubmitSatisfaction(public, "SVHTT", code, &qms.SatisfactionResponse{Answers: answers, Comment: "Tốt.", Key: d.SurveyKey}, "192.0.2.4")
	}
	if err := answer(db, "SVHTT-KS-1"); err != nil {
		t.Fatal(err)
	}
	path := db.Path()
	db.Close()

	// The table as 0039 made it and the upgrade finds it.
	raw, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{
		`DROP TRIGGER satisfaction_responses_final`,
		`ALTER TABLE satisfaction_responses ADD COLUMN dossier_code TEXT NOT NULL DEFAULT ''`,
		`ALTER TABLE satisfaction_responses ADD COLUMN ip_hash TEXT NOT NULL DEFAULT ''`,
		`UPDATE satisfaction_responses SET dossier_code = 'SVHTT-KS-1', ip_hash = 'a1b2'`,
		`CREATE INDEX satisfaction_throttle ON satisfaction_responses (ip_hash, submitted_at)`,
		`CREATE TRIGGER satisfaction_responses_final BEFORE UPDATE ON satisfaction_responses
		BEGIN SELECT RAISE(ABORT, 'a satisfaction response is a record'); END`,
		`DROP TABLE survey_answer_throttle`,
		`DELETE FROM migrations WHERE name = 'migration/0050_survey_deidentified.sql'`,
	} {
		if _, err := raw.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	raw.Close()

	db, err = sqlite.Open(context.Background(), path, sqlite.Options{Now: clk.Now, PasswordCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rs, err := db.FindSatisfaction(sys, qms.SatisfactionFilter{Agencies: []string{"SVHTT"}})
	if err != nil || len(rs) != 1 || rs[0].Comment != "Tốt." || rs[0].Answers["CC1"] != 4 {
		t.Fatalf("after the upgrade: %+v %v", rs, err)
	}
	raw = rawDB(t, db)
	for _, col := range []string{"dossier_code", "ip_hash"} {
		if _, err := raw.Exec(`SELECT ` + col + ` FROM satisfaction_responses`); err == nil {
			t.Errorf("satisfaction_responses keeps %s", col)
		}
	}
	if err := answer(db, "SVHTT-KS-1"); qms.ErrorCode(err) != qms.ECONFLICT {
		t.Errorf("a second response on a dossier rated before the upgrade: %v", err)
	}
	if err := answer(db, "SVHTT-KS-2"); err != nil {
		t.Errorf("a response after the upgrade: %v", err)
	}
	if err := answer(db, "SVHTT-KS-2"); qms.ErrorCode(err) != qms.ECONFLICT {
		t.Errorf("a second response after the upgrade: %v", err)
	}
	for _, q := range []string{`UPDATE satisfaction_responses SET comment = 'sửa'`, `DELETE FROM satisfaction_responses`} {
		if _, err := raw.Exec(q); err == nil {
			t.Errorf("%s: allowed after the upgrade", q)
		}
	}
}
