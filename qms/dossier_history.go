package qms

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"isodt/qms/flowchart"
)

// DossierCode is the code a dossier gets when the agency numbers it:
// AGENCY-YEAR-NNNNNN, with the year of receipt in Hà Nội and the agency's
// running number in that year.
func DossierCode(agency string, year, n int) string {
	return fmt.Sprintf("%s-%d-%06d", agency, year, n)
}

// ParseDossierCode reads the year and running number back from a code
// made by DossierCode for agency; ok is false for any other code (codes
// imported from a one-stop system keep their own shape).
func ParseDossierCode(agency, code string) (year, n int, ok bool) {
	rest, found := strings.CutPrefix(code, agency+"-")
	if !found {
		return 0, 0, false
	}
	y, num, found := strings.Cut(rest, "-")
	if !found || len(y) != 4 || len(num) < 6 {
		return 0, 0, false
	}
	year, err1 := strconv.Atoi(y)
	n, err2 := strconv.Atoi(num)
	if err1 != nil || err2 != nil || n < 1 {
		return 0, 0, false
	}
	return year, n, true
}

// DossierHistory is a dossier with the record of every step it went
// through, built in memory by replaying receipt, step completions and the
// apology under the same rules the store applies one action at a time
// (ReceiveDossier, CompleteStep, Apologize). A bulk load then writes many
// histories in one transaction: the province-scale demo data set has a
// million dossiers, far too many for a transaction per action.
type DossierHistory struct {
	Dossier Dossier
	Steps   []StepRecord // in the order done; the receipt (start step) first
}

// ReceiveHistory starts the history of d, received at d.ReceivedAt by
// actor on the flowchart fc of the version d pins: the due time counts
// days working days on cal, the receipt is the start step done, and the
// steps after it open. d carries its code, agency, TTHC, procedure
// version, applicant and channel.
func ReceiveHistory(d Dossier, fc flowchart.Flowchart, cal WorkingClock, days int, actor string) (*DossierHistory, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	if !ValidDossierCode(d.Code) {
		return nil, FieldError("code", "Mã hồ sơ %q không hợp lệ.", d.Code)
	}
	start, ok := flowchart.Start(fc)
	if !ok {
		return nil, Errorf(EINVALID, "Lưu đồ của quy trình không có bước bắt đầu.")
	}
	var err error
	d.ReceivedAt = d.ReceivedAt.UTC()
	if d.DueAt, err = cal.Due(d.ReceivedAt, days); err != nil {
		return nil, err
	}
	if d.Flow, err = StartFlow(fc, d.ReceivedAt); err != nil {
		return nil, err
	}
	d.Status, d.UpdatedAt = DossierReceived, d.ReceivedAt
	return &DossierHistory{Dossier: d, Steps: []StepRecord{{StepID: start.ID, StepName: start.Name, Responsible: start.Responsible,
		OpenedAt: d.ReceivedAt, DueAt: d.ReceivedAt, CompletedAt: d.ReceivedAt, Actor: actor, Result: OnTime}}}, nil
}

// CheckStepOpen refuses completing stepID of the dossier now: it is
// paused, has no such step, or the step is not waiting. It comes before
// the question of who may complete it (a closed step says so whoever
// asks), and that before the step's form.
func (h *DossierHistory) CheckStepOpen(fc flowchart.Flowchart, stepID string) error {
	d := &h.Dossier
	if d.Status == DossierPaused {
		return Errorf(EINVALID, "Hồ sơ %s đang tạm dừng chờ bổ sung: tiếp tục xử lý trước.", d.Code)
	}
	step, ok := flowchart.FindStep(fc, stepID)
	switch {
	case !ok:
		return FieldError("step_id", "Hồ sơ %s không có bước %q.", d.Code, stepID)
	case !d.Flow.IsOpen(stepID):
		// Named as the page names it: a second click on "complete" meets
		// this, and "tham-dinh" tells a civil servant nothing.
		return FieldError("step_id", "Bước “%s” của hồ sơ %s không còn chờ xử lý (đã được hoàn thành hoặc chưa tới): tải lại hồ sơ để xem bước đang chờ.", step.Name, d.Code)
	}
	return nil
}

