package qms

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Citizen satisfaction (ISO 9001:2015 9.1.2): after a dossier's result is
// returned, the citizen may answer the questionnaire of the national
// satisfaction index for public administrative services (SIPAS, Chỉ số
// hài lòng về sự phục vụ hành chính) once, on a 1–5 scale with an
// optional comment. The questionnaire is data with its legal basis, so a
// later decision of the Ministry adds a questionnaire rather than
// rewriting this one; each response names the questionnaire it answered.

// SurveyGroup is one of the questionnaire's groups of criteria.
type SurveyGroup struct {
	Code  string `json:"code"`
	Title string `json:"title"`
}

// SurveyQuestion is one criterion, answered on the 1–5 scale. An
// optional one is left blank by a citizen it does not concern (one who
// never sent feedback cannot judge how it was handled).
type SurveyQuestion struct {
	Code     string `json:"code"`
	Group    string `json:"group"`
	Text     string `json:"text"`
	Optional bool   `json:"optional,omitempty"`
}

// Questionnaire is a survey as its legal basis sets it out.
type Questionnaire struct {
	Code          string           `json:"code"`
	Title         string           `json:"title"`
	LegalBasis    string           `json:"legal_basis"` // document number
	Issuer        string           `json:"issuer"`
	EffectiveFrom time.Time        `json:"effective_from"`
	Groups        []SurveyGroup    `json:"groups"`
	Questions     []SurveyQuestion `json:"questions"`
}

// The answer scale.
const (
	ScoreMin = 1 // rất không hài lòng
	ScoreMax = 5 // rất hài lòng
	// ScoreSatisfied is the lowest score counted as satisfied (hài lòng
	// or rất hài lòng): the SIPAS index of a criterion is the share of
	// answers at or above it.
	ScoreSatisfied = 4
)

// Limits on a response from the public page.
const (
	SatisfactionMaxComment = 2000
	// SatisfactionThrottleMax responses from one address within
	// SatisfactionThrottleWindow; the next is refused (ETOOMANY). The
	// survey key is what keeps a stranger out, so this only stops a flood
	// and leaves room for a one-stop counter's kiosk or an office behind
	// one address, where citizens answer one after another.
	SatisfactionThrottleMax    = 30
	SatisfactionThrottleWindow = FeedbackThrottleWindow
	// SurveyKeyFailuresMax wrong survey keys from one address within
	// SatisfactionThrottleWindow; past them every answer from it is
	// refused (ETOOMANY) until the window passes, a right key included,
	// so that the refusal tells a guesser nothing.
	SurveyKeyFailuresMax = 10
)

