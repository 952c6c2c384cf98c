package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"mime/multipart"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
	"golang.org/x/text/unicode/norm"

	"isodt/qms"
)

// checkForm reads the body of every posted form, urlencoded or multipart,
// once for all handlers. A multipart body that cannot be read is refused
// here with the one error shape (the JSON one on the API): fasthttp's
// early parse used to answer it before any handler, as a page without
// the request's path. Text that is not valid UTF-8 is refused naming the
// field, so no handler stores or audits mangled bytes. Text that passes
// is composed (NFC) for every handler alike (see composeArgs).
func (s *Server) checkForm(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodPost, fiber.MethodPut, fiber.MethodPatch:
	default:
		return c.Next()
	}
	ct := strings.ToLower(c.Get(fiber.HeaderContentType))
	switch {
	case strings.HasPrefix(ct, fiber.MIMEMultipartForm):
		mf, err := c.MultipartForm()
		if err != nil && strings.Contains(err.Error(), multipart.ErrMessageTooLarge.Error()) {
			// Go's reader bounds the parts (1,000) and their headers.
			return qms.Errorf(qms.EINVALID, "Dữ liệu gửi lên (multipart/form-data) có quá nhiều phần: tối đa 1.000 trường và tệp.")
		}
		if err != nil {
			s.log.Warn("multipart body refused", "path", c.Path(), "request_id", c.Locals("requestid"), "err", err)
			return qms.Errorf(qms.EINVALID, "Không đọc được dữ liệu gửi lên (multipart/form-data): nội dung bị cắt cụt hoặc sai ranh giới (boundary).")
		}
		for name, values := range mf.Value {
			for i, v := range values {
				if err := checkField(name, v); err != nil {
					return err
				}
				values[i] = norm.NFC.String(v)
			}
		}
		// A file's name is text someone typed too (macOS sends it
		// decomposed); its bytes are the handler's to check.
		for name, files := range mf.File {
			for _, fh := range files {
				fh.Filename = norm.NFC.String(fh.Filename)
				if err := checkFileName(name, fh.Filename); err != nil {
					return err
				}
			}
		}
		for name, values := range mf.Value {
			if err := checkOnce(c, name, len(values)); err != nil {
				return err
			}
		}
		for name, files := range mf.File {
			if err := checkOnce(c, name, len(files)); err != nil {
				return err
			}
		}
	case strings.HasPrefix(ct, fiber.MIMEApplicationForm):
		// Counted before fasthttp parses them: 30 MiB of "a=&" held
		// 1.8 GB as ten million arguments.
		if n := bytes.Count(c.Body(), []byte("&")) + 1; n > maxFormFields {
			return qms.Errorf(qms.EINVALID, "Biểu mẫu gửi lên có quá nhiều trường (%s, tối đa %s).", qms.Number(n), qms.Number(maxFormFields))
		}
		var err error
		decomposed := false
		seen := map[string]int{}
		c.Request().PostArgs().VisitAll(func(k, v []byte) {
			if err == nil {
				err = checkField(string(k), string(v))
				decomposed = decomposed || !norm.NFC.IsNormal(v)
				seen[string(k)]++
			}
		})
		if err != nil {
			return err
		}
		for name, n := range seen {
			if err := checkOnce(c, name, n); err != nil {
				return err
			}
		}
		if decomposed {
			composeArgs(c.Request().PostArgs())
		}
	case strings.HasPrefix(ct, fiber.MIMEApplicationJSON):
		composed, err := checkJSON(c.Body())
		if err != nil {
			return err
		}
		if composed != nil {
			c.Request().SetBody(composed)
		}
	}
	return c.Next()
}

// formValue is c.FormValue's reading: a request that sends a body
// (POST, PUT, PATCH, DELETE) is read from its body only, a GET from its
// query string only. fasthttp's own reads the query string first on every
// method, so a field left out of a form and put on its address was taken
// as posted: a link could carry what a form appears to send.
func formValue(ctx *fasthttp.RequestCtx, key string) []byte {
	if ctx.IsGet() || ctx.IsHead() {
		return ctx.QueryArgs().Peek(key)
	}
	if v := ctx.PostArgs().Peek(key); len(v) > 0 {
		return v
	}
	if mf, err := ctx.MultipartForm(); err == nil {
		if vv := mf.Value[key]; len(vv) > 0 {
			return []byte(vv[0])
		}
	}
	return nil
}

