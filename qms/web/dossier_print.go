package web

import (
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
)

// The one-stop slips of a dossier, printed on A4 in the forms of Circular
// 01/2018/TT-VPCP: the receipt and appointment (Mẫu số 01), the apology
// and new appointment (Mẫu số 04) and the process control slip (Mẫu số
// 05).

// slipData is what every slip of a dossier shows: the dossier, its
// agency, its procedure (the TTHC and the internal procedure version it
// pinned), its step log and a lookup of the people who signed.
type slipData struct {
	Dossier   *qms.Dossier
	Unit      *qms.Agency // the dossier's agency, which issues the slip
	TTHC      *qms.TTHC
	Procedure *qms.Procedure // nil for a dossier that names none of ours
	steps     []*qms.StepRecord
	signers   func(string, ...qms.Role) signer
}

func (s *Server) slipData(c *fiber.Ctx) (*slipData, error) {
	ctx := c.UserContext()
	p, err := s.Dossiers.DossierProgress(ctx, callerOf(c).agency, c.Params("code"))
	if err != nil {
		return nil, err
	}
	d := p.Dossier
	out := &slipData{Dossier: d, steps: p.Steps}
	if out.Unit, err = s.Agencies.FindAgencyByCode(ctx, d.AgencyCode); err != nil {
		return nil, err
	}
	if out.TTHC, err = s.Procedures.FindTTHC(ctx, d.AgencyCode, d.TTHCCode); qms.ErrorCode(err) == qms.ENOTFOUND {
		out.TTHC, err = &qms.TTHC{Code: d.TTHCCode}, nil
	}
	if err != nil {
		return nil, err
	}
	// The slips print the TTHC as the dossier was received under it.
	out.TTHC = out.TTHC.AsReceived(d)
	// A dossier imported from a one-stop system may name no procedure of
	// ours: its slips then name the TTHC alone.
	if out.Procedure, err = s.Procedures.FindProcedure(ctx, d.AgencyCode, d.ProcedureID); qms.ErrorCode(err) == qms.ENOTFOUND {
		out.Procedure, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	// The slip names the procedure as the issue the dossier follows was
	// approved, not as it may have been renamed since.
	if out.Procedure != nil {
		subject, err := s.Dossiers.PinnedSubject(ctx, d.ProcedureID, d.VersionNumber)
		if err != nil && qms.ErrorCode(err) != qms.ENOTFOUND {
			return nil, err
		}
		out.Procedure = subject.Over(out.Procedure)
	}
	if out.signers, err = s.signers(ctx, d.AgencyCode, langOf(c)); err != nil {
		return nil, err
	}
	return out, nil
}

// slipPage is a printed slip: the slip's data and what each slip adds
// (the receipt its receiver, register number and date; the apology its
// date, reason and maker; the control slip its rows and signatures).
type slipPage struct {
	printPage
	slipData
	Dated      *civilDate // the "ngày … tháng … năm …" of the head; nil leaves it blank
	Receiver   signer
	Register   string
	Reason     string
	MadeBy     *signer
	Steps      []slipStep
	Signatures []signatureView
	SurveyKey  string // the receipt's survey key, as the caller may read it
}

// renderSlip shows a slip in the print layout, its title and back link set.
func (s *Server) renderSlip(c *fiber.Ctx, name, titleKey string, sp *slipPage) error {
	d := sp.Dossier
	sp.printPage = s.printPage(c, dictionaries[langOf(c)][titleKey]+" – "+d.Code, "/dossiers/"+d.Code)
	return c.Render(name, sp, "print_layout")
}

// underReceiptName heads the slip with the agency's name as it read at
// the dossier's receipt: the receipt slip the citizen holds and the
// control slip begun with it (Mẫu số 01 and 05) do not change with a
// later rename (outsider pass 13).
func (sd *slipData) underReceiptName() {
	if name := sd.Dossier.ReceivedByName; name != "" && name != sd.Unit.Name {
		unit := *sd.Unit
		unit.Name = name
		sd.Unit = &unit
	}
}

// slipStep is a row of the process control slip: the step with its form
// record and the person who did (and signs for) it.
type slipStep struct {
	stepView
	Signer      signer
	DelegatedBy signer
}

// dossierControlSlip prints the process control slip (phiếu kiểm soát quá
// trình giải quyết hồ sơ, Mẫu số 05), one row per hand-off from the step
// log, each with its form record and its signer's full name and title.
func (s *Server) dossierControlSlip(c *fiber.Ctx) error {
	sd, err := s.slipData(c)
	if err != nil {
		return err
	}
	sd.underReceiptName()
	views, err := s.stepViews(c, sd.Dossier.AgencyCode, sd.Dossier.ProcedureID, sd.steps)
	if err != nil {
		return err
	}
	rows := make([]slipStep, len(views))
	for i, v := range views {
		rows[i] = slipStep{stepView: v, Signer: sd.signers(v.Actor, qms.RoleForStep(v.Responsible)).named(v.ActorName)}
		if v.DelegatedBy != "" {
			rows[i].DelegatedBy = sd.signers(v.DelegatedBy, qms.RoleForStep(v.Responsible)).named(v.DelegatedByName)
		}
	}
	// A leader's step is signed (phê duyệt): the slip shows the signature.
	ids := make([]int64, len(sd.steps))
	names := make(map[int64]string, len(sd.steps))
	for i, st := range sd.steps {
		ids[i], names[st.ID] = st.ID, st.StepName
	}
	sigs, err := s.signatureViews(c.UserContext(), langOf(c), qms.SignedDossierStep, func(id int64) string { return names[id] }, ids...)
	if err != nil {
		return err
	}
	// A signed step names its signer as they signed, not as their
	// account reads now, as the signature block below does.
	for _, sg := range sigs {
		for i := range rows {
			if rows[i].ID == sg.objectID {
				rows[i].Signer = sg.signer()
			}
		}
	}
	return s.renderSlip(c, "control_slip", "dossier.control_slip", &slipPage{slipData: *sd, Steps: rows, Signatures: sigs})
}

// dossierReceipt prints the receipt and appointment slip (giấy tiếp nhận
// hồ sơ và hẹn trả kết quả, Mẫu số 01). The receiver is whoever did the
// start step, the receipt.
func (s *Server) dossierReceipt(c *fiber.Ctx) error {
	sd, err := s.slipData(c)
	if err != nil {
		return err
	}
	sd.underReceiptName()
	var receiver signer
	if len(sd.steps) > 0 {
		receiver = sd.signers(sd.steps[0].Actor, qms.RoleStaff).named(sd.steps[0].ActorName)
	}
	d := sd.Dossier
	register := d.Code
	if year, n, ok := qms.ParseDossierCode(d.AgencyCode, d.Code); ok {
		register = fmt.Sprintf("%d/%d", n, year)
	}
	return s.renderSlip(c, "receipt_slip", "slip.receipt_title", &slipPage{slipData: *sd, Receiver: receiver, Register: register, Dated: civilParts(d.ReceivedAt),
		SurveyKey: s.surveyKeyFor(c, d, sd.steps)})
}

// dossierApologySlip prints the apology and new appointment slip (phiếu
// xin lỗi và hẹn lại ngày trả kết quả, Mẫu số 04) of a dossier that has
// one: dated the (working) day it was made, with the reason recorded.
// The rules that let it be made are qms.CheckApology's.
func (s *Server) dossierApologySlip(c *fiber.Ctx) error {
	sd, err := s.slipData(c)
	if err != nil {
		return err
	}
	d := sd.Dossier
	if d.NewAppointment == nil {
		return qms.Errorf(qms.ENOTFOUND, "Hồ sơ %s chưa có phiếu xin lỗi và hẹn lại: phiếu chỉ lập cho hồ sơ đã hoặc sẽ quá hạn, từ trang hồ sơ.", d.Code)
	}
	// The slip's reason and date are those of its audit entry (the store
	// writes one with each apology); the newest is the slip in force. A
	// dossier loaded in bulk has none: its slip leaves both to be written
	// by hand rather than print a date that is not the slip's.
	// A dossier that moved in a merger keeps its code, and its slip made
	// before the merger is its predecessor's entry.
	action, typ, code := "dossier.apology", "dossier", d.Code
	f := qms.AuditFilter{Within: &d.AgencyCode, Action: &action, ObjectType: &typ, ObjectID: &code, Limit: 1}
	preds, err := qms.Predecessors(c.UserContext(), s.Agencies, d.AgencyCode)
	if err != nil {
		return err
	}
	for _, p := range preds {
		f.Also = append(f.Also, p.Code)
	}
	entries, _, err := s.Audit.FindAuditEntries(c.UserContext(), f)
	if err != nil {
		return err
	}
	sp := &slipPage{slipData: *sd}
	if len(entries) > 0 {
		e := entries[0]
		madeBy := sd.signers(e.Actor)
		sp.Dated, sp.Reason, sp.MadeBy = civilParts(e.At), e.Reason, &madeBy
	}
	return s.renderSlip(c, "apology_slip", "slip.apology_title", sp)
}

// civilDate is a day, month and year, for the "ngày … tháng … năm …"
// line of a slip.
type civilDate struct{ Day, Month, Year int }

// civilParts splits a time into its day, month and year in Vietnam.
func civilParts(t time.Time) *civilDate {
	l := t.In(qms.Zone)
	return &civilDate{Day: l.Day(), Month: int(l.Month()), Year: l.Year()}
}
