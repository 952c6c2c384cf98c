package sqlite_test

import (
	"context"
	"testing"
	"time"

	"isodt/qms"
)

// TestNonconformityStoreAndCAPAOverdue: a nonconformity raised from a
// compliance finding is worked to closure while CAPA_OVERDUE fires past
// its action's due date and clears when it is done. The store's gates on
// every source run on both stores (qms/storetest TestNonconformities);
// findings are SQLite's alone yet.
func TestNonconformityStoreAndCAPAOverdue(t *testing.T) {
	db, clk, sys := openDB(t)
	effectiveProcedure(t, db, sys)
	auditor := qms.WithActor(context.Background(), qms.Actor{UserID: 99, Username: "danh.gia", AgencyCode: "SVHTT"})
	if _, err := rawDB(t, db).Exec(`INSERT INTO findings (id, rule, severity, agency_code, object_type, object_id, message, opened_at)
		VALUES (42, 'R', 'high', 'SVHTT', 'tthc', '1.000004', 'x', '2026-01-01T00:00:00Z')`); err != nil {
		t.Fatal(err)
	}
	n := &qms.Nonconformity{AgencyCode: "SVHTT", Source: qms.NCFromFinding, SourceRef: "42", Description: "Thủ tục 1.000004 chưa có quy trình"}
	if err := db.CreateNC(auditor, n); err != nil || n.Code == "" {
		t.Fatalf("create: %v %s", err, n.Code)
	}
	if _, err := db.UpdateNC(auditor, "SVHTT", n.ID, n.Description, "Lập danh sách thủ tục chưa kiểm soát", "Chưa phân công xây dựng quy trình"); err != nil {
		t.Fatal(err)
	}
	due := qms.CivilDate(clk.Now()).AddDate(0, 0, 7)
	got, err := db.AddAction(auditor, "SVHTT", n.ID, qms.CorrectiveAction{Description: "Soạn QT-02", Owner: "thu.ky", DueOn: due})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ChangeNC(auditor, "SVHTT", n.ID, "start", ""); err != nil {
		t.Fatal(err)
	}
	// CAPA_OVERDUE fires past the due date and clears when the action is done.
	run(t, db, sys)
	if openFinding(t, db, qms.RuleCAPAOverdue, "") {
		t.Fatal("action not yet due reported overdue")
	}
	clk.Add(8 * 24 * time.Hour)
	run(t, db, sys)
	if !openFinding(t, db, qms.RuleCAPAOverdue, itoa(got.Actions[0].ID)) {
		t.Fatal("overdue action not found")
	}
	if _, err := db.CompleteAction(auditor, "SVHTT", n.ID, got.Actions[0].ID, "QT-02 đã ban hành"); err != nil {
		t.Fatal(err)
	}
	run(t, db, sys)
	if openFinding(t, db, qms.RuleCAPAOverdue, "") {
		t.Fatal("done action still overdue")
	}
	db.ChangeNC(auditor, "SVHTT", n.ID, "verify", qms.VerdictEffective)
	if closed, err := db.ChangeNC(auditor, "SVHTT", n.ID, "close", ""); err != nil || closed.Status != qms.NCClosed {
		t.Fatalf("close: %v", err)
	}
}
