package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"isodt/qms"
)

// cmdAgencySplit moves the chosen TTHC and procedures of an agency, with
// their open dossiers, to another agency (issue #16 item 1). --dry-run
// runs the same transaction and rolls it back.
func cmdAgencySplit(ctx context.Context, e *env, args []string) error {
	fs, dbPath := newFlags(e, "agency split")
	from := fs.String("from", "", "mã đơn vị được chia tách (bắt buộc; vẫn hoạt động với phần còn lại)")
	into := fs.String("into", "", "mã đơn vị nhận (bắt buộc; được tạo nếu chưa có)")
	name := fs.String("name", "", "tên đơn vị nhận, bắt buộc khi đơn vị đó chưa có")
	parent := fs.String("parent", "", "cấp trên của đơn vị nhận khi tạo mới")
	tthc := fs.String("tthc", "", "mã các thủ tục hành chính chuyển đi, cách nhau bởi dấu phẩy")
	procs := fs.String("procedures", "", "mã các quy trình chuyển đi, cách nhau bởi dấu phẩy")
	dryRun := fs.Bool("dry-run", false, "chỉ in những gì sẽ chuyển, không ghi gì")
	asJSON := fs.Bool("json", false, "in báo cáo dạng JSON")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if *from == "" || *into == "" || (*tthc == "" && *procs == "") {
		return usagef("agency split: cần --from, --into và --tthc hoặc --procedures")
	}
	db, err := openStore(ctx, e, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	plan := qms.SplitPlan{From: *from, Into: *into, Name: *name, ParentCode: *parent, TTHC: qms.SplitCodes(*tthc), Procedures: qms.SplitCodes(*procs)}
	rep, err := db.SplitAgency(cliContext(ctx, "agency-split"), plan, *dryRun)
	if err != nil {
		return namingFlag(fs, err)
	}
	if *asJSON {
		return json.NewEncoder(e.stdout).Encode(rep)
	}
	verb := "split"
	if rep.DryRun {
		verb = "dry run (nothing written): split"
	}
	created := ""
	if rep.Created {
		created = " (created)"
	}
	fmt.Fprintf(e.stdout, "%s %s into %s%s: tthc %s; procedures %s\n", verb, rep.Plan.From, rep.Plan.Into, created,
		strings.Join(rep.Plan.TTHC, ","), strings.Join(rep.Plan.Procedures, ","))
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TABLE\tMOVED\tSTAYED\tRECONCILED")
	for _, c := range rep.Tables {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\n", c.Table, c.Moved, c.Stayed, c.Reconciled)
	}
	tw.Flush()
	fmt.Fprintf(e.stdout, "dossiers moved: %s\n", strings.Join(rep.Dossiers, ", "))
	for _, r := range rep.Renamed {
		fmt.Fprintf(e.stdout, "%s %s of %s renamed %s\n", r.Kind, r.OldCode, r.From, r.NewCode)
	}
	for _, r := range rep.Copied {
		fmt.Fprintf(e.stdout, "form %s of %s copied as %s\n", r.OldCode, r.From, r.NewCode)
	}
	return nil
}
