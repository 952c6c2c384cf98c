package demo

import (
	"context"
	"fmt"
	"math/rand"

	"isodt/qms"
	"isodt/qms/calendar"
	"isodt/qms/flowchart"
	"isodt/qms/formschema"
)

// stepFormCode is the standard form the review step records on: the
// control slip (phiếu kiểm soát quá trình giải quyết hồ sơ) of Circular
// 01/2018/TT-VPCP, which each agency adopts from SYS as its own.
const stepFormCode = "Mẫu số 05"

// agency is what the dossiers of one agency need from its setup.
type agency struct {
	code  string
	users map[qms.Role][]*qms.User
	cal   *calendar.Calendar
	procs []procedure // the TTHC under ISO control
	form  stepForm
	seq   map[int]int // year → last running number given (histories)
}

// procedure is a controlled TTHC with the version a dossier pins.
type procedure struct {
	tthc    qms.TTHC
	id      int64
	version int
	chart   flowchart.Flowchart
}

// stepForm is the version of stepFormCode in force in the agency.
type stepForm struct {
	version int
	schema  formschema.Schema
}

// as acts as the agency's first user of role r.
func (a *agency) as(ctx context.Context, r qms.Role) context.Context {
	u := a.users[r][0]
	return qms.WithActor(ctx, qms.Actor{UserID: u.ID, Username: u.Username, AgencyCode: a.code})
}

// someone is any user of role r: the work is shared.
func (a *agency) someone(r qms.Role, rng *rand.Rand) string {
	us := a.users[r]
	return us[rng.Intn(len(us))].Username
}

// entry fills the control slip of a dossier, checked against the form's
// schema as the API checks a posted entry.
func (f stepForm) entry(code string) (map[string]any, error) {
	e, errs := f.schema.ValidateJSONEntry(map[string]any{"ma_ho_so": code, "ghi_chu": "Hồ sơ đã thẩm định, đủ thành phần theo quy định."})
	if len(errs) > 0 {
		return nil, f.schema.EntryErr(errs)
	}
	return e, nil
}

// chart is a flowchart sized to a legal limit: receive, review (recorded
// on the control slip), a decision with a rework loop, the leader's
// signature, return.
func chart(days int) flowchart.Flowchart {
	h := float64(days * 8)
	return flowchart.Flowchart{
		Steps: []flowchart.Step{
			{ID: "tiep-nhan", Name: "Tiếp nhận hồ sơ", Kind: flowchart.KindStart, Responsible: "Bộ phận một cửa"},
			{ID: "tham-dinh", Name: "Thẩm định hồ sơ", Kind: flowchart.KindTask, Hours: h * 0.5, Responsible: "Chuyên viên phòng chuyên môn", Forms: []string{stepFormCode}},
			{ID: "dat", Name: "Hồ sơ đạt yêu cầu?", Kind: flowchart.KindDecision, Hours: h * 0.1, Responsible: "Chuyên viên phòng chuyên môn"},
			{ID: "ky", Name: "Lãnh đạo ký", Kind: flowchart.KindTask, Hours: h * 0.25, Responsible: "Lãnh đạo đơn vị"},
			{ID: "tra", Name: "Trả kết quả", Kind: flowchart.KindEnd, Responsible: "Bộ phận một cửa"},
		},
		Edges: []flowchart.Edge{{From: "tiep-nhan", To: "tham-dinh"}, {From: "tham-dinh", To: "dat"}, {From: "dat", To: "ky", Label: "Đạt"},
			{From: "dat", To: "tham-dinh", Label: "Cần bổ sung"}, {From: "ky", To: "tra"}},
	}
}

