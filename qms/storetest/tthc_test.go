package storetest_test

import (
	"testing"

	"isodt/qms"
	"isodt/qms/qmstest"
)

func TestImportTTHCAllOrNothingAndIdempotent(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ctx := f.ctx
		if err := f.CreateAgency(ctx, &qms.Agency{Code: "SVHTT", Name: "Sở VHTT"}); err != nil {
			t.Fatal(err)
		}
		items := qmstest.SampleTTHC()
		if c, u, err := f.ImportTTHC(ctx, "SVHTT", items); err != nil || c != 3 || u != 0 {
			t.Fatalf("first import: %d created %d updated %v", c, u, err)
		}
		if c, u, err := f.ImportTTHC(ctx, "SVHTT", qmstest.SampleTTHC()); err != nil || c != 0 || u != 0 {
			t.Fatalf("same file again: %d created %d updated %v", c, u, err)
		}
		changed := qmstest.SampleTTHC()
		changed[0].TimeLimitDays = 3
		if c, u, err := f.ImportTTHC(ctx, "SVHTT", changed); err != nil || c != 0 || u != 1 {
			t.Fatalf("one changed row: %d created %d updated %v", c, u, err)
		}
		bad := append(qmstest.SampleTTHC(), qms.TTHC{Code: "1.000010", Name: "Mới", Field: "Văn hóa"}, qms.TTHC{Code: "", Name: "x", Field: "y"})
		if _, _, err := f.ImportTTHC(ctx, "SVHTT", bad); qms.ErrorCode(err) != qms.EINVALID {
			t.Fatalf("bad row accepted: %v", err)
		}
		if _, err := f.FindTTHC(ctx, "SVHTT", "1.000010"); qms.ErrorCode(err) != qms.ENOTFOUND {
			t.Fatal("a failed import wrote a row")
		}
		got, _ := f.FindTTHC(ctx, "SVHTT", "1.000001")
		if got.TimeLimitDays != 3 || got.Fee != "4.000.000" || got.PublishedOn.Format("02/01/2006") != "15/03/2024" {
			t.Fatalf("stored %+v", got)
		}
		if all, err := f.FindTTHCs(ctx, "SVHTT"); err != nil || len(all) != 3 || all[0].Code != "1.000001" || !all[2].PublishedOn.IsZero() {
			t.Fatalf("catalogue = %+v, %v", all, err)
		}
	})
}

// TestSearchTTHCIgnoresDiacritics: the catalogue is found whatever the
// diacritics and case, by word prefixes, within the agency only; typed
// syntax finds nothing; a renamed TTHC is found by its new name only.
// (Procedures among the hits: TestProcedures.)
func TestSearchTTHCIgnoresDiacritics(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ctx := f.ctx
		createAgencies(t, f, qms.Agency{Code: "SVHTT", Name: "Sở SVHTT"}, qms.Agency{Code: "OTHER", Name: "Sở OTHER"})
		if _, _, err := f.ImportTTHC(ctx, "SVHTT", qmstest.SampleTTHC()); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			query, agency string
			want          []string
		}{
			{"cap giay phep", "SVHTT", []string{"1.000001"}},
			{"Cấp Giấy Phép", "SVHTT", []string{"1.000001"}},
			// Decomposed, as Unikey's "Unicode tổ hợp" and macOS type it.
			{"Cấp Giấy Phép", "SVHTT", []string{"1.000001"}},
			{"dang ky le hoi", "SVHTT", []string{"1.000009"}},
			{"đăng kí", "SVHTT", nil},
			{"du lich", "SVHTT", []string{"1.000004"}},
			{"gia", "SVHTT", []string{"1.000001"}},
			{"van hoa", "SVHTT", []string{"1.000001", "1.000009"}},
			{"000004", "SVHTT", []string{"1.000004"}},
			{"cap giay phep", "OTHER", nil},
			{`"; DROP TABLE tthc; --`, "SVHTT", nil},
			{`cap & !giay | (phep:*`, "SVHTT", []string{"1.000001"}},
			{"   ", "SVHTT", nil},
		}
		for _, tt := range tests {
			hits, err := f.Search(ctx, tt.agency, tt.query, 10)
			var got []string
			for _, h := range hits {
				if h.Kind != "tthc" {
					t.Errorf("Search(%q): hit %+v", tt.query, h)
				}
				got = append(got, h.Ref)
			}
			if err != nil || !sameSet(got, tt.want) {
				t.Errorf("Search(%q, %s) = %v %v, want %v", tt.query, tt.agency, got, err, tt.want)
			}
		}
		renamed := qmstest.SampleTTHC()
		renamed[0].Name = "Thủ tục đổi tên hoàn toàn"
		f.ImportTTHC(ctx, "OTHER", renamed)
		if _, u, err := f.ImportTTHC(ctx, "SVHTT", renamed); err != nil || u != 1 {
			t.Fatalf("rename: %d updated %v", u, err)
		}
		for query, want := range map[string]int{"doi ten hoan toan": 1, "cap giay phep": 0} {
			if hits, err := f.Search(ctx, "SVHTT", query, 10); err != nil || len(hits) != want {
				t.Errorf("after the rename, Search(%q) = %v %v, want %d hits", query, hits, err, want)
			}
		}
	})
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]int{}
	for _, s := range a {
		seen[s]++
	}
	for _, s := range b {
		if seen[s]--; seen[s] < 0 {
			return false
		}
	}
	return true
}
