package storetest_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/qmstest"
)

// declare records a declaration of agency covering what is in force now.
func declare(t *testing.T, f *fixture, agency, number string) *qms.Declaration {
	t.Helper()
	tthc, procs, err := f.DeclarationScope(f.ctx, agency)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := f.PutFile(f.ctx, "qd-cong-bo.pdf", "application/pdf", []byte("%PDF-1.4 quyết định "+number))
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
	if err := f.CreateDeclaration(f.ctx, d); err != nil {
		t.Fatal(err)
	}
	return d
}

// openFindingMessages returns the messages of agency's open findings of rule.
func openFindingMessages(t *testing.T, f *fixture, agency, rule string) []string {
	t.Helper()
	var out []string
	for _, l := range findingLines(t, f, agency, rule) {
		_, msg, _ := strings.Cut(l, ": ")
		out = append(out, msg)
	}
	return out
}

// Declarations of conformity (qms/sqlstore): the scope offered is the
// agency's active TTHC and procedures in force; a declaration keeps its
// scope and the signed decision's file, a new one supersedes the current
// one (both audited); refused inputs (a scope code that is not the
// agency's own among them) write nothing; a merged agency
// cannot declare; the database refuses to delete or edit a declaration.
func TestDeclarations(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sc := newDistributionScene(t, f) // SVHTT: 3 TTHC, QT-01 in force
		sys := sc.sys
		if err := f.CreateAgency(sys, &qms.Agency{Code: "EMPTY", Name: "Chưa có quy trình"}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			agency      string
			tthc, procs []string
		}{
			{"SVHTT", []string{"1.000001", "1.000004", "1.000009"}, []string{"QT-01"}},
			{"EMPTY", nil, nil},
		} {
			tthc, procs, err := f.DeclarationScope(sys, c.agency)
			if err != nil {
				t.Fatal(err)
			}
			var gotT, gotP []string
			for _, it := range tthc {
				gotT = append(gotT, it.Code)
			}
			for _, it := range procs {
				gotP = append(gotP, it.Code+" "+it.Name)
			}
			if !slices.Equal(gotT, c.tthc) || len(gotP) != len(c.procs) || (len(gotP) > 0 && gotP[0] != "QT-01 Cấp giấy phép karaoke") {
				t.Errorf("%s scope: %v %v, want %v %v", c.agency, gotT, gotP, c.tthc, c.procs)
			}
		}
		day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		declare := func(t *testing.T, number string) *qms.Declaration {
			t.Helper()
			ref, err := f.PutFile(sys, "qd-cong-bo.pdf", "application/pdf", []byte("%PDF-1.4 quyết định "+number))
			if err != nil {
				t.Fatal(err)
			}
			d := &qms.Declaration{AgencyCode: "SVHTT", Number: number, DecidedOn: day, SignedBy: "Giám đốc", TTHCCodes: []string{"1.000001", "1.000004"},
				Processes: []string{"QT-01"}, File: qms.FileRef{SHA256: ref.SHA256, Name: ref.Name}}
			if err := f.CreateDeclaration(sc.as(sc.officer), d); err != nil {
				t.Fatal(err)
			}
			return d
		}
		first := declare(t, "01/QĐ-SVHTT")
		if first.File.ContentType != "application/pdf" || first.File.Size == 0 || first.CreatedBy != "thu.ky" || !first.Current() {
			t.Fatalf("declared: %+v", first)
		}
		f.clk.Add(time.Hour)
		second := declare(t, "02/QĐ-SVHTT")
		ref := second.File
		for _, tc := range []struct {
			name  string
			d     qms.Declaration
			code  string
			field string
			names string // the code the message names
		}{
			{"no number", qms.Declaration{AgencyCode: "SVHTT", DecidedOn: day, TTHCCodes: []string{"1.000001"}, File: ref}, qms.EINVALID, "number", ""},
			{"future date", qms.Declaration{AgencyCode: "SVHTT", Number: "9", DecidedOn: day.AddDate(1, 0, 0), TTHCCodes: []string{"1.000001"}, File: ref}, qms.EINVALID, "decided_on", ""},
			{"empty scope", qms.Declaration{AgencyCode: "SVHTT", Number: "9", DecidedOn: day, File: ref}, qms.EINVALID, "scope", ""},
			{"no file", qms.Declaration{AgencyCode: "SVHTT", Number: "9", DecidedOn: day, TTHCCodes: []string{"1.000001"}}, qms.EINVALID, "file", ""},
			{"unknown file", qms.Declaration{AgencyCode: "SVHTT", Number: "9", DecidedOn: day, TTHCCodes: []string{"1.000001"}, File: qms.FileRef{SHA256: "00"}}, qms.EINVALID, "file", ""},
			{"number taken", qms.Declaration{AgencyCode: "SVHTT", Number: "01/QĐ-SVHTT", DecidedOn: day, TTHCCodes: []string{"1.000001"}, File: ref}, qms.ECONFLICT, "number", ""},
			{"unknown agency", qms.Declaration{AgencyCode: "NOPE", Number: "9", DecidedOn: day, TTHCCodes: []string{"1.000001"}, File: ref}, qms.ENOTFOUND, "", ""},
			// The scope is the agency's own (outsider pass 8): another
			// agency's TTHC or procedure, or a code of none, is named.
			{"another agency's TTHC", qms.Declaration{AgencyCode: "EMPTY", Number: "9", DecidedOn: day, TTHCCodes: []string{"1.000001"}, File: ref}, qms.EINVALID, "tthc", "1.000001"},
			{"another agency's procedure", qms.Declaration{AgencyCode: "EMPTY", Number: "9", DecidedOn: day, Processes: []string{"QT-01"}, File: ref}, qms.EINVALID, "process", "QT-01"},
			{"a TTHC of no catalogue", qms.Declaration{AgencyCode: "SVHTT", Number: "9", DecidedOn: day, TTHCCodes: []string{"1.000001", "9.999999"}, Processes: []string{"QT-01"}, File: ref}, qms.EINVALID, "tthc", "9.999999"},
			{"a procedure of nobody", qms.Declaration{AgencyCode: "SVHTT", Number: "9", DecidedOn: day, TTHCCodes: []string{"1.000001"}, Processes: []string{"QT-01", "QT-99"}, File: ref}, qms.EINVALID, "process", "QT-99"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				err := f.CreateDeclaration(sys, &tc.d)
				e, ok := err.(*qms.Error)
				if !ok || e.Code != tc.code || e.Field != tc.field {
					t.Fatalf("err %v; want %s on %q", err, tc.code, tc.field)
				}
				if tc.names != "" && (!strings.Contains(e.Message, tc.names) || !strings.Contains(e.Message, tc.d.AgencyCode)) {
					t.Errorf("%q does not name %s and the agency", e.Message, tc.names)
				}
			})
		}
		if ds, err := f.FindDeclarations(sys, "EMPTY"); err != nil || len(ds) != 0 {
			t.Fatalf("another agency's scope declared: %d, %v", len(ds), err)
		}
		ds, err := f.FindDeclarations(sys, "SVHTT")
		if err != nil || len(ds) != 2 {
			t.Fatalf("%d declarations, %v", len(ds), err)
		}
		if d := ds[0]; d.ID != second.ID || !d.Current() || !d.DecidedOn.Equal(day) || !slices.Equal(d.TTHCCodes, second.TTHCCodes) || !slices.Equal(d.Processes, []string{"QT-01"}) || d.File != second.File {
			t.Errorf("current: %+v, want %+v", d, second)
		}
		if d := ds[1]; d.ID != first.ID || d.Current() || d.SupersededBy == nil || *d.SupersededBy != second.ID || d.SupersededAt == nil || !d.SupersededAt.Equal(second.CreatedAt) {
			t.Errorf("superseded: %+v", d)
		}
		if d, err := f.FindDeclaration(sys, "SVHTT", first.ID); err != nil || d.Number != first.Number {
			t.Errorf("find %d: %+v, %v", first.ID, d, err)
		}
		if _, err := f.FindDeclaration(sys, "EMPTY", first.ID); qms.ErrorCode(err) != qms.ENOTFOUND {
			t.Errorf("another agency's declaration: %v", err)
		}
		for action, want := range map[string]int{"declaration.create": 2, "declaration.supersede": 1} {
			a := action
			if _, n, err := f.FindAuditEntries(sys, qms.AuditFilter{Action: &a}); err != nil || n != want {
				t.Errorf("%s: %d entries, want %d (%v)", action, n, want, err)
			}
		}
		// A merged agency is read-only (the row says so, as a merge
		// leaves it; written here behind the store's back, and put back
		// before the trail is verified).
		if err := f.exec(`CREATE TABLE kept_agency AS SELECT code, merged_into, merged_at FROM agencies WHERE code = 'EMPTY'`); err != nil {
			t.Fatal(err)
		}
		if err := f.exec(`UPDATE agencies SET merged_into = 'SVHTT', merged_at = '2026-03-02T03:00:00Z' WHERE code = 'EMPTY'`); err != nil {
			t.Fatal(err)
		}
		err = f.CreateDeclaration(sys, &qms.Declaration{AgencyCode: "EMPTY", Number: "01/QĐ-EMPTY", DecidedOn: day, TTHCCodes: []string{"1.000001"}, File: ref})
		if qms.ErrorCode(err) != qms.EFORBIDDEN {
			t.Errorf("merged agency declared: %v", err)
		}
		if ds, _ := f.FindDeclarations(sys, "SVHTT"); len(ds) != 2 {
			t.Errorf("refused declarations changed the record: %d", len(ds))
		}
		for _, q := range []string{`DELETE FROM declarations`, `UPDATE declarations SET number = 'x'`, `UPDATE declarations SET tthc_codes = '[]'`} {
			if err := f.exec(q); err == nil || !strings.Contains(err.Error(), "never") {
				t.Errorf("%s: %v", q, err)
			}
		}
		if err := f.exec(`UPDATE agencies SET merged_into = (SELECT merged_into FROM kept_agency), merged_at = (SELECT merged_at FROM kept_agency) WHERE code = 'EMPTY'`); err != nil {
			t.Fatal(err)
		}
		if _, err := f.VerifyAuditChain(sys); err != nil {
			t.Fatal(err)
		}
	})
}

