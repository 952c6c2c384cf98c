package qms_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"isodt/qms"
)

// allAnswered answers every required question of SIPAS2017 with v, and
// the optional ones (feedback handling) only when withOptional.
func allAnswered(v int, withOptional bool) map[string]int {
	out := map[string]int{}
	for _, q := range qms.SIPAS2017.Questions {
		if !q.Optional || withOptional {
			out[q.Code] = v
		}
	}
	return out
}

func TestSatisfaction9Validate(t *testing.T) {
	q := qms.SIPAS2017
	tests := []struct {
		name  string
		edit  func(r *qms.SatisfactionResponse)
		field string // "" = valid
	}{
		{"required only", func(r *qms.SatisfactionResponse) {}, ""},
		{"with the optional group", func(r *qms.SatisfactionResponse) { r.Answers = allAnswered(4, true) }, ""},
		{"a required question left out", func(r *qms.SatisfactionResponse) { delete(r.Answers, "CC3") }, "q_CC3"},
		{"below the scale", func(r *qms.SatisfactionResponse) { r.Answers["TT1"] = 0 }, "q_TT1"},
		{"above the scale", func(r *qms.SatisfactionResponse) { r.Answers["GY2"] = 6 }, "q_GY2"},
		{"a question the questionnaire does not have", func(r *qms.SatisfactionResponse) { r.Answers["XX9"] = 3 }, "answers"},
		{"more answers than questions", func(r *qms.SatisfactionResponse) {
			r.Answers = allAnswered(3, true)
			for i := range 5 {
				r.Answers[string(rune('a'+i))] = 3
			}
		}, "answers"},
		{"comment at the limit", func(r *qms.SatisfactionResponse) { r.Comment = strings.Repeat("ý", qms.SatisfactionMaxComment) }, ""},
		{"comment over the limit", func(r *qms.SatisfactionResponse) { r.Comment = strings.Repeat("ý", qms.SatisfactionMaxComment+1) }, "comment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &qms.SatisfactionResponse{Answers: allAnswered(5, false)}
			tt.edit(r)
			err := r.Validate(q)
			if got := qms.ErrorField(err); got != tt.field || (tt.field != "" && qms.ErrorCode(err) != qms.EINVALID) {
				t.Fatalf("field %q (%v), want %q", got, err, tt.field)
			}
			if tt.field != "" && !strings.ContainsAny(qms.ErrorMessage(err), "ăâđêôơưáàảãạ") {
				t.Errorf("message not in Vietnamese: %q", qms.ErrorMessage(err))
			}
		})
	}
}

func TestSatisfaction9OpenOnlyOnceAfterReturn(t *testing.T) {
	returned := time.Date(2026, 5, 4, 3, 0, 0, 0, time.UTC)
	open := &qms.Dossier{Code: "A-2026-000001", Status: qms.DossierInProgress}
	done := &qms.Dossier{Code: "A-2026-000002", Status: qms.DossierCompleted, ReturnedAt: &returned}
	if err := qms.SatisfactionOpen(open, false); qms.ErrorCode(err) != qms.ECONFLICT || !strings.Contains(qms.ErrorMessage(err), "chưa trả kết quả") {
		t.Errorf("before return: %v", err)
	}
	if err := qms.SatisfactionOpen(done, false); err != nil {
		t.Errorf("returned, not rated: %v", err)
	}
	// The refusal does not say when the first response was given: that
	// time beside the results would tell whose they are.
	if err := qms.SatisfactionOpen(done, true); qms.ErrorCode(err) != qms.ECONFLICT || !strings.Contains(qms.ErrorMessage(err), "một lần") ||
		strings.Contains(qms.ErrorMessage(err), "lúc") || strings.Contains(qms.ErrorMessage(err), "/") {
		t.Errorf("second response: %v", err)
	}
}