// listFields are the form fields a handler reads several values of, by
// the route that reads them as it is registered (":code" stands for one
// segment): a checkbox list, a multiple select, the rows of a table, the
// files of a multiple file input. Every other field is read as one value
// (c.FormValue and c.FormFile take the first), so checkForm refuses it
// sent twice, as checkJSON refuses a JSON member named twice: a proxy, a
// firewall or a log may read the other value. A handler that reads
// several values of a field (PeekMulti, postValues, MultipartForm's
// Value[...] or File[...] beyond the first) must list the field here
// under its route, or its form is refused.
var listFields = map[string][]string{
	"/admin/agency-merge":         {"from"}, // mergeRun: the agencies merged
	"/admin/agency-merge/preview": {"from"},
	"/admin/agency-split":         {"tthc", "procedures"}, // splitRun: what moves
	"/admin/agency-split/preview": {"tthc", "procedures"},
	"/audits/plans":               {"units", "clauses", "procedures"}, // planCreate
	"/declarations":               {"tthc", "process"},                // declarationCreate
	"/dossiers/:code/steps":       {evidenceField},                    // readEvidence
	"/procedures/:id/versions/:n": { // versionFromForm, postedRows: the steps, flows and records tables
		"step_id", "step_name", "step_kind", "step_responsible", "step_hours", "step_forms", "step_records",
		"edge_from", "edge_to", "edge_label", "record_name", "record_kept_at", "record_retention"},
}

// checkOnce refuses a field posted n > 1 times, or posted and also in
// the query string (a proxy or a log may take the one formValue does
// not read), unless the route
// reads it as a list (listFields).
func checkOnce(c *fiber.Ctx, name string, n int) error {
	if n < 2 && !c.Request().URI().QueryArgs().Has(name) || repeatable(c.Path(), name) {
		return nil
	}
	return qms.FieldError(name, "Trường %q được gửi nhiều lần trong biểu mẫu (hoặc cả trong biểu mẫu và trên địa chỉ): mỗi trường chỉ gửi một lần (các giá trị khác nhau sẽ được hiểu khác nhau tùy chương trình đọc).", name)
}

// repeatable reports whether the route of path reads field as a list.
// Routes match as the router matches them: regardless of case and of a
// trailing slash.
func repeatable(path, field string) bool {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for route, fields := range listFields {
		if slices.Contains(fields, field) && routeMatches(strings.Split(strings.Trim(route, "/"), "/"), segs) {
			return true
		}
	}
	return false
}

func routeMatches(route, segs []string) bool {
	if len(route) != len(segs) {
		return false
	}
	for i, r := range route {
		if strings.HasPrefix(r, ":") && segs[i] != "" || strings.EqualFold(r, segs[i]) {
			continue
		}
		return false
	}
	return true
}

// Composition (NFC; norm.NFC.String returns a text already composed as
// it is): Vietnamese typed with a decomposed keyboard
// (Unikey's "Unicode tổ hợp", macOS) arrives as base letters and
// combining marks, and would be stored, searched, compared and printed as
// other text than the same words typed composed. Every posted text is
// composed here, so that no handler, field or store path can miss it; the
// Normalize methods still trim and compose what they check. Passwords
// are composed too: their check accepts either form
// (TestPasswordUnicodeForms). A JSON body is composed as bytes (its
// structure is ASCII, which NFC leaves alone), or, when a combining mark
// came as a \u escape (Python's json.dumps writes every non-ASCII letter
// so), decoded, composed and written again.

// composeArgs rewrites args with each value composed, keeping the order
// and the repeated keys (a list of checkboxes).
func composeArgs(args *fasthttp.Args) {
	type pair struct{ k, v string }
	var all []pair
	args.VisitAll(func(k, v []byte) { all = append(all, pair{string(k), norm.NFC.String(string(v))}) })
	args.Reset()
	for _, p := range all {
		args.Add(p.k, p.v)
	}
}

// bulkFields carry a document rather than typed text (a form's JSON
// schema): their size is bounded by the domain check of that document,
// not by maxFieldText.
var bulkFields = map[string]bool{"schema": true}

// maxFieldText bounds any one submitted text, whatever its field: the
// domain Validate functions hold the tighter bound of each field, and
// this one keeps a field no domain check covers from carrying megabytes
// into the store and the audit log.
const maxFieldText = qms.MaxLongText

// checkField refuses a form field or JSON string that is not UTF-8, holds
// a control character other than tab, newline and carriage return, or is
// longer than maxFieldText.
func checkField(name, value string) error {
	max := maxFieldText
	if bulkFields[name[strings.LastIndexByte(name, '.')+1:]] {
		max = math.MaxInt
	}
	err := checkUTF8(name, value)
	if err == nil {
		err = qms.CheckText(name, fmt.Sprintf("Trường %q", name), value, max)
	}
	if err != nil {
		return &refusedText{err: err, field: qms.ErrorField(err), badName: !utf8.ValidString(name), value: value, max: max}
	}
	return nil
}