// TestDeclaration3MissingFiresAndClears: an agency with a procedure in
// force and no declaration is flagged, citing the legal basis; recording
// a declaration clears it. An agency without procedures in force is not
// flagged.
func TestDeclaration3MissingFiresAndClears(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys := f.ctx
		mergeAgency(t, f, "PA", false)
		if err := f.CreateAgency(sys, &qms.Agency{Code: "EMPTY", Name: "Đơn vị chưa có quy trình"}); err != nil {
			t.Fatal(err)
		}
		got := openFindingMessages(t, f, "PA", qms.RuleDeclarationMissing)
		if len(got) != 1 || !strings.Contains(got[0], "19/2014/QĐ-TTg") || !strings.Contains(got[0], "1 quy trình") {
			t.Fatalf("findings %q", got)
		}
		if got := openFindingMessages(t, f, "EMPTY", qms.RuleDeclarationMissing); len(got) != 0 {
			t.Fatalf("agency without procedures flagged: %q", got)
		}
		declare(t, f, "PA", "01/QĐ-PA")
		if got := openFindingMessages(t, f, "PA", qms.RuleDeclarationMissing); len(got) != 0 {
			t.Fatalf("still flagged after the declaration: %q", got)
		}
		if got := openFindingMessages(t, f, "PA", qms.RuleDeclarationScopeChanged); len(got) != 0 {
			t.Fatalf("a declaration of the whole scope flagged as changed: %q", got)
		}
	})
}

