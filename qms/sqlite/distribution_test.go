package sqlite_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/sqlite"
)

// distributionScene is effectiveProcedure's agency SVHTT (QT-01 v1 on the
// decision chart: staff and leader steps, approved by giam.doc) plus a
// second leader pho.giam.doc, form BM-QT01-01, issued before any
// procedure used it, then QT-01 v2 recording on it at the staff's check
// step, then the form's v2; giam.doc approves them all.
type distributionScene struct {
	db                    *sqlite.DB
	staff, leader, deputy context.Context
	qo                    context.Context
	procID, formID        int64
	procV1, procV2        qms.DocRef
	formV1, formV2        qms.DocRef
	staffID, deputyID     int64
	officerID             int64
}

func newDistributionScene(t *testing.T, db *sqlite.DB, sys context.Context) *distributionScene {
	t.Helper()
	staff, leader := effectiveProcedure(t, db, sys)
	sc := &distributionScene{db: db, staff: staff, leader: leader}
	sc.staffID = userIDOf(staff)
	deputy := &qms.User{Username: "pho.giam.doc", Memberships: []qms.Membership{{AgencyCode: "SVHTT", Role: qms.RoleLeader}}}
	if err := db.CreateUser(sys, deputy, "mat-khau-123"); err != nil {
		t.Fatal(err)
	}
	sc.deputyID = deputy.ID
	sc.deputy = qms.WithActor(context.Background(), qms.Actor{UserID: deputy.ID, Username: deputy.Username, AgencyCode: "SVHTT"})
	qo, err := db.FindUserByUsername(sys, "thu.ky")
	if err != nil {
		t.Fatal(err)
	}
	sc.officerID = qo.ID
	sc.qo = qms.WithActor(context.Background(), qms.Actor{UserID: qo.ID, Username: qo.Username, AgencyCode: "SVHTT"})
	ps, _ := db.FindProcedures(sys, qms.ProcedureFilter{})
	sc.procID = ps[0].ID
	sc.procV1 = qms.DocRef{Kind: qms.ReadProcedure, DocID: sc.procID, Number: 1}

	f := &qms.Form{AgencyCode: "SVHTT", Code: "BM-QT01-01", Title: "Phiếu thẩm định"}
	if err := db.CreateForm(sc.qo, f, json.RawMessage(checkSchema)); err != nil {
		t.Fatal(err)
	}
	sc.formID = f.ID
	approveForm := func(n int) {
		t.Helper()
		if _, err := db.TransitionFormVersion(sc.qo, f.ID, n, qms.ActionSubmit, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := db.TransitionFormVersion(leader, f.ID, n, qms.ActionApprove, ""); err != nil {
			t.Fatal(err)
		}
	}
	approveForm(1)
	sc.formV1 = qms.DocRef{Kind: qms.ReadForm, DocID: f.ID, Number: 1}

	v, err := db.CreateVersion(sc.qo, sc.procID)
	if err != nil {
		t.Fatal(err)
	}
	v.Flowchart.Steps[1].Forms = []string{f.Code}
	if err := db.UpdateVersion(sc.qo, v); err != nil {
		t.Fatal(err)
	}
	if _, err := db.TransitionVersion(sc.qo, sc.procID, v.Number, qms.ActionSubmit, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.TransitionVersion(leader, sc.procID, v.Number, qms.ActionApprove, ""); err != nil {
		t.Fatal(err)
	}
	sc.procV2 = qms.DocRef{Kind: qms.ReadProcedure, DocID: sc.procID, Number: v.Number}

	if _, err := db.CreateFormVersion(sc.qo, f.ID); err != nil {
		t.Fatal(err)
	}
	approveForm(2)
	sc.formV2 = qms.DocRef{Kind: qms.ReadForm, DocID: f.ID, Number: 2}
	return sc
}

func userIDOf(ctx context.Context) int64 {
	a, _ := qms.ActorFrom(ctx)
	return a.UserID
}

// names lists a distribution list as "username:pending|acked".
func names(t *testing.T, db *sqlite.DB, ref qms.DocRef) []string {
	t.Helper()
	rs, err := db.DistributionList(context.Background(), "SVHTT", ref)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rs {
		state := "acked"
		if r.Pending() {
			state = "pending"
		}
		out = append(out, r.Username+":"+state)
	}
	slices.Sort(out)
	return out
}

// TestDistribution6ApprovalDistributes: approving a version gives it, in
// the approval's transaction, to the members whose roles its steps name
// (a form: the roles of the steps recording on it, everyone when none
// does), with a notification each and an audit entry; the approver's own
// copy is acknowledged by the approval.
func TestDistribution6ApprovalDistributes(t *testing.T) {
	db, _, sys := openDB(t)
	sc := newDistributionScene(t, db, sys)
	for _, c := range []struct {
		name string
		ref  qms.DocRef
		want []string
	}{
		{"procedure v1: staff and leader steps", sc.procV1, []string{"chuyen.vien:pending", "giam.doc:acked"}},
		{"form v1: used by no procedure in force, so everyone", sc.formV1, []string{"chuyen.vien:pending", "giam.doc:acked", "pho.giam.doc:pending", "thu.ky:pending"}},
		{"procedure v2: the same roles", sc.procV2, []string{"chuyen.vien:pending", "giam.doc:acked", "pho.giam.doc:pending"}},
		{"form v2: only the staff's check step records on it", sc.formV2, []string{"chuyen.vien:pending"}},
	} {
		if got := names(t, db, c.ref); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	ns, _, err := db.Notifications(sys, sc.staffID, 50)
	if err != nil {
		t.Fatal(err)
	}
	reads := 0
	for _, n := range ns {
		if strings.HasPrefix(n.Title, "Tài liệu cần đọc") {
			reads++
		}
	}
	if reads != 4 {
		t.Errorf("staff got %d read notifications, want 4", reads)
	}
	action := "document.distribute"
	if _, n, _ := db.FindAuditEntries(sys, qms.AuditFilter{Action: &action}); n != 4 {
		t.Errorf("%d distribution audit entries, want 4", n)
	}
	// Pending reads list versions in force only: v1 of each was superseded.
	pending, err := db.PendingReads(sys, "SVHTT", sc.deputyID)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 1 || pending[0].DocRef != sc.procV2 {
		t.Fatalf("deputy leader's pending reads: %+v", pending)
	}
	// Rows are never deleted.
	if _, err := rawDB(t, db).Exec(`DELETE FROM document_reads`); err == nil {
		t.Fatal("a distribution row was deleted")
	}
}

// TestDistribution6Acknowledge: a person acknowledges once, with the
// time and an audit entry; someone not on the list may acknowledge too;
// a version not in force or of another agency cannot be acknowledged.
func TestDistribution6Acknowledge(t *testing.T) {
	db, clk, sys := openDB(t)
	sc := newDistributionScene(t, db, sys)
	clk.Add(2 * time.Hour)
	r, err := db.AcknowledgeRead(sc.staff, "SVHTT", sc.procV2)
	if err != nil {
		t.Fatal(err)
	}
	if r.AcknowledgedAt == nil || !r.AcknowledgedAt.Equal(clk.Now()) || r.Username != "chuyen.vien" {
		t.Fatalf("acknowledged: %+v", r)
	}
	action := "document.acknowledge"
	count := func() int {
		_, n, _ := db.FindAuditEntries(sys, qms.AuditFilter{Action: &action})
		return n
	}
	clk.Add(time.Hour)
	again, err := db.AcknowledgeRead(sc.staff, "SVHTT", sc.procV2)
	if err != nil || !again.AcknowledgedAt.Equal(*r.AcknowledgedAt) || count() != 1 {
		t.Fatalf("second acknowledgement changed something: %v %+v, %d entries", err, again, count())
	}
	if _, err := db.AcknowledgeRead(sc.qo, "SVHTT", sc.procV2); err != nil {
		t.Fatal(err)
	}
	if got := names(t, db, sc.procV2); !slices.Equal(got, []string{"chuyen.vien:acked", "giam.doc:acked", "pho.giam.doc:pending", "thu.ky:acked"}) {
		t.Fatalf("after acknowledgements: %v", got)
	}
	db.CreateAgency(sys, &qms.Agency{Code: "OTHER", Name: "Khác"})
	for _, c := range []struct {
		name   string
		ctx    context.Context
		agency string
		ref    qms.DocRef
		code   string
	}{
		{"superseded version", sc.staff, "SVHTT", sc.procV1, qms.EINVALID},
		{"another agency's procedure", sc.staff, "OTHER", sc.procV2, qms.ENOTFOUND},
		{"no such version", sc.staff, "SVHTT", qms.DocRef{Kind: qms.ReadForm, DocID: sc.formID, Number: 9}, qms.ENOTFOUND},
		{"unknown kind", sc.staff, "SVHTT", qms.DocRef{Kind: "memo", DocID: 1, Number: 1}, qms.EINVALID},
		{"system actor", sys, "SVHTT", sc.procV2, qms.EFORBIDDEN},
	} {
		if _, err := db.AcknowledgeRead(c.ctx, c.agency, c.ref); qms.ErrorCode(err) != c.code {
			t.Errorf("%s: %v, want %s", c.name, err, c.code)
		}
	}
	if count() != 2 {
		t.Fatalf("%d acknowledgement entries, want 2", count())
	}
	// The step warnings' question: what has the person not acknowledged?
	unread, err := db.UnreadAmong(sys, sc.staffID, []qms.DocRef{sc.procV1, sc.procV2, sc.formV2, {Kind: qms.ReadProcedure, DocID: 999, Number: 1}})
	if err != nil || !slices.Equal(unread, []qms.DocRef{sc.formV2}) {
		t.Fatalf("staff's unread: %v %v", unread, err)
	}
	sum, err := db.ReadSummaries(sys, "SVHTT")
	if err != nil || len(sum) != 2 || sum[0].Acknowledged+len(sum[0].Pending) != sum[0].Distributed {
		t.Fatalf("summaries: %+v %v", sum, err)
	}
}

// TestDistribution6AckOverdueRule: ACK_OVERDUE opens once a read is
// pending longer than the working days allowed, and closes when the last
// person acknowledges.
func TestDistribution6AckOverdueRule(t *testing.T) {
	db, clk, sys := openDB(t)
	sc := newDistributionScene(t, db, sys) // distributed Monday 2 March 2026, 09:00 Hà Nội
	rule := qms.RuleAckOverdue
	fired := func() []*qms.Finding {
		t.Helper()
		if _, err := db.RunChecks(sys, qms.CheckScope{AgencyCode: "SVHTT", Rule: rule}); err != nil {
			t.Fatal(err)
		}
		yes := true
		fs, err := db.FindFindings(sys, qms.FindingFilter{Rule: &rule, Open: &yes})
		if err != nil {
			t.Fatal(err)
		}
		return fs
	}
	// Five working days: due Monday 9 March, 09:00.
	clk.Set(hanoi(2026, 3, 9, 8, 59))
	if fs := fired(); len(fs) != 0 {
		t.Fatalf("fired before the due time: %+v", fs)
	}
	clk.Set(hanoi(2026, 3, 9, 9, 1))
	fs := fired()
	if len(fs) != 2 {
		t.Fatalf("want findings on QT-01 v2 and BM-QT01-01 v2, got %+v", fs)
	}
	for _, f := range fs {
		if !strings.Contains(f.Message, "chưa xác nhận đã đọc") || !strings.Contains(f.Message, "chuyen.vien") {
			t.Errorf("message: %s", f.Message)
		}
	}
	for _, who := range []struct {
		ctx context.Context
		ref qms.DocRef
	}{{sc.staff, sc.procV2}, {sc.deputy, sc.procV2}, {sc.staff, sc.formV2}} {
		if _, err := db.AcknowledgeRead(who.ctx, "SVHTT", who.ref); err != nil {
			t.Fatal(err)
		}
	}
	if fs := fired(); len(fs) != 0 {
		t.Fatalf("still open after everyone acknowledged: %+v", fs)
	}
	var basis []string
	for _, b := range qms.AckBasis {
		basis = append(basis, b.Document)
	}
	if r, ok := qms.RuleByCode(rule); !ok || !strings.Contains(r.Clause, "7.5.3") || len(basis) == 0 {
		t.Fatalf("rule %s or its basis missing: %+v %v", rule, r, basis)
	}
}

// TestDistribution6MergeCarriesPending: a merge moves the pending reads
// with the documents and people to the successor, where the people can
// acknowledge them; acknowledged ones stay with the predecessor as history
// and still show on the version's list.
func TestDistribution6MergeCarriesPending(t *testing.T) {
	db, clk, sys := openDB(t)
	mergeAgency(t, db, sys, "PA", false)
	mergeAgency(t, db, sys, "PB", false)
	ps, _ := db.FindProcedures(sys, qms.ProcedureFilter{AgencyCode: ptr("PB")})
	ref := qms.DocRef{Kind: qms.ReadProcedure, DocID: ps[0].ID, Number: 1} // acknowledged by its approver giam.doc.pb
	raw := rawDB(t, db)
	pending := func(agency string) int {
		var n int
		raw.QueryRow(`SELECT COUNT(*) FROM document_reads WHERE agency_code = ? AND acknowledged_at IS NULL`, agency).Scan(&n)
		return n
	}
	before := pending("PA") + pending("PB")
	acked := countRows(t, raw, "document_reads", "PB") - pending("PB")
	if before == 0 || acked == 0 {
		t.Fatalf("before the merge: %d pending, %d acknowledged in PB", before, acked)
	}
	clk.Add(time.Hour)
	if _, err := db.MergeAgencies(sys, qms.MergePlan{Into: "NEW", Name: "Sở mới", From: []string{"PA", "PB"}}, false); err != nil {
		t.Fatal(err)
	}
	if got := pending("NEW"); got != before || pending("PA")+pending("PB") != 0 {
		t.Fatalf("pending after the merge: NEW %d (want %d), PA+PB %d", got, before, pending("PA")+pending("PB"))
	}
	if got := countRows(t, raw, "document_reads", "PB"); got != acked {
		t.Fatalf("acknowledged rows left in PB: %d, want %d", got, acked)
	}
	staff := mergeActor(t, db, "chuyen.vien.pb")
	mine, err := db.PendingReads(sys, "NEW", userIDOf(staff))
	if err != nil || len(mine) == 0 {
		t.Fatalf("PB's staff has nothing to read in NEW: %v", err)
	}
	if _, err := db.AcknowledgeRead(staff, "NEW", ref); err != nil {
		t.Fatal(err)
	}
	list, err := db.DistributionList(sys, "NEW", ref)
	if err != nil {
		t.Fatal(err)
	}
	ackedBy := map[string]bool{}
	for _, r := range list {
		ackedBy[r.Username] = !r.Pending()
	}
	if !ackedBy["giam.doc.pb"] || !ackedBy["chuyen.vien.pb"] {
		t.Fatalf("list in NEW: %v", ackedBy)
	}
}