// SIPAS2017 is the questionnaire of the Đề án đo lường sự hài lòng của
// người dân, tổ chức đối với sự phục vụ của cơ quan hành chính nhà nước
// (Decision 2640/QĐ-BNV of 10/10/2017 of the Minister of Home Affairs):
// the judgements (nhận định) on the five elements of the service.
var SIPAS2017 = Questionnaire{
	Code:  "SIPAS-2017",
	Title: "Đo lường sự hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính nhà nước (SIPAS)",
	LegalBasis: "Quyết định số 2640/QĐ-BNV ngày 10/10/2017 của Bộ trưởng Bộ Nội vụ phê duyệt Đề án Đo lường sự hài lòng " +
		"của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính nhà nước",
	Issuer:        "Bộ Nội vụ",
	EffectiveFrom: time.Date(2017, 10, 10, 0, 0, 0, 0, Zone),
	Groups: []SurveyGroup{
		{"TC", "Tiếp cận dịch vụ"},
		{"TT", "Thủ tục hành chính"},
		{"CC", "Sự phục vụ của công chức"},
		{"KQ", "Kết quả giải quyết thủ tục hành chính"},
		{"GY", "Tiếp nhận và xử lý góp ý, phản ánh, kiến nghị"},
	},
	Questions: []SurveyQuestion{
		{Code: "TC1", Group: "TC", Text: "Nơi ngồi chờ có đủ chỗ ngồi"},
		{Code: "TC2", Group: "TC", Text: "Trang thiết bị phục vụ người dân, tổ chức đầy đủ"},
		{Code: "TC3", Group: "TC", Text: "Trang thiết bị phục vụ người dân, tổ chức hiện đại"},
		{Code: "TC4", Group: "TC", Text: "Trang thiết bị phục vụ người dân, tổ chức dễ sử dụng"},
		{Code: "TT1", Group: "TT", Text: "Thủ tục hành chính được niêm yết công khai đầy đủ"},
		{Code: "TT2", Group: "TT", Text: "Thủ tục hành chính được niêm yết công khai chính xác"},
		{Code: "TT3", Group: "TT", Text: "Thành phần hồ sơ phải nộp là đúng quy định"},
		{Code: "TT4", Group: "TT", Text: "Phí, lệ phí phải nộp là đúng quy định"},
		{Code: "TT5", Group: "TT", Text: "Thời hạn giải quyết (từ ngày tiếp nhận hồ sơ đến ngày nhận kết quả) là đúng quy định"},
		{Code: "CC1", Group: "CC", Text: "Công chức có thái độ giao tiếp lịch sự"},
		{Code: "CC2", Group: "CC", Text: "Công chức chú ý lắng nghe ý kiến của người dân, tổ chức"},
		{Code: "CC3", Group: "CC", Text: "Công chức trả lời, giải thích đầy đủ các ý kiến của người dân, tổ chức"},
		{Code: "CC4", Group: "CC", Text: "Công chức hướng dẫn kê khai hồ sơ tận tình, chu đáo"},
		{Code: "CC5", Group: "CC", Text: "Công chức hướng dẫn kê khai hồ sơ dễ hiểu"},
		{Code: "CC6", Group: "CC", Text: "Công chức tuân thủ đúng quy định trong giải quyết công việc"},
		{Code: "KQ1", Group: "KQ", Text: "Kết quả giải quyết đúng quy định"},
		{Code: "KQ2", Group: "KQ", Text: "Kết quả giải quyết có thông tin đầy đủ"},
		{Code: "KQ3", Group: "KQ", Text: "Kết quả giải quyết có thông tin chính xác"},
		{Code: "GY1", Group: "GY", Text: "Cơ quan có bố trí hình thức tiếp nhận góp ý, phản ánh, kiến nghị", Optional: true},
		{Code: "GY2", Group: "GY", Text: "Người dân, tổ chức dễ dàng thực hiện góp ý, phản ánh, kiến nghị", Optional: true},
		{Code: "GY3", Group: "GY", Text: "Cơ quan tiếp nhận, xử lý các góp ý, phản ánh, kiến nghị tích cực", Optional: true},
		{Code: "GY4", Group: "GY", Text: "Cơ quan thông báo kịp thời kết quả xử lý góp ý, phản ánh, kiến nghị", Optional: true},
	},
}

// SatisfactionTarget is the satisfaction an agency must reach, as the
// programme that sets it says.
type SatisfactionTarget struct {
	Percent       float64   `json:"percent"`
	LegalBasis    string    `json:"legal_basis"`
	BasisNumber   string    `json:"basis_number"` // the number of LegalBasis, as a finding cites it
	EffectiveFrom time.Time `json:"effective_from"`
}

// SatisfactionTargets are the targets in force over time, oldest first.
var SatisfactionTargets = []SatisfactionTarget{{
	Percent:     90,
	BasisNumber: "76/NQ-CP",
	LegalBasis: "Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ ban hành Chương trình tổng thể cải cách hành chính nhà nước " +
		"giai đoạn 2021 – 2030 (mức độ hài lòng của người dân, doanh nghiệp đạt tối thiểu 90% vào năm 2025)",
	EffectiveFrom: time.Date(2021, 7, 15, 0, 0, 0, 0, Zone),
}}