// TestDeclaration3ScopeChangedFiresAndClears: each way the scope moves
// after the declaration (a new TTHC in the catalogue, a procedure
// withdrawn, a merger into the agency) flags it, naming the change; a
// new declaration of the current scope clears it and supersedes the old
// one.
func TestDeclaration3ScopeChangedFiresAndClears(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys, clk := f.ctx, f.clk
		mergeAgency(t, f, "PA", false)
		mergeAgency(t, f, "PB", false)
		declare(t, f, "PA", "01/QĐ-PA")
		for i, tc := range []struct {
			name   string
			change func(t *testing.T)
			want   []string
		}{
			{"new TTHC", func(t *testing.T) {
				if _, _, err := f.ImportTTHC(sys, "PA", qmstest.SampleTTHC()[2:]); err != nil {
					t.Fatal(err)
				}
			}, []string{"thủ tục hành chính mới chưa thuộc phạm vi 1.000009"}},
			{"procedure withdrawn", func(t *testing.T) {
				pa := "PA"
				ps, err := f.FindProcedures(sys, qms.ProcedureFilter{AgencyCode: &pa})
				if err != nil || len(ps) == 0 {
					t.Fatal(ps, err)
				}
				if _, err := f.TransitionVersion(sys, ps[0].ID, 1, qms.ActionWithdraw, "Thủ tục chuyển về cấp xã"); err != nil {
					t.Fatal(err)
				}
			}, []string{"quy trình nội bộ đã thu hồi hoặc hết hiệu lực QT-01"}},
			{"merger", func(t *testing.T) {
				clk.Add(time.Hour)
				if _, err := f.MergeAgencies(sys, qms.MergePlan{Into: "PA", From: []string{"PB"}}, false); err != nil {
					t.Fatal(err)
				}
			}, []string{"sáp nhập Đơn vị PB ngày", "quy trình nội bộ có hiệu lực chưa thuộc phạm vi QT-01"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				tc.change(t)
				got := openFindingMessages(t, f, "PA", qms.RuleDeclarationScopeChanged)
				if len(got) != 1 {
					t.Fatalf("findings %q", got)
				}
				for _, w := range append(tc.want, "Cần công bố lại", "19/2014/QĐ-TTg") {
					if !strings.Contains(got[0], w) {
						t.Errorf("finding %q lacks %q", got[0], w)
					}
				}
				clk.Add(time.Minute)
				d := declare(t, f, "PA", "0"+itoa(int64(i+2))+"/QĐ-PA")
				if got := openFindingMessages(t, f, "PA", qms.RuleDeclarationScopeChanged); len(got) != 0 {
					t.Fatalf("still flagged after declaration %s: %q", d.Number, got)
				}
			})
		}
		ds, err := f.FindDeclarations(sys, "PA")
		if err != nil || len(ds) != 4 {
			t.Fatalf("%d declarations, %v", len(ds), err)
		}
		for i, d := range ds {
			if (i == 0) != d.Current() || (i > 0 && (d.SupersededBy == nil || *d.SupersededBy != ds[i-1].ID)) {
				t.Fatalf("declaration %s: current %v, superseded by %v", d.Number, d.Current(), d.SupersededBy)
			}
		}
		if n := auditCount(t, f, "declaration.supersede"); n != 3 {
			t.Fatalf("%d supersede audit entries, want 3", n)
		}
	})
}
