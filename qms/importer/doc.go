// Package importer reads the spreadsheets agencies bring to the system: the
// catalogue of administrative procedures (TTHC) and the history of one-stop
// dossiers. It only parses and validates; storing is the caller's job.
//
// Files are CSV (UTF-8, with or without BOM, comma or the semicolon that
// Excel writes under Vietnamese regional settings) or XLSX (the first sheet
// unless Options.Sheet says otherwise). The first non-blank row is the
// header; column names are matched without regard to case, and the
// Vietnamese names used in agencies' spreadsheets are accepted as aliases.
// Blank rows are skipped. Text is normalized to Unicode NFC.
//
// Imports are all-or-nothing. If any row is wrong, the parsers return nil
// and an *Errors listing the problems of the rows, each as
// "row N: column: message" where N is the row number a spreadsheet shows
// (the header is usually row 1, the first data row 2): the first 100, with
// the count of all. Problems with the file as a whole (format, size, no
// header) are a *qms.Error. Both kinds have the code qms.EINVALID.
//
// Everything a file can make the parsers read is bounded (Limits, with
// defaults per kind of import in limits.go): the file's size, an XLSX's
// inflated size (declared and actual), its shared strings, the rows,
// blank rows included, the cells of a row and the length of a cell. A
// cell over its limit is a problem of its row and column; the others
// refuse the file. Messages quote at most 80 characters of a cell.
//
// Dates: published_on is a civil date, returned as midnight UTC of that
// date (format it with "2006-01-02", do not convert it to a zone). Dossier
// times without an offset are wall-clock times in Asia/Ho_Chi_Minh.
//
// Usage:
//
//	f, err := os.Open("tthc.xlsx")
//	if err != nil {
//		return err
//	}
//	defer f.Close()
//	procs, err := importer.ParseTTHC(f, f.Name(), importer.Options{
//		AgencyCode:  agency.Code,
//		KnownFields: fields, // the agency's lĩnh vực catalogue
//	})
//	var list *importer.Errors
//	if errors.As(err, &list) {
//		for _, p := range list.Problems {
//			fmt.Println(p) // row 5: time_limit_days: thời hạn giải quyết "năm" phải là số ngày viết bằng chữ số, như 15
//		}
//		return err
//	} else if err != nil {
//		return err
//	}
//	// store procs in one transaction
package importer
