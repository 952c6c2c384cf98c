package web

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
	"isodt/qms/flowchart"
)

// blankRows is how many empty rows the steps and flows tables offer for
// new entries: the editor works without JavaScript.
const blankRows = 4

// editorRows are the rows of the steps and flows tables of the editor.
type editorRowsData struct {
	Steps   []stepRow
	Edges   []flowchart.Edge
	Kinds   []flowchart.Kind
	Records []qms.RecordToKeep
}

type stepRow struct {
	flowchart.Step
	FormsText, RecordsText, HoursText string
}

func editorRows(v *qms.ProcedureVersion) editorRowsData {
	fc := v.Flowchart
	d := editorRowsData{Kinds: []flowchart.Kind{flowchart.KindStart, flowchart.KindTask, flowchart.KindDecision, flowchart.KindParallel, flowchart.KindEnd}}
	for _, st := range fc.Steps {
		d.Steps = append(d.Steps, stepRow{Step: st, FormsText: strings.Join(st.Forms, ", "), RecordsText: strings.Join(st.Records, ", "),
			HoursText: flowchart.FormatHours(st.Hours, "vi")})
	}
	d.Edges = append(d.Edges, fc.Edges...)
	d.Records = append(d.Records, v.Records...)
	for i := 0; i < blankRows; i++ {
		d.Steps = append(d.Steps, stepRow{Step: flowchart.Step{Kind: flowchart.KindTask}})
		d.Edges = append(d.Edges, flowchart.Edge{})
		d.Records = append(d.Records, qms.RecordToKeep{})
	}
	return d
}

// postedRows are the rows of the tables as the user typed them, blank
// rows and bad values included, for the page shown again after a failed
// save: a row's index is its index in the form, so an error about row i
// (field step_hours.i) stands next to it.
func postedRows(c *fiber.Ctx) editorRowsData {
	d := editorRows(&qms.ProcedureVersion{})
	d.Steps, d.Edges, d.Records = nil, nil, nil
	ids, names, kinds := postValues(c, "step_id"), postValues(c, "step_name"), postValues(c, "step_kind")
	resp, hours, forms, records := postValues(c, "step_responsible"), postValues(c, "step_hours"), postValues(c, "step_forms"), postValues(c, "step_records")
	for i := range ids {
		d.Steps = append(d.Steps, stepRow{Step: flowchart.Step{ID: at(ids, i), Name: at(names, i), Kind: flowchart.Kind(at(kinds, i)), Responsible: at(resp, i)},
			HoursText: at(hours, i), FormsText: at(forms, i), RecordsText: at(records, i)})
	}
	from, to, label := postValues(c, "edge_from"), postValues(c, "edge_to"), postValues(c, "edge_label")
	for i := range from {
		d.Edges = append(d.Edges, flowchart.Edge{From: at(from, i), To: at(to, i), Label: at(label, i)})
	}
	rn, rk, rr := postValues(c, "record_name"), postValues(c, "record_kept_at"), postValues(c, "record_retention")
	for i := range rn {
		d.Records = append(d.Records, qms.RecordToKeep{Name: at(rn, i), KeptAt: at(rk, i), Retention: at(rr, i)})
	}
	return d
}

// postValues returns every value posted under name, in order.
func postValues(c *fiber.Ctx, name string) []string {
	var out []string
	for _, v := range c.Request().PostArgs().PeekMulti(name) {
		out = append(out, string(v))
	}
	return out
}

func at(xs []string, i int) string {
	if i < len(xs) {
		return strings.TrimSpace(xs[i])
	}
	return ""
}

// versionFromForm reads the sections and the steps, flows and records
// tables; empty rows are skipped, a bad number names its row.
func versionFromForm(c *fiber.Ctx, v *qms.ProcedureVersion) error {
	v.Purpose, v.Scope, v.References, v.Definitions = c.FormValue("purpose"), c.FormValue("scope"), c.FormValue("references"), c.FormValue("definitions")
	v.ChangeSummary, v.Reviewer = c.FormValue("change_summary"), c.FormValue("reviewer")
	v.Forms = []string{c.FormValue("forms")}
	ids, names, kinds := postValues(c, "step_id"), postValues(c, "step_name"), postValues(c, "step_kind")
	resp, hours, forms, records := postValues(c, "step_responsible"), postValues(c, "step_hours"), postValues(c, "step_forms"), postValues(c, "step_records")
	fc := flowchart.Flowchart{Steps: []flowchart.Step{}, Edges: []flowchart.Edge{}}
	for i := range ids {
		if at(ids, i) == "" && at(names, i) == "" {
			continue
		}
		st := flowchart.Step{ID: at(ids, i), Name: at(names, i), Kind: flowchart.Kind(at(kinds, i)), Responsible: at(resp, i),
			Forms: splitList(at(forms, i)), Records: splitList(at(records, i))}
		if h := strings.ReplaceAll(at(hours, i), ",", "."); h != "" {
			n, err := strconv.ParseFloat(h, 64)
			if err != nil || n < 0 {
				return qms.FieldError(fmt.Sprintf("step_hours.%d", i), "Bước dòng %d (%s): thời gian %q phải là số giờ làm việc, ví dụ 8 hoặc 0,5.", i+1, st.Name, at(hours, i))
			}
			st.Hours = flowchart.RoundToMinute(n)
		}
		fc.Steps = append(fc.Steps, st)
	}
	from, to, label := postValues(c, "edge_from"), postValues(c, "edge_to"), postValues(c, "edge_label")
	for i := range from {
		if at(from, i) == "" && at(to, i) == "" {
			continue
		}
		fc.Edges = append(fc.Edges, flowchart.Edge{From: at(from, i), To: at(to, i), Label: at(label, i)})
	}
	// The table shows no BPMN lanes, task kinds or flow ids: keep those
	// of an imported flowchart for its export.
	v.Flowchart = flowchart.KeepImported(v.Flowchart, fc)
	rn, rk, rr := postValues(c, "record_name"), postValues(c, "record_kept_at"), postValues(c, "record_retention")
	v.Records = []qms.RecordToKeep{}
	for i := range rn {
		if at(rn, i) == "" && at(rk, i) == "" && at(rr, i) == "" {
			continue
		}
		v.Records = append(v.Records, qms.RecordToKeep{Name: at(rn, i), KeptAt: at(rk, i), Retention: at(rr, i)})
	}
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}
