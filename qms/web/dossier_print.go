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
	D       *qms.Dossier
	Org     *qms.Agency
	TTHC    *qms.TTHC
	P       *qms.Procedure
	Steps   []*qms.StepRecord
	signers func(string, ...qms.Role) signer
}

func (s *Server) slipData(c *fiber.Ctx) (*slipData, error) {
	ctx := c.UserContext()
	p, err := s.Dossiers.DossierProgress(ctx, callerOf(c).agency, c.Params("code"))
	if err != nil {
		return nil, err
	}
	d := p.Dossier
	out := &slipData{D: d, Steps: p.Steps}
	if out.Org, err = s.Agencies.FindAgencyByCode(ctx, d.AgencyCode); err != nil {
		return nil, err
	}
	if out.TTHC, err = s.Procedures.FindTTHC(ctx, d.AgencyCode, d.TTHCCode); qms.ErrorCode(err) == qms.ENOTFOUND {
		out.TTHC, err = &qms.TTHC{Code: d.TTHCCode}, nil
	}
	if err != nil {
		return nil, err
	}
	// A dossier imported from a one-stop system may name no procedure of
	// ours: its slips then name the TTHC alone.
	if out.P, err = s.Procedures.FindProcedure(ctx, d.AgencyCode, d.ProcedureID); qms.ErrorCode(err) == qms.ENOTFOUND {
		out.P, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	if out.signers, err = s.signers(ctx, d.AgencyCode, langOf(c)); err != nil {
		return nil, err
	}
	return out, nil
}

// render shows a slip in the print layout, its title and back link set.
func (s *Server) renderSlip(c *fiber.Ctx, name, titleKey string, sd *slipData, data fiber.Map) error {
	data["Title"] = dictionaries[langOf(c)][titleKey] + " – " + sd.D.Code
	data["D"], data["Org"], data["TTHC"], data["P"] = sd.D, sd.Org, sd.TTHC, sd.P
	data["Back"] = "/dossiers/" + sd.D.Code
	return c.Render(name, s.view(c, data), "print_layout")
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
	views, err := s.stepViews(c, sd.D.AgencyCode, sd.D.ProcedureID, sd.Steps)
	if err != nil {
		return err
	}
	rows := make([]slipStep, len(views))
	for i, v := range views {
		rows[i] = slipStep{stepView: v, Signer: sd.signers(v.Actor, qms.RoleForStep(v.Responsible))}
		if v.DelegatedBy != "" {
			rows[i].DelegatedBy = sd.signers(v.DelegatedBy, qms.RoleForStep(v.Responsible))
		}
	}
	// A leader's step is signed (phê duyệt): the slip shows the signature.
	ids := make([]int64, len(sd.Steps))
	names := make(map[int64]string, len(sd.Steps))
	for i, st := range sd.Steps {
		ids[i], names[st.ID] = st.ID, st.StepName
	}
	sigs, err := s.signatureViews(c.UserContext(), langOf(c), qms.SignedDossierStep, func(id int64) string { return names[id] }, ids...)
	if err != nil {
		return err
	}
	return s.renderSlip(c, "control_slip", "dossier.control_slip", sd, fiber.Map{"Steps": rows, "Signatures": sigs})
}

// dossierReceipt prints the receipt and appointment slip (giấy tiếp nhận
// hồ sơ và hẹn trả kết quả, Mẫu số 01). The receiver is whoever did the
// start step, the receipt.
func (s *Server) dossierReceipt(c *fiber.Ctx) error {
	sd, err := s.slipData(c)
	if err != nil {
		return err
	}
	var receiver signer
	if len(sd.Steps) > 0 {
		receiver = sd.signers(sd.Steps[0].Actor, qms.RoleStaff)
	}
	register := sd.D.Code
	if year, n, ok := qms.ParseDossierCode(sd.D.AgencyCode, sd.D.Code); ok {
		register = fmt.Sprintf("%d/%d", n, year)
	}
	return s.renderSlip(c, "receipt_slip", "slip.receipt_title", sd, fiber.Map{"Receiver": receiver, "Register": register, "Dated": civilParts(sd.D.ReceivedAt)})
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
	if sd.D.NewAppointment == nil {
		return qms.Errorf(qms.ENOTFOUND, "Hồ sơ %s chưa có phiếu xin lỗi và hẹn lại: phiếu chỉ lập cho hồ sơ đã hoặc sẽ quá hạn, từ trang hồ sơ.", sd.D.Code)
	}
	// The slip's reason and date are those of its audit entry (the store
	// writes one with each apology); the newest is the slip in force. A
	// dossier loaded in bulk has none: its slip leaves both to be written
	// by hand rather than print a date that is not the slip's.
	action, typ, code := "dossier.apology", "dossier", sd.D.Code
	entries, _, err := s.Audit.FindAuditEntries(c.UserContext(), qms.AuditFilter{Within: &sd.D.AgencyCode, Action: &action, ObjectType: &typ, ObjectID: &code, Limit: 1})
	if err != nil {
		return err
	}
	data := fiber.Map{}
	if len(entries) > 0 {
		e := entries[0]
		data["Dated"], data["Reason"], data["MadeBy"] = civilParts(e.At), e.Reason, sd.signers(e.Actor)
	}
	return s.renderSlip(c, "apology_slip", "slip.apology_title", sd, data)
}

// civilParts splits a time into its day, month and year in Vietnam, for
// the "ngày … tháng … năm …" line of a slip.
func civilParts(t time.Time) map[string]int {
	l := t.In(qms.Zone)
	return map[string]int{"Day": l.Day(), "Month": int(l.Month()), "Year": l.Year()}
}
