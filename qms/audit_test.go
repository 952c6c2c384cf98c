package qms_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"isodt/qms"
)

func chain(n int) []*qms.AuditEntry {
	prev := qms.GenesisHash
	var out []*qms.AuditEntry
	for i := 1; i <= n; i++ {
		e := &qms.AuditEntry{ID: int64(i), At: time.Date(2026, 1, 1, 0, 0, i, 0, time.UTC), Actor: "admin",
			AgencyCode: "SYS", Action: "agency.create", ObjectType: "agency", ObjectID: "A", PrevHash: prev}
		e.Hash = e.ComputeHash()
		prev = e.Hash
		out = append(out, e)
	}
	return out
}

func TestChainVerifier(t *testing.T) {
	tests := []struct {
		name    string
		tamper  func([]*qms.AuditEntry) ([]*qms.AuditEntry, int64, string)
		brokeAt int64 // 0 = intact
	}{
		{"intact", func(es []*qms.AuditEntry) ([]*qms.AuditEntry, int64, string) { return es, 5, es[4].Hash }, 0},
		{"altered", func(es []*qms.AuditEntry) ([]*qms.AuditEntry, int64, string) {
			es[2].Actor = "mallory"
			return es, 5, es[4].Hash
		}, 3},
		{"middle removed", func(es []*qms.AuditEntry) ([]*qms.AuditEntry, int64, string) {
			return append(es[:1:1], es[2:]...), 5, es[4].Hash
		}, 2},
		{"last removed", func(es []*qms.AuditEntry) ([]*qms.AuditEntry, int64, string) { return es[:4], 5, es[4].Hash }, 5},
		{"rehashed without prev", func(es []*qms.AuditEntry) ([]*qms.AuditEntry, int64, string) {
			es[1].Action = "x"
			es[1].Hash = es[1].ComputeHash()
			return es, 5, es[4].Hash
		}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es, headID, headHash := tt.tamper(chain(5))
			v := qms.NewChainVerifier()
			var err error
			for _, e := range es {
				if err = v.Next(e); err != nil {
					break
				}
			}
			if err == nil {
				_, err = v.Finish(headID, headHash)
			}
			var br *qms.ChainBreak
			if tt.brokeAt == 0 {
				if err != nil {
					t.Fatalf("want intact, got %v", err)
				}
				return
			}
			if !errors.As(err, &br) || br.EntryID != tt.brokeAt {
				t.Fatalf("want break at %d, got %v", tt.brokeAt, err)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name  string
		err   error
		field string
	}{
		{"agency ok", (&qms.Agency{Code: "STTTT", Name: "Sở"}).Validate(), ""},
		{"agency no code", (&qms.Agency{Name: "Sở"}).Validate(), "code"},
		{"agency bad code", (&qms.Agency{Code: "a b", Name: "Sở"}).Validate(), "code"},
		{"agency no name", (&qms.Agency{Code: "X"}).Validate(), "name"},
		{"agency own parent", (&qms.Agency{Code: "X", Name: "x", ParentCode: "X"}).Validate(), "parent"},
		{"user ok", (&qms.User{Username: "nguyen.van.a"}).Validate(), ""},
		{"user upper", (&qms.User{Username: "Bad Name"}).Validate(), "username"},
		{"user email", (&qms.User{Username: "abc", Email: "x"}).Validate(), "email"},
		{"password short", qms.ValidatePassword("short"), "password"},
		{"password ok", qms.ValidatePassword("đủ dài rồi"), ""},
		{"password of spaces", qms.ValidatePassword("        "), "password"},
		{"password ending in a space", qms.ValidatePassword("ngua-o-123 "), "password"},
		{"password on every guessing list", qms.ValidatePassword("12345678"), "password"},
		{"password with a digit appended", qms.ValidatePassword("password1"), "password"},
		{"password with symbols swapped in", qms.ValidatePassword("P@ssw0rd"), "password"},
		{"password of the keyboard", qms.ValidatePassword("qwerty123"), "password"},
		{"password built on the username", qms.ValidatePassword("khuatduytien99", "khuatduytien", "Khuất Duy Tiến"), "password"},
		{"the same password for someone else", qms.ValidatePassword("khuatduytien99", "nguyenvanan", "Nguyễn Văn An"), ""},
		{"common names for anyone", qms.ValidatePassword("tranthilan99", "nguyenvanan"), "password"},
		{"password of unrelated words", qms.ValidatePassword("ngựa-ô-bánh-đa-mây"), ""},
		{"password of the tests", qms.ValidatePassword("ngua-o-123", "lan", "Trần Thị Lan"), ""},
		{"password of the demo", qms.ValidatePassword("demo-ngua-o-2026", "svhtt.staff1", "Nguyễn Văn An"), ""},
		{"full name run together", qms.ValidatePassword("levancuong", "cuong.lv", "Lê Văn Cường"), "password"},
		{"full name run together, capitals and a digit", qms.ValidatePassword("NguyenThiLan1", "lan.nt", "Nguyễn Thị Lan"), "password"},
		{"Vietnamese for password", qms.ValidatePassword("matkhau123"), "password"},
		{"Vietnamese for password, split", qms.ValidatePassword("mat-khau-123"), "password"},
		{"Vietnamese for password, a capital and a symbol", qms.ValidatePassword("Matkhau@123"), "password"},
		{"a city, a capital and a symbol", qms.ValidatePassword("Hanoi@2024"), "password"},
		{"full name reordered", qms.ValidatePassword("cuonglevan", "cuong", "Lê Văn Cường"), "password"},
		{"full name with dots", qms.ValidatePassword("le.van.cuong", "cuong", "Lê Văn Cường"), "password"},
		{"given name and a year", qms.ValidatePassword("Cuong@1990", "cuong", "Lê Văn Cường"), "password"},
		{"full name with accents and a year", qms.ValidatePassword("LêVănCường2024", "cuong", "Lê Văn Cường"), "password"},
		{"I love Vietnam", qms.ValidatePassword("toiyeuvietnam"), "password"},
		{"a passphrase", qms.ValidatePassword("ngua-o-banh-da-may-7", "cuong", "Lê Văn Cường"), ""},
		{"an English passphrase", qms.ValidatePassword("correct horse battery staple"), ""},
		{"a passphrase with accents", qms.ValidatePassword("cà phê sữa đá buổi sáng", "ha.ptt", "Phạm Thị Thu Hà", "STTTT"), ""},
		{"a passphrase with a name in it", qms.ValidatePassword("mua-thu-ha-noi-7", "ha.ptt", "Phạm Thị Thu Hà"), ""},
		{"random characters", qms.ValidatePassword("x7#9Kq!2wL"), ""},
		{"a common English word and a year", qms.ValidatePassword("Welcome@2025"), "password"},
		{"a season and a year", qms.ValidatePassword("Summer2025!"), "password"},
		{"a keyboard row", qms.ValidatePassword("Asdfgh@123"), "password"},
		{"password for new password", qms.ValidatePassword("Matkhaumoi@1"), "password"},
		{"the sample name of the forms", qms.ValidatePassword("Nguyenvana@1"), "password"},
		{"an island and its year", qms.ValidatePassword("Hoangsa@1974"), "password"},
		{"the agency's code", qms.ValidatePassword("stttt@2025", "ha.ptt", "Phạm Thị Thu Hà", "STTTT"), "password"},
		{"one accented letter repeated", qms.ValidatePassword("đđđđđđđđ"), "password"},
		{"one accented letter repeated, and digits", qms.ValidatePassword("đđđđ1234"), "password"},
		{"the README's example", qms.ValidatePassword("mat-khau-manh", "lan", "Trần Thị Lan"), ""},
		{"Vietnamese for hello", qms.ValidatePassword("xinchao123"), "password"},
		{"a city and a year", qms.ValidatePassword("hanoi2024"), "password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := qms.ErrorField(tt.err); got != tt.field || (tt.field == "") != (tt.err == nil) {
				t.Fatalf("field = %q (err %v), want %q", got, tt.err, tt.field)
			}
			if tt.err != nil && qms.ErrorCode(tt.err) != qms.EINVALID {
				t.Fatalf("code = %s", qms.ErrorCode(tt.err))
			}
		})
	}
	if _, err := qms.ParseRole("boss"); qms.ErrorCode(err) != qms.EINVALID {
		t.Fatalf("ParseRole(boss) = %v", err)
	}
}

