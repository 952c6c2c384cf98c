package demo

import (
	"fmt"
	"strings"
	"time"

	"isodt/qms"
)

// declaration records the showcase agency's declaration of conformity
// (công bố hệ thống quản lý chất lượng phù hợp TCVN ISO 9001:2015),
// signed by its director a month ago over everything it runs now: its
// catalogue and its procedures in force. The signed decision is a small
// PDF in the file store.
func (g *generator) declaration(a *agency, s Showcase) error {
	leader := a.as(g.sys, qms.RoleLeader)
	tthc, procs, err := s.DeclarationScope(leader, a.code)
	if err != nil {
		return err
	}
	number := "125/QĐ-" + a.code
	ref, err := g.s.PutFile(leader, "quyet-dinh-cong-bo-iso-"+a.code+".pdf", "application/pdf", signedDecisionPDF(number))
	if err != nil {
		return err
	}
	on := g.day(-30)
	d := &qms.Declaration{AgencyCode: a.code, Number: number, DecidedOn: time.Date(on.Year(), on.Month(), on.Day(), 0, 0, 0, 0, time.UTC),
		SignedBy: "Giám đốc " + agencyName(a.code), File: ref,
		Note: "Công bố Hệ thống quản lý chất lượng phù hợp Tiêu chuẩn quốc gia TCVN ISO 9001:2015."}
	for _, it := range tthc {
		d.TTHCCodes = append(d.TTHCCodes, it.Code)
	}
	for _, it := range procs {
		d.Processes = append(d.Processes, it.Code)
	}
	return s.CreateDeclaration(leader, d)
}

// signedDecisionPDF is a one-page PDF standing for the scanned decision.
func signedDecisionPDF(number string) []byte {
	text := "Quyet dinh so " + strings.ReplaceAll(number, "Đ", "D") + " cong bo HTQLCL phu hop TCVN ISO 9001:2015"
	stream := "BT /F1 12 Tf 40 780 Td (" + text + ") Tj ET"
	return []byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" +
		"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n" +
		"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >> endobj\n" +
		fmt.Sprintf("4 0 obj << /Length %d >> stream\n%s\nendstream endobj\n", len(stream), stream) +
		"5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\n" +
		"trailer << /Root 1 0 R >>\n%%EOF\n")
}
