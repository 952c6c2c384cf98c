package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"isodt/qms"
	"isodt/qms/sqlite"
)

// TestTrust12FileModes: the database, its -wal and -shm files and a
// backup are created readable by their owner only, in a folder closed to
// other users.
func TestTrust12FileModes(t *testing.T) {
	root := t.TempDir()
	path := filepath.Join(root, "data", "qms.db")
	db, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sys := qms.WithActor(context.Background(), qms.SystemActor("test"))
	if err := db.CreateAgency(sys, &qms.Agency{Code: "A", Name: "Sở A"}); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(root, "backups", "qms-1.db")
	if err := os.Mkdir(filepath.Dir(backup), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(context.Background(), backup); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{path, path + "-wal", path + "-shm", backup} {
		st, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", filepath.Base(f), st.Mode().Perm())
		}
	}
	st, err := os.Stat(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm()&0o027 != 0 {
		t.Errorf("database folder mode %v, want at most 0750", st.Mode().Perm())
	}
	// A backup onto an existing file is refused and leaves it alone.
	if err := db.Backup(context.Background(), backup); qms.ErrorCode(err) != qms.ECONFLICT {
		t.Fatalf("backup over an existing file: %v", err)
	}
}

// TestTrust12ReadOnlyDatabaseDir: a database path that cannot be written
// gives its own Vietnamese message naming the folder, not SQLite's
// "unable to open database file". A file where a folder should be is
// reproducible even as root; a folder without write permission only
// when not root (root writes anyway).
func TestTrust12ReadOnlyDatabaseDir(t *testing.T) {
	root := t.TempDir()
	file := filepath.Join(root, "not-a-folder")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	locked := filepath.Join(root, "locked")
	if err := os.Mkdir(locked, 0o500); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, want string
		skip             bool
	}{
		{"file in the path", filepath.Join(file, "qms.db"), "không phải thư mục", false},
		{"file deeper in the path", filepath.Join(file, "sub", "qms.db"), "không phải thư mục", false},
		{"folder as the database", root, "là một thư mục", false},
		{"folder without write permission", filepath.Join(locked, "qms.db"), "(chỉ đọc)", os.Geteuid() == 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.skip {
				t.Skip("root writes into a folder without write permission")
			}
			db, err := sqlite.Open(context.Background(), tt.path, sqlite.Options{})
			if err == nil {
				db.Close()
				t.Fatal("opened")
			}
			if qms.ErrorCode(err) != qms.EINVALID || !strings.Contains(qms.ErrorMessage(err), tt.want) {
				t.Fatalf("error %q (code %s), want a message with %q", err, qms.ErrorCode(err), tt.want)
			}
		})
	}
}
