package importer

import (
	"encoding/xml"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"isodt/qms"
)

// readXLSX streams one worksheet into the table, cells as Excel displays
// them, except date cells: their display depends on the format and the
// user's locale ("03-15-24", "15/03/2024"), so they become ISO text
// ("2024-03-15" or "2024-03-15 09:30:00") that the date parsers read.
//
// The worksheet and shared strings are read by this package rather than
// by excelize, which materialises a shared string anew for every cell
// that refers to it and loads a whole worksheet to look up one cell's
// style: a small file could make it allocate gigabytes. excelize only
// formats numbers. A panic in it becomes a "corrupt file" error rather
// than taking the server down.
func (t *table) readXLSX(data []byte, sheet string) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = errBadXLSX()
		}
	}()
	p, err := openXLSX(data, t.lim)
	if err != nil {
		return err
	}
	wb, err := p.workbook()
	if err != nil {
		return err
	}
	part, err := wb.pick(sheet)
	if err != nil {
		return err
	}
	nums, err := p.styles(wb.styles)
	if err != nil {
		return err
	}
	nums.date1904 = wb.date1904
	sst, err := p.sharedStrings(wb.sharedStrings, t.lim)
	if err != nil {
		return err
	}
	x, err := p.open(part, 0)
	if err != nil {
		return err
	}
	defer x.Close()
	s := sheetReader{t: t, x: x, sst: sst, nums: nums, text: boundedText{limit: t.lim.CellBytes}}
	if err := s.read(); err != nil {
		return p.readErr(err)
	}
	return nil
}

// workbook is what the import needs of xl/workbook.xml and its
// relationships.
type workbook struct {
	names, parts  []string // sheets in workbook order
	styles        string
	sharedStrings string
	date1904      bool
}

func (p *xlsxPackage) workbook() (*workbook, error) {
	root, err := p.rels("")
	if err != nil {
		return nil, err
	}
	wbPart := byType(root, "/officeDocument", "xl/workbook.xml")
	rels, err := p.rels(wbPart)
	if err != nil {
		return nil, err
	}
	wb := &workbook{
		styles:        byType(rels, "/styles", "xl/styles.xml"),
		sharedStrings: byType(rels, "/sharedStrings", "xl/sharedStrings.xml"),
	}
	x, err := p.open(wbPart, 0)
	if err != nil {
		return nil, err
	}
	defer x.Close()
	for {
		tok, err := x.next()
		if err == io.EOF {
			break
		} else if err != nil {
			return nil, p.readErr(err)
		}
		e, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch e.Name.Local {
		case "workbookPr":
			v := attr(e, "date1904")
			wb.date1904 = v == "1" || v == "true"
		case "sheet":
			if r, ok := rels[attr(e, "id")]; ok && p.has(r[1]) {
				wb.names = append(wb.names, attr(e, "name"))
				wb.parts = append(wb.parts, r[1])
			}
		}
	}
	if len(wb.names) == 0 {
		return nil, errBadXLSX()
	}
	return wb, nil
}

// pick returns the part of the sheet named want (case-insensitive), or of
// the first sheet.
func (wb *workbook) pick(want string) (string, error) {
	if want == "" {
		return wb.parts[0], nil
	}
	for i, s := range wb.names {
		if strings.EqualFold(s, want) {
			return wb.parts[i], nil
		}
	}
	names := wb.names[:min(len(wb.names), 20)]
	for i := range names {
		names[i] = clip(names[i], 40)
	}
	return "", qms.Errorf(qms.EINVALID, "Tệp không có trang tính %s (có: %s).", quote(want), strings.Join(names, ", "))
}

// sharedStrings reads the shared-strings part: each string is kept up to
// Limits.CellBytes; longer ones are kept as their size only.
type sharedStrings struct {
	text []string
	long map[int]int // index → size of a string over the limit
}