// SatisfactionTargetAt is the target in force at t.
func SatisfactionTargetAt(t time.Time) SatisfactionTarget {
	target := SatisfactionTargets[0]
	for _, c := range SatisfactionTargets[1:] {
		if !c.EffectiveFrom.After(t) {
			target = c
		}
	}
	return target
}

// SatisfactionMinResponses is how many responses a quarter needs before
// its index is judged against the target: two or three answers say
// nothing about an agency.
const SatisfactionMinResponses = 5

// Questionnaires are every questionnaire the system knows, oldest first.
var Questionnaires = []Questionnaire{SIPAS2017}

// QuestionnaireAt is the questionnaire in force at t: the latest one
// effective by then.
func QuestionnaireAt(t time.Time) Questionnaire {
	q := Questionnaires[0]
	for _, c := range Questionnaires[1:] {
		if !c.EffectiveFrom.After(t) {
			q = c
		}
	}
	return q
}

// FindQuestionnaire returns the questionnaire of a code, for reading a
// stored response.
func FindQuestionnaire(code string) (Questionnaire, bool) {
	for _, q := range Questionnaires {
		if q.Code == code {
			return q, true
		}
	}
	return Questionnaire{}, false
}

// GroupOf returns the group code of a question, "" if unknown.
func (q Questionnaire) GroupOf(question string) string {
	for _, s := range q.Questions {
		if s.Code == question {
			return s.Group
		}
	}
	return ""
}

// SatisfactionResponse is a citizen's answers about one returned dossier.
// It is a record: never changed, never deleted. The survey is anonymous
// (as the SIPAS practice is): a response names no dossier and no
// applicant, so that no one reading the results, their API or the audit
// trail can tell who answered. The store keeps the link to the dossier
// only to take one response per dossier, and never reads it back.
type SatisfactionResponse struct {
	ID            int64          `json:"id"`
	AgencyCode    string         `json:"agency"` // the dossier's
	TTHCCode      string         `json:"tthc_code"`
	Questionnaire string         `json:"questionnaire"`
	Answers       map[string]int `json:"answers"` // question code → 1..5
	Comment       string         `json:"comment,omitempty"`
	SubmittedAt   time.Time      `json:"submitted_at"`
	// Key is the survey key the citizen typed from the receipt slip;
	// checked, never stored with the answers.
	Key string `json:"-"`
}

// SatisfactionObject is the object type of a response's audit entry.
const SatisfactionObject = "satisfaction_response"

// SatisfactionAudit is all the audit entry of a response records (object
// SatisfactionObject, its id the response's): the response, its agency
// and questionnaire. Not the dossier (whose applicant the dossier names),
// nor the TTHC, the scores or the comment: the entry's time is exact and
// a citizen's visit can be timed from outside the results (the counter
// where the result was just handed over), so any of them beside it could
// tell whose answers they are. The results show scores only summed, and
// comments by month (qms/web). The response itself is a record the store
// refuses to change, so the entry need not copy it.
type SatisfactionAudit struct {
	ID            int64  `json:"id"`
	AgencyCode    string `json:"agency"`
	Questionnaire string `json:"questionnaire"`
}

// Audit is what the response's audit entry records.
func (r *SatisfactionResponse) Audit() SatisfactionAudit {
	return SatisfactionAudit{ID: r.ID, AgencyCode: r.AgencyCode, Questionnaire: r.Questionnaire}
}

// DeidentifySurveyEntry shows the audit entry of a survey answer written
// before answers were de-identified as the entries written since: its
// object was the dossier, its state the whole response with the
// dossier's code. The entry stays as written in the hash-chained trail
// (which refuses any change); what is read from it through the product
// is the response's id, agency and questionnaire, flagged Deidentified.
// Other entries are left as they are.
func DeidentifySurveyEntry(e *AuditEntry) {
	if e.Action != "satisfaction.submit" || e.ObjectType == SatisfactionObject {
		return
	}
	var a SatisfactionAudit
	if json.Unmarshal(e.After, &a) != nil {
		a = SatisfactionAudit{AgencyCode: e.AgencyCode}
	}
	e.ObjectType, e.ObjectID, e.Before, e.After, e.Reason, e.Deidentified = SatisfactionObject, "", nil, nil, "", true
	if a.ID > 0 {
		e.ObjectID = strconv.FormatInt(a.ID, 10)
	}
	if b, err := json.Marshal(a); err == nil {
		e.After = b
	}
}

