package storetest_test

import (
	"fmt"
	"slices"
	"testing"

	"isodt/qms"
)

// TestTrust10VersionInForceNoLeaderApproved: a procedure version put in
// force with the database alone (a row added as effective: receipts pin
// the newest in force) is named by `qms audit verify`: no approval
// signature or approval entry is of it (outsider pass 22).
func TestTrust10VersionInForceNoLeaderApproved(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		receiptFixture(t, f)
		if got := namedRows(t, f, f.ctx); got != nil {
			t.Fatalf("the application's versions: named %q", got)
		}
		mustExec(t, f, `INSERT INTO procedure_versions (procedure_id, number, status, content_json, author_id, author, submitted_at, approver_id, approver, approved_at, effective_on, created_at, updated_at)
			SELECT procedure_id, 9, 'effective', content_json, author_id, author, submitted_at, approver_id, approver, approved_at, effective_on, created_at, updated_at
			FROM procedure_versions WHERE status = 'effective' AND procedure_id = (SELECT MIN(procedure_id) FROM procedure_versions WHERE status = 'effective')`)
		code := mustQuery(t, f, `SELECT p.agency_code || ' ' || p.code FROM procedures p WHERE p.id = (SELECT MIN(procedure_id) FROM procedure_versions WHERE status = 'effective')`)
		want := []string{qms.RowAdded + " procedure_versions lần ban hành 09 của quy trình " + code[0],
			qms.RowAltered + " procedure_versions lần ban hành 09 của quy trình " + code[0] + " có hiệu lực mà không được lãnh đạo phê duyệt"}
		if got := namedRows(t, f, f.ctx); !slices.Equal(got, want) {
			t.Fatalf("a version put in force with the file: named %q, want %q", got, want)
		}
	})
}

// TestTrust10ReplacedVersionPutBackInForce: an approval supersedes the
// version before it; put back in force with the file (the database lets
// a final version's status move among the final ones), it would be
// pinned by receipts again: `qms audit verify` names it (outsider pass
// 23).
func TestTrust10ReplacedVersionPutBackInForce(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		_, leader, officer := receiptFixture(t, f)
		var pid int64
		fmt.Sscan(mustQuery(t, f, `SELECT MIN(procedure_id) FROM procedure_versions WHERE status = 'effective'`)[0], &pid)
		n := draftVersion(t, f, officer, pid)
		if _, err := f.TransitionVersion(officer, pid, n, qms.ActionSubmit, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := f.TransitionVersion(leader, pid, n, qms.ActionApprove, ""); err != nil {
			t.Fatal(err)
		}
		if got := namedRows(t, f, f.ctx); got != nil {
			t.Fatalf("after the approval: named %q", got)
		}
		mustExec(t, f, fmt.Sprintf(`UPDATE procedure_versions SET status = 'superseded' WHERE procedure_id = %d AND number = %d`, pid, n))
		mustExec(t, f, fmt.Sprintf(`UPDATE procedure_versions SET status = 'effective' WHERE procedure_id = %d AND number = 1`, pid))
		code := mustQuery(t, f, fmt.Sprintf(`SELECT agency_code || ' ' || code FROM procedures WHERE id = %d`, pid))[0]
		want := []string{qms.RowAltered + " procedure_versions lần ban hành 01 của quy trình " + code,
			qms.RowAltered + " procedure_versions lần ban hành 02 của quy trình " + code,
			qms.RowAltered + " procedure_versions lần ban hành 01 của quy trình " + code + " có hiệu lực dù lần ban hành 02 đã được lãnh đạo phê duyệt sau"}
		if got := namedRows(t, f, f.ctx); !slices.Equal(got, want) {
			t.Fatalf("the replaced version put back in force: named %q, want %q", got, want)
		}
	})
}
