package web

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"isodt/qms"
	"isodt/qms/flowchart"
)

// errorMakers are the constructors of a message from a format, by
// package and the index of their format argument: a qms.Error, and a
// msg.Text, which the pure-logic packages make their problems and errors
// of (flowchart.Problem, bpmn.Error, importer.Problem).
var errorMakers = map[string]map[string]int{
	"qms": {"Errorf": 1, "FieldErrorf": 2, "FieldError": 1, "TooMany": 1},
	"msg": {"New": 0},
}

// messageTypes are the types, by package, whose Message a literal must
// not write itself: each has a constructor from a format.
var messageTypes = map[string]string{"qms": "Error", "flowchart": "Problem", "bpmn": "Error", "importer": "Problem"}

// fmtVerb matches one verb of a format, %% included (verbsOf drops it).
var fmtVerb = formatVerb

func verbsOf(format string) []string {
	var vs []string
	for _, v := range fmtVerb.FindAllString(format, -1) {
		if v != "%%" {
			vs = append(vs, v)
		}
	}
	return vs
}

// sourcePackage is the non-test Go files of one directory of the repo.
type sourcePackage struct {
	dir     string
	name    string
	files   []*ast.File
	consts  map[string]string // package-level string constants
	imports map[string]bool   // the names its files import packages as
}

// sourcePackages parses every non-test Go file under qms/ and cmd/.
func sourcePackages(t *testing.T, fset *token.FileSet) []*sourcePackage {
	t.Helper()
	byDir := map[string]*sourcePackage{}
	var dirs []string
	for _, root := range []string{"../../qms", "../../cmd"} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				return err
			}
			dir := filepath.Dir(path)
			p := byDir[dir]
			if p == nil {
				p = &sourcePackage{dir: dir, name: f.Name.Name, consts: map[string]string{}, imports: map[string]bool{}}
				byDir[dir] = p
				dirs = append(dirs, dir)
			}
			for _, im := range f.Imports {
				ip, _ := strconv.Unquote(im.Path.Value)
				name := ip[strings.LastIndex(ip, "/")+1:]
				if im.Name != nil {
					name = im.Name.Name
				}
				p.imports[name] = true
			}
			p.files = append(p.files, f)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	var pkgs []*sourcePackage
	for _, dir := range dirs {
		p := byDir[dir]
		for _, f := range p.files {
			for _, d := range f.Decls {
				if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.CONST {
					for _, s := range g.Specs {
						vs := s.(*ast.ValueSpec)
						for i, name := range vs.Names {
							if i < len(vs.Values) {
								if v, ok := stringValue(vs.Values[i], nil); ok {
									p.consts[name.Name] = v
								}
							}
						}
					}
				}
			}
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// stringValue is the value of a string literal, a concatenation of them
// or a package constant.
func stringValue(e ast.Expr, consts map[string]string) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.BinaryExpr:
		x, okX := stringValue(e.X, consts)
		y, okY := stringValue(e.Y, consts)
		return x + y, e.Op == token.ADD && okX && okY
	case *ast.ParenExpr:
		return stringValue(e.X, consts)
	case *ast.Ident:
		s, ok := consts[e.Name]
		return s, ok
	}
	return "", false
}

// maker is the format index of call when it makes a message from a
// format: a constructor of errorMakers, or a function or method of p's
// that hands its own format parameter to one (wrappers).
func maker(p *sourcePackage, call *ast.CallExpr, wrappers map[string]int) (int, bool) {
	switch fn := call.Fun.(type) {
	case *ast.SelectorExpr:
		x, ok := fn.X.(*ast.Ident)
		if ok && errorMakers[x.Name] != nil {
			i, ok := errorMakers[x.Name][fn.Sel.Name]
			return i, ok
		}
		if ok && p.imports[x.Name] {
			return 0, false // another package's function: fmt.Errorf
		}
		// A method of p's: validator.add, problems.add.
		i, ok := wrappers[fn.Sel.Name]
		return i, ok
	case *ast.Ident:
		if i, ok := wrappers[fn.Name]; ok {
			return i, true
		}
		i, ok := errorMakers[p.name][fn.Name]
		return i, ok
	}
	return 0, false
}

