package storetest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/qmstest"
)

// distributionScene is agency SVHTT with a quality officer thu.ky, the
// leaders giam.doc and pho.giam.doc, the staff chuyen.vien (also an
// auditor), a disabled staff member and a staff member of another
// agency; procedure QT-01 with v1 (validChart: a staff and a leader
// step) approved by giam.doc, then v2 approved by pho.giam.doc.
type distributionScene struct {
	sys                     context.Context
	officer, leader, deputy *qms.User
	staff, gone, outsider   *qms.User
	procID                  int64
	v1, v2                  qms.DocRef
	as                      func(u *qms.User) context.Context
}

func newDistributionScene(t *testing.T, f *fixture) *distributionScene {
	t.Helper()
	sys := f.ctx
	for _, a := range []*qms.Agency{{Code: "SVHTT", Name: "Sở VHTT"}, {Code: "OTHER", Name: "Khác"}} {
		if err := f.CreateAgency(sys, a); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := f.ImportTTHC(sys, "SVHTT", qmstest.SampleTTHC()); err != nil {
		t.Fatal(err)
	}
	sc := &distributionScene{sys: sys}
	member := func(name string, roles ...qms.Role) *qms.User {
		u := &qms.User{Username: name, FullName: strings.ToUpper(name)}
		for _, r := range roles {
			u.Memberships = append(u.Memberships, qms.Membership{AgencyCode: "SVHTT", Role: r})
		}
		if err := f.CreateUser(sys, u, "ngua-o-123"); err != nil {
			t.Fatal(err)
		}
		return u
	}
	sc.officer = member("thu.ky", qms.RoleQualityOfficer)
	sc.leader = member("giam.doc", qms.RoleLeader)
	sc.deputy = member("pho.giam.doc", qms.RoleLeader)
	sc.staff = member("chuyen.vien", qms.RoleStaff, qms.RoleAuditor)
	sc.gone = member("da.nghi", qms.RoleStaff)
	if _, err := f.UpdateUser(sys, sc.gone.ID, qms.UserUpdate{Disabled: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	sc.outsider = &qms.User{Username: "chuyen.vien.khac", Memberships: []qms.Membership{{AgencyCode: "OTHER", Role: qms.RoleStaff}}}
	if err := f.CreateUser(sys, sc.outsider, "ngua-o-123"); err != nil {
		t.Fatal(err)
	}
	sc.as = func(u *qms.User) context.Context {
		return qms.WithActor(context.Background(), qms.Actor{UserID: u.ID, Username: u.Username, AgencyCode: "SVHTT"})
	}
	p := &qms.Procedure{AgencyCode: "SVHTT", Code: "QT-01", Title: "Cấp giấy phép karaoke", TTHCCodes: []string{"1.000001"}}
	if err := f.CreateProcedure(sc.as(sc.officer), p); err != nil {
		t.Fatal(err)
	}
	sc.procID = p.ID
	approve := func(by *qms.User) {
		t.Helper()
		v, err := f.CreateVersion(sc.as(sc.officer), p.ID)
		if err != nil {
			t.Fatal(err)
		}
		v.Purpose, v.Flowchart = "Quy định trình tự cấp giấy phép", qmstest.ValidChart(16)
		if err := f.UpdateVersion(sc.as(sc.officer), v); err != nil {
			t.Fatal(err)
		}
		if _, err := f.TransitionVersion(sc.as(sc.officer), p.ID, v.Number, qms.ActionSubmit, ""); err != nil {
			t.Fatal(err)
		}
		f.clk.Add(time.Hour)
		if _, err := f.TransitionVersion(sc.as(by), p.ID, v.Number, qms.ActionApprove, ""); err != nil {
			t.Fatal(err)
		}
	}
	approve(sc.leader)
	sc.v1 = qms.DocRef{Kind: qms.ReadProcedure, DocID: p.ID, Number: 1}
	approve(sc.deputy)
	sc.v2 = qms.DocRef{Kind: qms.ReadProcedure, DocID: p.ID, Number: 2}
	return sc
}

// listed lists a distribution list as "username:roles:pending|acked".
func listed(t *testing.T, f *fixture, ref qms.DocRef) []string {
	t.Helper()
	rs, err := f.DistributionList(context.Background(), "SVHTT", ref)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rs {
		state := "acked"
		if r.Pending() {
			state = "pending"
		}
		var roles []string
		for _, x := range r.Roles {
			roles = append(roles, string(x))
		}
		out = append(out, r.Username+":"+strings.Join(roles, ",")+":"+state)
	}
	return out
}

// Approving a procedure version (qms/sqlstore) distributes it, in the
// approval's transaction, to the active members of its agency whose
// roles its steps name, each notified, the list audited; the approver's
// own copy is acknowledged by the approval. A version's list keeps the
// pending first, then by name; only versions in force are pending reads.
func TestDistributionOnApproval(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sc := newDistributionScene(t, f)
		for _, c := range []struct {
			name string
			ref  qms.DocRef
			want []string
		}{
			{"v1: staff and leader steps, approved by giam.doc", sc.v1, []string{"chuyen.vien:staff:pending", "pho.giam.doc:leader:pending", "giam.doc:leader:acked"}},
			{"v2: the same roles, approved by pho.giam.doc", sc.v2, []string{"chuyen.vien:staff:pending", "giam.doc:leader:pending", "pho.giam.doc:leader:acked"}},
		} {
			t.Run(c.name, func(t *testing.T) {
				if got := listed(t, f, c.ref); !slices.Equal(got, c.want) {
					t.Errorf("list %v, want %v", got, c.want)
				}
			})
		}
		ns, _, err := f.Notifications(sc.sys, sc.staff.ID, 50)
		if err != nil {
			t.Fatal(err)
		}
		var reads []string
		for _, n := range ns {
			if strings.HasPrefix(n.Title, "Tài liệu cần đọc và xác nhận: QT-01 Cấp giấy phép karaoke") {
				reads = append(reads, n.Link)
			}
		}
		slices.Sort(reads)
		if want := []string{"/procedures/" + itoa(sc.procID) + "/versions/1", "/procedures/" + itoa(sc.procID) + "/versions/2"}; !slices.Equal(reads, want) {
			t.Errorf("staff's read notifications link %v, want %v", reads, want)
		}
		for _, u := range []*qms.User{sc.gone, sc.outsider, sc.officer} {
			ns, _, _ := f.Notifications(sc.sys, u.ID, 50)
			for _, n := range ns {
				if strings.HasPrefix(n.Title, "Tài liệu cần đọc") {
					t.Errorf("%s was given the procedure: %+v", u.Username, n)
				}
			}
		}
		action := "document.distribute"
		if es, n, err := f.FindAuditEntries(sc.sys, qms.AuditFilter{Action: &action}); err != nil || n != 2 || es[0].ObjectType != "procedure_version" {
			t.Errorf("%d distribution audit entries (%v), want 2", n, err)
		}
		// Pending reads list versions in force only: v1 was superseded.
		for _, c := range []struct {
			who  *qms.User
			want []qms.DocRef
		}{
			{sc.staff, []qms.DocRef{sc.v2}},
			{sc.leader, []qms.DocRef{sc.v2}},
			{sc.deputy, nil},
			{sc.officer, nil},
		} {
			rs, err := f.PendingReads(sc.sys, "SVHTT", c.who.ID)
			if err != nil {
				t.Fatal(err)
			}
			var got []qms.DocRef
			for _, r := range rs {
				got = append(got, r.DocRef)
				if r.Code != "QT-01" || r.Status != qms.StatusEffective || r.DueAt.IsZero() || r.Overdue {
					t.Errorf("%s's pending read %+v", c.who.Username, r)
				}
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("%s's pending reads %v, want %v", c.who.Username, got, c.want)
			}
		}
		// Five working days later the reads are overdue.
		f.clk.Add(10 * 24 * time.Hour)
		sum, err := f.ReadSummaries(sc.sys, "SVHTT")
		if err != nil || len(sum) != 1 {
			t.Fatalf("summaries %+v, %v", sum, err)
		}
		if s := sum[0]; s.DocRef != sc.v2 || s.Code != "QT-01" || s.Distributed != 3 || s.Acknowledged != 1 || s.Overdue != 2 || len(s.Pending) != 2 {
			t.Errorf("summary %+v", s)
		}
		if _, err := f.DistributionList(sc.sys, "OTHER", sc.v2); qms.ErrorCode(err) != qms.ENOTFOUND {
			t.Errorf("another agency's list: %v", err)
		}
		// Rows are never deleted.
		if err := f.exec(`DELETE FROM document_reads`); err == nil || !strings.Contains(err.Error(), "never deleted") {
			t.Errorf("a distribution row was deleted: %v", err)
		}
		if _, err := f.VerifyAuditChain(sc.sys); err != nil {
			t.Fatal(err)
		}
	})
}

// Read-and-understood (qms/sqlstore): a person acknowledges a version in
// force once, with the time and an audit entry; someone not on the list
// may acknowledge too; a version not in force, of another agency or of an
// unknown kind cannot be, nor by an actor who is no user; an
// acknowledgement is the database's to keep.
func TestAcknowledgeRead(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sc := newDistributionScene(t, f)
		f.clk.Add(2 * time.Hour)
		r, err := f.AcknowledgeRead(sc.as(sc.staff), "SVHTT", sc.v2)
		if err != nil {
			t.Fatal(err)
		}
		if r.AcknowledgedAt == nil || !r.AcknowledgedAt.Equal(f.clk.Now()) || r.Username != "chuyen.vien" || r.FullName != "CHUYEN.VIEN" || r.Title != "Cấp giấy phép karaoke" {
			t.Fatalf("acknowledged: %+v", r)
		}
		action := "document.acknowledge"
		count := func() int {
			_, n, _ := f.FindAuditEntries(sc.sys, qms.AuditFilter{Action: &action})
			return n
		}
		f.clk.Add(time.Hour)
		again, err := f.AcknowledgeRead(sc.as(sc.staff), "SVHTT", sc.v2)
		if err != nil || !again.AcknowledgedAt.Equal(*r.AcknowledgedAt) || count() != 1 {
			t.Fatalf("second acknowledgement changed something: %v %+v, %d entries", err, again, count())
		}
		if r, err := f.AcknowledgeRead(sc.as(sc.officer), "SVHTT", sc.v2); err != nil || len(r.Roles) != 0 {
			t.Fatalf("acknowledged off the list: %+v, %v", r, err)
		}
		if got, want := listed(t, f, sc.v2), []string{"giam.doc:leader:pending", "chuyen.vien:staff:acked", "pho.giam.doc:leader:acked", "thu.ky::acked"}; !slices.Equal(got, want) {
			t.Fatalf("after acknowledgements: %v, want %v", got, want)
		}
		for _, c := range []struct {
			name   string
			ctx    context.Context
			agency string
			ref    qms.DocRef
			code   string
		}{
			{"superseded version", sc.as(sc.staff), "SVHTT", sc.v1, qms.EINVALID},
			{"another agency's procedure", sc.as(sc.staff), "OTHER", sc.v2, qms.ENOTFOUND},
			{"no such version", sc.as(sc.staff), "SVHTT", qms.DocRef{Kind: qms.ReadProcedure, DocID: sc.procID, Number: 9}, qms.ENOTFOUND},
			{"unknown kind", sc.as(sc.staff), "SVHTT", qms.DocRef{Kind: "memo", DocID: 1, Number: 1}, qms.EINVALID},
			{"system actor", sc.sys, "SVHTT", sc.v2, qms.EFORBIDDEN},
		} {
			t.Run(c.name, func(t *testing.T) {
				if _, err := f.AcknowledgeRead(c.ctx, c.agency, c.ref); qms.ErrorCode(err) != c.code {
					t.Errorf("%v, want %s", err, c.code)
				}
			})
		}
		if count() != 2 {
			t.Fatalf("%d acknowledgement entries, want 2", count())
		}
		// The step warnings' question: what has the person not acknowledged?
		for _, c := range []struct {
			who  *qms.User
			want []qms.DocRef
		}{
			{sc.staff, nil},
			{sc.leader, []qms.DocRef{sc.v2}},
			{sc.outsider, []qms.DocRef{sc.v2}},
		} {
			unread, err := f.UnreadAmong(sc.sys, c.who.ID, []qms.DocRef{sc.v1, sc.v2, {Kind: qms.ReadProcedure, DocID: 999, Number: 1}})
			if err != nil || !slices.Equal(unread, c.want) {
				t.Errorf("%s's unread: %v %v, want %v", c.who.Username, unread, err, c.want)
			}
		}
		if err := f.exec(`UPDATE document_reads SET acknowledged_at = NULL`); err == nil || !strings.Contains(err.Error(), "never changed") {
			t.Errorf("an acknowledgement was undone: %v", err)
		}
		if _, err := f.VerifyAuditChain(sc.sys); err != nil {
			t.Fatal(err)
		}
	})
}

