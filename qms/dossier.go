package qms

import (
	"context"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"isodt/qms/flowchart"
)

// Channel is how a dossier came in.
type Channel string

const (
	ChannelCounter Channel = "counter" // tại bộ phận một cửa
	ChannelOnline  Channel = "online"  // dịch vụ công trực tuyến
	ChannelPost    Channel = "post"    // bưu chính công ích
)

// DossierStatus is where a dossier (hồ sơ) stands.
type DossierStatus string

const (
	DossierReceived   DossierStatus = "received"
	DossierInProgress DossierStatus = "in_progress"
	DossierPaused     DossierStatus = "paused" // waiting for the applicant's supplement
	DossierCompleted  DossierStatus = "completed"
	DossierRefused    DossierStatus = "refused"
	DossierWithdrawn  DossierStatus = "withdrawn"
)

// Finished reports whether the dossier is closed.
func (s DossierStatus) Finished() bool {
	return s == DossierCompleted || s == DossierRefused || s == DossierWithdrawn
}

// Timeliness classes of a finished dossier.
const (
	Early  = "early"   // trước hạn
	OnTime = "on_time" // đúng hạn
	Late   = "late"    // quá hạn
)

// Classify compares the return date with the appointed date, by calendar
// date in Asia/Ho_Chi_Minh: a result returned on the appointed day is on
// time whatever the hour.
func Classify(returnedAt, dueAt time.Time) string {
	r, d := CivilDate(returnedAt), CivilDate(dueAt)
	switch {
	case r.Before(d):
		return Early
	case r.Equal(d):
		return OnTime
	}
	return Late
}

// Clock modes after a pause for supplementary documents (configurable per
// agency, default resume).
const (
	ClockResume  = "resume"  // the clock goes on where it stopped
	ClockRestart = "restart" // the full time limit starts again
)

// Applicant is the person or organisation that filed the dossier.
type Applicant struct {
	Name     string `json:"name"`
	IDNumber string `json:"id_number"` // CCCD or tax number
	Phone    string `json:"phone"`
	Address  string `json:"address"`
}

// Masked hides personal data for readers outside the agency: the public
// status page and other agencies see initials and the last digits only.
func (a Applicant) Masked() Applicant {
	return Applicant{Name: maskName(a.Name), IDNumber: maskTail(a.IDNumber, 3), Phone: maskTail(a.Phone, 3)}
}

func maskName(s string) string {
	var out []string
	for _, w := range strings.Fields(s) {
		r, _ := utf8.DecodeRuneInString(w)
		out = append(out, string(r)+".")
	}
	return strings.Join(out, " ")
}

func maskTail(s string, keep int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= keep {
		return strings.Repeat("*", len(r))
	}
	return strings.Repeat("*", len(r)-keep) + string(r[len(r)-keep:])
}

// Dossier is one application moving through the steps of the procedure
// version in force when it was received.
type Dossier struct {
	ID             int64         `json:"id"`
	Code           string        `json:"code"` // agency-year-sequence
	AgencyCode     string        `json:"agency"`
	TTHCCode       string        `json:"tthc_code"`
	ProcedureID    int64         `json:"procedure_id"`
	VersionNumber  int           `json:"version"` // pinned at receipt
	Applicant      Applicant     `json:"applicant"`
	Channel        Channel       `json:"channel"`
	ReceivedAt     time.Time     `json:"received_at"`
	DueAt          time.Time     `json:"due_at"`
	Status         DossierStatus `json:"status"`
	Result         string        `json:"result,omitempty"` // early, on_time, late once finished
	ReturnedAt     *time.Time    `json:"returned_at,omitempty"`
	NewAppointment *time.Time    `json:"new_appointment,omitempty"` // from the apology slip
	// ReceivedUnder is what the catalogue said of the TTHC when the
	// dossier was received, as its receipt slip printed it; nil for a
	// dossier whose receipt did not record it (an imported history).
	ReceivedUnder *TTHCTerms `json:"tthc_at_receipt,omitempty"`
	// ReceivedByName is the agency's name as it read at receipt, which
	// the receipt slip the citizen holds printed; empty where the receipt
	// did not record it.
	ReceivedByName string    `json:"received_by_name,omitempty"`
	Flow           FlowState `json:"flow"`
	Note           string    `json:"note,omitempty"`
	UpdatedAt      time.Time `json:"updated_at"`
	// SurveyKey is printed on the receipt slip: the satisfaction survey
	// asks for it, so that only the person holding the slip answers for
	// the dossier (its code is sequential). Given to the agency's staff
	// only (the receipt slip, the API's single-dossier answers).
	SurveyKey string `json:"-"`
	// IdempotencyKey, on receipt, makes a repeated receipt with the same
	// key by the same agency within IdempotencyWindow return the dossier
	// the first one created (Replayed) instead of a duplicate.
	IdempotencyKey string `json:"-"`
	Replayed       bool   `json:"-"`
}

