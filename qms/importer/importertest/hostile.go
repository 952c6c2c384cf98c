// Package importertest builds hostile import files for tests: XLSX files
// that are small on the wire but would cost gigabytes to read naively.
// They are generated, never stored, and cheap to make.
package importertest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"strings"
)

// Header is the catalogue header every file here starts with; LongColumn
// is the column (E) that holds the huge shared string.
const (
	Header     = "code,name,field,time_limit_days,legal_basis"
	LongColumn = "legal_basis"
)

// part is one ZIP entry: its name and a function writing its content.
type part struct {
	name  string
	write func(w io.Writer)
	// declared, when set, replaces the size the ZIP records for the part:
	// larger than the content for a declared-size bomb, smaller for one
	// that lies.
	declared uint64
}

func text(s string) func(io.Writer) {
	return func(w io.Writer) { io.WriteString(w, s) }
}

const (
	contentTypes = `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`
	rootRels     = `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`
	workbook     = `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`
	workbookRels = `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`
	sheetStart   = `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
	sheetEnd     = `</sheetData></worksheet>`
)

// build writes the package: the fixed parts, then sheet and sst.
func build(sheet, sst part) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range []part{
		{name: "[Content_Types].xml", write: text(contentTypes)},
		{name: "_rels/.rels", write: text(rootRels)},
		{name: "xl/workbook.xml", write: text(workbook)},
		{name: "xl/_rels/workbook.xml.rels", write: text(workbookRels)},
		sheet, sst,
	} {
		if err := add(zw, p); err != nil {
			panic(err)
		}
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// add deflates the part itself so that it can record any size.
func add(zw *zip.Writer, p part) error {
	var raw bytes.Buffer
	fw, _ := flate.NewWriter(&raw, flate.BestSpeed)
	h := crc32.NewIEEE()
	n := &counter{}
	p.write(io.MultiWriter(fw, h, n))
	if err := fw.Close(); err != nil {
		return err
	}
	size := n.n
	if p.declared != 0 {
		size = p.declared
	}
	w, err := zw.CreateRaw(&zip.FileHeader{Name: p.name, Method: zip.Deflate, CRC32: h.Sum32(),
		CompressedSize64: uint64(raw.Len()), UncompressedSize64: size})
	if err != nil {
		return err
	}
	_, err = w.Write(raw.Bytes())
	return err
}

type counter struct{ n uint64 }

func (c *counter) Write(p []byte) (int, error) { c.n += uint64(len(p)); return len(p), nil }

// headerRow is row 1: the catalogue header as inline strings.
func headerRow(w io.Writer) {
	io.WriteString(w, `<row r="1">`)
	for i, h := range strings.Split(Header, ",") {
		fmt.Fprintf(w, `<c r="%c1" t="inlineStr"><is><t>%s</t></is></c>`, 'A'+i, h)
	}
	io.WriteString(w, `</row>`)
}

// sstPart is a shared-strings part holding one string of size bytes.
func sstPart(size int) part {
	return part{name: "xl/sharedStrings.xml", write: func(w io.Writer) {
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>`)
		chunk := strings.Repeat("Nghị định ", 1024)
		for n := 0; n < size; n += len(chunk) {
			io.WriteString(w, chunk)
		}
		io.WriteString(w, `</t></si></sst>`)
	}}
}

// SharedStringBomb is a catalogue whose shared-strings part holds one
// string of about stringBytes, referenced by the legal_basis cell (column
// E) of each of rows data rows (sheet rows 2 to rows+1), which are
// otherwise valid.
func SharedStringBomb(stringBytes, rows int) []byte {
	sheet := part{name: "xl/worksheets/sheet1.xml", write: func(w io.Writer) {
		io.WriteString(w, sheetStart)
		headerRow(w)
		for i := range rows {
			r := i + 2
			fmt.Fprintf(w, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>1.%06d</t></is></c><c r="B%d" t="inlineStr"><is><t>Thủ tục</t></is></c><c r="C%d" t="inlineStr"><is><t>Văn hóa</t></is></c><c r="D%d"><v>5</v></c><c r="E%d" t="s"><v>0</v></c></row>`, r, r, i, r, r, r, r)
		}
		io.WriteString(w, sheetEnd)
	}}
	return build(sheet, sstPart(stringBytes))
}

// BlankRows is a catalogue with a header and one valid row, then blank
// rows: n <row> elements without cells, which compress to almost nothing.
func BlankRows(n int) []byte {
	sheet := part{name: "xl/worksheets/sheet1.xml", write: func(w io.Writer) {
		io.WriteString(w, sheetStart)
		headerRow(w)
		io.WriteString(w, `<row r="2"><c r="A2" t="inlineStr"><is><t>1.000001</t></is></c><c r="B2" t="inlineStr"><is><t>Thủ tục</t></is></c><c r="C2" t="inlineStr"><is><t>Văn hóa</t></is></c><c r="D2"><v>5</v></c></row>`)
		for range n {
			io.WriteString(w, `<row/>`)
		}
		io.WriteString(w, sheetEnd)
	}}
	return build(sheet, sstPart(0))
}

// DeclaredBomb is a catalogue whose worksheet part declares declared
// bytes once inflated (its real content is tiny): refused on its
// declaration alone.
func DeclaredBomb(declared uint64) []byte {
	sheet := part{name: "xl/worksheets/sheet1.xml", declared: declared, write: func(w io.Writer) {
		io.WriteString(w, sheetStart)
		headerRow(w)
		io.WriteString(w, sheetEnd)
	}}
	return build(sheet, sstPart(0))
}

// LyingBomb is a catalogue whose worksheet part declares 1 KiB but
// inflates to actual bytes (the rest a long run of blank rows): it must be
// refused once it passes what it declared.
func LyingBomb(actual int) []byte {
	sheet := part{name: "xl/worksheets/sheet1.xml", declared: 1 << 10, write: func(w io.Writer) {
		io.WriteString(w, sheetStart)
		headerRow(w)
		for n := 0; n < actual; n += 6 {
			io.WriteString(w, `<row/>`)
		}
		io.WriteString(w, sheetEnd)
	}}
	return build(sheet, sstPart(0))
}

// XLSX is a one-sheet workbook with the given sheetData content (rows)
// and shared strings (<si> elements).
func XLSX(rows, sharedStrings string) []byte {
	sheet := part{name: "xl/worksheets/sheet1.xml", write: text(sheetStart + rows + sheetEnd)}
	sst := part{name: "xl/sharedStrings.xml", write: text(`<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` + sharedStrings + `</sst>`)}
	return build(sheet, sst)
}

// WideSharedStrings is a sheet of rows rows whose first cols cells all
// refer to one shared string of size bytes: within every per-cell limit,
// but rows × cols × size bytes of text to check.
func WideSharedStrings(rows, cols, size int) []byte {
	sheet := part{name: "xl/worksheets/sheet1.xml", write: func(w io.Writer) {
		io.WriteString(w, sheetStart)
		for range rows {
			io.WriteString(w, `<row>`)
			for range cols {
				io.WriteString(w, `<c t="s"><v>0</v></c>`)
			}
			io.WriteString(w, `</row>`)
		}
		io.WriteString(w, sheetEnd)
	}}
	sst := part{name: "xl/sharedStrings.xml", write: text(`<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>` + strings.Repeat("x", size) + `</t></si></sst>`)}
	return build(sheet, sst)
}
