package qms_test

import (
	"strings"
	"testing"
	"time"

	"isodt/qms"
)

// TestOutsider1DomainBounds: each domain check bounds the free text it
// takes and refuses control characters, naming the field; the same
// values one rune shorter pass.
func TestOutsider1DomainBounds(t *testing.T) {
	long := func(n int) string { return strings.Repeat("ả", n) }
	now := time.Now()
	tthc := func(mod func(*qms.TTHC)) func() error {
		return func() error {
			p := qms.TTHC{Code: "1.000001", Name: "Thủ tục", Field: "Văn hóa", Status: qms.TTHCActive}
			mod(&p)
			return p.Validate()
		}
	}
	dossier := func(mod func(*qms.Dossier)) func() error {
		return func() error {
			d := qms.Dossier{TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "B"}, Channel: qms.ChannelCounter}
			mod(&d)
			return d.Validate()
		}
	}
	tests := []struct {
		name, field string
		check       func(n int) func() error
		max         int
	}{
		{"dossier note", "note", func(n int) func() error { return dossier(func(d *qms.Dossier) { d.Note = long(n) }) }, qms.MaxShortText},
		{"applicant id", "applicant.id_number", func(n int) func() error {
			return dossier(func(d *qms.Dossier) { d.Applicant.IDNumber = strings.Repeat("1", n) })
		}, 20},
		{"corrective action", "description", func(n int) func() error {
			return (&qms.CorrectiveAction{Description: long(n), Owner: "x", DueOn: now}).Validate
		}, qms.MaxShortText},
		{"review decision", "text", func(n int) func() error {
			return (&qms.ReviewDecision{Text: long(n), Owner: "x", DueOn: now}).Validate
		}, qms.MaxShortText},
		{"review minutes", "minutes", func(n int) func() error { return func() error { return qms.ValidateMinutes(long(n)) } }, qms.MaxLongText},
		{"audit programme", "title", func(n int) func() error { return (&qms.AuditProgramme{Title: long(n)}).Validate }, 300},
		{"checklist note", "note", func(n int) func() error { return func() error { return qms.ValidateAnswer("x", long(n)) } }, qms.MaxShortText},
		{"reject reason", "reason", func(n int) func() error {
			return func() error {
				a := qms.Approval{Status: qms.StatusSubmitted}
				return a.Transition(qms.ActionReject, qms.Actor{UserID: 2, Username: "lead"}, now, long(n))
			}
		}, qms.MaxShortText},
		{"objective withdrawal", "reason", func(n int) func() error {
			return func() error { return (&qms.Objective{}).Withdraw(long(n), "x", now) }
		}, qms.MaxShortText},
		{"TTHC legal basis", "legal_basis", func(n int) func() error { return tthc(func(p *qms.TTHC) { p.LegalBasis = long(n) }) }, qms.MaxLongText},
		{"user full name", "full_name", func(n int) func() error { return (&qms.User{Username: "u1", FullName: long(n)}).Validate }, qms.MaxNameText},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.check(tc.max + 1)(); qms.ErrorField(err) != tc.field || !strings.Contains(qms.ErrorMessage(err), "quá dài") && !strings.Contains(qms.ErrorMessage(err), "dài quá") {
				t.Fatalf("over the bound: %v", err)
			}
			if err := tc.check(tc.max)(); qms.ErrorField(err) == tc.field {
				t.Fatalf("at the bound: %v", err)
			}
		})
	}
	if err := dossier(func(d *qms.Dossier) { d.Note = "a\x00b" })(); qms.ErrorField(err) != "note" || !strings.Contains(qms.ErrorMessage(err), "U+0000") {
		t.Errorf("NUL in a note: %v", err)
	}
	if err := dossier(func(d *qms.Dossier) { d.Note = "dòng 1\r\n\tdòng 2" })(); err != nil {
		t.Errorf("tab and newlines refused: %v", err)
	}
}