// TTHCTerms are the catalogue's name, legal time limit and fee of a
// TTHC as they read at a dossier's receipt: a catalogue renamed or
// repriced later does not rewrite the slips the citizen was given.
type TTHCTerms struct {
	Name          string `json:"name"`
	TimeLimitDays int    `json:"time_limit_days"`
	Fee           string `json:"fee"`
}

// AsReceived is t as the dossier was received under it: the name, time
// limit and fee its receipt recorded, when it recorded them.
func (t TTHC) AsReceived(d *Dossier) *TTHC {
	if d.ReceivedUnder != nil {
		t.Name, t.TimeLimitDays, t.Fee = d.ReceivedUnder.Name, d.ReceivedUnder.TimeLimitDays, d.ReceivedUnder.Fee
	}
	return &t
}

// IdempotencyWindow is how long a receipt's idempotency key is kept.
const IdempotencyWindow = 24 * time.Hour

// Overdue reports whether an open dossier is past its due time at now.
func (d *Dossier) Overdue(now time.Time) bool {
	return !d.Status.Finished() && now.After(d.DueAt)
}

var dossierCodeRE = regexp.MustCompile(`^[A-Z0-9][A-Z0-9._-]{0,63}$`)

// ValidDossierCode reports whether a code is usable (imports bring the
// source system's codes).
func ValidDossierCode(code string) bool { return dossierCodeRE.MatchString(code) }

// clientCodeSuffixRE is what may follow "AGENCY-" in a chosen code.
var clientCodeSuffixRE = regexp.MustCompile(`^[A-Z0-9]([A-Z0-9-]{0,38}[A-Z0-9])?$`)

// CheckClientCode checks a code a caller chose for a dossier of agency
// (the one-stop system's own code): its first "-"-separated segment must
// be the agency's code exactly and the rest a non-empty suffix of at most
// 40 letters, digits and inner "-". A plain prefix test would let agency
// ST pick "ST-HN-…" codes that belong to an agency "STTTT-HN" or let
// "STTTT" pick "STTTT-HN-…"; agency codes have no "-" any more, and an
// agency whose legacy code has one cannot choose codes at all. Codes are
// unique per agency; the generator skips a number a chosen code took.
func CheckClientCode(agency, code string) error {
	if !ValidDossierCode(code) {
		return FieldError("code", "Mã hồ sơ %q không hợp lệ: chỉ gồm chữ in hoa, chữ số, dấu chấm, gạch dưới, gạch ngang (tối đa 64 ký tự).", code)
	}
	first, rest, _ := strings.Cut(code, "-")
	if strings.Contains(agency, "-") || first != agency || !clientCodeSuffixRE.MatchString(rest) {
		return FieldError("code", "Mã hồ sơ %q phải bắt đầu bằng mã đơn vị %s và dấu gạch ngang, rồi đến phần đuôi 1–40 ký tự chữ in hoa, chữ số, gạch ngang (không bắt đầu hay kết thúc bằng gạch ngang), ví dụ %s-<năm>-<số thứ tự>.", code, agency, agency)
	}
	return nil
}

// idNumberRE is an applicant's identity paper as one-stop desks record it:
// a citizen identity card (12 digits), an old identity card (9), a tax
// code (10 digits, a branch's with "-" and 3 more) or a passport (one or
// two capitals and 6 to 8 digits); a number of zeros only is none. "-1"
// and "ABCDEFGHIJ" were taken.
var idNumberRE = regexp.MustCompile(`^([0-9]{9}|[0-9]{12}|[0-9]{10}(-[0-9]{3})?|[A-Z]{1,2}[0-9]{6,8})$`)