// wrappersOf finds p's functions and methods that pass a parameter of
// theirs as the format of a message maker, by that parameter's index,
// also through another wrapper.
func wrappersOf(p *sourcePackage) map[string]int {
	ws := map[string]int{}
	for n := -1; n != len(ws); {
		n = len(ws)
		addWrappers(p, ws)
	}
	return ws
}

func addWrappers(p *sourcePackage, ws map[string]int) {
	for _, f := range p.files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			var params []string
			for _, field := range fd.Type.Params.List {
				for _, n := range field.Names {
					params = append(params, n.Name)
				}
			}
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				if i, ok := maker(p, call, ws); ok && i < len(call.Args) {
					if id, ok := call.Args[i].(*ast.Ident); ok {
						if at := slices.Index(params, id.Name); at >= 0 {
							ws[fd.Name.Name] = at
						}
					}
				}
				return true
			})
		}
	}
}

// TestErrorFormatsTranslated: every format a qms.Error is made with in
// the sources (qms/ and cmd/) has an English entry with the same verbs in
// the same order; no qms.Error is written as a literal with a message of
// its own (it would have no format to look up); and the catalogue holds
// no entry that no source uses any more.
func TestErrorFormatsTranslated(t *testing.T) {
	fset := token.NewFileSet()
	used := map[string]bool{} // every string the sources hold
	formats := 0
	for _, p := range sourcePackages(t, fset) {
		wrappers := wrappersOf(p)
		for _, f := range p.files {
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.BasicLit, *ast.BinaryExpr:
					if s, ok := stringValue(n.(ast.Expr), p.consts); ok {
						used[s] = true
					}
				case *ast.CallExpr:
					i, ok := maker(p, n, wrappers)
					if !ok || i >= len(n.Args) {
						return true
					}
					format, ok := stringValue(n.Args[i], p.consts)
					if !ok {
						return true // a wrapper's own parameter, or a format chosen at run time
					}
					formats++
					if problem := checkErrorText(format, errorFormats); problem != "" {
						t.Errorf("%s: %s: %q", fset.Position(n.Pos()), problem, format)
					}
				case *ast.CompositeLit:
					if literalMessage(p, n) {
						t.Errorf("%s: a literal with its own message: make it with qms.Errorf, qms.FieldErrorf, qms.FieldError or the package's constructor from a msg.Text, so that it can be translated", fset.Position(n.Pos()))
					}
				}
				return true
			})
		}
	}
	if formats < 500 {
		t.Errorf("only %d formats found in the sources: is the scan broken?", formats)
	}
	for vi := range errorFormats {
		if !used[vi] {
			t.Errorf("the catalogue translates a format no source uses any more: %q", vi)
		}
	}
}

// checkErrorText says what is wrong with the English of format in
// catalogue, "" when nothing is.
func checkErrorText(format string, catalogue map[string]string) string {
	en, ok := catalogue[format]
	switch {
	case !ok:
		return "no English for the refusal (add it to an i18n_errors_*.go file)"
	case en == "" && strings.IndexFunc(fmtVerb.ReplaceAllString(format, ""), unicode.IsLetter) >= 0:
		return "an empty English for a refusal with words of its own"
	case en != "" && !slices.Equal(verbsOf(format), verbsOf(en)):
		return fmt.Sprintf("the English has the verbs %v, the Vietnamese %v", verbsOf(en), verbsOf(format))
	}
	return ""
}

