package web

import (
	"html/template"
	"net/url"
	"strconv"
	"time"

	"isodt/qms"
	"isodt/qms/flowchart"
)

// The HTML of the repeated parts of the dossier pages, built in Go (see
// fragment): the rows of the task and dossier lists, the list's status
// options, a dossier's history and the forms of its open steps.

// taskRows writes the rows of the task list (see fragment): a step past its
// due time is marked late.
func taskRows(ts []qms.Task, now time.Time) template.HTML {
	var r fragment
	r.b.Grow(400 * len(ts)) // a row is some 300 bytes
	for _, t := range ts {
		late := now.After(t.DueAt)
		if late {
			r.raw(`<tr class="late-row"><td>`)
		} else {
			r.raw("<tr><td>")
		}
		r.link(t.DossierCode)
		r.raw("</td>")
		r.cell(t.TTHCName)
		r.cell(t.StepName)
		r.cell(t.Responsible)
		r.raw("\n<td>")
		r.dateTime(t.DueAt)
		if late {
			r.raw(` <span class="tag warn">quá hạn</span>`)
		}
		r.raw("</td>")
		r.raw("<td>")
		r.dateTime(t.DossierDue)
		r.raw("</td>")
		r.raw("</tr>\n")
	}
	return r.html()
}

// dossierStatuses are the choices of the list's status filter.
var dossierStatuses = []struct{ value, label string }{
	{"completed", "Đã trả kết quả"}, {"in_progress", "Đang giải quyết"}, {"paused", "Tạm dừng"},
	{"received", "Mới tiếp nhận"}, {"refused", "Từ chối"}, {"withdrawn", "Rút hồ sơ"},
}

// statusOptions writes the status filter's options (see fragment), the
// chosen one selected.
func statusOptions(chosen string) template.HTML {
	var r fragment
	for _, s := range dossierStatuses {
		r.raw(`<option value="`)
		r.text(s.value)
		if s.value == chosen {
			r.raw(`" selected>`)
		} else {
			r.raw(`">`)
		}
		r.text(s.label)
		r.raw("</option>")
	}
	return r.html()
}

// dossierRows writes the rows of the dossier list (see fragment) with the
// status and result in the page's language.
func dossierRows(ds []*qms.Dossier, now time.Time, l map[string]string) template.HTML {
	var r fragment
	r.b.Grow(400 * len(ds)) // a row is some 300 bytes
	for _, d := range ds {
		r.raw("<tr><td>")
		r.link(d.Code)
		r.raw("</td>")
		r.cell(d.TTHCCode)
		r.cell(d.Applicant.Name)
		r.raw("<td>")
		r.dateTime(d.ReceivedAt)
		r.raw("</td>\n<td>")
		r.dateTime(d.DueAt)
		if d.Overdue(now) {
			r.raw(` <span class="tag warn">quá hạn</span>`)
		}
		r.raw("</td>")
		r.cell(l["dossier."+string(d.Status)])
		if d.Result != "" {
			r.cell(l["result."+d.Result])
		} else {
			r.raw("<td></td>")
		}
		r.raw("</tr>\n")
	}
	return r.html()
}

// stepRows writes the rows of a dossier's history (see fragment), with
// the links to each step's files.
func stepRows(code string, rs []*qms.StepRecord, l map[string]string) template.HTML {
	var r fragment
	r.b.Grow(300 * len(rs))
	for _, s := range rs {
		r.raw("<tr><td>")
		r.text(s.StepName)
		if s.Exit != "" {
			r.raw(" → ")
			r.text(s.Exit)
		}
		r.raw("</td>")
		r.cell(s.Actor)
		r.raw("<td>")
		r.dateTime(s.OpenedAt)
		r.raw("</td><td>")
		r.dateTime(s.CompletedAt)
		r.raw("</td>")
		r.cell(l["result."+s.Result])
		r.raw("<td>")
		r.text(s.Note)
		for _, f := range s.Files {
			r.raw(`<br><a href="/dossiers/`)
			r.text(url.PathEscape(code) + "/files/" + url.PathEscape(f.SHA256))
			r.raw(`">`)
			r.text(f.Name)
			r.raw("</a>")
		}
		r.raw("</td></tr>")
	}
	return r.html()
}

