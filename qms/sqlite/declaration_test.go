package sqlite_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/sqlite"
)

// declare records a declaration of agency covering what is in force now.
func declare(t *testing.T, db *sqlite.DB, ctx context.Context, agency, number string) *qms.Declaration {
	t.Helper()
	tthc, procs, err := db.DeclarationScope(ctx, agency)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := db.PutFile(ctx, "qd-cong-bo.pdf", "application/pdf", []byte("%PDF-1.4 quyết định "+number))
	if err != nil {
		t.Fatal(err)
	}
	d := &qms.Declaration{AgencyCode: agency, Number: number, DecidedOn: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), SignedBy: "Giám đốc", File: ref}
	for _, it := range tthc {
		d.TTHCCodes = append(d.TTHCCodes, it.Code)
	}
	for _, it := range procs {
		d.Processes = append(d.Processes, it.Code)
	}
	if err := db.CreateDeclaration(ctx, d); err != nil {
		t.Fatal(err)
	}
	return d
}

// openFindingMessages returns the messages of agency's open findings of rule.
func openFindingMessages(t *testing.T, db *sqlite.DB, ctx context.Context, agency, rule string) []string {
	t.Helper()
	if _, err := db.RunChecks(ctx, qms.CheckScope{AgencyCode: agency, Rule: rule}); err != nil {
		t.Fatal(err)
	}
	open := true
	fs, err := db.FindFindings(ctx, qms.FindingFilter{AgencyCode: &agency, Rule: &rule, Open: &open})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range fs {
		out = append(out, f.Message)
	}
	return out
}

// TestDeclaration3MissingFiresAndClears: an agency with a procedure in
// force and no declaration is flagged, citing the legal basis; recording
// a declaration clears it. An agency without procedures in force is not
// flagged.
func TestDeclaration3MissingFiresAndClears(t *testing.T) {
	db, _, sys := openDB(t)
	mergeAgency(t, db, sys, "PA", false)
	if err := db.CreateAgency(sys, &qms.Agency{Code: "EMPTY", Name: "Đơn vị chưa có quy trình"}); err != nil {
		t.Fatal(err)
	}
	got := openFindingMessages(t, db, sys, "PA", qms.RuleDeclarationMissing)
	if len(got) != 1 || !strings.Contains(got[0], "19/2014/QĐ-TTg") || !strings.Contains(got[0], "1 quy trình") {
		t.Fatalf("findings %q", got)
	}
	if got := openFindingMessages(t, db, sys, "EMPTY", qms.RuleDeclarationMissing); len(got) != 0 {
		t.Fatalf("agency without procedures flagged: %q", got)
	}
	declare(t, db, sys, "PA", "01/QĐ-PA")
	if got := openFindingMessages(t, db, sys, "PA", qms.RuleDeclarationMissing); len(got) != 0 {
		t.Fatalf("still flagged after the declaration: %q", got)
	}
	if got := openFindingMessages(t, db, sys, "PA", qms.RuleDeclarationScopeChanged); len(got) != 0 {
		t.Fatalf("a declaration of the whole scope flagged as changed: %q", got)
	}
}

// TestDeclaration3ScopeChangedFiresAndClears: each way the scope moves
// after the declaration (a new TTHC in the catalogue, a procedure
// withdrawn, a merger into the agency) flags it, naming the change; a
// new declaration of the current scope clears it and supersedes the old
// one.
func TestDeclaration3ScopeChangedFiresAndClears(t *testing.T) {
	db, clk, sys := openDB(t)
	mergeAgency(t, db, sys, "PA", false)
	mergeAgency(t, db, sys, "PB", false)
	declare(t, db, sys, "PA", "01/QĐ-PA")
	for i, tc := range []struct {
		name   string
		change func(t *testing.T)
		want   []string
	}{
		{"new TTHC", func(t *testing.T) {
			if _, _, err := db.ImportTTHC(sys, "PA", sampleTTHC()[2:]); err != nil {
				t.Fatal(err)
			}
		}, []string{"thủ tục hành chính mới chưa thuộc phạm vi 1.000009"}},
		{"procedure withdrawn", func(t *testing.T) {
			pa := "PA"
			ps, err := db.FindProcedures(sys, qms.ProcedureFilter{AgencyCode: &pa})
			if err != nil || len(ps) == 0 {
				t.Fatal(ps, err)
			}
			if _, err := db.TransitionVersion(sys, ps[0].ID, 1, qms.ActionWithdraw, "Thủ tục chuyển về cấp xã"); err != nil {
				t.Fatal(err)
			}
		}, []string{"quy trình nội bộ đã thu hồi hoặc hết hiệu lực QT-01"}},
		{"merger", func(t *testing.T) {
			clk.Add(time.Hour)
			if _, err := db.MergeAgencies(sys, qms.MergePlan{Into: "PA", From: []string{"PB"}}, false); err != nil {
				t.Fatal(err)
			}
		}, []string{"sáp nhập Đơn vị PB ngày", "quy trình nội bộ có hiệu lực chưa thuộc phạm vi QT-01"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.change(t)
			got := openFindingMessages(t, db, sys, "PA", qms.RuleDeclarationScopeChanged)
			if len(got) != 1 {
				t.Fatalf("findings %q", got)
			}
			for _, w := range append(tc.want, "Cần công bố lại", "19/2014/QĐ-TTg") {
				if !strings.Contains(got[0], w) {
					t.Errorf("finding %q lacks %q", got[0], w)
				}
			}
			clk.Add(time.Minute)
			d := declare(t, db, sys, "PA", "0"+itoa(int64(i+2))+"/QĐ-PA")
			if got := openFindingMessages(t, db, sys, "PA", qms.RuleDeclarationScopeChanged); len(got) != 0 {
				t.Fatalf("still flagged after declaration %s: %q", d.Number, got)
			}
		})
	}
	ds, err := db.FindDeclarations(sys, "PA")
	if err != nil || len(ds) != 4 {
		t.Fatalf("%d declarations, %v", len(ds), err)
	}
	for i, d := range ds {
		if (i == 0) != d.Current() || (i > 0 && (d.SupersededBy == nil || *d.SupersededBy != ds[i-1].ID)) {
			t.Fatalf("declaration %s: current %v, superseded by %v", d.Number, d.Current(), d.SupersededBy)
		}
	}
	var n int
	raw := rawDB(t, db)
	raw.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'declaration.supersede'`).Scan(&n)
	if n != 3 {
		t.Fatalf("%d supersede audit entries, want 3", n)
	}
}
