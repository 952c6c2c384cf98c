package sqlite

import (
	"context"
	"io/fs"
	"path/filepath"
	"testing"
)

// TestAgencyKinds2MigrationDefaults: migration 0029 gives the agencies
// that existed before it the kind their name says, else so_nganh.
func TestAgencyKinds2MigrationDefaults(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "qms.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	body, err := fs.ReadFile(migrationFS, "migration/0029_agency_kinds.sql")
	if err != nil {
		t.Fatal(err)
	}
	// The database as it was before 0029: no kind column.
	UndoRowBefore(t, db.write)
	if _, err := db.write.ExecContext(ctx, `ALTER TABLE agencies DROP COLUMN kind`); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"T":  "ubnd_tinh",   // UBND tỉnh Lào Cai
		"S":  "so_nganh",    // Sở Tư pháp
		"H":  "ubnd_huyen",  // UBND huyện Bảo Thắng
		"HP": "phong_huyen", // Phòng Tư pháp huyện, under H
		"X":  "ubnd_xa",     // UBND xã Tả Phìn
		"CC": "truc_thuoc",  // Chi cục, under S
		"Q":  "ubnd_huyen",  // Ủy ban nhân dân quận
	}
	for _, r := range [][3]string{{"T", "UBND tỉnh Lào Cai", ""}, {"S", "Sở Tư pháp", "T"}, {"H", "UBND huyện Bảo Thắng", "T"},
		{"HP", "Phòng Tư pháp", "H"}, {"X", "UBND xã Tả Phìn", "H"}, {"CC", "Chi cục Thủy lợi", "S"}, {"Q", "Ủy ban nhân dân quận Ba Đình", ""}} {
		if _, err := db.write.ExecContext(ctx, `INSERT INTO agencies (code, name, parent_code, created_at, updated_at) VALUES (?, ?, NULLIF(?, ''), '', '')`, r[0], r[1], r[2]); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.write.ExecContext(ctx, string(body)); err != nil {
		t.Fatal(err)
	}
	for code, kind := range want {
		var got string
		if err := db.write.QueryRowContext(ctx, `SELECT kind FROM agencies WHERE code = ?`, code).Scan(&got); err != nil || got != kind {
			t.Errorf("%s: kind %q (%v), want %q", code, got, err, kind)
		}
	}
}
