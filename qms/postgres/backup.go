package postgres

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"isodt/qms"
	"isodt/qms/postgres/pgcluster"
)

// Backup writes the database to path with pg_dump in its custom format
// (restored with pg_restore). A consistent copy of a PostgreSQL database
// is pg_dump's job, or a base backup's (pg_basebackup, a managed
// service's snapshots) for point-in-time recovery: this only wraps
// pg_dump, so the nightly backup job works on either store. Without
// pg_dump on the server the backup is refused with that advice.
func (db *DB) Backup(ctx context.Context, path string) error {
	bin, err := pgDump()
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return qms.Errorf(qms.EINVALID, "Không tạo được tệp sao lưu %s: %v", path, err)
	}
	f.Close()
	// The password goes in the environment, not on the command line,
	// where every user of the machine could read it.
	cc := db.pool.Config().ConnConfig
	cmd := exec.CommandContext(ctx, bin, "--format=custom", "--no-owner", "--file", path)
	cmd.Env = append(os.Environ(),
		"PGHOST="+cc.Host, "PGPORT="+strconv.Itoa(int(cc.Port)), "PGUSER="+cc.User,
		"PGPASSWORD="+cc.Password, "PGDATABASE="+cc.Database)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		os.Remove(path)
		return fmt.Errorf("pg_dump to %s: %w: %s", path, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// pgDump finds pg_dump beside the newest initdb of Debian's packages
// (it must not be older than the server), else on PATH.
func pgDump() (string, error) {
	if dir, err := pgcluster.FindBin(); err == nil {
		if p := filepath.Join(dir, "pg_dump"); exists(p) {
			return p, nil
		}
	}
	if p, err := exec.LookPath("pg_dump"); err == nil {
		return p, nil
	}
	return "", qms.Errorf(qms.EINVALID, "Sao lưu cơ sở dữ liệu PostgreSQL dùng pg_dump, nhưng máy này không có pg_dump (gói postgresql-client). "+
		"Cài pg_dump, hoặc sao lưu bằng công cụ của PostgreSQL: pg_basebackup và lưu trữ WAL, hay bản chụp của dịch vụ cơ sở dữ liệu.")
}

func exists(path string) bool { _, err := os.Stat(path); return err == nil }

// Path is empty: the database lives on a server, not in a file. The
// commands that keep files beside the database (signed audit
// checkpoints) then need their own paths.
func (db *DB) Path() string { return "" }
