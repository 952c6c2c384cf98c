package qms

import (
	"time"

	"isodt/qms/flowchart"
)

// ISO-control statuses of a TTHC and the reasons for not_controlled.
const (
	Controlled    = "controlled"
	NotControlled = "not_controlled"

	ReasonNoProcedure       = "no_procedure"
	ReasonDraftOnly         = "draft_only"
	ReasonInvalidFlowchart  = "invalid_flowchart"
	ReasonFormNotEffective  = "form_not_effective"
	ReasonOlderThanDecision = "procedure_older_than_publication"
)

// ReasonText explains each reason in Vietnamese.
var ReasonText = map[string]string{
	ReasonNoProcedure:       "Chưa có quy trình nội bộ",
	ReasonDraftOnly:         "Quy trình chưa được phê duyệt (mới ở dạng dự thảo)",
	ReasonInvalidFlowchart:  "Lưu đồ của quy trình không hợp lệ",
	ReasonFormNotEffective:  "Quy trình dùng biểu mẫu chưa có hiệu lực",
	ReasonOlderThanDecision: "Quy trình ban hành trước quyết định công bố mới nhất của thủ tục",
}

// Coverage is one procedure covering a TTHC, with its version in force
// (nil when none) and whether it has any version not withdrawn.
type Coverage struct {
	Procedure   *Procedure
	InForce     *ProcedureVersion
	HasVersions bool
}

// Control is the derived ISO-control status of a TTHC. It is never stored:
// it follows from the catalogue, the procedures and the forms at the time
// it is asked.
type Control struct {
	Code           string `json:"code"`
	Name           string `json:"name"`
	Status         string `json:"status"`
	Reason         string `json:"reason"`
	ProcedureCode  string `json:"-"`
	ProcedureTitle string `json:"-"`
	Version        int    `json:"-"`
}

// ControlOf decides whether t is under ISO control: an effective internal
// procedure version covers it, issued no earlier than the TTHC's latest
// publication, with a valid flowchart within the legal time limit and
// only forms in force. formInForce reports whether a form code has an
// effective version.
func ControlOf(t *TTHC, cov []Coverage, formInForce func(code string) bool) Control {
	c := Control{Code: t.Code, Name: t.Name, Status: NotControlled}
	var best *Coverage
	drafts := false
	for i := range cov {
		if v := cov[i].InForce; v != nil && (best == nil || effectiveOn(v).After(effectiveOn(best.InForce))) {
			best = &cov[i]
		}
		drafts = drafts || cov[i].HasVersions
	}
	switch {
	case best == nil && drafts:
		c.Reason = ReasonDraftOnly
		return c
	case best == nil:
		c.Reason = ReasonNoProcedure
		return c
	}
	v := best.InForce
	c.ProcedureCode, c.ProcedureTitle, c.Version = best.Procedure.Code, best.Procedure.Title, v.Number
	if !t.PublishedOn.IsZero() && effectiveOn(v).Before(t.PublishedOn) {
		c.Reason = ReasonOlderThanDecision
		return c
	}
	formsOK := true
	for _, code := range v.Forms {
		formsOK = formsOK && formInForce(code)
	}
	problems := flowchart.Validate(v.Flowchart, flowchart.ValidateOptions{LimitHours: LimitHours(t), FormExists: formInForce})
	for _, p := range problems {
		if p.Code != flowchart.CodeUnknownForm {
			c.Reason = ReasonInvalidFlowchart
			return c
		}
		formsOK = false
	}
	if !formsOK {
		c.Reason = ReasonFormNotEffective
		return c
	}
	c.Status = Controlled
	return c
}

// effectiveOn is the day v took effect; the zero time for a version in
// force without one, which only the database file can make (outsider
// pass 24: the compliance scan of every agency stopped on it), and which
// verification names.
func effectiveOn(v *ProcedureVersion) time.Time {
	if v.EffectiveOn == nil {
		return time.Time{}
	}
	return *v.EffectiveOn
}
