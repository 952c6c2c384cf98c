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
	status, field := c.Query("status"), c.Query("field")
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
	return c.Render("tthc", s.view(c, fiber.Map{"Rows": rows, "Fields": fields, "Controlled": controlled,
		"Q":         fiber.Map{"q": c.Query("q"), "status": c.Query("status"), "field": c.Query("field")},
		"CanImport": s.can(c, "tthc", "write")}), "layout")
}

func (s *Server) tthcImportPage(c *fiber.Ctx) error {
	return c.Render("tthc_import", s.view(c, nil), "layout")
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
		return 0, 0, qms.FieldError("file", "%s", qms.ErrorMessage(err))
	case err != nil:
		return 0, 0, err
	}
	return s.Procedures.ImportTTHC(c.UserContext(), agency, items)
}

func (s *Server) tthcImport(c *fiber.Ctx) error {
	fh, err := c.FormFile("file")
	if err != nil {
		return s.render(c, "tthc_import", fiber.Map{}, qms.FieldError("file", "Chọn tệp danh mục (CSV hoặc XLSX) để nhập."))
	}
	f, err := openUpload("file", fh, tthcUploads)
	if err != nil {
		return s.render(c, "tthc_import", fiber.Map{}, err)
	}
	defer f.Close()
	created, updated, err := s.importTTHC(c, filepath.Base(fh.Filename), f)
	var perr *importer.Errors
	if asErr(err, &perr) {
		c.Status(fiber.StatusBadRequest)
		return c.Render("tthc_import", s.view(c, fiber.Map{"Problems": perr.Problems, "Count": perr.Count(), "Omitted": perr.Omitted(), "File": fh.Filename, "In": formInputOf(c, nil)}), "layout")
	} else if err != nil {
		return s.render(c, "tthc_import", fiber.Map{}, err)
	}
	return c.Render("tthc_import", s.view(c, fiber.Map{"Done": true, "Created": created, "Updated": updated, "File": fh.Filename}), "layout")
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
	return c.Render("search", s.view(c, fiber.Map{"Hits": hits, "Query": c.Query("q")}), "layout")
}

func (s *Server) apiSearch(c *fiber.Ctx) error {
	hits, err := s.Procedures.Search(c.UserContext(), callerOf(c).agency, c.Query("q"), c.QueryInt("limit", 50))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"hits": hits})
}
