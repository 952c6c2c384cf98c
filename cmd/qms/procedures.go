package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"isodt/qms"
	"isodt/qms/importer"
)

// cmdImportProcedures imports a TTHC catalogue (CSV or XLSX) for an agency:
// every row or none, with every bad row listed as "row N: column: message".
func cmdImportProcedures(ctx context.Context, e *env, args []string) error {
	fs, dbPath := newFlags(e, "import procedures")
	agency := fs.String("agency", "", "mã đơn vị (bắt buộc)")
	if err := parse(fs, args, 1); err != nil {
		return err
	}
	if *agency == "" {
		return usagef("import procedures: cần --agency")
	}
	path := fs.Arg(0)
	f, err := os.Open(path)
	if err != nil {
		return qms.Errorf(qms.ENOTFOUND, "Không mở được tệp %q.", path)
	}
	defer f.Close()
	db, err := openStore(ctx, e, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	a, err := db.FindAgencyByCode(ctx, *agency)
	if err != nil {
		return err
	}
	bar := progressBar(e.stderr, "Kiểm tra")
	items, err := importer.ParseTTHC(f, filepath.Base(path), importer.Options{AgencyCode: a.Code, Progress: bar})
	var perr *importer.Errors
	if errors.As(err, &perr) {
		for _, p := range perr.Problems {
			fmt.Fprintln(e.stderr, p.String())
		}
		return err
	} else if err != nil {
		return err
	}
	created, updated, err := db.ImportTTHC(cliContext(ctx, "import-procedures"), a.Code, items)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "ok %d rows: %d created, %d updated, %d unchanged\n", len(items), created, updated, len(items)-created-updated)
	return nil
}

// progressBar draws "Kiểm tra [#####.....] 50% (1500/3000)" on one line.
func progressBar(w io.Writer, label string) func(done, total int) {
	return func(done, total int) {
		if total <= 0 {
			return
		}
		const width = 30
		n := done * width / total
		fmt.Fprintf(w, "\r%s [%s%s] %3d%% (%d/%d)", label, strings.Repeat("#", n), strings.Repeat(".", width-n), done*100/total, done, total)
		if done == total {
			fmt.Fprintln(w)
		}
	}
}

// cmdProceduresStatus prints the ISO-control status of every active TTHC.
func cmdProceduresStatus(ctx context.Context, e *env, args []string) error {
	fs, dbPath := newFlags(e, "procedures status")
	agency := fs.String("agency", "", "mã đơn vị (bắt buộc)")
	asJSON := fs.Bool("json", false, "in kết quả dạng JSON")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if *agency == "" {
		return usagef("procedures status: cần --agency")
	}
	db, err := openStore(ctx, e, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	a, err := db.FindAgencyByCode(ctx, *agency)
	if err != nil {
		return err
	}
	cs, err := db.ControlStatuses(ctx, a.Code)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(cs)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "MÃ\tTRẠNG THÁI\tLÝ DO\tTÊN THỦ TỤC")
	for _, c := range cs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.Code, c.Status, c.Reason, c.Name)
	}
	return tw.Flush()
}