// TestSatisfactionDeidentifySurveyEntry: the audit entry of an answer
// written before answers were de-identified (object: the dossier; state:
// the whole response with the dossier's code) is read as the entries
// written since: the response's id, agency and questionnaire, flagged;
// the hash stays the one written. Other entries are left alone.
func TestSatisfactionDeidentifySurveyEntry(t *testing.T) {
	legacy := &qms.AuditEntry{ID: 7, Action: "satisfaction.submit", AgencyCode: "A", ObjectType: "dossier", ObjectID: "A-2026-000042",
		After:  []byte(`{"id":3,"agency":"A","dossier_code":"A-2026-000042","tthc_code":"1.000001","questionnaire":"SIPAS-2017","answers":{"TC1":5},"comment":"Nguyễn Văn An cảm ơn","submitted_at":"2026-05-04T03:00:00Z"}`),
		Reason: "A-2026-000042", Hash: "abc"}
	qms.DeidentifySurveyEntry(legacy)
	if legacy.ObjectType != qms.SatisfactionObject || legacy.ObjectID != "3" || legacy.Before != nil || legacy.Reason != "" || !legacy.Deidentified ||
		string(legacy.After) != `{"id":3,"agency":"A","questionnaire":"SIPAS-2017"}` || legacy.Hash != "abc" {
		t.Errorf("legacy entry read as %+v (after %s)", legacy, legacy.After)
	}
	broken := &qms.AuditEntry{Action: "satisfaction.submit", AgencyCode: "A", ObjectType: "dossier", ObjectID: "A-2026-000042", After: []byte(`{`)}
	if qms.DeidentifySurveyEntry(broken); broken.ObjectID != "" || strings.Contains(string(broken.After), "2026") || !broken.Deidentified {
		t.Errorf("unreadable legacy entry read as %+v (after %s)", broken, broken.After)
	}
	r := &qms.SatisfactionResponse{ID: 9, AgencyCode: "A", TTHCCode: "1.000001", Questionnaire: "SIPAS-2017", Answers: map[string]int{"TC1": 4}, Comment: "x"}
	now := &qms.AuditEntry{Action: "satisfaction.submit", ObjectType: qms.SatisfactionObject, ObjectID: "9", After: qms.AuditJSON(r.Audit())}
	if qms.DeidentifySurveyEntry(now); now.Deidentified || string(now.After) != `{"id":9,"agency":"A","questionnaire":"SIPAS-2017"}` {
		t.Errorf("an entry written de-identified: %+v (after %s)", now, now.After)
	}
	other := &qms.AuditEntry{Action: "dossier.complete", ObjectType: "dossier", ObjectID: "A-2026-000042", After: []byte(`{"code":"A-2026-000042"}`)}
	if qms.DeidentifySurveyEntry(other); other.ObjectID != "A-2026-000042" || other.Deidentified {
		t.Errorf("another action's entry changed: %+v", other)
	}
}

