package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"isodt/qms"
)

// TestReadCacheMissesAfterChange: a value read while a change commits is
// not served as fresh afterwards.
func TestReadCacheMissesAfterChange(t *testing.T) {
	var gens generations
	c := newReadCache[string, int](ofKind[string](&gens, kindForms), 2)
	loads := 0
	load := func() (int, error) { loads++; return loads, nil }
	race := func() (int, error) { // a change commits during the read
		loads++
		gens.advance(&touched{kinds: [kinds]bool{kindForms: true}})
		return loads, nil
	}
	for _, tt := range []struct {
		name  string
		key   string
		load  func() (int, error)
		want  int
		loads int
	}{
		{"miss", "a", load, 1, 1},
		{"hit", "a", load, 1, 1},
		{"other kind changed", "a", load, 1, 1},
		{"change during read", "b", race, 2, 2},
		{"read again", "b", load, 3, 3},
		{"hit again", "b", load, 3, 3},
		{"bounded: starts again empty", "c", load, 4, 4},
		{"a was dropped", "a", load, 5, 5},
	} {
		if tt.name == "other kind changed" {
			gens.advance(&touched{kinds: [kinds]bool{kindUsers: true}})
		}
		got, _ := c.get(tt.key, tt.load)
		if got != tt.want || loads != tt.loads {
			t.Fatalf("%s: got %d after %d loads, want %d after %d", tt.name, got, loads, tt.want, tt.loads)
		}
	}
}

// TestAgencyGenerations: a change of one agency's dossiers leaves the
// others' pages valid; a change seen from another process, none.
func TestAgencyGenerations(t *testing.T) {
	var gens generations
	var tc touched
	tc.mark(kindDossiers, "SVHTT")
	svhtt, stp, users := gens.ofAgency("SVHTT"), gens.ofAgency("STP"), gens.kinds[kindUsers].Load()
	gens.advance(&tc)
	if gens.ofAgency("SVHTT") == svhtt || gens.ofAgency("STP") != stp || gens.kinds[kindUsers].Load() != users {
		t.Fatal("a change of SVHTT's dossiers moved the wrong generations")
	}
	svhtt = gens.ofAgency("SVHTT")
	gens.advanceAll()
	if gens.ofAgency("SVHTT") == svhtt || gens.ofAgency("STP") == stp || gens.kinds[kindUsers].Load() == users {
		t.Fatal("advanceAll left a generation")
	}
}

// TestRolledBackAuditNotOurs: the audit id of a write rolled back in its
// group is reused by the next write; the caches' record of the last entry
// written here must be the committed one, or another process's next entry
// would pass for ours.
func TestRolledBackAuditNotOurs(t *testing.T) {
	ctx := qms.WithActor(context.Background(), qms.SystemActor("test"))
	db, err := Open(ctx, filepath.Join(t.TempDir(), "qms.db"), Options{WatchInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	write := func(fail bool) error {
		return db.update(ctx, func(tx *Tx) error {
			if err := tx.audit(ctx, "SYS", "test.write", "test", "1", nil, nil, ""); err != nil {
				return err
			}
			if fail {
				return errors.New("refused after its audit entry")
			}
			return nil
		})
	}
	if write(false) != nil || write(true) == nil {
		t.Fatal("the writes did not go as planned")
	}
	var head int64
	if err := db.read.QueryRow(`SELECT last_id FROM audit_head`).Scan(&head); err != nil {
		t.Fatal(err)
	}
	if seen := db.auditSeen.Load(); seen != head {
		t.Fatalf("caches think entry %d is ours, the head is %d", seen, head)
	}
}