// maxFormFields bounds the fields of an urlencoded form, its size being
// bounded by the diagram editor's BPMN (10 MiB, sent as one field). The
// longest form, an audit checklist, has a few hundred. A multipart body's
// parts are bounded by Go's mime/multipart (1,000).
const maxFormFields = 10000

// maxJSONBody bounds a JSON body before it is read: the largest one a
// client sends is a form's schema (formschema takes 1 MiB) in its
// envelope. Files come as multipart, under the server's BodyLimit.
// Decoding a 30 MiB array of zeros into values held 850 MB.
const maxJSONBody = 4 << 20

// maxJSONDepth is encoding/json's own nesting bound: a deeper body is
// the handler's to refuse, as its decoder does.
const maxJSONDepth = 10000

// checkJSON holds a JSON body to the rule of forms: the decoder would
// turn invalid bytes and lone surrogate escapes (\ud800) into U+FFFD
// silently, so both are refused here, every string, key or value, is
// checked by checkField under the path of its member, and a member named
// twice in one object is refused (the decoder keeps the last, a proxy or
// a log may read the first). The body is read as a stream of tokens,
// holding one path, never the whole document. It returns the body
// composed (NFC) when a string was not, else nil.
func checkJSON(body []byte) (composed []byte, err error) {
	if len(body) > maxJSONBody {
		return nil, qms.Errorf(qms.EINVALID, "Dữ liệu JSON quá lớn (%s byte, tối đa %s): tệp gửi kèm gửi dạng multipart/form-data.", qms.Number(len(body)), qms.Number(maxJSONBody))
	}
	if !utf8.Valid(body) {
		return nil, qms.FieldError(jsonFieldAt(body, invalidUTF8At(body)), "Dữ liệu JSON chứa byte không phải văn bản UTF-8 hợp lệ (trường %q).", jsonFieldAt(body, invalidUTF8At(body)))
	}
	if i := loneSurrogateAt(body); i >= 0 {
		return nil, qms.FieldError(jsonFieldAt(body, i), "Dữ liệu JSON chứa ký tự thay thế (surrogate) đứng lẻ \\u%s (trường %q): đó không phải ký tự Unicode hợp lệ.", body[i+2:i+6], jsonFieldAt(body, i))
	}
	decomposed, err := walkJSON(body)
	if err != nil || !decomposed {
		return nil, err
	}
	if !bytes.Contains(body, []byte(`\u`)) {
		return norm.NFC.Bytes(body), nil
	}
	// A combining mark came as a \u escape (Python's json.dumps writes
	// every non-ASCII letter so): decoded, composed, written again.
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber() // written again, a number keeps its digits
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, nil
	}
	v = composeJSON(v)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// walkJSON checks each string of body, key or value, with checkField,
// named by its member's path as the domain's checks name it
// (applicant.name; a string in an array after the array's member; one
// at the top "body"), refuses a member named twice in one object, and
// reports whether a string is not composed. A body that is not one
// well-formed JSON value, or nests deeper than maxJSONDepth, passes: its
// handler's decoder answers it in its own words.
func walkJSON(body []byte) (decomposed bool, err error) {
	type open struct {
		keys   map[string]bool // nil for an array
		path   string          // the object's or the array's own name
		member string          // the member whose value comes next
		key    bool            // the next token is a member's name
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var stack []*open
	check := func(name, s string) error {
		if name == "" {
			name = "body"
		}
		decomposed = decomposed || !norm.NFC.IsNormalString(s)
		return checkField(name, s)
	}
	for {
		tok, terr := dec.Token()
		if terr != nil {
			return false, nil
		}
		var top *open
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch tok {
		case json.Delim('}'), json.Delim(']'):
			if stack = stack[:len(stack)-1]; len(stack) == 0 {
				return decomposed, nil // what may follow is the handler's to refuse
			}
			continue
		}
		if top != nil && top.key {
			k, _ := tok.(string)
			top.member, top.key = k, false
			if top.path != "" {
				top.member = top.path + "." + k
			}
			if err := check(top.member, k); err != nil {
				return false, err
			}
			if folded := foldedName(k); top.keys[folded] {
				return false, qms.FieldError(top.member, "Trường %q có hai lần trong dữ liệu JSON (tên trường không phân biệt chữ hoa, chữ thường): mỗi trường chỉ gửi một lần (hai giá trị khác nhau sẽ được hiểu khác nhau tùy chương trình đọc).", top.member)
			} else {
				top.keys[folded] = true
			}
			continue
		}
		// A value: a member's, an element of an array, or the body.
		name := ""
		if top != nil {
			name = top.path
			if top.keys != nil {
				name, top.key = top.member, true
			}
		}
		switch t := tok.(type) {
		case json.Delim:
			if len(stack) >= maxJSONDepth {
				return false, nil
			}
			o := &open{path: name}
			if t == '{' {
				o.keys, o.key = map[string]bool{}, true
			}
			stack = append(stack, o)
		case string:
			if err := check(name, t); err != nil {
				return false, err
			}
		}
		if len(stack) == 0 {
			return decomposed, nil
		}
	}
}

// foldedName is a member's name as encoding/json matches it to a field:
// regardless of case, by Unicode's simple folding (bytes.EqualFold), so
// that "Role" fills the field "role" and "paſſword" the field
// "password". Each letter becomes the least of its folding orbit.
func foldedName(name string) string {
	var b strings.Builder
	for _, r := range name {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		b.WriteRune(least)
	}
	return b.String()
}

// composeJSON is v with every string, keys included, composed (NFC).
func composeJSON(v any) any {
	switch v := v.(type) {
	case string:
		return norm.NFC.String(v)
	case []any:
		for i, e := range v {
			v[i] = composeJSON(e)
		}
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[norm.NFC.String(k)] = composeJSON(e)
		}
		return out
	}
	return v
}

