package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// TestTrust6DummyHashCost: the hash an unknown username is checked
// against has the cost of real password hashes, whatever the store's
// PasswordCost, so that an unknown user answers as slowly as a known one.
func TestTrust6DummyHashCost(t *testing.T) {
	for _, tt := range []struct {
		name       string
		configured int
		want       int
	}{{"default", 0, bcrypt.DefaultCost}, {"lowered for tests", bcrypt.MinCost + 1, bcrypt.MinCost + 1}, {"raised", 11, 11}} {
		t.Run(tt.name, func(t *testing.T) {
			db, err := Open(context.Background(), filepath.Join(t.TempDir(), "qms.db"), Options{PasswordCost: tt.configured})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			real, err := db.HashPassword("mat-khau-123")
			if err != nil {
				t.Fatal(err)
			}
			realCost, _ := bcrypt.Cost([]byte(real))
			dummyCost, err := bcrypt.Cost(db.dummyHash())
			if err != nil || dummyCost != tt.want || dummyCost != realCost {
				t.Fatalf("dummy hash cost %d (%v), real hash cost %d, want %d", dummyCost, err, realCost, tt.want)
			}
		})
	}
}
