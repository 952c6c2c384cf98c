package importer

// Limits bound everything an import reads, so that an upload of a few
// hundred kilobytes cannot make the server inflate, allocate or report
// gigabytes: a ZIP bomb, one huge shared string referenced by every row,
// millions of blank rows. Each parser has its own defaults
// (CatalogueLimits, DossierLimits); a zero field in Options.Limits keeps
// the default.
type Limits struct {
	// FileBytes bounds the file as uploaded.
	FileBytes int64
	// UnzippedBytes bounds the sum of the sizes of an XLSX's parts once
	// inflated, as the ZIP declares them (checked before anything is
	// inflated) and as they are actually read.
	UnzippedBytes int64
	// SharedStringsBytes bounds the XLSX shared-strings part.
	SharedStringsBytes int64
	// Rows bounds the data rows (the header and blank rows not counted).
	Rows int
	// BlankRows bounds the blank rows the file holds: they carry nothing
	// but still cost time to read.
	BlankRows int
	// Columns bounds the cells read in a row; a non-empty cell beyond it
	// makes the row wrong.
	Columns int
	// CellBytes bounds one cell's text (UTF-8 bytes).
	CellBytes int
	// RowBytes bounds one CSV record, quoted line breaks included.
	RowBytes int
	// TextBytes bounds the text of all the cells kept. An XLSX cell that
	// refers to a shared string costs nothing to read, so without it a
	// few long shared strings in every row would be checked gigabytes at
	// a time.
	TextBytes int64
	// Problems bounds the problems an *Errors lists; the rest are counted.
	Problems int
}

// Limits shared by both kinds of import.
const (
	defaultCellBytes = 4 << 10
	defaultColumns   = 64
	defaultProblems  = 100
	// maxMarkupBytes bounds one XML tag, comment or declaration of an XLSX
	// part: attributes cost the XML decoder about ten times their size.
	maxMarkupBytes = 64 << 10
	// maxXMLDepth bounds element nesting: every open element is kept on
	// the XML decoder's stack.
	maxXMLDepth = 64
	// maxZipEntries bounds the parts of an XLSX; Excel writes about a dozen.
	maxZipEntries = 1000
	// maxExcelRow is the last row a worksheet can have.
	maxExcelRow = 1 << 20
	// quoteRunes bounds how much of a cell a message quotes.
	quoteRunes = 80
)

// CatalogueLimits are the defaults of ParseTTHC. A province's whole TTHC
// catalogue is about 2,000 rows.
func CatalogueLimits() Limits {
	return Limits{
		FileBytes:          20 << 20,
		UnzippedBytes:      50 << 20,
		SharedStringsBytes: 20 << 20,
		Rows:               20_000,
		BlankRows:          20_000,
		Columns:            defaultColumns,
		CellBytes:          defaultCellBytes,
		RowBytes:           64 << 10,
		TextBytes:          64 << 20,
		Problems:           defaultProblems,
	}
}

// DossierLimits are the defaults of ParseDossierHistory. A year of one-stop
// history of a district is under 100,000 dossiers, about 40 MiB as an
// XLSX worksheet.
func DossierLimits() Limits {
	return Limits{
		FileBytes:          50 << 20,
		UnzippedBytes:      100 << 20,
		SharedStringsBytes: 32 << 20,
		Rows:               100_000,
		BlankRows:          20_000,
		Columns:            defaultColumns,
		CellBytes:          defaultCellBytes,
		RowBytes:           64 << 10,
		TextBytes:          128 << 20,
		Problems:           defaultProblems,
	}
}

// limits merges the options into the parser's defaults: Options.Limits
// field by field, then the older MaxRows and MaxBytes.
func (o Options) limits(def Limits) Limits {
	l := o.Limits
	pick := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	pick64 := func(v *int64, d int64) {
		if *v <= 0 {
			*v = d
		}
	}
	if o.MaxRows > 0 {
		l.Rows = o.MaxRows
	}
	if o.MaxBytes > 0 {
		l.FileBytes = o.MaxBytes
	}
	pick64(&l.FileBytes, def.FileBytes)
	pick64(&l.UnzippedBytes, def.UnzippedBytes)
	pick64(&l.SharedStringsBytes, def.SharedStringsBytes)
	pick64(&l.TextBytes, def.TextBytes)
	pick(&l.Rows, def.Rows)
	pick(&l.BlankRows, def.BlankRows)
	pick(&l.Columns, def.Columns)
	pick(&l.CellBytes, def.CellBytes)
	pick(&l.RowBytes, def.RowBytes)
	pick(&l.Problems, def.Problems)
	return l
}
