package storetest_test

import (
	"testing"
	"time"

	"isodt/qms"
)

// TestDashboardWork: the counts the role dashboards open with, on every
// store: a user's open steps overdue and due today (paused dossiers
// excepted), and the agency's open findings per rule, most first.
func TestDashboardWork(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		staff, _, _ := receiptFixture(t, f)
		received := hanoi(2026, 3, 2, 9, 0)
		f.clk.Set(received.UTC())
		var codes []string
		for i := 0; i < 3; i++ {
			d := &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "Trần Thị Bình"}, Channel: qms.ChannelCounter, ReceivedAt: received}
			if err := f.ReceiveDossier(staff, d); err != nil {
				t.Fatal(err)
			}
			codes = append(codes, d.Code)
		}
		if _, err := f.PauseDossier(staff, "SVHTT", codes[2], "Bổ sung giấy tờ"); err != nil {
			t.Fatal(err)
		}
		tasks, err := f.Tasks(staff, "SVHTT", []qms.Role{qms.RoleStaff})
		if err != nil || len(tasks) != 2 {
			t.Fatalf("tasks = %+v, %v", tasks, err)
		}
		due := tasks[0].DueAt
		staffRoles := []qms.Role{qms.RoleStaff}
		for _, tt := range []struct {
			name           string
			roles          []qms.Role
			now, endOfDay  time.Time
			overdue, today int
		}{
			{"before the steps fall due", staffRoles, due.Add(-48 * time.Hour), due.Add(-24 * time.Hour), 0, 0},
			{"due today", staffRoles, due.Add(-time.Hour), due.Add(time.Hour), 0, 2},
			{"overdue", staffRoles, due.Add(time.Hour), due.Add(2 * time.Hour), 2, 0},
			{"another role's steps", []qms.Role{qms.RoleLeader}, due.Add(time.Hour), due.Add(2 * time.Hour), 0, 0},
			{"no role", nil, due.Add(time.Hour), due.Add(2 * time.Hour), 0, 0},
		} {
			got, err := f.StepsDue(f.ctx, "SVHTT", tt.roles, tt.now, tt.endOfDay)
			if err != nil || got.Overdue != tt.overdue || got.DueToday != tt.today {
				t.Errorf("%s: %+v, %v; want %d overdue, %d today", tt.name, got, err, tt.overdue, tt.today)
			}
		}

		for _, q := range []string{
			`INSERT INTO findings (rule, severity, agency_code, object_type, object_id, message, opened_at) VALUES ('STEP_OVERDUE', 'warning', 'SVHTT', 'dossier', 'a', 'x', '2026-03-02T02:00:00Z')`,
			`INSERT INTO findings (rule, severity, agency_code, object_type, object_id, message, opened_at) VALUES ('STEP_OVERDUE', 'warning', 'SVHTT', 'dossier', 'b', 'x', '2026-03-02T02:00:00Z')`,
			`INSERT INTO findings (rule, severity, agency_code, object_type, object_id, message, opened_at) VALUES ('CAPA_OVERDUE', 'warning', 'SVHTT', 'nc', '1', 'x', '2026-03-02T02:00:00Z')`,
			`INSERT INTO findings (rule, severity, agency_code, object_type, object_id, message, opened_at, closed_at) VALUES ('REVIEW_OVERDUE', 'warning', 'SVHTT', 'procedure', '1', 'x', '2026-03-02T02:00:00Z', '2026-03-03T02:00:00Z')`,
			`INSERT INTO findings (rule, severity, agency_code, object_type, object_id, message, opened_at) VALUES ('REVIEW_OVERDUE', 'warning', 'OTHER', 'procedure', '1', 'x', '2026-03-02T02:00:00Z')`,
		} {
			if err := f.exec(q); err != nil {
				t.Fatal(err)
			}
		}
		rc, err := f.FindingsByRule(f.ctx, "SVHTT")
		if err != nil || len(rc) != 2 || rc[0] != (qms.RuleCount{Rule: "STEP_OVERDUE", Count: 2}) || rc[1] != (qms.RuleCount{Rule: "CAPA_OVERDUE", Count: 1}) {
			t.Fatalf("findings by rule = %+v, %v", rc, err)
		}
	})
}