// formDistributionScene is receiptFixture's agency SVHTT (QT-01 v1 on
// the decision chart: staff and leader steps, approved by giam.doc) plus
// a second leader pho.giam.doc, form BM-QT01-01, issued before any
// procedure used it, then QT-01 v2 recording on it at the staff's check
// step, then the form's v2; giam.doc approves them all.
type formDistributionScene struct {
	staff, leader, deputy context.Context
	qo                    context.Context
	procID, formID        int64
	procV1, procV2        qms.DocRef
	formV1, formV2        qms.DocRef
	staffID, deputyID     int64
}

func newFormDistributionScene(t *testing.T, f *fixture) *formDistributionScene {
	t.Helper()
	sys := f.ctx
	staff, leader, qo := receiptFixture(t, f)
	sc := &formDistributionScene{staff: staff, leader: leader, qo: qo}
	sc.staffID = userIDOf(staff)
	deputy := &qms.User{Username: "pho.giam.doc", Memberships: []qms.Membership{{AgencyCode: "SVHTT", Role: qms.RoleLeader}}}
	if err := f.CreateUser(sys, deputy, "ngua-o-123"); err != nil {
		t.Fatal(err)
	}
	sc.deputyID = deputy.ID
	sc.deputy = qms.WithActor(context.Background(), qms.Actor{UserID: deputy.ID, Username: deputy.Username, AgencyCode: "SVHTT"})
	ps, _ := f.FindProcedures(sys, qms.ProcedureFilter{})
	sc.procID = ps[0].ID
	sc.procV1 = qms.DocRef{Kind: qms.ReadProcedure, DocID: sc.procID, Number: 1}

	form := &qms.Form{AgencyCode: "SVHTT", Code: "BM-QT01-01", Title: "Phiếu thẩm định"}
	if err := f.CreateForm(sc.qo, form, json.RawMessage(checkSchema)); err != nil {
		t.Fatal(err)
	}
	sc.formID = form.ID
	approveForm := func(n int) {
		t.Helper()
		if _, err := f.TransitionFormVersion(sc.qo, form.ID, n, qms.ActionSubmit, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := f.TransitionFormVersion(leader, form.ID, n, qms.ActionApprove, ""); err != nil {
			t.Fatal(err)
		}
	}
	approveForm(1)
	sc.formV1 = qms.DocRef{Kind: qms.ReadForm, DocID: form.ID, Number: 1}

	v, err := f.CreateVersion(sc.qo, sc.procID)
	if err != nil {
		t.Fatal(err)
	}
	v.Flowchart.Steps[1].Forms = []string{form.Code}
	if err := f.UpdateVersion(sc.qo, v); err != nil {
		t.Fatal(err)
	}
	if _, err := f.TransitionVersion(sc.qo, sc.procID, v.Number, qms.ActionSubmit, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := f.TransitionVersion(leader, sc.procID, v.Number, qms.ActionApprove, ""); err != nil {
		t.Fatal(err)
	}
	sc.procV2 = qms.DocRef{Kind: qms.ReadProcedure, DocID: sc.procID, Number: v.Number}

	if _, err := f.CreateFormVersion(sc.qo, form.ID); err != nil {
		t.Fatal(err)
	}
	approveForm(2)
	sc.formV2 = qms.DocRef{Kind: qms.ReadForm, DocID: form.ID, Number: 2}
	return sc
}

func userIDOf(ctx context.Context) int64 {
	a, _ := qms.ActorFrom(ctx)
	return a.UserID
}

// newActor is the actor context of a user as a member of agency NEW.
func newActor(t *testing.T, f *fixture, username string) context.Context {
	t.Helper()
	u, err := f.FindUserByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return qms.WithActor(context.Background(), qms.Actor{UserID: u.ID, Username: u.Username, AgencyCode: "NEW"})
}

// TestDistribution6Forms: a form version is given to the roles of the
// steps recording on it, to everyone when no procedure in force uses it;
// the staff are notified of each version, procedure or form; pending
// reads list versions in force only; a form's read is acknowledged and
// asked after as a procedure's is. (Procedure versions alone:
// TestDistributionOnApproval, TestAcknowledgeRead.)
func TestDistribution6Forms(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys := f.ctx
		sc := newFormDistributionScene(t, f)
		names := func(ref qms.DocRef) []string {
			var out []string
			for _, l := range listed(t, f, ref) {
				name, _, _ := strings.Cut(l, ":")
				state := l[strings.LastIndex(l, ":")+1:]
				out = append(out, name+":"+state)
			}
			slices.Sort(out)
			return out
		}
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
			if got := names(c.ref); !slices.Equal(got, c.want) {
				t.Errorf("%s: %v, want %v", c.name, got, c.want)
			}
		}
		ns, _, err := f.Notifications(sys, sc.staffID, 50)
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
		if _, n, _ := f.FindAuditEntries(sys, qms.AuditFilter{Action: &action}); n != 4 {
			t.Errorf("%d distribution audit entries, want 4", n)
		}
		// Pending reads list versions in force only: v1 of each was superseded.
		pending, err := f.PendingReads(sys, "SVHTT", sc.deputyID)
		if err != nil {
			t.Fatal(err)
		}
		if len(pending) != 1 || pending[0].DocRef != sc.procV2 {
			t.Fatalf("deputy leader's pending reads: %+v", pending)
		}
		if _, err := f.AcknowledgeRead(sc.staff, "SVHTT", sc.procV2); err != nil {
			t.Fatal(err)
		}
		if _, err := f.AcknowledgeRead(sc.staff, "SVHTT", qms.DocRef{Kind: qms.ReadForm, DocID: sc.formID, Number: 9}); qms.ErrorCode(err) != qms.ENOTFOUND {
			t.Errorf("no such form version: %v, want %s", err, qms.ENOTFOUND)
		}
		unread, err := f.UnreadAmong(sys, sc.staffID, []qms.DocRef{sc.procV1, sc.procV2, sc.formV2, {Kind: qms.ReadProcedure, DocID: 999, Number: 1}})
		if err != nil || !slices.Equal(unread, []qms.DocRef{sc.formV2}) {
			t.Fatalf("staff's unread: %v %v", unread, err)
		}
		sum, err := f.ReadSummaries(sys, "SVHTT")
		if err != nil || len(sum) != 2 || sum[0].Acknowledged+len(sum[0].Pending) != sum[0].Distributed {
			t.Fatalf("summaries: %+v %v", sum, err)
		}
	})
}