// Validate checks the answers against the questionnaire: every required
// question answered, each on the scale, no question it does not have,
// and a bounded comment.
func (r *SatisfactionResponse) Validate(q Questionnaire) error {
	r.Comment = strings.TrimSpace(r.Comment)
	if len(r.Answers) > len(q.Questions) {
		return FieldError("answers", "Phiếu có %d câu trả lời, nhiều hơn %d câu hỏi của phiếu khảo sát.", len(r.Answers), len(q.Questions))
	}
	for code := range r.Answers {
		if q.GroupOf(code) == "" {
			return FieldError("answers", "Câu hỏi %q không có trong phiếu khảo sát %s.", code, q.Code)
		}
	}
	for i, s := range q.Questions {
		v, ok := r.Answers[s.Code]
		switch {
		case !ok && !s.Optional:
			return FieldError("q_"+s.Code, "Chưa chọn mức độ hài lòng cho câu %d: %s.", i+1, s.Text)
		case ok && (v < ScoreMin || v > ScoreMax):
			return FieldError("q_"+s.Code, "Câu %d (%s): chọn mức từ %d đến %d.", i+1, s.Text, ScoreMin, ScoreMax)
		}
	}
	if n := utf8.RuneCountInString(r.Comment); n > SatisfactionMaxComment {
		return FieldError("comment", "Ý kiến khác tối đa %s ký tự (hiện có %s).", Number(SatisfactionMaxComment), Number(n))
	}
	return nil
}

// SatisfactionOpen says whether a dossier may be rated now: only once its
// result has been returned, and only once (rated: it has a response).
// The refusal of a second response does not say when the first was
// given: that time, beside the results, would tell whose they are.
func SatisfactionOpen(d *Dossier, rated bool) error {
	switch {
	case rated:
		return Errorf(ECONFLICT, "Hồ sơ %s đã được đánh giá mức độ hài lòng: mỗi hồ sơ chỉ được đánh giá một lần.", d.Code)
	case d.ReturnedAt == nil:
		return Errorf(ECONFLICT, "Hồ sơ %s chưa trả kết quả: chỉ đánh giá mức độ hài lòng sau khi nhận kết quả giải quyết.", d.Code)
	}
	return nil
}

// SurveyKeyLength is the length of a dossier's survey key: 10
// hexadecimal digits, 40 random bits, so that guessing one key takes
// about 10^12 requests.
const SurveyKeyLength = 10

// NewSurveyKey is a fresh survey key, in capitals.
func NewSurveyKey() string {
	b := make([]byte, SurveyKeyLength/2)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return strings.ToUpper(hex.EncodeToString(b))
}

// CheckSurveyKey refuses a response whose key is not the dossier's: the
// key being letters and digits, the comparison keeps only those, in
// capitals, after reading full-width ones as ASCII (NFKC), so that any
// space, dash, dot or invisible character a key read out, pasted from a
// message or typed on a phone arrives with is ignored; it takes the same
// time whatever it finds.
func CheckSurveyKey(d *Dossier, typed string) error {
	typed = SurveyKeyTyped(typed)
	switch {
	case typed == "":
		return FieldError("key", "Nhập mã khảo sát in trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả.")
	case d.SurveyKey == "" || subtle.ConstantTimeCompare([]byte(typed), []byte(d.SurveyKey)) != 1:
		return FieldError("key", "Mã khảo sát không đúng với hồ sơ %s. Xem lại mã in trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả.", d.Code)
	}
	return nil
}

