package web

import (
	"bytes"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
	"isodt/qms/importer"
)

// tthcRow is one catalogue line with its derived ISO-control status.
type tthcRow struct {
	*qms.TTHC
	Control qms.Control
}

// controlRows joins the catalogue with the control statuses, filtered by
// status ("controlled"/"not_controlled"), field and a search text.
func (s *Server) controlRows(c *fiber.Ctx) ([]tthcRow, []string, error) {
	agency := callerOf(c).agency
	ctx := c.UserContext()
	tthcs, err := s.Procedures.FindTTHCs(ctx, agency)
	if err != nil {
		return nil, nil, err
	}
	controls, err := s.Procedures.ControlStatuses(ctx, agency)
	if err != nil {
		return nil, nil, err
	}
	byCode := map[string]qms.Control{}
	for _, ct := range controls {
		byCode[ct.Code] = ct
	}
	var match map[string]bool
	if q := strings.TrimSpace(c.Query("q")); q != "" {
		hits, err := s.Procedures.Search(ctx, agency, q, 200)
		if err != nil {
			return nil, nil, err
		}
		match = map[string]bool{}
		for _, h := range hits {
			match[h.Ref] = h.Kind == "tthc"
		}
	}
	status, err := oneOfParam(c, "status", qms.Controlled, qms.NotControlled, qms.TTHCAbolished)
	if err != nil {
		return nil, nil, err
	}
	field := c.Query("field")
	fields := map[string]bool{}
	var rows []tthcRow
	for _, t := range tthcs {
		fields[t.Field] = true
		ct, ok := byCode[t.Code]
		if !ok {
			ct = qms.Control{Code: t.Code, Name: t.Name, Status: qms.TTHCAbolished}
		}
		if (status != "" && ct.Status != status) || (field != "" && t.Field != field) || (match != nil && !match[t.Code]) {
			continue
		}
		rows = append(rows, tthcRow{TTHC: t, Control: ct})
	}
	var fieldList []string
	for f := range fields {
		fieldList = append(fieldList, f)
	}
	sort.Strings(fieldList)
	return rows, fieldList, nil
}

func (s *Server) tthcList(c *fiber.Ctx) error {
	rows, fields, err := s.controlRows(c)
	if err != nil {
		return err
	}
	controlled := 0
	for _, r := range rows {
		if r.Control.Status == qms.Controlled {
			controlled++
		}
	}
	data := &tthcPage{page: s.page(c), TTHCs: rows, Fields: fields, Controlled: controlled,
		Query:     tthcQuery{Text: c.Query("q"), Field: c.Query("field"), Status: c.Query("status")},
		CanImport: s.can(c, "tthc", "write")}
	return s.renderPage(c, "tthc", &data.page, data, nil)
}

// tthcPage is the data of the TTHC catalogue.
type tthcPage struct {
	page
	TTHCs      []tthcRow
	Fields     []string // every field of the catalogue, for the filter
	Controlled int      // how many of TTHCs are under ISO control
	Query      tthcQuery
	CanImport  bool
}

// tthcQuery is the catalogue's filter as it was asked for.
type tthcQuery struct {
	Text   string // the search text (q)
	Field  string
	Status string // "controlled", "not_controlled" or "" for all
}

// tthcImportPage is the data of the catalogue import: the form, and the
// result of an import (Done) or the problems of a refused file.
type tthcImportPage struct {
	page
	File             string // the name of the file imported
	Problems         []importer.Problem
	ProblemCount     int // all the problems, Problems lists the first ones
	OmittedProblems  int // the problems Problems leaves out
	Done             bool
	Created, Updated int // TTHC added and changed by the import
}

// tthcImportForm shows the import page, with formErr as renderPage does.
func (s *Server) tthcImportForm(c *fiber.Ctx, data *tthcImportPage, formErr error) error {
	if data == nil {
		data = &tthcImportPage{page: s.page(c)}
	}
	return s.renderPage(c, "tthc_import", &data.page, data, formErr)
}

func (s *Server) tthcImportPage(c *fiber.Ctx) error {
	return s.tthcImportForm(c, nil, nil)
}