// TestDistribution6AckOverdueRule: ACK_OVERDUE opens once a read is
// pending longer than the working days allowed, and closes when the last
// person acknowledges.
func TestDistribution6AckOverdueRule(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		clk := f.clk
		sc := newFormDistributionScene(t, f) // distributed Monday 2 March 2026, 09:00 Hà Nội
		rule := qms.RuleAckOverdue
		fired := func() []string { // the open findings' messages
			t.Helper()
			return findingsAs(t, f, "SVHTT", rule, func(x *qms.Finding) string { return x.Message })
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
		for _, msg := range fs {
			if !strings.Contains(msg, "chưa xác nhận đã đọc") || !strings.Contains(msg, "chuyen.vien") {
				t.Errorf("message: %s", msg)
			}
		}
		for _, who := range []struct {
			ctx context.Context
			ref qms.DocRef
		}{{sc.staff, sc.procV2}, {sc.deputy, sc.procV2}, {sc.staff, sc.formV2}} {
			if _, err := f.AcknowledgeRead(who.ctx, "SVHTT", who.ref); err != nil {
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
	})
}

// TestDistribution6MergeCarriesPending: a merge moves the pending reads
// with the documents and people to the successor, where the people can
// acknowledge them; acknowledged ones stay with the predecessor as history
// and still show on the version's list.
func TestDistribution6MergeCarriesPending(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys, clk := f.ctx, f.clk
		mergeAgency(t, f, "PA", false)
		mergeAgency(t, f, "PB", false)
		ps, _ := f.FindProcedures(sys, qms.ProcedureFilter{AgencyCode: ptr("PB")})
		ref := qms.DocRef{Kind: qms.ReadProcedure, DocID: ps[0].ID, Number: 1} // acknowledged by its approver giam.doc.pb
		pending := func(agency string) int {
			var n int
			fmt.Sscan(mustQuery(t, f, `SELECT COUNT(*) FROM document_reads WHERE agency_code = '`+agency+`' AND acknowledged_at IS NULL`)[0], &n)
			return n
		}
		before := pending("PA") + pending("PB")
		acked := countRows(t, f, "document_reads", "PB") - pending("PB")
		if before == 0 || acked == 0 {
			t.Fatalf("before the merge: %d pending, %d acknowledged in PB", before, acked)
		}
		clk.Add(time.Hour)
		mergePAPB(t, f)
		if got := pending("NEW"); got != before || pending("PA")+pending("PB") != 0 {
			t.Fatalf("pending after the merge: NEW %d (want %d), PA+PB %d", got, before, pending("PA")+pending("PB"))
		}
		if got := countRows(t, f, "document_reads", "PB"); got != acked {
			t.Fatalf("acknowledged rows left in PB: %d, want %d", got, acked)
		}
		staff := newActor(t, f, "chuyen.vien.pb")
		mine, err := f.PendingReads(sys, "NEW", userIDOf(staff))
		if err != nil || len(mine) == 0 {
			t.Fatalf("PB's staff has nothing to read in NEW: %v", err)
		}
		if _, err := f.AcknowledgeRead(staff, "NEW", ref); err != nil {
			t.Fatal(err)
		}
		list, err := f.DistributionList(sys, "NEW", ref)
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
	})
}