// SurveyKeyTyped is a typed key as CheckSurveyKey compares it: its
// letters and digits, in capitals; "" when it has none (no key given,
// which is not a guess).
func SurveyKeyTyped(typed string) string {
	return strings.Map(func(r rune) rune {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return -1
		}
		return unicode.ToUpper(r)
	}, norm.NFKC.String(typed))
}

// Quarter names the calendar quarter of t in Hà Nội: "2026-Q1".
func Quarter(t time.Time) string {
	t = t.In(Zone)
	return fmt.Sprintf("%d-Q%d", t.Year(), (int(t.Month())-1)/3+1)
}

// Tally counts answers on the scale.
type Tally struct {
	Answers   int `json:"answers"`
	Sum       int `json:"sum"`
	Satisfied int `json:"satisfied"` // answers at ScoreSatisfied or above
}

func (t *Tally) add(v int) {
	t.Answers++
	t.Sum += v
	if v >= ScoreSatisfied {
		t.Satisfied++
	}
}

// Rate is the SIPAS index: the percentage of satisfied answers.
func (t Tally) Rate() float64 {
	if t.Answers == 0 {
		return 0
	}
	return 100 * float64(t.Satisfied) / float64(t.Answers)
}

// Mean is the average score.
func (t Tally) Mean() float64 {
	if t.Answers == 0 {
		return 0
	}
	return float64(t.Sum) / float64(t.Answers)
}

// SatisfactionStats are the figures of a set of responses.
type SatisfactionStats struct {
	Key        string           `json:"key"`
	Responses  int              `json:"responses"`
	Comments   int              `json:"comments"`
	ByGroup    map[string]Tally `json:"by_group"`
	ByQuestion map[string]Tally `json:"by_question"`
}