// setup creates agency number n of the data set with its users, its TTHC
// catalogue, the adopted control slip and the procedures, through the
// services.
func (g *generator) setup(dep department, n int) (*agency, error) {
	a := &agency{code: dep.code, users: map[qms.Role][]*qms.User{}, seq: map[int]int{}}
	if err := g.s.CreateAgency(g.sys, &qms.Agency{Code: a.code, Name: dep.name}); err != nil {
		return nil, fmt.Errorf("agency %s: %w", a.code, err)
	}
	g.sum.Agencies = append(g.sum.Agencies, a.code)
	for _, r := range qms.Roles {
		for k := range max(1, g.sc.Users[r]) {
			u := &qms.User{Username: fmt.Sprintf("%s.%s%d", toLower(a.code), r, k+1), FullName: fmt.Sprintf("%s %d", roleName[r], k+1), Title: titleOf(r, k),
				Memberships: []qms.Membership{{AgencyCode: a.code, Role: r}}}
			if err := g.s.CreateUserHashed(g.sys, u, g.hash); err != nil {
				return nil, fmt.Errorf("user %s: %w", u.Username, err)
			}
			a.users[r] = append(a.users[r], u)
			g.sum.Users++
		}
	}
	officer := a.as(g.sys, qms.RoleQualityOfficer)
	var items []qms.TTHC
	for k := range g.sc.TTHC {
		items = append(items, qms.TTHC{Code: fmt.Sprintf("1.%06d", 1000+n*1000+k), Name: verbs[k%len(verbs)] + " " + dep.objects[k%len(dep.objects)],
			Field: dep.fields[k%len(dep.fields)], TimeLimitDays: []int{3, 5, 7, 10, 15}[k%5], PublishedBy: "Quyết định 100/QĐ-UBND",
			PublishedOn: qms.CivilDate(g.start.AddDate(-2, 0, 0))})
	}
	if _, _, err := g.s.ImportTTHC(officer, a.code, items); err != nil {
		return nil, fmt.Errorf("catalogue of %s: %w", a.code, err)
	}
	g.sum.TTHC += len(items)
	if err := g.adoptForm(a); err != nil {
		return nil, fmt.Errorf("form %s of %s: %w", stepFormCode, a.code, err)
	}
	// Four TTHC in five get an effective procedure; the rest show up
	// as not under ISO control.
	for k, t := range items {
		if k%5 == 4 {
			continue
		}
		p, err := g.procedure(a, k, t)
		if err != nil {
			return nil, fmt.Errorf("procedure for %s in %s: %w", t.Code, a.code, err)
		}
		a.procs = append(a.procs, p)
	}
	g.sum.Procedures += len(a.procs)
	var err error
	a.cal, err = g.s.Calendar(g.sys, a.code)
	return a, err
}

// adoptForm copies the standard control slip into the agency; the quality
// officer submits it and a leader approves it, so the agency's own version
// is the one in force.
func (g *generator) adoptForm(a *agency) error {
	officer := a.as(g.sys, qms.RoleQualityOfficer)
	fs, err := g.s.FindForms(officer, a.code)
	if err != nil {
		return err
	}
	var std *qms.Form
	for _, f := range fs {
		if f.AgencyCode == qms.SystemAgencyCode && f.Code == stepFormCode {
			std = f
		}
	}
	if std == nil {
		return qms.Errorf(qms.ENOTFOUND, "Không có biểu mẫu chuẩn %s: chạy khởi tạo (Bootstrap) trước.", stepFormCode)
	}
	f, err := g.s.AdoptForm(officer, a.code, std.ID)
	if err != nil {
		return err
	}
	if _, err := g.s.TransitionFormVersion(a.signs(g.sys, qms.RoleQualityOfficer), f.ID, 1, qms.ActionSubmit, ""); err != nil {
		return err
	}
	if _, err := g.s.TransitionFormVersion(a.signs(g.sys, qms.RoleLeader), f.ID, 1, qms.ActionApprove, ""); err != nil {
		return err
	}
	_, v, err := g.s.EffectiveForm(officer, a.code, stepFormCode)
	if err != nil {
		return err
	}
	a.form.version = v.Number
	a.form.schema, err = formschema.Parse(v.Schema)
	return err
}

// procedure writes, submits and approves the internal procedure of the
// k-th TTHC.
func (g *generator) procedure(a *agency, k int, t qms.TTHC) (procedure, error) {
	officer := a.as(g.sys, qms.RoleQualityOfficer)
	p := &qms.Procedure{AgencyCode: a.code, Code: fmt.Sprintf("QT-%02d", k+1), Title: "Quy trình " + lowerFirst(t.Name), OwnerUnit: "Phòng " + t.Field, TTHCCodes: []string{t.Code},
		// Issued when the history begins (up to 18 months back): a
		// two-year review keeps them in their review period today.
		ReviewMonths: 24}
	if err := g.s.CreateProcedure(officer, p); err != nil {
		return procedure{}, err
	}
	v, err := g.s.CreateVersion(officer, p.ID)
	if err != nil {
		return procedure{}, err
	}
	v.Purpose, v.Scope = "Quy định trình tự, thời gian giải quyết thủ tục "+lowerFirst(t.Name)+".", "Áp dụng tại "+a.code+"."
	v.Flowchart = chart(t.TimeLimitDays)
	v.Records = []qms.RecordToKeep{{Name: "Hồ sơ đề nghị", KeptAt: p.OwnerUnit, Retention: "05 năm"}}
	if err := g.s.UpdateVersion(officer, v); err != nil {
		return procedure{}, err
	}
	if _, err := g.s.TransitionVersion(a.signs(g.sys, qms.RoleQualityOfficer), p.ID, v.Number, qms.ActionSubmit, ""); err != nil {
		return procedure{}, err
	}
	if v, err = g.s.TransitionVersion(a.signs(g.sys, qms.RoleLeader), p.ID, v.Number, qms.ActionApprove, ""); err != nil {
		return procedure{}, err
	}
	return procedure{tthc: t, id: p.ID, version: v.Number, chart: v.Flowchart}, nil
}
