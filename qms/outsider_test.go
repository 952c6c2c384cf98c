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
		// An applicant's id number is bounded by its format now
		// (TestApplicantIDNumber in qms/web); 21 characters still read
		// as too long there.
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

// TestOutsider6OneLineFieldsRefuseInvisible: every name, title and code a
// domain check takes, whatever its bound up to qms.MaxLineText, refuses a
// character that draws as nothing (the Hangul filler U+3164 is even a
// letter to \p{L}); any text, a note too, refuses being nothing but
// such characters; the same field typed plainly passes.
func TestOutsider6OneLineFieldsRefuseInvisible(t *testing.T) {
	now := time.Now()
	checks := []struct {
		name, field string
		check       func(s string) error
	}{
		{"procedure title", "title", func(s string) error {
			return (&qms.Procedure{Code: "QT-01", Title: s, ReviewMonths: 12}).Validate()
		}},
		{"procedure code", "code", func(s string) error {
			return (&qms.Procedure{Code: "QT" + strings.TrimPrefix(s, "Quy trình"), Title: "Quy trình", ReviewMonths: 12}).Validate()
		}},
		{"procedure owner unit", "owner_unit", func(s string) error {
			return (&qms.Procedure{Code: "QT-01", Title: "Quy trình", OwnerUnit: s, ReviewMonths: 12}).Validate()
		}},
		{"form code", "code", func(s string) error {
			return (&qms.Form{Code: "BM" + strings.TrimPrefix(s, "Quy trình"), Title: "Mẫu", Kind: qms.FormISO}).Validate()
		}},
		{"objective title", "title", func(s string) error {
			return (&qms.Objective{Title: s, Year: now.Year(), Measure: "timely_rate", Target: 95, Period: "year"}).Validate()
		}},
		{"management review title", "title", func(s string) error { return (&qms.ManagementReview{Title: s, HeldOn: now}).Validate() }},
		{"TTHC name", "name", func(s string) error {
			return (&qms.TTHC{Code: "1.000001", Name: s, Field: "Văn hóa", Status: qms.TTHCActive}).Validate()
		}},
		{"agency name", "name", func(s string) error { return (&qms.Agency{Code: "SVH", Name: s}).Validate() }},
		{"competence code", "code", func(s string) error {
			return (&qms.Competence{Code: "MC" + strings.TrimPrefix(s, "Quy trình"), Name: "Một cửa"}).Validate()
		}},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if err := c.check("Quy trình"); err != nil {
				t.Fatalf("plain: %v", err)
			}
			for _, bad := range []string{"\u3164", "\u00ad", "\u200d", "\u2800", "\U000E0041"} {
				if err := c.check("Quy trình" + bad); qms.ErrorField(err) != c.field {
					t.Errorf("with U+%04X: %v, want a refusal of %s", []rune(bad)[0], err, c.field)
				}
			}
		})
	}
	// A note may hold an emoji's joiner, not only what draws as nothing.
	item := func(s string) error {
		return (&qms.ContextItem{Kind: qms.ContextInternal, Title: s}).Validate()
	}
	if err := item("Cán bộ phản hồi 👍🏻\u200d"); err != nil {
		t.Errorf("a context issue with an emoji joiner: %v", err)
	}
	if err := item("\u3164 \u2800"); qms.ErrorField(err) != "title" {
		t.Errorf("a context issue of invisible characters only: %v", err)
	}
}