// Normalize composes the applicant's details and the note (NFC) and trims
// the details: a name typed decomposed (Unikey's "Unicode tổ hợp",
// macOS) is stored as the same name typed composed, so that it is found,
// compared and printed alike.
func (d *Dossier) Normalize() {
	for _, f := range []*string{&d.Applicant.Name, &d.Applicant.IDNumber, &d.Applicant.Phone, &d.Applicant.Address} {
		*f = Composed(*f)
	}
	d.Applicant.IDNumber = strings.ToUpper(d.Applicant.IDNumber) // a passport's letters as printed
	d.Note = norm.NFC.String(d.Note)
	d.TTHCCode = strings.TrimSpace(d.TTHCCode)
}

// Validate checks a new dossier's input.
func (d *Dossier) Validate() error {
	switch {
	case strings.TrimSpace(d.TTHCCode) == "":
		return FieldError("tthc_code", "Chọn thủ tục hành chính của hồ sơ.")
	case strings.TrimSpace(d.Applicant.Name) == "":
		return FieldError("applicant.name", "Nhập tên người nộp hồ sơ.")
	case d.Channel != ChannelCounter && d.Channel != ChannelOnline && d.Channel != ChannelPost:
		return FieldError("channel", "Kênh tiếp nhận %q không hợp lệ (counter, online, post).", d.Channel)
	case strings.ContainsFunc(d.Applicant.Phone, func(r rune) bool { return !strings.ContainsRune("0123456789 +-.()", r) }):
		return FieldError("applicant.phone", "Số điện thoại của người nộp chỉ gồm chữ số, dấu cách và các dấu + - . ( ), không phải %q.", d.Applicant.Phone)
	}
	// The bounds match the maxlength of the reception form's inputs; the
	// fields are named by their JSON path, as the form's errors are placed
	// (a message naming the limit, next to the input it concerns).
	if err := CheckTexts(
		TextField{"applicant.name", "Tên người nộp", d.Applicant.Name, MaxNameText},
		TextField{"applicant.id_number", "Số CCCD/mã số thuế của người nộp", d.Applicant.IDNumber, 20},
		TextField{"applicant.phone", "Số điện thoại của người nộp", d.Applicant.Phone, 20},
		TextField{"applicant.address", "Địa chỉ của người nộp", d.Applicant.Address, 500},
		TextField{"note", "Ghi chú hồ sơ", d.Note, MaxShortText},
	); err != nil {
		return err
	}
	if id := d.Applicant.IDNumber; id != "" && (!idNumberRE.MatchString(id) || strings.Trim(id, "0-") == "") {
		return FieldError("applicant.id_number", "Số giấy tờ của người nộp %q không hợp lệ: số CCCD (12 chữ số), CMND (9 chữ số), mã số thuế (10 chữ số, chi nhánh thêm -3 chữ số) hoặc hộ chiếu (1–2 chữ cái và 6–8 chữ số).", id)
	} else if len(id) == 12 && !citizenIDPlausible(id) {
		return FieldError("applicant.id_number", "Số CCCD của người nộp %q không hợp lệ: ba chữ số đầu là mã tỉnh, thành phố nơi đăng ký khai sinh (001 Hà Nội … 096 Cà Mau), chữ số thứ tư là giới tính và thế kỷ sinh (0 đến 3).", id)
	}
	return nil
}

// citizenIDProvinces are the codes of the provinces and cities (as they
// were before the 2025 mergers: a card keeps the code it was issued
// with) that begin a citizen identity number (số định danh cá nhân,
// Thông tư 07/2016/TT-BCA, Phụ lục I).
var citizenIDProvinces = map[string]bool{}

func init() {
	for _, c := range strings.Fields(`001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 035 036 037
		038 040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068 070 072 074 075 077 079 080 082 083 084 086 087 089
		091 092 093 094 095 096`) {
		citizenIDProvinces[c] = true
	}
}

// citizenIDPlausible tells whether a 12-digit citizen identity number
// begins as one does: the code of the province where the birth was
// registered, then a digit for sex and century of birth, 0 to 3 for the
// twentieth and twenty-first (a 4 begins with 2100). "999999999999"
// was taken (outsider pass 11).
func citizenIDPlausible(id string) bool {
	return citizenIDProvinces[id[:3]] && id[3] <= '3'
}

// KeyUsedError refuses a receipt whose idempotency key an earlier receipt
// with other content used; Dossier is the dossier that receipt created.
// A reception form sent, then changed after going back and sent again,
// meets it: its page leads to that dossier.
type KeyUsedError struct {
	Err     *Error
	Dossier string
}

