package main

import (
	"context"
	"fmt"
	"time"

	"github.com/schollz/progressbar/v3"

	"isodt/qms"
	"isodt/qms/postgres"
	"isodt/qms/sqlite"
)

// cmdDBCopy moves a province from its SQLite file to PostgreSQL: every
// table, the stored files and the audit trail, read on one snapshot of
// the source (which may keep running) and written in one transaction on
// the target, whose trail is verified before it commits. A target that
// already holds data is refused.
func cmdDBCopy(ctx context.Context, e *env, args []string) error {
	fs, _ := newFlags(e, "db copy")
	from := fs.String("from", "", "cơ sở dữ liệu nguồn: sqlite:ĐƯỜNG_DẪN hoặc đường dẫn tệp SQLite (bắt buộc)")
	to := fs.String("to", "", "cơ sở dữ liệu đích, mới tạo và còn trống: postgres://… (bắt buộc)")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	src, err := parseDB(*from)
	if err != nil || src.Kind != dbSQLite {
		return qms.FieldError("from", "--from: cần cơ sở dữ liệu SQLite nguồn, ví dụ --from sqlite:data/qms.db.")
	}
	dst, err := parseDB(*to)
	if err != nil || dst.Kind != dbPostgres {
		return qms.FieldError("to", "--to: cần cơ sở dữ liệu PostgreSQL đích, ví dụ --to postgres://qms@localhost:5432/qms.")
	}
	rep, err := copyToPostgres(ctx, e, src.Path, dst.URL)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "ok copied %d tables, %d rows to %s; audit trail verified on the target (%d entries)\n", rep.Tables, rep.Rows, redactURL(dst.URL), rep.Entries)
	return nil
}

// copyToPostgres copies the SQLite database at path into the empty
// PostgreSQL database at url, with a progress bar on stderr.
func copyToPostgres(ctx context.Context, e *env, path, url string) (postgres.CopyReport, error) {
	in, err := sqlite.Open(ctx, path, sqlite.Options{Existing: true, Logger: e.log})
	if qms.ErrorCode(err) == qms.ENOTFOUND {
		return postgres.CopyReport{}, qms.FieldErrorf(qms.ENOTFOUND, "from", "--from: không tìm thấy cơ sở dữ liệu %s.", path)
	} else if err != nil {
		return postgres.CopyReport{}, fmt.Errorf("open database %s: %w", path, err)
	}
	defer in.Close()
	snap, err := in.Snapshot(ctx)
	if err != nil {
		return postgres.CopyReport{}, err
	}
	defer snap.Close()
	out, err := postgres.Open(ctx, url, postgres.Options{Logger: e.log})
	if err != nil {
		return postgres.CopyReport{}, fmt.Errorf("open PostgreSQL database %s: %w", redactURL(url), err)
	}
	defer out.Close()
	var bar *progressbar.ProgressBar
	rep, err := out.CopyIn(ctx, snap, func(rows int64) {
		bar = progressbar.NewOptions64(rows, progressbar.OptionSetWriter(e.stderr), progressbar.OptionSetDescription("Đang chép"),
			progressbar.OptionShowCount(), progressbar.OptionSetWidth(30), progressbar.OptionThrottle(200*time.Millisecond), progressbar.OptionClearOnFinish())
	}, func(table string, rows int64) {
		bar.Describe("Đang chép " + table)
		bar.Add64(rows)
	})
	if bar != nil {
		bar.Finish()
	}
	return rep, err
}
