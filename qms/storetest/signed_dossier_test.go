package storetest_test

import (
	"fmt"
	"testing"
)

// TestSignedStepCoversItsDossier (outsider pass 12, medium): a leader's
// signed step did not cover which dossier it decides, so the dossier's
// applicant, TTHC or receipt time changed with the database file left
// the signature current: the decision read as another's. Now each of
// them is refused by the guard and, changed around it, flagged by
// SIGNATURE_BROKEN; put back, it clears. A dossier's TTHC terms are
// kept as they read at receipt.
func TestSignedStepCoversItsDossier(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		staff, leader, _ := receiptFixture(t, f)
		d, signed := toSignedStep(t, f, staff, leader, "")
		if d.ReceivedUnder == nil || d.ReceivedUnder.Name == "" {
			t.Fatalf("the receipt kept no TTHC terms: %+v", d.ReceivedUnder)
		}
		if got, err := f.FindDossier(f.ctx, "SVHTT", d.Code); err != nil || got.ReceivedUnder == nil || *got.ReceivedUnder != *d.ReceivedUnder {
			t.Fatalf("the terms read back: %+v %v, want %+v", got, err, d.ReceivedUnder)
		}
		step := itoa(signed.ID)
		id := itoa(d.ID)
		if err := f.exec(`UPDATE dossiers SET applicant_json = '{"name":"Nguyễn Giả Mạo"}' WHERE id = ` + id); err == nil {
			t.Fatal("the guard lets a signed dossier's applicant change")
		}
		if got := brokenSignatures(t, f); len(got) != 0 {
			t.Fatalf("SIGNATURE_BROKEN on untouched records: %v", got)
		}
		if err := f.exec(`CREATE TABLE kept_dossier AS SELECT * FROM dossiers WHERE id = ` + id); err != nil {
			t.Fatal(err)
		}
		dropGuard(t, f, "dossiers", "dossiers_signed")
		for col, value := range map[string]string{
			"applicant_json": `'{"name":"Nguyễn Giả Mạo"}'`,
			"tthc_code":      `'1.000002'`,
			"tthc_name":      `'Thủ tục khác'`,
			"tthc_fee":       `'0'`,
			"received_at":    `'2026-01-01T00:00:00Z'`,
			"channel":        `'online'`,
			"code":           `'SVHTT-2026-999999'`,
		} {
			if err := f.tamper(`UPDATE dossiers SET ` + col + ` = ` + value + ` WHERE id = ` + id); err != nil {
				t.Fatal(err)
			}
			if got, want := brokenSignatures(t, f), []string{"SVHTT dossier_step " + step}; fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("%s changed: %v, want %v", col, got, want)
			}
			if err := f.tamper(`UPDATE dossiers SET ` + col + ` = (SELECT ` + col + ` FROM kept_dossier) WHERE id = ` + id); err != nil {
				t.Fatal(err)
			}
			if got := brokenSignatures(t, f); len(got) != 0 {
				t.Fatalf("%s put back: %v", col, got)
			}
		}
		// What moves on after the signature does not break it.
		if err := f.exec(`UPDATE dossiers SET note = 'Ghi chú sau', due_at = '2027-01-01T00:00:00Z' WHERE id = ` + id); err != nil {
			t.Fatal(err)
		}
		if got := brokenSignatures(t, f); len(got) != 0 {
			t.Fatalf("the note and the due time changed: %v", got)
		}
	})
}