// Index is the overall SIPAS index: the mean of the groups' indexes, each
// group weighing the same whatever its number of questions; groups no one
// answered are left out.
func (s *SatisfactionStats) Index() float64 {
	n, sum := 0, 0.0
	for _, t := range s.ByGroup {
		if t.Answers > 0 {
			n++
			sum += t.Rate()
		}
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

// GroupRate is the index of one group (0 when no one answered it).
func (s *SatisfactionStats) GroupRate(group string) float64 { return s.ByGroup[group].Rate() }

func (s *SatisfactionStats) add(r *SatisfactionResponse) {
	q, _ := FindQuestionnaire(r.Questionnaire)
	s.Responses++
	if r.Comment != "" {
		s.Comments++
	}
	for code, v := range r.Answers {
		g := q.GroupOf(code)
		if g == "" {
			continue
		}
		t := s.ByGroup[g]
		t.add(v)
		s.ByGroup[g] = t
		t = s.ByQuestion[code]
		t.add(v)
		s.ByQuestion[code] = t
	}
}

// AggregateSatisfaction sums responses by the key keyOf gives each (its
// quarter, agency, TTHC or a mix), sorted by key; keyOf nil sums them all
// under "".
func AggregateSatisfaction(rs []*SatisfactionResponse, keyOf func(*SatisfactionResponse) string) []*SatisfactionStats {
	byKey := map[string]*SatisfactionStats{}
	for _, r := range rs {
		k := ""
		if keyOf != nil {
			k = keyOf(r)
		}
		s := byKey[k]
		if s == nil {
			s = &SatisfactionStats{Key: k, ByGroup: map[string]Tally{}, ByQuestion: map[string]Tally{}}
			byKey[k] = s
		}
		s.add(r)
	}
	out := make([]*SatisfactionStats, 0, len(byKey))
	for _, s := range byKey {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// WithheldRows says, for the rows of one breakdown of the responses (each
// row's count of responses, the rows adding up to the total), which show
// their count only: every row of fewer than SatisfactionMinResponses, and
// then, while the rows withheld hold some but fewer than that many
// responses together, the smallest row still shown as well. Otherwise the
// total less the rows shown gives the withheld rows' figures, those of one
// citizen when one row of one answer is withheld (outsider pass 7).
func WithheldRows(responses []int) []bool {
	withheld := make([]bool, len(responses))
	sum := 0
	for i, n := range responses {
		if n < SatisfactionMinResponses {
			withheld[i], sum = true, sum+n
		}
	}
	for sum > 0 && sum < SatisfactionMinResponses {
		smallest := -1
		for i, n := range responses {
			if !withheld[i] && (smallest < 0 || n < responses[smallest]) {
				smallest = i
			}
		}
		if smallest < 0 {
			break // all withheld: so is their total, being under the minimum
		}
		withheld[smallest], sum = true, sum+responses[smallest]
	}
	return withheld
}

// SatisfactionSummary is what the management review pack keeps of the
// year's responses. Under SatisfactionMinResponses it keeps the count only
// (Withheld), as the results page shows it: a pack is kept as prepared, so
// one prepared after each answer would give each citizen's scores.
type SatisfactionSummary struct {
	Questionnaire string             `json:"questionnaire"`
	Responses     int                `json:"responses"`
	Index         float64            `json:"index"`    // percentage satisfied, mean of the groups
	ByGroup       map[string]float64 `json:"by_group"` // group code → index
	ByQuarter     map[string]float64 `json:"by_quarter"`
	Withheld      bool               `json:"withheld,omitempty"`
}

// SummarizeSatisfaction condenses a year's responses for the review pack
// prepared at.
func SummarizeSatisfaction(rs []*SatisfactionResponse, at time.Time) SatisfactionSummary {
	sum := SatisfactionSummary{Questionnaire: QuestionnaireAt(at).Code, ByGroup: map[string]float64{}, ByQuarter: map[string]float64{}}
	all := AggregateSatisfaction(rs, nil)
	if len(all) == 0 {
		return sum
	}
	sum.Responses = all[0].Responses
	if sum.Withheld = sum.Responses < SatisfactionMinResponses; sum.Withheld {
		return sum
	}
	sum.Index = all[0].Index()
	for g, t := range all[0].ByGroup {
		sum.ByGroup[g] = t.Rate()
	}
	quarters := AggregateSatisfaction(rs, func(r *SatisfactionResponse) string { return Quarter(r.SubmittedAt) })
	counts := make([]int, len(quarters))
	for i, q := range quarters {
		counts[i] = q.Responses
	}
	withheld := WithheldRows(counts)
	for i, q := range quarters {
		if !withheld[i] {
			sum.ByQuarter[q.Key] = q.Index()
		}
	}
	return sum
}

// SatisfactionFilter selects responses: of the agencies listed (none
// means none), submitted in [From, To).
type SatisfactionFilter struct {
	Agencies []string
	From, To time.Time
}

// SatisfactionService takes citizens' answers and reads them back,
// de-identified: nothing here tells which dossier a response is about, or
// whether a given dossier was rated.
type SatisfactionService interface {
	// SubmitSatisfaction records r on the dossier of code that agency's
	// public lookup finds (following merges), the actor being
	// PublicActor. It returns ENOTFOUND for an unknown agency or dossier,
	// ECONFLICT before the result is returned, EINVALID for a wrong key or
	// bad answers, ECONFLICT when the dossier was already rated (told only
	// to whom gave its key and a complete questionnaire) and ETOOMANY past
	// the per-address throttle. ip is kept only as a salted hash, for the
	// throttle's window, never with the response. The audit entry names
	// the response, not the dossier.
	SubmitSatisfaction(ctx context.Context, agency, dossierCode string, r *SatisfactionResponse, ip string) error
	// FindSatisfaction lists responses, oldest first.
	FindSatisfaction(ctx context.Context, f SatisfactionFilter) ([]*SatisfactionResponse, error)
	// SatisfactionScope lists the agency and those whose figures it
	// reports: its subordinate units and the agencies merged into it.
	SatisfactionScope(ctx context.Context, agency string) ([]string, error)
}
