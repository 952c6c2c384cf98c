package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"isodt/qms"
	"isodt/qms/jobs"
	"isodt/qms/mail"
)

// defaultSpecs are the job schedules unless configured otherwise with
// --job NAME=SPEC or QMS_JOB_<NAME>=SPEC (e.g. QMS_JOB_COMPLIANCE="0 5 * * *").
var defaultSpecs = map[string]string{
	"compliance":   "0 6 * * *",  // quét tuân thủ hằng ngày 06:00
	"deadlines":    "@hourly",    // theo dõi hạn hồ sơ hằng giờ
	"reminders":    "0 7 * * *",  // nhắc xem xét tài liệu, khắc phục
	"backup":       "30 1 * * *", // sao lưu hằng đêm
	"audit-verify": "0 2 * * *",  // kiểm tra chuỗi nhật ký hằng đêm, rồi ký đầu chuỗi
}

// jobFlags are the scheduling settings shared by serve and jobs list.
type jobFlags struct {
	specs     map[string]string
	backupDir string
	keep      int
	smtp      mail.Config
	// checkpoint is where audit-verify signs the chain's head.
	checkpoint *checkpointFlags
}

func addJobFlags(fs *flag.FlagSet) *jobFlags {
	jf := &jobFlags{specs: map[string]string{}}
	for name, spec := range defaultSpecs {
		jf.specs[name] = envOr("QMS_JOB_"+strings.ToUpper(strings.ReplaceAll(name, "-", "_")), spec)
	}
	fs.Func("job", "lịch chạy tác vụ dạng TÊN=LỊCH, ví dụ compliance=\"0 5 * * *\" (lặp lại được)", func(v string) error {
		name, spec, ok := strings.Cut(v, "=")
		if _, known := defaultSpecs[name]; !ok || !known {
			return fmt.Errorf("cần TÊN=LỊCH với TÊN là một trong: compliance, deadlines, reminders, backup, audit-verify")
		}
		jf.specs[name] = strings.TrimSpace(spec)
		return nil
	})
	fs.StringVar(&jf.backupDir, "backup-dir", envOr("QMS_BACKUP_DIR", "data/backups"), "thư mục chứa bản sao lưu tự động")
	jf.keep = 14
	fs.Func("backup-keep", "số bản sao lưu tự động được giữ lại, ít nhất 1 (mặc định 14)", func(v string) error {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 1 {
			return fmt.Errorf("cần một số bản sao lưu từ 1 trở lên")
		}
		jf.keep = n
		return nil
	})
	fs.StringVar(&jf.smtp.Addr, "smtp-addr", os.Getenv("QMS_SMTP_ADDR"), "máy chủ SMTP host:port để gửi thông báo qua thư điện tử (bỏ trống: không gửi)")
	fs.StringVar(&jf.smtp.From, "smtp-from", envOr("QMS_SMTP_FROM", "iso-dien-tu@localhost"), "địa chỉ người gửi")
	fs.StringVar(&jf.smtp.Username, "smtp-user", os.Getenv("QMS_SMTP_USER"), "tài khoản SMTP (mật khẩu qua QMS_SMTP_PASSWORD)")
	fs.StringVar(&jf.smtp.BaseURL, "base-url", envOr("QMS_BASE_URL", "http://127.0.0.1:8080"), "địa chỉ của ứng dụng, dùng trong liên kết gửi qua thư")
	jf.smtp.Password = os.Getenv("QMS_SMTP_PASSWORD")
	jf.checkpoint = addCheckpointFlags(fs)
	return jf
}

