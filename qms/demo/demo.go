// Package demo generates a consistent data set through the domain layer:
// agencies, users of every role, a TTHC catalogue, effective procedures
// with flowcharts and forms, and dossiers received and moved through
// their steps over past months, on a clock the generator advances.
//
//	clk := demo.NewClock(start)
//	db, _ := sqlite.Open(ctx, path, sqlite.Options{Now: clk.Now})
//	err := demo.Generate(ctx, db, clk, demo.Small, progress)
package demo

import (
	"context"
	"fmt"
	"math/rand"
	"strings"
	"sync"
	"time"
	"unicode"

	"isodt/qms"
	"isodt/qms/flowchart"
)

// Store is what the generator writes through: the same services the web
// app and the CLI use, so the data obeys every domain rule.
type Store interface {
	qms.AgencyService
	qms.UserService
	qms.ProcedureService
	qms.DossierService
}

// Scale sizes a data set.
type Scale struct {
	Name      string
	Agencies  int
	TTHC      int // per agency
	Dossiers  int // per agency
	UsersEach int // staff per agency
}

// Small is what `make run --demo` loads for a first look.
var Small = Scale{Name: "small", Agencies: 1, TTHC: 50, Dossiers: 2000, UsersEach: 4}

// Clock is a settable clock: the store stamps every write with it, so
// dossiers can be received and completed in the past.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock starts at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now is the store's clock.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Set moves the clock.
func (c *Clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// Password is the password of every demo user.
const Password = "demo-mat-khau"

var fields = []string{"Văn hóa", "Du lịch", "Thể dục thể thao", "Gia đình", "Nghệ thuật biểu diễn", "Mỹ thuật"}

var verbs = []string{"Cấp giấy phép", "Cấp giấy chứng nhận", "Công nhận", "Đăng ký", "Thẩm định", "Gia hạn giấy phép"}

var objects = []string{"kinh doanh dịch vụ karaoke", "tổ chức biểu diễn nghệ thuật", "điểm du lịch", "cơ sở lưu trú du lịch",
	"hoạt động thể thao", "triển lãm mỹ thuật", "tổ chức lễ hội", "câu lạc bộ thể thao", "cơ sở hỗ trợ nạn nhân bạo lực gia đình"}

// chart is a flowchart sized to a legal limit: receive, check, a decision
// with a rework loop, leader's signature, return.
func chart(days int) flowchart.Flowchart {
	h := float64(days * 8)
	return flowchart.Flowchart{
		Steps: []flowchart.Step{
			{ID: "tiep-nhan", Name: "Tiếp nhận hồ sơ", Kind: flowchart.KindStart, Responsible: "Bộ phận một cửa"},
			{ID: "tham-dinh", Name: "Thẩm định hồ sơ", Kind: flowchart.KindTask, Hours: h * 0.5, Responsible: "Chuyên viên phòng chuyên môn"},
			{ID: "dat", Name: "Hồ sơ đạt yêu cầu?", Kind: flowchart.KindDecision, Hours: h * 0.1, Responsible: "Chuyên viên phòng chuyên môn"},
			{ID: "ky", Name: "Lãnh đạo Sở ký", Kind: flowchart.KindTask, Hours: h * 0.25, Responsible: "Lãnh đạo Sở"},
			{ID: "tra", Name: "Trả kết quả", Kind: flowchart.KindEnd, Responsible: "Bộ phận một cửa"},
		},
		Edges: []flowchart.Edge{{From: "tiep-nhan", To: "tham-dinh"}, {From: "tham-dinh", To: "dat"}, {From: "dat", To: "ky", Label: "Đạt"},
			{From: "dat", To: "tham-dinh", Label: "Cần bổ sung"}, {From: "ky", To: "tra"}},
	}
}

// Generate writes the data set. progress, when set, is called with the
// dossiers done so far and the total.
func Generate(ctx context.Context, s Store, clk *Clock, sc Scale, progress func(done, total int)) error {
	rng := rand.New(rand.NewSource(2026))
	sys := qms.WithActor(ctx, qms.SystemActor("demo"))
	start := clk.Now()
	total := sc.Agencies * sc.Dossiers
	done := 0
	for a := 0; a < sc.Agencies; a++ {
		code := fmt.Sprintf("SVHTT%02d", a+1)
		if sc.Agencies == 1 {
			code = "SVHTT"
		}
		if err := s.CreateAgency(sys, &qms.Agency{Code: code, Name: fmt.Sprintf("Sở Văn hóa, Thể thao và Du lịch %d", a+1)}); err != nil {
			return fmt.Errorf("agency %s: %w", code, err)
		}
		users := map[qms.Role]*qms.User{}
		for _, r := range qms.Roles {
			for k := 0; k < max(1, map[bool]int{true: sc.UsersEach, false: 1}[r == qms.RoleStaff]); k++ {
				u := &qms.User{Username: fmt.Sprintf("%s.%s%d", toLower(code), r, k+1), FullName: fmt.Sprintf("%s %d", roleName[r], k+1),
					Memberships: []qms.Membership{{AgencyCode: code, Role: r}}}
				if err := s.CreateUser(sys, u, Password); err != nil {
					return err
				}
				if k == 0 {
					users[r] = u
				}
			}
		}
		as := func(r qms.Role) context.Context {
			u := users[r]
			return qms.WithActor(ctx, qms.Actor{UserID: u.ID, Username: u.Username, AgencyCode: code})
		}
		var items []qms.TTHC
		for k := 0; k < sc.TTHC; k++ {
			items = append(items, qms.TTHC{Code: fmt.Sprintf("1.%06d", 1000+k), Name: verbs[k%len(verbs)] + " " + objects[k%len(objects)],
				Field: fields[k%len(fields)], TimeLimitDays: []int{3, 5, 7, 10, 15}[k%5], PublishedBy: "Quyết định 100/QĐ-UBND", PublishedOn: qms.CivilDate(start.AddDate(-1, 0, 0))})
		}
		if _, _, err := s.ImportTTHC(as(qms.RoleQualityOfficer), code, items); err != nil {
			return err
		}
		// Four TTHC in five get an effective procedure; the rest show up
		// as not under ISO control.
		var controlled []qms.TTHC
		for k, t := range items {
			if k%5 == 4 {
				continue
			}
			p := &qms.Procedure{AgencyCode: code, Code: fmt.Sprintf("QT-%02d", k+1), Title: "Quy trình " + lowerFirst(t.Name), OwnerUnit: "Phòng " + t.Field, TTHCCodes: []string{t.Code}}
			if err := s.CreateProcedure(as(qms.RoleQualityOfficer), p); err != nil {
				return err
			}
			v, err := s.CreateVersion(as(qms.RoleQualityOfficer), p.ID)
			if err != nil {
				return err
			}
			v.Purpose, v.Scope = "Quy định trình tự, thời gian giải quyết thủ tục "+lowerFirst(t.Name)+".", "Áp dụng tại "+code+"."
			v.Flowchart = chart(t.TimeLimitDays)
			v.Records = []qms.RecordToKeep{{Name: "Hồ sơ đề nghị", KeptAt: p.OwnerUnit, Retention: "05 năm"}}
			if err := s.UpdateVersion(as(qms.RoleQualityOfficer), v); err != nil {
				return err
			}
			if _, err := s.TransitionVersion(as(qms.RoleQualityOfficer), p.ID, 1, qms.ActionSubmit, ""); err != nil {
				return err
			}
			if _, err := s.TransitionVersion(as(qms.RoleLeader), p.ID, 1, qms.ActionApprove, ""); err != nil {
				return err
			}
			controlled = append(controlled, t)
		}
		// Dossiers over the past 180 days: most finished (some late with
		// an apology), the newest still open.
		for k := 0; k < sc.Dossiers; k++ {
			t := controlled[rng.Intn(len(controlled))]
			received := start.Add(-time.Duration(float64(180*24*time.Hour) * float64(sc.Dossiers-k) / float64(sc.Dossiers)))
			clk.Set(received)
			d := &qms.Dossier{AgencyCode: code, TTHCCode: t.Code, Channel: []qms.Channel{qms.ChannelCounter, qms.ChannelOnline, qms.ChannelPost}[rng.Intn(3)],
				Applicant: qms.Applicant{Name: applicant(rng), IDNumber: fmt.Sprintf("0010%08d", rng.Intn(1e8)), Phone: fmt.Sprintf("09%08d", rng.Intn(1e8))}}
			if err := s.ReceiveDossier(as(qms.RoleStaff), d); err != nil {
				return err
			}
			if err := advance(as, s, clk, rng, d, start); err != nil {
				return fmt.Errorf("dossier %s: %w", d.Code, err)
			}
			done++
			if progress != nil && (done%100 == 0 || done == total) {
				progress(done, total)
			}
		}
	}
	clk.Set(start)
	return nil
}

// advance moves a dossier through its steps with working time between
// them: a step takes a random share of the time to the due date, so most
// finish early or on time and a few run late.
func advance(as func(qms.Role) context.Context, s Store, clk *Clock, rng *rand.Rand, d *qms.Dossier, now time.Time) error {
	span := d.DueAt.Sub(d.ReceivedAt)
	at := d.ReceivedAt
	step := func(role qms.Role, id, exit string) (bool, error) {
		at = at.Add(time.Duration(rng.Float64() * 0.42 * float64(span)))
		if at.After(now) {
			return false, nil // still open today
		}
		clk.Set(at)
		_, err := s.CompleteStep(as(role), d.AgencyCode, d.Code, qms.CompleteStep{StepID: id, Exit: exit, Note: "Đã xử lý"})
		return err == nil, err
	}
	for _, st := range []struct {
		role     qms.Role
		id, exit string
	}{{qms.RoleStaff, "tham-dinh", ""}, {qms.RoleStaff, "dat", "Đạt"}, {qms.RoleLeader, "ky", ""}} {
		if ok, err := step(st.role, st.id, st.exit); err != nil || !ok {
			return err
		}
	}
	at = at.Add(time.Duration(rng.Float64() * 0.3 * float64(span)))
	if at.After(now) {
		return nil
	}
	clk.Set(at)
	if qms.Classify(at, d.DueAt) == qms.Late {
		if _, err := s.Apologize(as(qms.RoleStaff), d.AgencyCode, d.Code, at.Add(48*time.Hour), "Hồ sơ cần lấy ý kiến cơ quan liên quan"); err != nil {
			return err
		}
	}
	_, err := s.CompleteStep(as(qms.RoleStaff), d.AgencyCode, d.Code, qms.CompleteStep{StepID: "tra"})
	return err
}

var roleName = map[qms.Role]string{qms.RoleAdmin: "Quản trị", qms.RoleQualityOfficer: "Cán bộ ISO", qms.RoleLeader: "Lãnh đạo", qms.RoleStaff: "Chuyên viên", qms.RoleAuditor: "Đánh giá viên"}

var family = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"}
var given = []string{"Văn An", "Thị Bình", "Minh Châu", "Quốc Dũng", "Thu Hà", "Đức Huy", "Thị Lan", "Hoàng Nam"}

func applicant(rng *rand.Rand) string {
	return family[rng.Intn(len(family))] + " " + given[rng.Intn(len(given))]
}

func toLower(s string) string { return strings.ToLower(s) }

func lowerFirst(s string) string {
	r := []rune(s)
	if len(r) > 0 {
		r[0] = unicode.ToLower(r[0])
	}
	return string(r)
}