// TestValidatePasswordSaysWhy: a password no login form can take back is
// refused for what it is, before it is scored for guessability.
func TestValidatePasswordSaysWhy(t *testing.T) {
	for _, tc := range []struct{ name, password, says string }{
		{"NUL", "mat-khau\x00-123", "U+0000"},
		{"start of heading", "mat-khau\x01-123", "U+0001"},
		{"escape", "\x1b[31mngua-o-123", "U+001B"},
		{"delete", "ngua-o-123\x7f", "U+007F"},
		{"next line", "mat-khau\u0085-123", "U+0085"},
		{"tab", "mat-khau\t-123", "U+0009"},
		{"newline", "mat-khau\n-123", "U+000A"},
		{"right-to-left override", "mat-khau\u202e-123", "U+202E"},
		{"byte-order mark", "\ufeffngua-o-banh-da-may-7", "U+FEFF"},
		{"zero-width space", "ngua-o\u200b-banh-da-may-7", "U+200B"},
		{"Hangul filler", "ngua-o-banh\u3164da-may-7", "U+3164"},
		{"combining grapheme joiner", "ngua-o-banh\u034fda-may-7", "U+034F"},
		{"not UTF-8", "ngua-o-\xff\xfe123", "UTF-8"},
		{"Vietnamese beyond 72 bytes", strings.Repeat("đường", 10), "72 byte"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := qms.ValidatePassword(tc.password)
			if qms.ErrorField(err) != "password" || !strings.Contains(qms.ErrorMessage(err), tc.says) {
				t.Errorf("ValidatePassword(%q) = %v, want a password error saying %q", tc.password, err, tc.says)
			}
		})
	}
}