func (e *KeyUsedError) Error() string { return e.Err.Error() }
func (e *KeyUsedError) Unwrap() error { return e.Err }

// MaxReceiptAge is how far back a pushed receipt may be dated: a one-stop
// system that was down for a while sends what it received meanwhile, but
// a date further back (a mistyped year) would land in a closed reporting
// period with the procedure in force today pinned to it. Older finished
// dossiers come in with their history (qms import dossiers, which takes
// finished dossiers only).
const MaxReceiptAge = 90 * 24 * time.Hour

// receiptClockSkew is how far ahead of the server's clock a sender's
// clock may run.
const receiptClockSkew = 5 * time.Minute

// InFuture reports whether at is later than now, beyond the clock skew a
// sender may have: a receipt, or a history's receipt or completion,
// dated ahead has not happened.
func InFuture(at, now time.Time) bool { return at.After(now.Add(receiptClockSkew)) }

// CheckReceivedAt refuses a receipt time in the future or more than
// MaxReceiptAge before now.
func CheckReceivedAt(at, now time.Time) error {
	switch {
	case InFuture(at, now):
		return FieldError("received_at", "Thời điểm tiếp nhận không được ở tương lai.")
	case at.Before(now.Add(-MaxReceiptAge)):
		return FieldError("received_at", "Thời điểm tiếp nhận %s sớm hơn %d ngày trước: hồ sơ cũ hơn đã kết thúc được đưa vào bằng nhập lịch sử hồ sơ (qms import dossiers).",
			at.In(Zone).Format("02/01/2006 15:04"), int(MaxReceiptAge/(24*time.Hour)))
	}
	return nil
}

// StepRecord is one completed step of a dossier: who did it, when, which
// exit was taken, and the filled form and evidence files.
type StepRecord struct {
	ID          int64     `json:"id"`
	DossierID   int64     `json:"dossier_id"`
	StepID      string    `json:"step_id"`
	StepName    string    `json:"step_name"`
	Responsible string    `json:"responsible"`
	OpenedAt    time.Time `json:"opened_at"`
	DueAt       time.Time `json:"due_at"`
	CompletedAt time.Time `json:"completed_at"`
	Actor       string    `json:"actor"`
	// ActorName is the actor's full name as it read when the step was
	// recorded (the username when the account had none; empty for the
	// system and for a name no account here bore): a record shows who did
	// a step as they were then, not as a renamed account reads now.
	ActorName   string         `json:"actor_name,omitempty"`
	Exit        string         `json:"exit,omitempty"`
	FormCode    string         `json:"form_code,omitempty"`
	FormVersion int            `json:"form_version,omitempty"`
	Entry       map[string]any `json:"entry,omitempty"`
	Files       []FileRef      `json:"files,omitempty"`
	Note        string         `json:"note,omitempty"`
	Result      string         `json:"result"` // early, on_time, late against the step's own budget
	// DelegatedBy is the user whose delegation let Actor, who lacks the
	// step's role, complete it, and DelegationReason why (CheckStepActor).
	DelegatedBy      string `json:"delegated_by,omitempty"`
	DelegationReason string `json:"delegation_reason,omitempty"`
	// DelegatedByName is the delegator's full name as it read then, as
	// ActorName.
	DelegatedByName string `json:"delegated_by_name,omitempty"`
}