// scheduler registers every job on the store.
func (jf *jobFlags) scheduler(db store, log *slog.Logger) (*jobs.Scheduler, error) {
	s := jobs.New(jobs.Config{Recorder: db, Logger: log})
	mailer := mail.New(jf.smtp)
	sys := func(ctx context.Context, name string) context.Context {
		return qms.WithActor(ctx, qms.SystemActor("job:"+name))
	}
	checkRules := func(name string, rules ...string) func(context.Context) (map[string]int, error) {
		return func(ctx context.Context) (map[string]int, error) {
			total := map[string]int{}
			if len(rules) == 0 {
				rules = []string{""}
			}
			for _, r := range rules {
				res, err := db.RunChecks(sys(ctx, name), qms.CheckScope{Rule: r})
				if err != nil {
					return total, err
				}
				total["opened"] += res.Opened
				total["closed"] += res.Closed
				total["open"] += res.Open
			}
			// E-mails go after the run committed, so none announces a
			// finding that was rolled back.
			sent, err := deliverEmails(ctx, db, mailer)
			total["emailed"] = sent
			return total, err
		}
	}
	all := []jobs.Job{
		{Name: "compliance", Title: "Quét tuân thủ toàn bộ", Run: checkRules("compliance")},
		{Name: "deadlines", Title: "Theo dõi hạn giải quyết hồ sơ", Run: checkRules("deadlines", qms.RuleDossierOverdue, qms.RuleStepOverdue, qms.RuleLateWithoutApology)},
		{Name: "reminders", Title: "Nhắc xem xét tài liệu và hành động khắc phục", Run: checkRules("reminders", qms.RuleReviewOverdue, qms.RuleCAPAOverdue, qms.RuleMergedNotReissued)},
		{Name: "backup", Title: "Sao lưu cơ sở dữ liệu", Run: func(ctx context.Context) (map[string]int, error) { return jf.backup(ctx, db) }},
		{Name: "audit-verify", Title: "Kiểm tra chuỗi băm nhật ký và ký đầu chuỗi", Run: func(ctx context.Context) (map[string]int, error) {
			return jf.auditVerify(ctx, db, checkRules("audit-verify", qms.RuleAuditChainBroken))
		}},
	}
	for _, j := range all {
		j.Spec = jf.specs[j.Name]
		if err := s.Add(j); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// auditVerify runs the AUDIT_CHAIN_BROKEN check, which opens a finding
// for a broken chain or a row written outside the application, then
// verifies the trail against the signed checkpoints and signs its head.
// A trail that fails is not signed: the run fails instead.
func (jf *jobFlags) auditVerify(ctx context.Context, db store, check func(context.Context) (map[string]int, error)) (map[string]int, error) {
	counts, err := check(ctx)
	if err != nil {
		return counts, err
	}
	c, v, err := jf.checkpoint.checkpoint(ctx, db)
	counts["entries"], counts["checkpoints"] = int(v.Entries), v.Checkpoints
	if err != nil {
		return counts, fmt.Errorf("audit checkpoint: %w", err)
	}
	counts["signed_entry"] = int(c.ID)
	return counts, nil
}

// backup writes a dated copy and keeps the newest jf.keep of them.
func (jf *jobFlags) backup(ctx context.Context, db store) (map[string]int, error) {
	if err := os.MkdirAll(jf.backupDir, 0o750); err != nil {
		return nil, err
	}
	name := filepath.Join(jf.backupDir, "qms-"+time.Now().In(qms.Zone).Format("20060102-150405")+backupExt(db))
	if err := db.Backup(ctx, name); err != nil {
		return nil, err
	}
	old, _ := filepath.Glob(filepath.Join(jf.backupDir, "qms-*"+backupExt(db)))
	sort.Strings(old)
	removed := 0
	for len(old) > jf.keep {
		if err := os.Remove(old[0]); err != nil {
			return nil, err
		}
		old, removed = old[1:], removed+1
	}
	return map[string]int{"kept": len(old), "removed": removed}, nil
}

// backupExt is the extension of db's backups: a SQLite file, or
// pg_dump's custom format for PostgreSQL (restored with pg_restore).
func backupExt(db store) string {
	if db.Path() == "" {
		return ".dump"
	}
	return ".db"
}

// cmdJobsList prints each job with its spec and next run.
func cmdJobsList(ctx context.Context, e *env, args []string) error {
	fs, dbPath := newFlags(e, "jobs list")
	jf := addJobFlags(fs)
	asJSON := fs.Bool("json", false, "in kết quả dạng JSON")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	db, err := openExisting(ctx, e, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	s, err := jf.scheduler(db, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	list := s.List()
	if *asJSON {
		return json.NewEncoder(e.stdout).Encode(list)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TÁC VỤ\tLỊCH\tLẦN CHẠY TỚI\tMÔ TẢ")
	for _, j := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", j.Name, j.Spec, j.Next.In(qms.Zone).Format(time.RFC3339), j.Title)
	}
	return tw.Flush()
}

// cmdCheckRun runs the compliance checks and prints the open findings;
// it exits 0 whether or not findings exist.
func cmdCheckRun(ctx context.Context, e *env, args []string) error {
	fs, dbPath := newFlags(e, "check run")
	agency := fs.String("agency", "", "chỉ một đơn vị")
	rule := fs.String("rule", "", "chỉ một quy tắc, ví dụ TTHC_NOT_CONTROLLED")
	asJSON := fs.Bool("json", false, "in kết quả dạng JSON")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	db, err := openStore(ctx, e, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	scope := qms.CheckScope{AgencyCode: strings.ToUpper(strings.TrimSpace(*agency)), Rule: strings.TrimSpace(*rule)}
	if _, err := db.RunChecks(cliContext(ctx, "check-run"), scope); err != nil {
		return err
	}
	open := true
	f := qms.FindingFilter{Open: &open}
	if scope.AgencyCode != "" {
		f.AgencyCode = &scope.AgencyCode
	}
	if scope.Rule != "" {
		f.Rule = &scope.Rule
	}
	fs2, err := db.FindFindings(ctx, f)
	if err != nil {
		return err
	}
	type row struct {
		Rule       string    `json:"rule"`
		Severity   string    `json:"severity"`
		Agency     string    `json:"agency"`
		ObjectType string    `json:"object_type"`
		ObjectID   string    `json:"object_id"`
		Message    string    `json:"message"`
		OpenedAt   time.Time `json:"opened_at"`
	}
	out := make([]row, 0, len(fs2))
	for _, x := range fs2 {
		out = append(out, row{x.Rule, x.Severity, x.AgencyCode, x.ObjectType, x.ObjectID, x.Message, x.OpenedAt})
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	for _, r := range out {
		fmt.Fprintf(e.stdout, "%-28s %-8s %-8s %s\n", r.Rule, r.Severity, r.Agency, r.Message)
	}
	fmt.Fprintf(e.stdout, "%d phát hiện đang mở\n", len(out))
	return nil
}

// deliverEmails sends the notifications not yet e-mailed; without an SMTP
// server it does nothing.
func deliverEmails(ctx context.Context, db store, m *mail.Sender) (int, error) {
	if m == nil {
		return 0, nil
	}
	pending, err := db.PendingEmails(ctx, 500)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, p := range pending {
		if err := m.Send(p.To, "[ISO điện tử] "+p.Title, p.Title+"\n\n"+m.Link(p.Link)+"\n"); err != nil {
			return sent, fmt.Errorf("send to %s: %w", p.To, err)
		}
		if err := db.MarkEmailed(ctx, p.ID); err != nil {
			return sent, err
		}
		sent++
	}
	return sent, nil
}