// openStepForms writes the completion form of each open step of a
// dossier: the entry of its controlled form when it records on one, the
// exit of a decision, a note and evidence files.
func openStepForms(code, csrf string, open []openStepView) template.HTML {
	var r fragment
	action := "/dossiers/" + url.PathEscape(code) + "/steps"
	for _, o := range open {
		r.raw("\n")
		r.postForm(action, `class="card step-form" enctype="multipart/form-data"`, csrf)
		r.raw("<input type=\"hidden\" name=\"step_id\" value=\"")
		r.text(o.ID)
		r.raw("\">\n  <h3>Bước đang chờ: ")
		r.text(o.Name)
		r.raw("</h3>\n  ")
		version := strconv.Itoa(o.FormVersion)
		if o.FormHTML != "" {
			r.raw("<fieldset class=\"entry\"><legend>")
			r.text(o.FormCode + " – " + o.FormTitle + " (phiên bản " + version + " đang có hiệu lực)")
			r.raw("</legend>\n  <input type=\"hidden\" name=\"form_version\" value=\"" + version + "\">")
			r.raw(string(o.FormHTML)) // built by formschema, escaped there
			r.raw("</fieldset>\n  ")
		} else if o.FormCode != "" {
			r.raw("<p class=\"error\">")
			r.text("Biểu mẫu " + o.FormCode + ": " + o.FormTitle)
			r.raw("</p>\n  ")
		}
		r.raw("<p>")
		r.text("Trách nhiệm: " + o.Responsible + " — thời gian: " + strconv.FormatFloat(o.Hours, 'g', -1, 64) + " giờ làm việc — bắt đầu ")
		r.dateTime(o.OpenedAt)
		r.raw("</p>\n  ")
		if len(o.Exits) > 0 {
			r.raw("<label>Kết quả<select name=\"exit\" id=\"exit-")
			r.text(o.ID)
			r.raw("\">")
			for _, e := range o.Exits {
				r.raw("<option>")
				r.text(e)
				r.raw("</option>")
			}
			r.raw("</select></label>")
		}
		r.raw("\n  <label>Ghi chú / kết quả xử lý<textarea name=\"note\" id=\"note-")
		r.text(o.ID)
		r.raw("\" rows=\"2\"></textarea></label>\n  <label>Tệp minh chứng (không bắt buộc)<input type=\"file\" name=\"evidence\" multiple></label>\n  <button type=\"submit\" id=\"complete-")
		r.text(o.ID)
		if o.Kind == flowchart.KindEnd {
			r.raw("\">Trả kết quả</button>\n</form>")
		} else {
			r.raw("\">Hoàn thành bước</button>\n</form>")
		}
	}
	return r.html()
}

// dossierFacts writes what a dossier is: its TTHC and procedure version,
// applicant, receipt, due time (marked when overdue) and status.
func dossierFacts(d *qms.Dossier, overdue bool, l map[string]string) template.HTML {
	var r fragment
	r.raw("<dl class=\"facts\">\n<dt>Thủ tục</dt><dd>")
	r.text(d.TTHCCode + " (quy trình phiên bản " + strconv.Itoa(d.VersionNumber) + ")")
	r.raw("</dd>\n<dt>Người nộp</dt><dd>")
	r.text(d.Applicant.Name)
	for _, v := range []string{d.Applicant.IDNumber, d.Applicant.Phone} {
		if v != "" {
			r.raw(" — ")
			r.text(v)
		}
	}
	r.raw("</dd>\n<dt>Tiếp nhận</dt><dd>")
	r.dateTime(d.ReceivedAt)
	r.raw("</dd>\n<dt>Hẹn trả kết quả</dt><dd><strong id=\"dossier-due\">")
	r.dateTime(d.DueAt)
	r.raw("</strong>")
	if overdue {
		r.raw(" <span class=\"tag warn\">quá hạn</span>")
	}
	if d.NewAppointment != nil {
		r.raw(" — hẹn lại: ")
		r.dateTime(*d.NewAppointment)
	}
	r.raw("</dd>\n<dt>Trạng thái</dt><dd><span class=\"tag\" id=\"dossier-status\">")
	r.text(l["dossier."+string(d.Status)])
	r.raw("</span>")
	if d.Result != "" {
		r.raw(" — <span id=\"dossier-result\">")
		r.text(l["result."+d.Result])
		r.raw("</span>")
	}
	r.raw("</dd>\n</dl>")
	return r.html()
}

// dossierActions writes the forms that change a dossier as a whole:
// pause for a supplement (or resume), and the apology slip.
func dossierActions(d *qms.Dossier, csrf string) template.HTML {
	var r fragment
	form := func(action string) {
		r.postForm("/dossiers/"+url.PathEscape(d.Code)+"/"+action, `class="inline"`, csrf)
	}
	r.raw("<div class=\"actions-bar\">\n")
	if d.Status == qms.DossierPaused {
		form("resume")
		r.raw("<button type=\"submit\" id=\"resume\">Đã nhận bổ sung — tiếp tục giải quyết</button></form>\n")
	} else {
		form("pause")
		r.raw("<input name=\"reason\" placeholder=\"Nội dung yêu cầu bổ sung\" required><button type=\"submit\" id=\"pause\">Yêu cầu bổ sung (tạm dừng)</button></form>\n")
	}
	form("apology")
	r.raw("\n<input name=\"new_appointment\" placeholder=\"Hẹn lại: dd/mm/yyyy hh:mm\"><input name=\"reason\" placeholder=\"Lý do chậm\"><button type=\"submit\">Lập phiếu xin lỗi, hẹn lại</button></form>\n</div>")
	return r.html()
}