// importTTHC parses a CSV or XLSX catalogue and upserts it: a file with any
// bad row changes nothing and reports every problem with its row.
func (s *Server) importTTHC(c *fiber.Ctx, name string, r io.Reader) (created, updated int, err error) {
	agency := callerOf(c).agency
	items, err := importer.ParseTTHC(r, name, importer.Options{AgencyCode: agency})
	var perr *importer.Errors
	switch {
	case asErr(err, &perr):
		return 0, 0, err
	case qms.ErrorCode(err) == qms.EINVALID && qms.ErrorField(err) == "":
		// What is wrong with the file as a whole is about the file field.
		return 0, 0, qms.ErrorAbout(err, "file")
	case err != nil:
		return 0, 0, err
	}
	return s.Procedures.ImportTTHC(c.UserContext(), agency, items)
}

func (s *Server) tthcImport(c *fiber.Ctx) error {
	fh, err := c.FormFile("file")
	if err != nil {
		return s.tthcImportForm(c, nil, qms.FieldError("file", "Chọn tệp danh mục (CSV hoặc XLSX) để nhập."))
	}
	f, err := openUpload("file", fh, tthcUploads)
	if err != nil {
		return s.tthcImportForm(c, nil, err)
	}
	defer f.Close()
	created, updated, err := s.importTTHC(c, filepath.Base(fh.Filename), f)
	var perr *importer.Errors
	if asErr(err, &perr) {
		c.Status(fiber.StatusBadRequest)
		data := &tthcImportPage{page: s.page(c), File: fh.Filename, Problems: perr.Problems, ProblemCount: perr.Count(), OmittedProblems: perr.Omitted()}
		data.In = formInputOf(c, nil)
		return s.tthcImportForm(c, data, nil)
	} else if err != nil {
		return s.tthcImportForm(c, nil, err)
	}
	return s.tthcImportForm(c, &tthcImportPage{page: s.page(c), File: fh.Filename, Done: true, Created: created, Updated: updated}, nil)
}

func (s *Server) apiTTHCList(c *fiber.Ctx) error {
	ts, err := s.Procedures.FindTTHCs(c.UserContext(), callerOf(c).agency)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"tthc": orEmpty(ts)})
}

func (s *Server) apiTTHCStatus(c *fiber.Ctx) error {
	rows, _, err := s.controlRows(c)
	if err != nil {
		return err
	}
	out := make([]qms.Control, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.Control)
	}
	return c.JSON(out)
}

// apiTTHCImport takes the file as multipart field "file", or as the raw
// body with ?name=catalogue.csv telling its format.
func (s *Server) apiTTHCImport(c *fiber.Ctx) error {
	var (
		name string
		r    io.Reader
	)
	if fh, err := c.FormFile("file"); err == nil {
		f, err := openUpload("file", fh, tthcUploads)
		if err != nil {
			return err
		}
		defer f.Close()
		name, r = filepath.Base(fh.Filename), f
	} else {
		body := bytes.NewReader(c.Body())
		name, r = c.Query("name", "upload.csv"), body
		if _, err := checkUpload("file", name, body, body.Size(), tthcUploads); err != nil {
			return err
		}
	}
	created, updated, err := s.importTTHC(c, name, r)
	var perr *importer.Errors
	if asErr(err, &perr) {
		lines := make([]string, 0, len(perr.Problems))
		for _, p := range perr.Problems {
			lines = append(lines, p.String())
		}
		// rows lists the first problems only (importer.Limits.Problems) and
		// total counts them all, so the answer stays small for any file.
		return c.Status(fiber.StatusBadRequest).JSON(fiber.Map{"error": fiber.Map{"code": qms.EINVALID, "message": qms.ErrorMessage(err), "field": "file", "rows": lines, "total": perr.Count()}})
	} else if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"created": created, "updated": updated})
}

func (s *Server) search(c *fiber.Ctx) error {
	hits, err := s.Procedures.Search(c.UserContext(), callerOf(c).agency, c.Query("q"), 50)
	if err != nil {
		return err
	}
	data := &searchPage{page: s.page(c), Hits: hits, Query: c.Query("q")}
	return s.renderPage(c, "search", &data.page, data, nil)
}

// searchPage is the data of the search page.
type searchPage struct {
	page
	Hits  []qms.SearchHit
	Query string // the text searched for
}

func (s *Server) apiSearch(c *fiber.Ctx) error {
	hits, err := s.Procedures.Search(c.UserContext(), callerOf(c).agency, c.Query("q"), c.QueryInt("limit", 50))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"hits": hits})
}