func (p *xlsxPackage) sharedStrings(part string, lim Limits) (*sharedStrings, error) {
	sst := &sharedStrings{long: map[int]int{}}
	if !p.has(part) {
		return sst, nil
	}
	x, err := p.open(part, lim.SharedStringsBytes)
	if err != nil {
		return nil, err
	}
	defer x.Close()
	text := boundedText{limit: lim.CellBytes}
	inSI, inT, phonetic := false, false, 0
	for {
		tok, err := x.next()
		if err == io.EOF {
			return sst, nil
		} else if err != nil {
			return nil, p.readErr(err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			switch e.Name.Local {
			case "si":
				inSI, phonetic = true, 0
				text.reset()
			case "rPh": // phonetic guide, not part of the text
				phonetic++
			case "t":
				inT = inSI && phonetic == 0
			}
		case xml.EndElement:
			switch e.Name.Local {
			case "si":
				if text.long() {
					sst.long[len(sst.text)] = text.size
					sst.text = append(sst.text, "")
				} else {
					// Cleaned once here: cells refer to it many times.
					sst.text = append(sst.text, cleanCell(text.String()))
				}
				inSI = false
			case "rPh":
				phonetic--
			case "t":
				inT = false
			}
		case xml.CharData:
			if inT {
				text.write(e)
			}
		}
	}
}

// sheetReader streams a worksheet's rows into the table.
type sheetReader struct {
	t    *table
	x    *xmlReader
	sst  *sharedStrings
	nums *numberCells
	text boundedText

	r                  *row // the row being read
	col                int  // the cell being read (0-based), -1 between cells
	style              int
	typ                string
	inValue, inInline  bool
	inT                bool
	phonetic           int
	inSheetData, ended bool
}

func (s *sheetReader) read() error {
	last := 0 // the last row number read
	for !s.ended {
		tok, err := s.x.next()
		if err == io.EOF {
			break
		} else if err != nil {
			return err
		}
		switch e := tok.(type) {
		case xml.StartElement:
			if err := s.start(e, &last); err != nil {
				return err
			}
		case xml.EndElement:
			if err := s.end(e); err != nil {
				return err
			}
		case xml.CharData:
			if s.inValue || (s.inT && s.phonetic == 0) {
				s.text.write(e)
			}
		}
	}
	return nil
}

func (s *sheetReader) start(e xml.StartElement, last *int) error {
	switch e.Name.Local {
	case "sheetData":
		s.inSheetData = true
	case "row":
		if !s.inSheetData {
			return nil
		}
		num := *last + 1
		if v := attr(e, "r"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return errBadXLSX()
			}
			num = max(num, n)
		}
		if num > maxExcelRow {
			return errBadXLSX()
		}
		*last = num
		s.r, s.col = &row{num: num}, -1
	case "c":
		if s.r == nil {
			return nil
		}
		col := s.col + 1
		if ref := attr(e, "r"); ref != "" {
			c, _, err := excelize.CellNameToCoordinates(ref)
			if err != nil {
				return errBadXLSX()
			}
			col = c - 1
		}
		s.col, s.typ, s.style = col, attr(e, "t"), 0
		if v := attr(e, "s"); v != "" {
			s.style, _ = strconv.Atoi(v)
		}
		s.text.reset()
	case "v":
		s.inValue = s.r != nil
	case "is":
		s.inInline = s.r != nil
	case "t":
		s.inT = s.inInline
	case "rPh":
		s.phonetic++
	}
	return nil
}

func (s *sheetReader) end(e xml.EndElement) error {
	switch e.Name.Local {
	case "sheetData":
		s.ended = true
	case "row":
		if s.r == nil {
			return nil
		}
		r := s.r
		s.r = nil
		return s.t.add(*r)
	case "c":
		if s.r != nil {
			return s.cell()
		}
	case "v":
		s.inValue = false
	case "is":
		s.inInline = false
	case "t":
		s.inT = false
	case "rPh":
		s.phonetic--
	}
	return nil
}

// cell stores the cell just read in the current row.
func (s *sheetReader) cell() error {
	if s.text.long() {
		s.t.setLong(s.r, s.col, s.text.size)
		return nil
	}
	v := s.text.String()
	switch s.typ {
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || i < 0 || i >= len(s.sst.text) {
			return errBadXLSX()
		}
		if size, ok := s.sst.long[i]; ok {
			s.t.setLong(s.r, s.col, size)
			return nil
		}
		if v = s.sst.text[i]; v != "" {
			s.t.setCell(s.r, s.col, v)
		}
		return nil
	case "", "n":
		if _, err := strconv.ParseFloat(v, 64); err == nil {
			v = s.nums.text(s.style, v)
		}
	}
	if v != "" {
		s.t.setCell(s.r, s.col, cleanCell(v))
	}
	return nil
}