// FileRef names a stored file by its content hash.
type FileRef struct {
	SHA256      string `json:"sha256"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
}

// Pause is a stop of the agency's clock while the applicant supplements.
type Pause struct {
	StartedAt time.Time  `json:"started_at"`
	EndedAt   *time.Time `json:"ended_at,omitempty"`
	Reason    string     `json:"reason"`
}

// WorkingClock is what the dossier rules need of the working-day calendar
// (qms/calendar implements it): deadlines counted in working time.
type WorkingClock interface {
	Due(received time.Time, days int) (time.Time, error)
	AddWorkingHours(start time.Time, d time.Duration) (time.Time, error)
	WorkingDuration(from, to time.Time) time.Duration
}

// DossierFilter selects dossiers. Pointer fields mean "not set".
type DossierFilter struct {
	AgencyCode *string
	Code       *string
	Status     *DossierStatus
	TTHCCode   *string
	Overdue    *bool
	Offset     int
	Limit      int
	// CountLimit caps the total FindDossiers returns when > 0: it counts
	// at most CountLimit+1 dossiers, so a total above CountLimit means
	// "more than CountLimit". A screen does not need the exact number of
	// an agency's tens of thousands of dossiers, and counting them all
	// would outweigh the page itself; the API, whose total is a contract,
	// leaves it 0.
	CountLimit int
	// Brief fills only what a row of a list shows: the applicant's name
	// but not the rest of Applicant, and neither Flow nor Note: a list
	// shows none of them, and decoding their JSON for every row would be
	// a large part of the list page's work.
	Brief bool
}

// Task is an open step waiting for someone of a role.
type Task struct {
	DossierCode string    `json:"dossier_code"`
	TTHCName    string    `json:"tthc_name"`
	StepID      string    `json:"step_id"`
	StepName    string    `json:"step_name"`
	Responsible string    `json:"responsible"`
	OpenedAt    time.Time `json:"opened_at"`
	DueAt       time.Time `json:"due_at"`
	DossierDue  time.Time `json:"dossier_due"`
	Kind        string    `json:"kind"`
	Exits       []string  `json:"exits,omitempty"`
	// Form is the code of the controlled form the step records on, if any.
	Form string `json:"form,omitempty"`
	// DelegatedBy is the full name of whoever delegated the step to the
	// caller, on a task the caller has by a delegation, not by a role.
	DelegatedBy string `json:"delegated_by,omitempty"`
}

// CompleteStep is the input of completing an open step.
type CompleteStep struct {
	StepID string
	Exit   string         // the label of the chosen exit, for a decision
	Entry  map[string]any // the filled form, already validated against its schema
	// FormVersion is the version of the step's form the entry was made
	// on: it must be the version in force at the moment of recording.
	FormVersion int
	Files       []FileRef
	Note        string
	// DelegatedBy and DelegationReason: the delegation of someone who
	// may complete the step to an actor who may not (CheckStepActor).
	DelegatedBy      string
	DelegationReason string
}

// StepDelegation is a recorded hand-over of one step of one dossier by
// a user who may complete it (From) to one who may not (To). It is used
// by one completion; a delegation named only in the completion request
// is not one.
type StepDelegation struct {
	ID          int64      `json:"id"`
	DossierCode string     `json:"dossier_code"`
	StepID      string     `json:"step_id"`
	From        string     `json:"from"`
	To          string     `json:"to"`
	Reason      string     `json:"reason"`
	CreatedAt   time.Time  `json:"created_at"`
	UsedAt      *time.Time `json:"used_at,omitempty"`
}

// Validate checks a new delegation's own fields.
func (d *StepDelegation) Validate() error {
	switch {
	case strings.TrimSpace(d.StepID) == "":
		return FieldError("step_id", "Chọn bước cần ủy quyền.")
	case strings.TrimSpace(d.To) == "":
		return FieldError("to", "Chọn người được ủy quyền.")
	case strings.EqualFold(strings.TrimSpace(d.To), d.From):
		return FieldError("to", "Không thể tự ủy quyền cho chính mình.")
	case strings.TrimSpace(d.Reason) == "":
		return FieldError("reason", "Nhập lý do ủy quyền.")
	case utf8.RuneCountInString(d.Reason) > 500:
		return FieldError("reason", "Lý do ủy quyền dài quá 500 ký tự.")
	}
	return nil
}

// OnTimeReport are the figures of a period (domain brief, "On-time statistics").
type OnTimeReport struct {
	Received    int     `json:"received"`
	CarriedOver int     `json:"carried_over"`
	Completed   int     `json:"completed"`
	Early       int     `json:"early"`
	OnTime      int     `json:"on_time"`
	Late        int     `json:"late"`
	InProgress  int     `json:"in_progress"`
	Overdue     int     `json:"overdue"`
	TimelyRate  float64 `json:"timely_rate"`
	LateRate    float64 `json:"late_rate"`
	// MeasuredAt is the moment in_progress and overdue are measured at:
	// the period's end, or now when the period ends later (a dossier due
	// tomorrow is not overdue today).
	MeasuredAt time.Time `json:"measured_at"`
}

// Rates fills the derived figures: timely = (early + on time) / completed
// and late = (late finished + overdue open) / (received + carried over),
// in percent rounded to 2 decimals; 0 when there is nothing to divide.
func (r *OnTimeReport) Rates() {
	r.TimelyRate = percent(r.Early+r.OnTime, r.Completed)
	r.LateRate = percent(r.Late+r.Overdue, r.Received+r.CarriedOver)
}

func percent(n, d int) float64 {
	if d == 0 {
		return 0
	}
	// Round half away from zero on the integer of hundredths, avoiding
	// float error on values such as 95.955.
	x := int64(n) * 1000000 / int64(d) // percent × 10^4
	return float64((x+50)/100) / 100
}

// DossierProgress is a dossier with its step records and pauses: the
// course of its handling (quá trình giải quyết), read at one moment so
// that the three agree.
type DossierProgress struct {
	Dossier *Dossier
	Steps   []*StepRecord
	Pauses  []Pause
}

// DossierService receives dossiers and moves them through their steps.
type DossierService interface {
	ReceiveDossier(ctx context.Context, d *Dossier) error
	FindDossier(ctx context.Context, agency, code string) (*Dossier, error)
	FindDossiers(ctx context.Context, f DossierFilter) ([]*Dossier, int, error)
	StepRecords(ctx context.Context, dossierID int64) ([]*StepRecord, error)
	Pauses(ctx context.Context, dossierID int64) ([]Pause, error)
	// DossierProgress is FindDossier with the step records and pauses.
	DossierProgress(ctx context.Context, agency, code string) (*DossierProgress, error)
	CompleteStep(ctx context.Context, agency, code string, in CompleteStep) (*Dossier, error)
	// DelegateStep records the actor's delegation of a step of an open
	// dossier to another user of the agency (CheckDelegator); the
	// delegate then completes the step once on it.
	DelegateStep(ctx context.Context, agency, code string, del StepDelegation) (*StepDelegation, error)
	// OpenDelegations lists the unused delegations of a dossier's steps
	// to user.
	OpenDelegations(ctx context.Context, agency, code, user string) ([]StepDelegation, error)
	// GivenDelegations lists the unused delegations of a dossier's steps
	// that user gave.
	GivenDelegations(ctx context.Context, agency, code, user string) ([]StepDelegation, error)
	// RevokeDelegation withdraws an unused delegation (thu hồi ủy quyền),
	// by the user who gave it or a leader of the agency.
	RevokeDelegation(ctx context.Context, agency, code string, id int64) (*StepDelegation, error)
	PauseDossier(ctx context.Context, agency, code, reason string) (*Dossier, error)
	ResumeDossier(ctx context.Context, agency, code string) (*Dossier, error)
	Apologize(ctx context.Context, agency, code string, newAppointment time.Time, reason string) (*Dossier, error)
	// Tasks and TasksPage list the open steps waiting for any of roles,
	// and the steps delegated to the actor of ctx (DelegatedBy set),
	// most urgent first.
	Tasks(ctx context.Context, agency string, roles []Role) ([]Task, error)
	TasksPage(ctx context.Context, agency string, roles []Role, offset, limit int) ([]Task, error)
	// PinnedFlowchart is the flowchart of the procedure version a dossier
	// pinned at receipt. It is shared between callers: do not modify it.
	PinnedFlowchart(ctx context.Context, procedureID int64, number int) (flowchart.Flowchart, error)
	// PinnedSubject is that version's subject (ProcedureSubject), nil for
	// one submitted before subjects were kept. Shared: do not modify.
	PinnedSubject(ctx context.Context, procedureID int64, number int) (*ProcedureSubject, error)
	OnTime(ctx context.Context, agency string, from, to time.Time, groupBy string) (map[string]*OnTimeReport, error)
	// OnTimeReturned counts the dossiers returned in [from, to) by the
	// month of their return in Vietnam ("2026-03", by "month") or by
	// field (by "field"): completed, early, on time and late, with the
	// rates; the other figures stay zero.
	OnTimeReturned(ctx context.Context, agency string, from, to time.Time, by string) (map[string]*OnTimeReport, error)
}

// CalendarOverride is one row an admin keeps on the working-day calendar:
// an extra day off, a worked day, or one of the Tết days the Government
// fixed for a year.
type CalendarOverride struct {
	Date string `json:"date"` // YYYY-MM-DD
	Kind string `json:"kind"` // off, work, tet
	Name string `json:"name"`
}