// literalMessage reports whether lit is a literal of messageTypes (a
// qms.Error, a flowchart.Problem…) whose Message is a constant or
// fmt.Sprintf of one: one that should have been made by a constructor. A
// message passed on from elsewhere (another error's) is allowed.
func literalMessage(p *sourcePackage, lit *ast.CompositeLit) bool {
	switch ty := lit.Type.(type) {
	case *ast.SelectorExpr:
		if x, ok := ty.X.(*ast.Ident); !ok || messageTypes[x.Name] != ty.Sel.Name {
			return false
		}
	case *ast.Ident:
		if messageTypes[p.name] != ty.Name {
			return false
		}
	default:
		return false
	}
	for _, e := range lit.Elts {
		kv, ok := e.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		if key, ok := kv.Key.(*ast.Ident); !ok || key.Name != "Message" {
			continue
		}
		if _, ok := stringValue(kv.Value, p.consts); ok {
			return true
		}
		if call, ok := kv.Value.(*ast.CallExpr); ok && len(call.Args) > 0 {
			// fmt.Sprintf of a literal format; the constructors' own
			// Sprintf of their format parameter is what they are for.
			_, literal := stringValue(call.Args[0], p.consts)
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Sprintf" && literal {
				return true
			}
		}
	}
	return false
}

// TestCheckErrorText: what the source test refuses in an entry.
func TestCheckErrorText(t *testing.T) {
	catalogue := map[string]string{
		"Mã %q đã có trong đơn vị %s.": "Code %q already exists in agency %s.",
		"Năm %d, đơn vị %s.":           "Agency %s, year %d.",
		"Tỷ lệ %d%% trong %s.":         "A rate of %d%% in %s.",
		"%s: %s":                       "",
		"Đơn vị %s.":                   "",
		"Quy trình %s.":                "Procedure.",
	}
	tests := []struct {
		format string
		ok     bool
	}{
		{"Mã %q đã có trong đơn vị %s.", true},
		{"Tỷ lệ %d%% trong %s.", true},
		{"%s: %s", true},
		{"Năm %d, đơn vị %s.", false}, // verbs in another order
		{"Quy trình %s.", false},      // a verb missing
		{"Đơn vị %s.", false},         // words left untranslated
		{"Không có trong danh mục.", false},
	}
	for _, tt := range tests {
		if got := checkErrorText(tt.format, catalogue); (got == "") != tt.ok {
			t.Errorf("%q: %q, want ok %v", tt.format, got, tt.ok)
		}
	}
}

