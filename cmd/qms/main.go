// Command qms is the ISO điện tử server and its administration tool: one
// binary whose subcommands serve the web app, migrate the database, add
// agencies and users, issue API tokens, verify the audit trail and back up.
//
// Exit codes: 0 success, 1 failure (including a broken audit chain),
// 2 bad usage or bad input (nothing was written).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"isodt/qms"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `Cách dùng: qms <lệnh> [tùy chọn]

Lệnh:
  serve [--addr A] [--db PATH]                       chạy máy chủ web (mặc định 127.0.0.1:8080, data/qms.db);
                                                     --db nhận đường dẫn SQLite, sqlite:PATH hoặc postgres://…
  migrate [--db PATH]                                áp dụng các bản nâng cấp cơ sở dữ liệu
  agency add --code C --name N [--parent P] [--kind K] thêm đơn vị (K: ubnd_tinh, so_nganh, ubnd_xa, truc_thuoc)
  agency merge --into C [--name N] --from A,B[,C] [--dry-run] [--json]
                                                     sáp nhập đơn vị: hồ sơ đang giải quyết, thủ tục,
                                                     biểu mẫu và người dùng chuyển sang đơn vị nhận
  agency split --from A --into B [--name N] [--parent P] --tthc T1,T2 --procedures Q1,Q2 [--dry-run] [--json]
                                                     chia tách: thủ tục, quy trình (biểu mẫu đi kèm) và hồ sơ
                                                     đang giải quyết của chúng chuyển sang đơn vị B
  agency move --code C --parent P                    chuyển đơn vị sang cấp trên khác ("" = không có)
  user add --username U --agency C --role R          thêm người dùng (mật khẩu đọc từ stdin)
  user unlock --username U | --addr A                mở khóa đăng nhập của người dùng (xóa đếm lần đăng nhập sai)
                                                     hoặc của một địa chỉ bị chặn (IPv6: cả dải /64)
  token create --username U [--days N]               cấp mã truy cập API (mặc định 90 ngày)
  token list [--username U] [--json]                 liệt kê mã truy cập (không bao giờ in mã bí mật)
  token revoke --id N | --prefix P | --username U --all   thu hồi mã truy cập
  audit verify [--checkpoints F --pubkey K]          kiểm tra chuỗi băm của nhật ký, các điểm ký và dữ liệu phân quyền
  audit checkpoint [--checkpoint-key K]              kiểm tra rồi ký đầu chuỗi nhật ký, ghi vào tệp điểm ký
  backup FILE                                        sao lưu trực tuyến cơ sở dữ liệu ra FILE (PostgreSQL: qua pg_dump)
  db copy --from sqlite:PATH --to postgres://…       chuyển toàn bộ dữ liệu (bảng, tệp, nhật ký) sang PostgreSQL
                                                     mới tạo; nhật ký được kiểm tra trên đích trước khi xong
  import tthc --agency C FILE                        nhập danh mục thủ tục hành chính (CSV, XLSX);
                                                     tên cũ "import procedures" vẫn dùng được
  procedures status --agency C [--json]              tình trạng kiểm soát ISO của từng thủ tục
  import dossiers --agency C FILE.csv                nhập lịch sử hồ sơ đã kết thúc từ hệ thống một cửa
  calendar holidays --year Y [--json]                các ngày nghỉ lễ, Tết trong năm
  calendar due --start T --days N [--agency C]       hạn giải quyết (RFC 3339, +07:00)
  report ontime --agency C --from D --to D [--json]  số liệu giải quyết hồ sơ đúng hạn
  check run [--agency C] [--rule R] [--json]         chạy kiểm tra tuân thủ, in các phát hiện đang mở
  jobs list [--job NAME=SPEC]                        các tác vụ định kỳ, lịch và lần chạy tới
  demo --scale small|province                        nạp dữ liệu mẫu vào cơ sở dữ liệu mới
  loadtest [--data PATH] [--out FILE] [--clients N]  đo tải máy chủ trên bản sao bộ dữ liệu (make bench)