// Complete records the open step in.StepID as done by actor at `at` and
// moves the flow on. A step with a form needs an entry made on a version
// of it (in.FormVersion; the store checks it is the version in force).
// Completing the end step returns the result, classified against the due
// time; a late one needs the apology first. Whether actor may complete
// the step (CheckStepActor) needs the roles held, which the callers
// check: the store's CompleteStep and the bulk load.
func (h *DossierHistory) Complete(fc flowchart.Flowchart, cal WorkingClock, in CompleteStep, at time.Time, actor string) error {
	d := &h.Dossier
	if err := h.writable(at); err != nil {
		return err
	}
	if err := h.CheckStepOpen(fc, in.StepID); err != nil {
		return err
	}
	step, _ := flowchart.FindStep(fc, in.StepID)
	if len(step.Forms) > 0 && (len(in.Entry) == 0 || in.FormVersion < 1) {
		return FieldError("entry", "Bước %q cần lập biểu mẫu %s trước khi hoàn thành.", step.Name, step.Forms[0])
	}
	var opened time.Time
	for _, o := range d.Flow.Open {
		if o.StepID == in.StepID {
			opened = o.OpenedAt
		}
	}
	at = at.UTC()
	if step.Kind == flowchart.KindEnd {
		d.Result = Classify(at, d.DueAt)
		if d.Result == Late && d.NewAppointment == nil {
			d.Result = ""
			return Errorf(EINVALID, "Hồ sơ %s đã quá hạn: lập phiếu xin lỗi và hẹn lại ngày trả kết quả trước khi trả kết quả.", d.Code)
		}
		d.Status, d.ReturnedAt = DossierCompleted, &at
	}
	next, err := Advance(fc, d.Flow, in.StepID, in.Exit, at)
	if err != nil {
		return err
	}
	stepDue, err := cal.AddWorkingHours(opened, time.Duration(step.Hours*float64(time.Hour)))
	if err != nil {
		return err
	}
	d.Flow, d.UpdatedAt = next, at
	if d.Status == DossierReceived {
		d.Status = DossierInProgress
	}
	rec := StepRecord{StepID: step.ID, StepName: step.Name, Responsible: step.Responsible, OpenedAt: opened, DueAt: stepDue,
		CompletedAt: at, Actor: actor, Exit: in.Exit, Entry: in.Entry, Files: in.Files, Note: strings.TrimSpace(in.Note),
		Result: Classify(at, stepDue), DelegatedBy: in.DelegatedBy, DelegationReason: in.DelegationReason}
	if len(step.Forms) > 0 {
		rec.FormCode, rec.FormVersion = step.Forms[0], in.FormVersion
	}
	h.Steps = append(h.Steps, rec)
	return nil
}

// Apologize records the apology slip (phiếu xin lỗi và hẹn lại ngày trả
// kết quả) made at `at` with the new appointment, under CheckApology's
// rules on the flowchart fc of the version d pins and the calendar cal.
func (h *DossierHistory) Apologize(fc flowchart.Flowchart, cal WorkingClock, newAppointment, at time.Time) error {
	d := &h.Dossier
	if err := h.writable(at); err != nil {
		return err
	}
	if err := CheckApology(d, fc, cal, newAppointment, at); err != nil {
		return err
	}
	t := newAppointment.UTC()
	d.NewAppointment, d.UpdatedAt = &t, at.UTC()
	return nil
}

// writable refuses a finished dossier and an action dated before the
// last one: a history is replayed in time order, as the store's clock
// would have stamped it.
func (h *DossierHistory) writable(at time.Time) error {
	d := &h.Dossier
	if d.Status.Finished() {
		return Errorf(EINVALID, "Hồ sơ %s đã kết thúc (%s): không thể thay đổi.", d.Code, d.Status)
	}
	if at.Before(d.UpdatedAt) {
		return Errorf(EINVALID, "Hồ sơ %s: thao tác lúc %s trước thao tác trước đó (%s).", d.Code,
			at.In(Zone).Format("02/01/2006 15:04"), d.UpdatedAt.In(Zone).Format("02/01/2006 15:04"))
	}
	return nil
}