// TestSatisfaction9AggregatePerQuarter: the figures of a set of responses
// by quarter, in Hà Nội's time, without a database: the SIPAS index of a
// group is its share of answers at 4 or 5, the overall index the mean of
// the groups answered.
func TestSatisfaction9AggregatePerQuarter(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	mixed := allAnswered(5, false)
	for _, c := range []string{"CC1", "CC2", "CC3"} {
		mixed[c] = 2 // half of the civil servants' group dissatisfied
	}
	rs := []*qms.SatisfactionResponse{
		{Questionnaire: "SIPAS-2017", AgencyCode: "A", TTHCCode: "1.1", Answers: allAnswered(5, true), SubmittedAt: at("2026-01-05T02:00:00Z"), Comment: "Tốt"},
		{Questionnaire: "SIPAS-2017", AgencyCode: "A", TTHCCode: "1.2", Answers: allAnswered(3, false), SubmittedAt: at("2026-03-20T02:00:00Z")},
		// 31/03 17:30 UTC is 1 April 00:30 in Hà Nội: the second quarter.
		{Questionnaire: "SIPAS-2017", AgencyCode: "B", TTHCCode: "1.1", Answers: mixed, SubmittedAt: at("2026-03-31T17:30:00Z")},
	}
	byQuarter := qms.AggregateSatisfaction(rs, func(r *qms.SatisfactionResponse) string { return qms.Quarter(r.SubmittedAt) })
	if len(byQuarter) != 2 || byQuarter[0].Key != "2026-Q1" || byQuarter[1].Key != "2026-Q2" {
		t.Fatalf("quarters %+v", byQuarter)
	}
	q1, q2 := byQuarter[0], byQuarter[1]
	near := func(name string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-9 {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	if q1.Responses != 2 || q1.Comments != 1 || q2.Responses != 1 {
		t.Errorf("counts Q1 %d/%d, Q2 %d", q1.Responses, q1.Comments, q2.Responses)
	}
	// Q1: one all-5 and one all-3 response: 50% satisfied in each group
	// both answered; the feedback group only the first answered: 100%.
	near("Q1 TC", q1.GroupRate("TC"), 50)
	near("Q1 GY", q1.GroupRate("GY"), 100)
	near("Q1 index", q1.Index(), (50*4+100)/5.0)
	near("Q1 TC mean", q1.ByGroup["TC"].Mean(), 4)
	// Q2: the civil servants' group 3 of 6 satisfied, the others all; no
	// one answered GY, so the index is the mean of four groups.
	near("Q2 CC", q2.GroupRate("CC"), 50)
	near("Q2 index", q2.Index(), (100+100+50+100)/4.0)
	near("Q2 CC1", q2.ByQuestion["CC1"].Rate(), 0)
	byTTHC := qms.AggregateSatisfaction(rs, func(r *qms.SatisfactionResponse) string { return r.TTHCCode })
	if len(byTTHC) != 2 || byTTHC[0].Key != "1.1" || byTTHC[0].Responses != 2 {
		t.Errorf("by TTHC %+v", byTTHC)
	}
	// Three answers are too few to show: the pack keeps their count.
	sum := qms.SummarizeSatisfaction(rs, at("2026-06-01T00:00:00Z"))
	if sum.Responses != 3 || sum.Questionnaire != "SIPAS-2017" || !sum.Withheld || sum.Index != 0 || len(sum.ByGroup)+len(sum.ByQuarter) != 0 {
		t.Errorf("summary of 3 %+v", sum)
	}
	// Five more in the second quarter: the first quarter's two are
	// withheld, and so is the second's index, or the year's less it would
	// give theirs.
	for range 5 {
		rs = append(rs, &qms.SatisfactionResponse{Questionnaire: "SIPAS-2017", AgencyCode: "A", TTHCCode: "1.1", Answers: allAnswered(5, false), SubmittedAt: at("2026-05-05T02:00:00Z")})
	}
	sum = qms.SummarizeSatisfaction(rs, at("2026-06-01T00:00:00Z"))
	if sum.Responses != 8 || sum.Withheld || sum.Index == 0 || len(sum.ByQuarter) != 0 {
		t.Errorf("summary of 8 %+v", sum)
	}
	// Five in each quarter: both shown.
	for range 3 {
		rs = append(rs, &qms.SatisfactionResponse{Questionnaire: "SIPAS-2017", AgencyCode: "A", TTHCCode: "1.1", Answers: allAnswered(5, false), SubmittedAt: at("2026-02-05T02:00:00Z")})
	}
	sum = qms.SummarizeSatisfaction(rs, at("2026-06-01T00:00:00Z"))
	if len(sum.ByQuarter) != 2 || sum.ByQuarter["2026-Q1"] == 0 {
		t.Errorf("summary of 5 and 6 %+v", sum)
	}
	if empty := qms.SummarizeSatisfaction(nil, time.Now()); empty.Responses != 0 || empty.Index != 0 {
		t.Errorf("empty summary %+v", empty)
	}
}

// TestWithheldRows: rows under the minimum show their count only, and the
// smallest rows shown join them until the withheld hold none or at least
// the minimum together, so that no subtraction from the total gives them.
func TestWithheldRows(t *testing.T) {
	for _, tt := range []struct {
		rows []int
		want string
	}{
		{nil, ""},
		{[]int{5, 9}, "--"},
		{[]int{1, 51}, "WW"},
		{[]int{1, 9, 30}, "WW-"},
		{[]int{2, 3, 40}, "WW-"},
		{[]int{1, 1, 1, 1, 1, 40}, "WWWWW-"},
		{[]int{4, 6, 6}, "WW-"},
		{[]int{1, 2}, "WW"},
	} {
		got := ""
		for _, w := range qms.WithheldRows(tt.rows) {
			got += map[bool]string{true: "W", false: "-"}[w]
		}
		if got != tt.want {
			t.Errorf("WithheldRows(%v) = %q, want %q", tt.rows, got, tt.want)
		}
	}
}

// TestSatisfaction9QuestionnaireAsData: the questionnaire carries its
// legal basis and effective date, and its five groups each have questions.
func TestSatisfaction9QuestionnaireAsData(t *testing.T) {
	q := qms.QuestionnaireAt(time.Date(2026, 1, 1, 0, 0, 0, 0, qms.Zone))
	if q.Code != "SIPAS-2017" || !strings.Contains(q.LegalBasis, "2640/QĐ-BNV") || q.EffectiveFrom.IsZero() || q.Issuer != "Bộ Nội vụ" {
		t.Fatalf("questionnaire %+v", q)
	}
	per := map[string]int{}
	codes := map[string]bool{}
	for _, x := range q.Questions {
		if codes[x.Code] {
			t.Errorf("question %s twice", x.Code)
		}
		codes[x.Code] = true
		per[x.Group]++
	}
	if len(q.Groups) != 5 {
		t.Fatalf("%d groups", len(q.Groups))
	}
	for _, g := range q.Groups {
		if per[g.Code] == 0 {
			t.Errorf("group %s has no question", g.Code)
		}
	}
	if got, ok := qms.FindQuestionnaire("SIPAS-2017"); !ok || got.Code != q.Code {
		t.Error("FindQuestionnaire")
	}
}

// TestCheckSurveyKey: the key as a citizen may type, read out or paste it
// is taken; any other key, or none, is refused on the field "key".
func TestCheckSurveyKey(t *testing.T) {
	d := &qms.Dossier{Code: "A-2026-000001", SurveyKey: "3F9A0C21B7"}
	for _, tt := range []struct {
		name, typed string
		ok          bool
	}{
		{"as printed", "3F9A0C21B7", true},
		{"lower case, in groups", "3f9a0-c21b7", true},
		{"spaces, a tab, a trailing newline", " 3F9A 0C21 B7\t\n", true},
		{"no-break space and zero-width joiner (pasted)", "3F9A0\u00a0C21\u200dB7", true},
		{"full-width (a phone keyboard)", "３Ｆ９Ａ０Ｃ２１Ｂ７", true},
		{"en dash, minus sign, dot, underscore between groups", "3F9–A0C−21.B_7", true},
		{"empty", "", false},
		{"only spaces", "  - ", false},
		{"one digit off", "3F9A0C21B8", false},
		{"cut short", "3F9A0C21B", false},
		{"one too many", "3F9A0C21B70", false},
		{"Cyrillic look-alike", "3F9\u04100C21B7", false},
	} {
		err := qms.CheckSurveyKey(d, tt.typed)
		if (err == nil) != tt.ok || err != nil && qms.ErrorField(err) != "key" {
			t.Errorf("%s (%+q): %v", tt.name, tt.typed, err)
		}
	}
	if err := qms.CheckSurveyKey(&qms.Dossier{Code: "A-1"}, ""); err == nil {
		t.Error("a dossier without a key took an empty one")
	}
}

// TestSurveyKeyTyped: what counts as a key typed (a wrong one counts
// against the address) and what as none.
func TestSurveyKeyTyped(t *testing.T) {
	for typed, want := range map[string]string{"": "", "  - ": "", "\u200d": "", "3f9a-0c": "3F9A0C", "ab.12": "AB12"} {
		if got := qms.SurveyKeyTyped(typed); got != want {
			t.Errorf("%+q: %q, want %q", typed, got, want)
		}
	}
}