// invalidUTF8At is the offset of the first invalid byte of b.
func invalidUTF8At(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// loneSurrogateAt is the offset of the first \uD800–\uDFFF escape of b
// that is not a high surrogate followed by a low one, or -1.
func loneSurrogateAt(b []byte) int {
	hex4 := func(i int) (int, bool) {
		if i+6 > len(b) || b[i] != '\\' || b[i+1] != 'u' {
			return 0, false
		}
		v, err := strconv.ParseUint(string(b[i+2:i+6]), 16, 16)
		return int(v), err == nil
	}
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' {
			continue
		}
		v, ok := hex4(i)
		if !ok {
			i++ // an escape of one character, such as \\ or \"
			continue
		}
		switch {
		case v >= 0xD800 && v <= 0xDBFF:
			if w, ok := hex4(i + 6); ok && w >= 0xDC00 && w <= 0xDFFF {
				i += 11
				continue
			}
			return i
		case v >= 0xDC00 && v <= 0xDFFF:
			return i
		}
		i += 5
	}
	return -1
}

// jsonFieldAt names the member of the last "name": before offset i, or
// "body" when there is none.
func jsonFieldAt(b []byte, i int) string {
	if i > len(b) {
		i = len(b)
	}
	if m := jsonKeyRE.FindAllSubmatch(b[:i], -1); len(m) > 0 {
		return strings.ToValidUTF8(string(m[len(m)-1][1]), "?")
	}
	return "body"
}

var jsonKeyRE = regexp.MustCompile(`"([^"\\]{1,64})"\s*:`)

// checkUTF8 refuses a form field whose name or value is not UTF-8.
func checkUTF8(name, value string) error {
	if !utf8.ValidString(name) {
		return qms.FieldError(strings.ToValidUTF8(name, "?"), "Tên trường %q không phải văn bản UTF-8 hợp lệ.", strings.ToValidUTF8(name, "?"))
	}
	if !utf8.ValidString(value) {
		return qms.FieldError(name, "Trường %q chứa ký tự không phải văn bản UTF-8 hợp lệ: hãy gõ lại hoặc dán lại nội dung ở dạng Unicode (UTF-8).", name)
	}
	return nil
}

// checkFileName refuses an uploaded file's name that would read as
// another on the pages and in the download: a control character, a line
// break, or an invisible one (a right-to-left override made
// "x\u202egnp.txt" show as "xtxt.png", outsider pass 13), or one longer
// than file systems keep. A file's name is text someone typed, held to
// the one-line rule of every name (qms.FindTextFault).
func checkFileName(field, name string) error {
	switch fault, r := qms.FindTextFault(name, maxFileName); fault {
	case qms.TextFine:
		return nil
	case qms.TextTooLong:
		return qms.FieldErrorf(qms.EINVALID, field, "Tên tệp dài quá %d ký tự: đổi tên tệp rồi tải lên lại.", maxFileName)
	default:
		return qms.FieldErrorf(qms.EINVALID, field, "Tên tệp %q có ký tự điều khiển, dấu xuống dòng hoặc ký tự vô hình (U+%04X), khiến tên đọc thành tên khác: đổi tên tệp rồi tải lên lại.", name, r)
	}
}

// maxFileName is the longest file name kept, as most file systems do.
const maxFileName = 255