// TestTranslatedRefusal: the English of a domain error, found through
// wrapping, with its arguments; none for Vietnamese, for another error
// or for a format the catalogue does not hold or leaves empty.
func TestTranslatedRefusal(t *testing.T) {
	tests := []struct {
		name, lang string
		err        error
		want       string // "" for none
	}{
		{"Errorf", "en", qms.Errorf(qms.ENOTFOUND, "Không tìm thấy người dùng %q.", "a-staff"), `User "a-staff" was not found.`},
		{"wrapped", "en", fmt.Errorf("find user: %w", qms.Errorf(qms.ENOTFOUND, "Không tìm thấy người dùng %q.", "x")), `User "x" was not found.`},
		{"FieldErrorf", "en", qms.FieldErrorf(qms.ECONFLICT, "code", "Mã quy trình %q đã có trong đơn vị.", "QT-01"), `Procedure code "QT-01" already exists in the agency.`},
		{"TooMany", "en", qms.TooMany(time.Minute, "Địa chỉ của bạn đã tra cứu %d lần trong %d phút qua. Vui lòng thử lại sau %d phút.", 30, 10, 5),
			"Your address has made 30 look-ups in the last 10 minutes. Please try again in 5 minutes."},
		{"a word of the domain as an argument", "en", qms.Errorf(qms.EINVALID, "Không thể %s một phiên bản đang ở trạng thái %q.", "phê duyệt", "dự thảo"),
			`Cannot approve a version whose status is "draft".`},
		{"a record's words as an argument", "en", qms.Errorf(qms.ENOTFOUND, "Không tìm thấy người dùng %q.", "Lãnh đạo Sở"), `User "Lãnh đạo Sở" was not found.`},
		{"a field's label and counts as arguments", "en", qms.CheckText("reason", "Lý do ủy quyền", strings.Repeat("x", 2001), qms.MaxShortText),
			"“Reason” is too long: at most 2,000 characters (it has 2,001)."},
		{"a field's label on its form", "en", qms.CheckText("name", "Tên đơn vị", "A\tB", qms.MaxNameText),
			"“Name / reason” must be written on one line: remove the line breaks or tab characters."},
		{"a field without an English label", "en", qms.CheckText("zz_extra", "Trường lạ", "A\tB", qms.MaxNameText),
			`"zz_extra" must be written on one line: remove the line breaks or tab characters.`},
		{"a refusal quoted whole", "en", qms.FieldError("file", "%s", qms.Quoted(qms.Errorf(qms.ENOTFOUND, "Không tìm thấy người dùng %q.", "x"))), `User "x" was not found.`},
		{"a quoted refusal without English", "en", qms.FieldError("file", "%s", qms.Quoted(qms.Errorf(qms.EINVALID, "Một lời từ chối mới."))), ""},
		{"a flowchart's problem", "en", qms.FieldError("flowchart", "%s", flowchart.Validate(flowchart.Flowchart{Steps: []flowchart.Step{{Kind: flowchart.KindStart, Hours: 1.5}}}, flowchart.ValidateOptions{})[0]),
			"Step 1 has no step code yet."},
		{"a list of problems", "en", qms.FieldError("flowchart", "Lưu đồ không hợp lệ: %s", flowchart.Validate(flowchart.Flowchart{Steps: []flowchart.Step{{ID: "a", Kind: flowchart.KindStart}}}, flowchart.ValidateOptions{}).Joined()),
			"The flowchart is not valid: Step a has no name yet.; The flowchart has no end step yet."},
		{"a refusal quoted before words of its own", "en", qms.TooMany(time.Minute, "%s Chưa ký, thao tác chưa được thực hiện.", qms.Quoted(qms.Errorf(qms.ENOTFOUND, "Không tìm thấy người dùng %q.", "x"))),
			`User "x" was not found. Nothing was signed, and the action was not done.`},
		{"a list of agency kinds", "en", (&qms.Agency{Code: "A", Name: "A", Kind: "zz"}).Validate(),
			`Agency type "zz" is not valid: choose one of ubnd_tinh (Provincial People's Committee), so_nganh (Provincial department or board), ubnd_xa (Commune, ward or special zone People's Committee), truc_thuoc (Subordinate unit).`},
		{"an agency kind kept", "en", qms.CheckAgencyUpdate(qms.Actor{}, &qms.Agency{Code: "A", Kind: qms.AgencyKindProvince}, &qms.Agency{Code: "A", Kind: qms.AgencyKindSubunit}),
			`Agency type: only the system administrator (agency SYS) can change an agency's type; agency "A" remains Provincial People's Committee.`},
		{"a page's text as an argument", "en", qms.Errorf(qms.EFORBIDDEN, "Quy trình %s: lần ban hành %s %s", "QT-01", "01", pageTextArg("procedure.scope_locked")),
			"Procedure QT-01: issue 01 " + dictionaries["en"]["procedure.scope_locked"]},
		{"a date's field", "en", qms.FieldError("start_on", "%s %q không hợp lệ: nhập dd/mm/yyyy.", qms.FieldName{Field: "start_on", Label: "Ngày bắt đầu"}, "31/02"),
			`“Start on” "31/02" is not valid: enter dd/mm/yyyy.`},
		{"Vietnamese", "vi", qms.Errorf(qms.ENOTFOUND, "Không tìm thấy người dùng %q.", "x"), ""},
		{"not in the catalogue", "en", qms.Errorf(qms.EINVALID, "Một lời từ chối mới."), ""},
		{"only arguments", "en", qms.FieldError("file", "%s", "Tệp hỏng."), ""},
		{"literal", "en", &qms.Error{Code: qms.EINVALID, Message: "Lưu đồ có bước không nối."}, ""},
		{"not a domain error", "en", errors.New("disk full"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := translatedRefusal(tt.err, tt.lang, "/admin/calendar")
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("got %q, %v; want %q", got, ok, tt.want)
			}
		})
	}
}
