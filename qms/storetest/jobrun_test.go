package storetest_test

import (
	"fmt"
	"testing"

	"isodt/qms"
)

// TestJobRunsRecorded: a run is recorded when it starts and completed
// when it ends; the history lists the newest first, of one job or all.
func TestJobRunsRecorded(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ctx := f.ctx
		first, err := f.StartJobRun(ctx, "compliance", "schedule")
		if err != nil {
			t.Fatal(err)
		}
		second, err := f.StartJobRun(ctx, "backup", "manual")
		if err != nil {
			t.Fatal(err)
		}
		f.clk.Add(90e9)
		if err := f.FinishJobRun(ctx, first, qms.RunOK, map[string]int{"opened": 3}, ""); err != nil {
			t.Fatal(err)
		}
		runs, err := f.JobRuns(ctx, "", 10)
		if err != nil || len(runs) != 2 || runs[0].ID != second || runs[0].Outcome != qms.RunRunning || runs[0].EndedAt != nil {
			t.Fatalf("all runs = %+v, %v", runs, err)
		}
		runs, err = f.JobRuns(ctx, "compliance", 10)
		if err != nil || len(runs) != 1 {
			t.Fatalf("compliance runs = %+v, %v", runs, err)
		}
		r := runs[0]
		if r.Trigger != "schedule" || r.Outcome != qms.RunOK || r.Counts["opened"] != 3 || r.EndedAt == nil || r.EndedAt.Sub(r.StartedAt).Seconds() != 90 {
			t.Fatalf("finished run = %+v", r)
		}
	})
}

// TestNotificationsReadAndMarked: a user's notifications come newest
// first with the unread count, and marking them read is audited.
func TestNotificationsReadAndMarked(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ctx := f.ctx
		admin, err := f.FindUserByUsername(ctx, "admin")
		if err != nil {
			t.Fatal(err)
		}
		for i, title := range []string{"Phát hiện mới", "Nhắc xem xét"} {
			if err := f.exec(fmt.Sprintf(`INSERT INTO notifications (user_id, agency_code, title, link, created_at) VALUES (%d, 'SYS', '%s', '/findings', '2026-03-02T02:0%d:00Z')`, admin.ID, title, i)); err != nil {
				t.Fatal(err)
			}
		}
		ns, unread, err := f.Notifications(ctx, admin.ID, 10)
		if err != nil || unread != 2 || len(ns) != 2 || ns[0].Title != "Nhắc xem xét" || ns[0].ReadAt != nil || ns[0].Link != "/findings" {
			t.Fatalf("notifications = %+v, unread %d, %v", ns, unread, err)
		}
		if err := f.MarkNotificationsRead(ctx, admin.ID); err != nil {
			t.Fatal(err)
		}
		if n, err := f.UnreadNotifications(ctx, admin.ID); err != nil || n != 0 {
			t.Fatalf("unread after marking = %d, %v", n, err)
		}
		action := "notification.read"
		if es, _, err := f.FindAuditEntries(ctx, qms.AuditFilter{Action: &action}); err != nil || len(es) != 1 || string(es[0].After) != `{"marked":2}` {
			t.Fatalf("audit = %+v, %v", es, err)
		}
	})
}