// TestHashRowState pins the encoding of a row's state that every trail
// since RowStateVersion 1 recorded: each value length-prefixed in bytes,
// a NULL "N;". A store that encodes the state in SQL (HashEncodedRow)
// must hash the same.
func TestHashRowState(t *testing.T) {
	name := "Hồ sơ"
	const want = "be5987f79f59c22354067880a174766d0662a5d5e876bbfea4c5ec1a6259fd54"
	if got := qms.HashRowState("dossiers", "[7]", []*string{ptrTo("SVHTT"), nil, &name}); got != want {
		t.Errorf("HashRowState = %s, want %s", got, want)
	}
	enc := qms.AppendRowField(nil, "SVHTT")
	enc = append(enc, "N;"...)
	if got := qms.HashEncodedRow("dossiers", "[7]", qms.AppendRowField(enc, name)); got != want {
		t.Errorf("HashEncodedRow = %s, want %s", got, want)
	}
}

func ptrTo(s string) *string { return &s }

// TestRowStates: the newest state recorded of each row, kept compactly
// for a key of one number, as written for any other; a row recorded as
// gone is not recorded; Forget takes a compared row out of Existing.
func TestRowStates(t *testing.T) {
	h := func(s string) string { return qms.HashRowState("t", s, nil) }
	s := qms.NewRowStates("users", "memberships")
	s.Record(&qms.AuditEntry{Rows: []qms.RowState{
		{Table: "users", Key: "[1]", Hash: h("a")}, {Table: "users", Key: "[2]", Hash: h("b")},
		{Table: "memberships", Key: `[1,"SVHTT","staff"]`, Hash: h("c")}, {Table: "users", Key: "[01]", Hash: h("odd")},
		{Table: "dossiers", Key: "[9]", Hash: h("left out")},
	}})
	s.Record(&qms.AuditEntry{Rows: []qms.RowState{{Table: "users", Key: "[1]", Hash: h("a2")}, {Table: "users", Key: "[2]", Hash: ""}}})
	tests := []struct {
		table, key, hash string
		recorded, same   bool
	}{
		{"users", "[1]", h("a2"), true, true},
		{"users", "[1]", h("a"), true, false},
		{"users", "[2]", h("b"), false, false},
		{"users", "[3]", h("a"), false, false},
		{"memberships", `[1,"SVHTT","staff"]`, h("c"), true, true},
		{"memberships", `[1,"SVHTT","staff"]`, h("a"), true, false},
		{"users", "[01]", h("odd"), true, true},
		{"users", "[01]", h("a2"), true, false},
		{"dossiers", "[9]", h("left out"), false, false},
	}
	for _, tt := range tests {
		if rec, same := s.Matches(tt.table, tt.key, tt.hash); rec != tt.recorded || same != tt.same {
			t.Errorf("Matches(%s, %s) = %v, %v; want %v, %v", tt.table, tt.key, rec, same, tt.recorded, tt.same)
		}
	}
	if got := s.Existing("users"); !slices.Equal(got, []string{"[01]", "[1]"}) {
		t.Errorf("Existing(users) = %q", got)
	}
	s.Forget("users", "[1]")
	s.Forget("users", "[01]")
	if got := s.Existing("users"); got != nil {
		t.Errorf("Existing(users) after Forget = %q", got)
	}
}

