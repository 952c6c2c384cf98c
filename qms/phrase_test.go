package qms_test

import (
	"encoding/json"
	"testing"

	"isodt/qms"
)

// english is a wording with two sentences of its own; the others fall
// back to the Vietnamese.
var english = qms.Wording{DecimalMark: ".", Text: func(kind string) (string, bool) {
	t, ok := map[string]string{
		qms.SayStepOverdue: "Dossier %s: step “%s” is past its time limit (due %s).",
		qms.SayScopeMerged: "merger of %s on %s",
	}[kind]
	return t, ok
}}

func TestPhraseIn(t *testing.T) {
	tests := []struct {
		name     string
		p        qms.Phrase
		vi, en   string
		jsonSays string
	}{
		{"values", qms.Say(qms.SayStepOverdue, "HS-1", "Check", "02/01/2026 10:00"),
			"Hồ sơ HS-1: bước “Check” quá thời gian quy định (hạn 02/01/2026 10:00).",
			"Dossier HS-1: step “Check” is past its time limit (due 02/01/2026 10:00).",
			`{"k":"finding.step_overdue","a":[{"v":"HS-1"},{"v":"Check"},{"v":"02/01/2026 10:00"}]}`},
		{"a list of sentences, one the wording lacks", qms.Say(qms.SayDeclarationChanged, "12/QD", "01/02/2026",
			[]qms.Phrase{qms.Say(qms.SayScopeMerged, "B", "03/02/2026"), qms.Say(qms.SayScopeTTHCAdded, qms.SomeCodes([]string{"1", "2", "3", "4", "5", "6", "7"}))}),
			"Phạm vi hệ thống quản lý chất lượng đã thay đổi sau quyết định công bố 12/QD ngày 01/02/2026: sáp nhập B ngày 03/02/2026; thủ tục hành chính mới chưa thuộc phạm vi 1, 2, 3, 4, 5 và 2 mục khác. Cần công bố lại (" + qms.DeclarationBasisText() + ").",
			"", ""},
		{"a decimal and a count", qms.Say(qms.SaySatisfactionLow, "3", "2026", qms.DecimalPhrase("87.25"), 12345, "90", "76/NQ-CP"),
			"Chỉ số hài lòng quý 3/2026 là 87,25% trên 12.345 phiếu đánh giá, thấp hơn mục tiêu 90% (theo 76/NQ-CP).", "", ""},
		{"a label", qms.Say(qms.SayTTHCNotControlled, "1.0001", "Karaoke", qms.Say("control_reason."+qms.ReasonNoProcedure)),
			"Thủ tục 1.0001 – Karaoke: Chưa có quy trình nội bộ.", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.String(); got != tt.vi {
				t.Errorf("Vietnamese:\n got %q\nwant %q", got, tt.vi)
			}
			if tt.en != "" {
				if got := tt.p.In(english); got != tt.en {
					t.Errorf("English:\n got %q\nwant %q", got, tt.en)
				}
			}
			b, err := json.Marshal(tt.p)
			if err != nil {
				t.Fatal(err)
			}
			if tt.jsonSays != "" && string(b) != tt.jsonSays {
				t.Errorf("JSON %s, want %s", b, tt.jsonSays)
			}
			var back qms.Phrase
			if err := json.Unmarshal(b, &back); err != nil || back.String() != tt.vi {
				t.Errorf("read back from JSON: %q, %v", back.String(), err)
			}
		})
	}
}
