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

// cmdImportTTHC imports a TTHC catalogue (CSV or XLSX) for an agency:
// every row or none, with the bad rows listed as "row N: column: message".
// name is the command as typed: "import tthc" or its alias "import
// procedures".
func cmdImportTTHC(ctx context.Context, e *env, name string, args []string) error {
	in, err := openImport(ctx, e, name, args)
	if err != nil {
		return err
	}
	defer in.Close()
	items, err := importer.ParseTTHC(in.file, in.name, importer.Options{AgencyCode: in.agency, Progress: progressBar(e.stderr, "Kiểm tra")})
	if err := importProblems(e, err); err != nil {
		return err
	}
	created, updated, err := in.db.ImportTTHC(cliContext(ctx, "import-procedures"), in.agency, items)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "ok %d rows: %d created, %d updated, %d unchanged\n", len(items), created, updated, len(items)-created-updated)
	return nil
}

// importInput is what every import command opens: the file, the store
// and the agency the rows go to.
type importInput struct {
	file   *os.File
	name   string
	db     store
	agency string
}

func (in *importInput) Close() {
	in.file.Close()
	in.db.Close()
}

// openImport reads "--agency C FILE" and opens both ends of an import.
func openImport(ctx context.Context, e *env, name string, args []string) (*importInput, error) {
	fs, dbPath := newFlags(e, name)
	agency := fs.String("agency", "", "mã đơn vị (bắt buộc)")
	if err := parse(fs, args, 1); err != nil {
		return nil, err
	}
	if *agency == "" {
		return nil, usagef("%s: cần --agency", name)
	}
	path := fs.Arg(0)
	f, err := os.Open(path)
	if err != nil {
		return nil, qms.Errorf(qms.ENOTFOUND, "Không mở được tệp %q.", path)
	}
	db, err := openStore(ctx, e, *dbPath)
	if err != nil {
		f.Close()
		return nil, err
	}
	a, err := db.FindAgencyByCode(ctx, *agency)
	if err != nil {
		f.Close()
		db.Close()
		return nil, err
	}
	return &importInput{file: f, name: filepath.Base(path), db: db, agency: a.Code}, nil
}

// importProblems prints the bad rows as "row N: column: message": the
// first ones the importer keeps, then how many more there are.
func importProblems(e *env, err error) error {
	var perr *importer.Errors
	if errors.As(err, &perr) {
		for _, p := range perr.Problems {
			fmt.Fprintln(e.stderr, p.String())
		}
		if n := perr.Omitted(); n > 0 {
			fmt.Fprintf(e.stderr, "… và %d lỗi khác\n", n)
		}
	}
	return err
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
	db, err := openExisting(ctx, e, *dbPath)
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