Biến môi trường: QMS_ADDR, QMS_DB, QMS_CHECKPOINT_KEY, QMS_CHECKPOINTS,
QMS_MERGE_REISSUE_DAYS (số ngày phải ban hành lại quy trình nhận khi sáp nhập, mặc định 90),
QMS_ACK_DAYS (số ngày làm việc để xác nhận đã đọc tài liệu mới có hiệu lực, mặc định 5).
`

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// usageError is bad usage: exit 2 with the message and a hint.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// env bundles what a subcommand reads and writes, so tests run commands
// in process with their own streams.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// log is the logger of a long-running command (serve), handed to the
	// store; nil: the store logs to slog.Default.
	log *slog.Logger
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	err := dispatch(ctx, e, args)
	var ue *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "qms: %s\nXem \"qms help\".\n", ue.msg)
		return exitUsage
	}
	var de *qms.Error
	if errors.As(err, &de) {
		fmt.Fprintf(stderr, "qms: %s\n", de.Message)
	} else {
		fmt.Fprintf(stderr, "qms: %v\n", err)
	}
	switch qms.ErrorCode(err) {
	case qms.EINVALID, qms.ENOTFOUND, qms.ECONFLICT:
		return exitUsage
	}
	return exitFailure
}

func dispatch(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, usage)
		return usagef("thiếu lệnh")
	}
	cmd, rest := args[0], args[1:]
	sub := func() (string, []string) {
		if len(rest) == 0 {
			return "", nil
		}
		return rest[0], rest[1:]
	}
	switch cmd {
	case "help", "-h", "--help":
		fmt.Fprint(e.stdout, usage)
		return nil
	case "serve":
		return cmdServe(ctx, e, rest)
	case "migrate":
		return cmdMigrate(ctx, e, rest)
	case "db":
		if s, r := sub(); s == "copy" {
			return cmdDBCopy(ctx, e, r)
		}
		return usagef("dùng: qms db copy --from sqlite:ĐƯỜNG_DẪN --to postgres://…")
	case "agency":
		switch s, r := sub(); s {
		case "add":
			return cmdAgencyAdd(ctx, e, r)
		case "merge":
			return cmdAgencyMerge(ctx, e, r)
		case "move":
			return cmdAgencyMove(ctx, e, r)
		case "split":
			return cmdAgencySplit(ctx, e, r)
		}
		return usagef("dùng: qms agency add --code C --name N [--parent P] [--kind K] | qms agency merge --into C [--name N] --from A,B [--dry-run] | qms agency split --from A --into B --tthc T --procedures Q [--dry-run] | qms agency move --code C --parent P")
	case "user":
		switch s, r := sub(); s {
		case "add":
			return cmdUserAdd(ctx, e, r)
		case "unlock":
			return cmdUserUnlock(ctx, e, r)
		case "grant", "revoke":
			return cmdUserRole(ctx, e, s, r)
		}
		return usagef("dùng: qms user add --username U --agency C --role R | qms user grant|revoke --username U --agency C --role R | qms user unlock --username U | --addr A")
	case "token":
		switch s, r := sub(); s {
		case "create":
			return cmdTokenCreate(ctx, e, r)
		case "list":
			return cmdTokenList(ctx, e, r)
		case "revoke":
			return cmdTokenRevoke(ctx, e, r)
		}
		return usagef("dùng: qms token create --username U [--days N] | qms token list [--username U] | qms token revoke --id N | --prefix P | --username U --all")
	case "audit":
		switch s, r := sub(); s {
		case "verify":
			return cmdAuditVerify(ctx, e, r)
		case "checkpoint":
			return cmdAuditCheckpoint(ctx, e, r)
		}
		return usagef("dùng: qms audit verify | qms audit checkpoint")
	case "backup":
		return cmdBackup(ctx, e, rest)
	case "import":
		switch s, r := sub(); s {
		case "tthc", "procedures": // "procedures" was the command's first name
			return cmdImportTTHC(ctx, e, "import "+s, r)
		case "dossiers":
			return cmdImportDossiers(ctx, e, r)
		}
		return usagef("dùng: qms import tthc|dossiers --agency C FILE")
	case "calendar":
		switch s, r := sub(); s {
		case "holidays":
			return cmdCalendarHolidays(ctx, e, r)
		case "due":
			return cmdCalendarDue(ctx, e, r)
		}
		return usagef("dùng: qms calendar holidays --year Y | qms calendar due --start T --days N")
	case "demo":
		return cmdDemo(ctx, e, rest)
	case "loadtest":
		return cmdLoadtest(ctx, e, rest)
	case "jobs":
		if s, r := sub(); s == "list" {
			return cmdJobsList(ctx, e, r)
		}
		return usagef("dùng: qms jobs list")
	case "check":
		if s, r := sub(); s == "run" {
			return cmdCheckRun(ctx, e, r)
		}
		return usagef("dùng: qms check run [--agency C] [--rule R] [--json]")
	case "report":
		if s, r := sub(); s == "ontime" {
			return cmdReportOnTime(ctx, e, r)
		}
		return usagef("dùng: qms report ontime --agency C --from D --to D [--json]")
	case "procedures":
		if s, r := sub(); s == "status" {
			return cmdProceduresStatus(ctx, e, r)
		}
		return usagef("dùng: qms procedures status --agency C [--json]")
	}
	return usagef("lệnh không tồn tại: %q", cmd)
}

// newFlags makes a flag set that reports errors instead of exiting and
// always knows --db.
func newFlags(e *env, name string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	db := new(string)
	dbf := &dbFlag{path: db}
	dbf.Set(envOr("QMS_DB", "data/qms.db"))
	fs.Var(dbf, "db", "cơ sở dữ liệu: đường dẫn tệp SQLite (hoặc sqlite:ĐƯỜNG_DẪN) hoặc postgres://…")
	return fs, db
}

// parse parses flags; a flag error or a wrong number of positional
// arguments is a usage error. Flags may come after the positional ones
// (qms backup FILE --db PATH), as users type them.
func parse(fs *flag.FlagSet, args []string, positional int) error {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return err
			}
			return usagef("%v", err)
		}
		if fs.NArg() == 0 {
			break
		}
		pos, args = append(pos, fs.Arg(0)), fs.Args()[1:]
	}
	if err := dbFlagError(fs); err != nil {
		return err
	}
	if len(pos) != positional {
		return usagef("%s: cần %d tham số vị trí, nhận %d: %v", fs.Name(), positional, len(pos), pos)
	}
	// Make fs.Arg(i) return the positional arguments.
	return fs.Parse(append([]string{"--"}, pos...))
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// envInt is the integer in the environment variable key, or def when it
// is unset or not a number.
func envInt(key string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(key)); err == nil {
		return n
	}
	return def
}