// TestParseRowStates: row states read as encoding/json reads them,
// whether AuditJSON's plain shape or anything else.
func TestParseRowStates(t *testing.T) {
	h := qms.HashRowState("t", "k", nil)
	tests := []string{
		string(qms.AuditJSON([]qms.RowState{{Table: "dossiers", Key: "[1]", Hash: h}, {Table: "users", Key: "[2]", Hash: ""}})),
		string(qms.AuditJSON([]qms.RowState{{Table: "memberships", Key: `[1,"SVHTT","staff"]`, Hash: h}})),
		string(qms.AuditJSON([]qms.RowState{{Table: "policy_removed", Key: `["p","<a>&","Hồ sơ"]`, Hash: h}})),
		string(qms.AuditJSON([]qms.RowState{{Table: "dossiers", Key: "[1]", Hash: h, Before: &h}, {Table: "dossiers", Key: "[2]", Hash: h, Before: new(string)}})),
		`[]`, `null`, `[{"table":"users","key":"[1]","hash":"x","before":"y","after":"z"}]`, `[{"table":"users","key":"[1]","hash":"x"},]`, `[{"key":"[1]","table":"users","hash":"x"}]`,
		`[{"table":"users","key":"[1]","hash":"x","extra":1}]`, `[{"table":"users", "key":"[1]","hash":"x"}]`,
		`[{"table":"us` + "\xff" + `ers","key":"[1]","hash":"x"}]`, `[{"table":"users","key":"[1]","hash":"x"}`, `[{"table":"users","key":"[1]"}]`,
	}
	for _, in := range tests {
		var want []qms.RowState
		wantErr := json.Unmarshal([]byte(in), &want)
		got, err := qms.ParseRowStates(in)
		if (err != nil) != (wantErr != nil) || !reflect.DeepEqual(got, want) {
			t.Errorf("ParseRowStates(%s) = %v, %v; encoding/json %v, %v", in, got, err, want, wantErr)
		}
	}
}

// TestRowStatesContinue: a row an entry wrote must have been, before it,
// the state the trail recorded last; a row changed with the file and then
// written by the application is named at the entry that wrote it.
func TestRowStatesContinue(t *testing.T) {
	h := func(s string) string { return qms.HashRowState("users", "[1]", []*string{&s}) }
	at := func(id int64, rows ...qms.RowState) *qms.AuditEntry { return &qms.AuditEntry{ID: id, Rows: rows} }
	before := func(s string) *string { return &s }
	s := qms.NewRowStates()
	steps := []struct {
		e      *qms.AuditEntry
		broken []string
	}{
		{at(1, qms.RowState{Table: "users", Key: "[1]", Hash: h("a"), Before: before("")}), nil},
		{at(2, qms.RowState{Table: "users", Key: "[1]", Hash: h("b"), Before: before(h("a"))}), nil},
		{at(3, qms.RowState{Table: "users", Key: "[1]", Hash: h("c"), Before: before(h("x"))}), []string{"users [1]"}},
		{at(4, qms.RowState{Table: "users", Key: "[1]", Hash: h("d")}), nil},
		{at(5, qms.RowState{Table: "users", Key: "[1]", Hash: "", Before: before(h("d"))}), nil},
		{at(6, qms.RowState{Table: "users", Key: "[1]", Hash: h("e"), Before: before(h("d"))}), []string{"users [1]"}},
		{at(7, qms.RowState{Table: "users", Key: "[2]", Hash: h("f"), Before: before(h("f"))}), []string{"users [2]"}},
	}
	for _, st := range steps {
		var got []string
		for _, c := range s.Continues(st.e) {
			got = append(got, c.Table+" "+c.Key)
		}
		if !slices.Equal(got, st.broken) {
			t.Errorf("entry %d: broken %q, want %q", st.e.ID, got, st.broken)
		}
		s.Record(st.e)
	}
}
