package storetest_test

import (
	"context"
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
	if _, _, err := f.ImportTTHC(sys, "SVHTT", sampleTTHC()); err != nil {
		t.Fatal(err)
	}
	sc := &distributionScene{sys: sys}
	member := func(name string, roles ...qms.Role) *qms.User {
		u := &qms.User{Username: name, FullName: strings.ToUpper(name)}
		for _, r := range roles {
			u.Memberships = append(u.Memberships, qms.Membership{AgencyCode: "SVHTT", Role: r})
		}
		if err := f.CreateUser(sys, u, "mat-khau-123"); err != nil {
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
	if err := f.CreateUser(sys, sc.outsider, "mat-khau-123"); err != nil {
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
