package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"isodt/qms"
)

// cmdAgencyMerge merges agencies (issue #16 item 1). --dry-run runs the
// same transaction and rolls it back, so the table it prints is what a
// real run would do.
func cmdAgencyMerge(ctx context.Context, e *env, args []string) error {
	fs, dbPath := newFlags(e, "agency merge")
	into := fs.String("into", "", "mã đơn vị nhận sáp nhập (bắt buộc; được tạo nếu chưa có)")
	name := fs.String("name", "", "tên đơn vị nhận, bắt buộc khi đơn vị đó chưa có")
	parent := fs.String("parent", "", "cấp trên của đơn vị nhận khi tạo mới (mặc định: cấp trên của đơn vị đầu tiên trong --from)")
	from := fs.String("from", "", "các đơn vị bị sáp nhập, cách nhau bởi dấu phẩy: A,B[,C] (bắt buộc)")
	dryRun := fs.Bool("dry-run", false, "chỉ in những gì sẽ chuyển, không ghi gì")
	asJSON := fs.Bool("json", false, "in báo cáo dạng JSON")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if *into == "" || *from == "" {
		return usagef("agency merge: cần --into và --from")
	}
	db, err := openStore(ctx, e, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	plan := qms.MergePlan{Into: *into, Name: *name, ParentCode: *parent, From: strings.Split(*from, ",")}
	rep, err := db.MergeAgencies(cliContext(ctx, "agency-merge"), plan, *dryRun)
	if err != nil {
		return namingFlag(fs, err)
	}
	if *asJSON {
		return json.NewEncoder(e.stdout).Encode(rep)
	}
	printMergeReport(e, rep)
	return nil
}

func printMergeReport(e *env, rep *qms.MergeReport) {
	verb := "merged"
	if rep.DryRun {
		verb = "dry run (nothing written):"
	}
	created := ""
	if rep.Created {
		created = " (created)"
	}
	fmt.Fprintf(e.stdout, "%s %s into %s%s\n", verb, strings.Join(rep.Plan.From, ","), rep.Plan.Into, created)
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TABLE\tMOVED\tSTAYED\tRECONCILED")
	for _, c := range rep.Tables {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\n", c.Table, c.Moved, c.Stayed, c.Reconciled)
	}
	tw.Flush()
	fmt.Fprintf(e.stdout, "users moved: %s\n", strings.Join(rep.Users, ", "))
	for _, d := range rep.Duplicates {
		fmt.Fprintf(e.stdout, "tthc %s: one row, from %s\n", d.Code, strings.Join(d.Predecessors, ", "))
	}
	for _, r := range rep.Renamed {
		fmt.Fprintf(e.stdout, "%s %s of %s renamed %s\n", r.Kind, r.OldCode, r.From, r.NewCode)
	}
}

// cmdAgencyMove moves an agency under another parent (--parent "" makes
// it a top-level agency); the store refuses a cycle and a merged agency.
func cmdAgencyMove(ctx context.Context, e *env, args []string) error {
	fs, dbPath := newFlags(e, "agency move")
	code := fs.String("code", "", "mã đơn vị cần chuyển (bắt buộc)")
	parent := fs.String("parent", "", "mã đơn vị cấp trên mới (bắt buộc; \"\" = không có cấp trên)")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	parentSet := false
	fs.Visit(func(f *flag.Flag) { parentSet = parentSet || f.Name == "parent" })
	if *code == "" || !parentSet {
		return usagef("agency move: cần --code và --parent")
	}
	db, err := openStore(ctx, e, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	a, err := db.UpdateAgency(cliContext(ctx, "agency-move"), *code, qms.AgencyUpdate{ParentCode: parent})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "ok agency %s now under %q\n", a.Code, a.ParentCode)
	return nil
}

// namingFlag adds the flag to the message of an error about a field this
// command takes as a flag: the store's messages name what is wrong in the
// words of every interface, the command line names its flag.
func namingFlag(fs *flag.FlagSet, err error) error {
	var de *qms.Error
	if !errors.As(err, &de) || de.Field == "" || fs.Lookup(de.Field) == nil {
		return err
	}
	named := *de
	named.Message = strings.TrimSuffix(de.Message, ".") + " (--" + de.Field + ")."
	return &named
}
