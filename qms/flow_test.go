package qms_test

import (
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/flowchart"
)

// consultChart: receive → check → decision (ok / supplement loops back to
// check) → fork to two consultations → join → sign → end.
func consultChart() flowchart.Flowchart {
	k := func(id, name string, kind flowchart.Kind) flowchart.Step {
		return flowchart.Step{ID: id, Name: name, Kind: kind, Hours: 4}
	}
	return flowchart.Flowchart{
		Steps: []flowchart.Step{
			k("s", "Tiếp nhận", flowchart.KindStart), k("check", "Kiểm tra", flowchart.KindTask),
			k("ok", "Hồ sơ đạt?", flowchart.KindDecision), k("fork", "Lấy ý kiến", flowchart.KindParallel),
			k("a", "Ý kiến phòng A", flowchart.KindTask), k("b", "Ý kiến phòng B", flowchart.KindTask),
			k("join", "Tổng hợp", flowchart.KindParallel), k("sign", "Ký", flowchart.KindTask), k("e", "Trả kết quả", flowchart.KindEnd),
		},
		Edges: []flowchart.Edge{
			{From: "s", To: "check"}, {From: "check", To: "ok"}, {From: "ok", To: "fork", Label: "Đạt"},
			{From: "ok", To: "check", Label: "Bổ sung"}, {From: "fork", To: "a"}, {From: "fork", To: "b"},
			{From: "a", To: "join"}, {From: "b", To: "join"}, {From: "join", To: "sign"}, {From: "sign", To: "e"},
		},
	}
}

func open(st qms.FlowState) []string {
	var out []string
	for _, o := range st.Open {
		out = append(out, o.StepID)
	}
	return out
}

func TestFlow(t *testing.T) {
	fc := consultChart()
	if ps := flowchart.Validate(fc, flowchart.ValidateOptions{}); len(ps) > 0 {
		t.Fatalf("test chart invalid: %v", ps)
	}
	now := time.Now()
	st, err := qms.StartFlow(fc, now)
	if err != nil || len(st.Open) != 1 || st.Open[0].StepID != "check" {
		t.Fatalf("start: %v %v", open(st), err)
	}
	steps := []struct {
		step, exit string
		want       []string
		code       string
	}{
		{"sign", "", []string{"check"}, qms.EINVALID}, // not open
		{"check", "", []string{"ok"}, ""},
		{"ok", "Không rõ", []string{"ok"}, qms.EINVALID}, // unknown exit
		{"ok", "bổ sung", []string{"check"}, ""},         // rework loop, label case-insensitive
		{"check", "", []string{"ok"}, ""},
		{"ok", "Đạt", []string{"a", "b"}, ""}, // fork opens both
		{"b", "", []string{"a"}, ""},          // join waits for a
		{"a", "", []string{"sign"}, ""},       // join opens sign
		{"sign", "", []string{"e"}, ""},
	}
	for _, s := range steps {
		next, err := qms.Advance(fc, st, s.step, s.exit, now)
		if qms.ErrorCode(err) != s.code {
			t.Fatalf("complete %s (%s): err %v, want %q", s.step, s.exit, err, s.code)
		}
		if err == nil {
			st = next
		}
		if got := open(st); len(got) != len(s.want) || (len(got) > 0 && got[0] != s.want[0]) {
			t.Fatalf("after %s: open %v, want %v", s.step, got, s.want)
		}
	}
}

func TestClassifyAndRates(t *testing.T) {
	due := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC) // 16:00 on 10/03 in Hà Nội
	tests := []struct {
		returned time.Time
		want     string
	}{
		{time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC), qms.Early},
		{time.Date(2026, 3, 10, 10, 0, 0, 0, time.UTC), qms.OnTime}, // later hour, same day
		{time.Date(2026, 3, 10, 17, 30, 0, 0, time.UTC), qms.Late},  // 00:30 on 11/03 in Hà Nội
	}
	for _, tt := range tests {
		if got := qms.Classify(tt.returned, due); got != tt.want {
			t.Errorf("Classify(%v) = %s, want %s", tt.returned, got, tt.want)
		}
	}
	r := qms.OnTimeReport{Completed: 2002, Early: 1856, OnTime: 65, Late: 81}
	r.Rates()
	if r.TimelyRate != 95.95 {
		t.Fatalf("timely rate = %v, want 95.95", r.TimelyRate)
	}
	empty := qms.OnTimeReport{}
	empty.Rates()
	if empty.TimelyRate != 0 {
		t.Fatal("rate of nothing")
	}
}

func TestApplicantMasked(t *testing.T) {
	m := qms.Applicant{Name: "Nguyễn Văn An", IDNumber: "001099012345", Phone: "0912345678", Address: "12 Tràng Tiền"}.Masked()
	if m.Name != "N. V. A." || m.IDNumber != "*********345" || m.Phone != "*******678" || m.Address != "" {
		t.Fatalf("masked = %+v", m)
	}
}

func TestRoleForStep(t *testing.T) {
	for in, want := range map[string]qms.Role{"Lãnh đạo Sở": qms.RoleLeader, "Chuyên viên phòng": qms.RoleStaff, "leader": qms.RoleLeader, "Cán bộ ISO": qms.RoleQualityOfficer, "": qms.RoleStaff} {
		if got := qms.RoleForStep(in); got != want {
			t.Errorf("RoleForStep(%q) = %s, want %s", in, got, want)
		}
	}
}