// styles reads the number format of each cell style (cellXfs) from the
// styles part.
func (p *xlsxPackage) styles(part string) (*numberCells, error) {
	n := &numberCells{custom: map[int]string{}, kinds: map[int]numberKind{}, shown: map[int]int{}}
	if !p.has(part) {
		return n, nil
	}
	x, err := p.open(part, 0)
	if err != nil {
		return nil, err
	}
	defer x.Close()
	inXfs := false
	for {
		tok, err := x.next()
		if err == io.EOF {
			return n, nil
		} else if err != nil {
			return nil, p.readErr(err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			switch e.Name.Local {
			case "numFmt":
				if id, err := strconv.Atoi(attr(e, "numFmtId")); err == nil {
					n.custom[id] = attr(e, "formatCode")
				}
			case "cellXfs":
				inXfs = true
			case "xf":
				if inXfs {
					id, _ := strconv.Atoi(attr(e, "numFmtId"))
					n.xfs = append(n.xfs, id)
				}
			}
		case xml.EndElement:
			if e.Name.Local == "cellXfs" {
				inXfs = false
			}
		}
	}
}

// numberCells displays numeric cells by their style's number format.
// Styles are few and cells many, so the kind of format is cached by style.
type numberCells struct {
	date1904 bool
	xfs      []int          // style index → number format id
	custom   map[int]string // number format id → its code, for the file's own formats
	kinds    map[int]numberKind

	// scratch is a one-cell workbook through which excelize formats a
	// number with a style's format; shown maps a style to its copy there.
	scratch *excelize.File
	shown   map[int]int
}

type numberKind int

const (
	numberRaw   numberKind = iota + 1 // shown as stored (General, unknown style)
	numberPlain                       // shown by excelize with its format
	numberDate                        // shown as ISO text
)

// maxFormatCode is Excel's own limit on a number format's length.
const maxFormatCode = 255

// text returns what to import for the number raw in a cell of the style:
// ISO text for a date, excelize's formatted value for any other number.
func (n *numberCells) text(style int, raw string) string {
	kind, ok := n.kinds[style]
	if !ok {
		kind = n.kind(style)
		n.kinds[style] = kind
	}
	switch kind {
	case numberDate:
		if iso, ok := n.dateText(raw); ok {
			return iso
		}
		return n.format(style, raw)
	case numberPlain:
		return n.format(style, raw)
	}
	return raw
}

func (n *numberCells) kind(style int) numberKind {
	if style <= 0 || style >= len(n.xfs) {
		return numberRaw
	}
	id := n.xfs[style]
	code, custom := n.custom[id]
	switch {
	case custom && len(code) > maxFormatCode:
		return numberRaw
	case custom && isDateFormatCode(code), !custom && isDateFormat(id):
		return numberDate
	case !custom && id == 0:
		return numberRaw
	}
	return numberPlain
}

// format shows raw with the style's format, as Excel would.
func (n *numberCells) format(style int, raw string) string {
	if n.scratch == nil {
		n.scratch = excelize.NewFile()
	}
	sid, ok := n.shown[style]
	if !ok {
		id := n.xfs[style]
		st := &excelize.Style{NumFmt: id}
		if code, custom := n.custom[id]; custom {
			st = &excelize.Style{CustomNumFmt: &code}
		}
		var err error
		if sid, err = n.scratch.NewStyle(st); err != nil {
			sid = -1
		}
		n.shown[style] = sid
	}
	if sid < 0 {
		return raw
	}
	const sheet, cell = "Sheet1", "A1"
	if n.scratch.SetCellDefault(sheet, cell, raw) != nil || n.scratch.SetCellStyle(sheet, cell, cell, sid) != nil {
		return raw
	}
	if shown, err := n.scratch.GetCellValue(sheet, cell); err == nil {
		return shown
	}
	return raw
}

func (n *numberCells) dateText(raw string) (string, bool) {
	serial, err := strconv.ParseFloat(raw, 64)
	if err != nil || serial < 1 { // below 1 is a time of day, not a date
		return "", false
	}
	tm, err := excelize.ExcelDateToTime(serial, n.date1904)
	if err != nil {
		return "", false
	}
	if tm.Hour() == 0 && tm.Minute() == 0 && tm.Second() == 0 {
		return tm.Format("2006-01-02"), true
	}
	return tm.Format("2006-01-02 15:04:05"), true
}

// isDateFormat reports whether a built-in format has a date part (14–17,
// 22), counting the East Asian date formats that depend on the workbook's
// language (27–31, 36, 50–58).
func isDateFormat(n int) bool {
	switch {
	case 14 <= n && n <= 17, n == 22, 27 <= n && n <= 31, n == 36, 50 <= n && n <= 58:
		return true
	}
	return false
}

// isDateFormatCode reports whether a custom number format shows a date: it
// has a year or day token outside quoted text, escapes and [brackets]
// ([Red], [$-42A], [h]). A month "m" alone is ambiguous with minutes, and a
// "mm:ss" format is a duration, so only y and d count.
func isDateFormatCode(code string) bool {
	code, _, _ = strings.Cut(code, ";") // the positive section decides
	inQuote, inBracket := false, false
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case inQuote:
			inQuote = c != '"'
		case inBracket:
			inBracket = c != ']'
		case c == '"':
			inQuote = true
		case c == '[':
			inBracket = true
		case c == '\\' || c == '_' || c == '*':
			i++ // the next character is literal or padding
		case c == 'y' || c == 'Y' || c == 'd' || c == 'D':
			return true
		}
	}
	return false
}
