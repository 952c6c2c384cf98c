// Package formschema describes the inputs of a controlled form (biểu mẫu)
// and checks what people enter in it. A form version carries a Schema, a
// JSON list of typed fields; the web app renders the HTML inputs from it,
// validates a posted entry server-side, stores the typed Entry as JSON and
// prints it.
//
// It is pure logic: no storage, no HTTP, only the standard library and
// the qms error type. Files are stored by the web layer, which passes a
// FileRef here.
//
//	s, err := formschema.Parse([]byte(`{"fields": [
//		{"name": "ma_ho_so", "label": "Mã hồ sơ", "type": "text", "required": true},
//		{"name": "so_bo", "label": "Số bộ hồ sơ", "type": "number", "integer": true, "min": 1},
//		{"name": "ngay_hen_tra", "label": "Ngày hẹn trả kết quả", "type": "date", "required": true}
//	]}`))
//	if err != nil {
//		return err // *qms.Error, EINVALID: `trường thứ 2 ("so_bo"): ...`
//	}
//	// In the handler (post/redirect/get):
//	entry, errs := s.ValidateEntry(r.PostForm, files)
//	if len(errs) > 0 {
//		page.Inputs = s.Inputs(formschema.Posted(r.PostForm), errs) // for the page template
//		return render(page) // error shown next to each field
//	}
//	b, _ := json.Marshal(entry) // store; read back with s.DecodeEntry(b)
//	rows := s.Display(entry)     // for the printed form
//
// A new form starts with what the system knows: s.Prefill(facts) fills the
// fields named for the dossier code, the applicant's name, ID number,
// phone and address, and the received and appointed dates and hours
// (prefillRules lists the names; the field's type must match too).
//
// Values are read the way Vietnamese users write them: numbers "1.234,5"
// (and "1234.5"), dates "16/02/2026" (and "2026-02-16"); an Entry keeps
// float64 and ISO dates, and Inputs and Display write them back the
// Vietnamese way. Every message is Vietnamese and safe to show.
package formschema
