package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"isodt/qms"
	"isodt/qms/flowchart"
)

// inForceSQL selects the procedure version in force that covers a TTHC
// of an agency: (procedure_id, number). The joins go from the TTHC to its
// procedures to their versions. On SQLite CROSS JOIN fixes that order and
// "+" keeps the status index out: left to itself, without statistics, the
// planner started from every version in force in the province (2,400) and
// joined each back, a millisecond inside every receipt's write.
// PostgreSQL has statistics and neither operator.
func (d DossierDialect) InForceSQL() string {
	if d == DossiersPostgreSQL {
		return `SELECT v.procedure_id, v.number FROM procedure_tthc pt JOIN procedures p ON p.id = pt.procedure_id
	JOIN procedure_versions v ON v.procedure_id = p.id
	WHERE p.agency_code = ? AND pt.tthc_code = ? AND v.status = 'effective' ORDER BY v.effective_on DESC, v.id DESC LIMIT 1`
	}
	return `SELECT v.procedure_id, v.number FROM procedure_tthc pt CROSS JOIN procedures p ON p.id = pt.procedure_id
	CROSS JOIN procedure_versions v ON v.procedure_id = p.id
	WHERE p.agency_code = ? AND pt.tthc_code = ? AND +v.status = 'effective' ORDER BY v.effective_on DESC, v.id DESC LIMIT 1`
}

// inForceKey is the version in force that covers a TTHC of an agency.
func (s *Store) inForceKey(ctx context.Context, q Querier, agency, tthc string) (int64, int, error) {
	var pid int64
	var number int
	found, err := scanOne(q.Query(ctx, s.cfg.Dossiers.InForceSQL(), agency, tthc))(&pid, &number)
	if err == nil && !found {
		return 0, 0, qms.Errorf(qms.ECONFLICT, "Thủ tục %s chưa có quy trình nội bộ có hiệu lực: chưa thể tiếp nhận hồ sơ theo quy trình ISO.", tthc)
	}
	return pid, number, err
}

// checkSubjectNames refuses a receipt on a version in force whose
// signed subject does not name the TTHC: the link that found it
// (procedure_tthc) is not what the leader approved, whether moved with the
// database alone or added to the procedure's list after that approval.
// Receipts follow the leader's signed decision. A version submitted
// before subjects were kept (nil) is taken as it is.
func checkSubjectNames(ctx context.Context, q Querier, subject *qms.ProcedureSubject, procedureID int64, number int, tthc string) error {
	if subject == nil || slices.Contains(subject.TTHCCodes, tthc) {
		return nil
	}
	code := "#" + Itoa(procedureID)
	if _, err := scanOne(q.Query(ctx, `SELECT code FROM procedures WHERE id = ?`, procedureID))(&code); err != nil {
		return err
	}
	issue := (&qms.ProcedureVersion{Number: number}).IssueNumber()
	return qms.Errorf(qms.ECONFLICT, "Thủ tục %s đang liên kết với quy trình %s, nhưng lần ban hành %s đang có hiệu lực của quy trình này không được lãnh đạo phê duyệt cho thủ tục %s: chưa thể tiếp nhận hồ sơ. Người quản lý quy trình cần kiểm tra liên kết hoặc trình duyệt lần ban hành mới có thủ tục này.",
		tthc, code, issue, tthc)
}

// receipt is what receiving a dossier decides from the catalogue and the
// procedure in force: the TTHC's time limit, the version pinned, its
// flowchart, and the due times of the steps the receipt opens.
type receipt struct {
	limitDays   int
	procedureID int64
	number      int
	fc          flowchart.Flowchart
	// dues are the due times of d.Flow.Open, in order.
	dues []string
}

// planReceipt reads through q (a read connection, or the write
// transaction) what the receipt of d is decided on, and fills d with it:
// the version pinned, the due time, the flow begun at the receipt.
func (s *Store) planReceipt(ctx context.Context, q Querier, d *qms.Dossier, cal qms.WorkingClock) (*receipt, error) {
	tthcs, err := QueryTTHCs(ctx, q, d.AgencyCode, &d.TTHCCode)
	if err != nil {
		return nil, err
	} else if len(tthcs) == 0 || tthcs[0].Status != qms.TTHCActive {
		return nil, qms.FieldError("tthc_code", "Thủ tục %q không có trong danh mục đang áp dụng của đơn vị.", d.TTHCCode)
	}
	t := tthcs[0]
	r := &receipt{limitDays: t.TimeLimitDays}
	d.ReceivedUnder = &qms.TTHCTerms{Name: t.Name, TimeLimitDays: t.TimeLimitDays, Fee: t.Fee}
	if r.procedureID, r.number, err = s.inForceKey(ctx, q, d.AgencyCode, d.TTHCCode); err != nil {
		return nil, err
	}
	// The version in force is final: its flowchart and subject are kept
	// by key.
	pv, err := s.pinnedIn(ctx, q, r.procedureID, r.number)
	if err != nil {
		return nil, err
	}
	if err := checkSubjectNames(ctx, q, pv.subject, r.procedureID, r.number, d.TTHCCode); err != nil {
		return nil, err
	}
	r.fc = pv.flowchart
	if d.DueAt, err = cal.Due(d.ReceivedAt, r.limitDays); err != nil {
		return nil, err
	}
	d.DueAt = d.DueAt.UTC() // as it is stored, so the answer reads as a later read does
	d.ProcedureID, d.VersionNumber, d.Status = r.procedureID, r.number, qms.DossierReceived
	if d.Flow, err = qms.StartFlow(r.fc, d.ReceivedAt); err != nil {
		return nil, err
	}
	if r.dues, err = openStepDues(d, r.fc, cal); err != nil {
		return nil, err
	}
	return r, nil
}

// stillHolds reports whether, in the write transaction, the TTHC is still
// active with the same name, time limit and fee and the same version is
// in force: then the receipt planned before the write stands as planned.
func (s *Store) stillHolds(ctx context.Context, tx Tx, r *receipt, d *qms.Dossier) (bool, error) {
	var ok bool
	t := d.ReceivedUnder
	err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM tthc WHERE agency_code = ? AND code = ? AND status = 'active' AND time_limit_days = ? AND name = ? AND fee = ?)
		AND COALESCE((SELECT procedure_id = ? AND number = ? FROM (`+s.cfg.Dossiers.InForceSQL()+`) AS f), FALSE)`,
		d.AgencyCode, d.TTHCCode, r.limitDays, t.Name, t.Fee, r.procedureID, r.number, d.AgencyCode, d.TTHCCode).Scan(&ok)
	return ok, err
}

// receiptPlanned runs between a receipt's plan and its write; tests change
// the catalogue there (SetReceiptPlanned).
var receiptPlanned atomic.Pointer[func()]

// SetReceiptPlanned makes f run between the plan of each receipt and its
// write, on every store of the process, until restore is called: a test
// changes the catalogue there.
func SetReceiptPlanned(f func()) (restore func()) {
	old := receiptPlanned.Swap(&f)
	return func() { receiptPlanned.Store(old) }
}

// ReceiveDossier records a new dossier: it pins the procedure version in
// force now, computes the due time on the agency's working-day calendar,
// records the receipt as the start step and opens the next steps.
//
// All of it is read and computed before the write, on the caller's
// goroutine: on SQLite the write group is one writer for the whole
// server, on PostgreSQL writers queue on the audit head, and what runs
// inside is paid by every write queued behind. Inside, one query checks
// that what the receipt was decided on still holds (it is decided again
// there if not), then the rows are written.
func (s *Store) ReceiveDossier(ctx context.Context, d *qms.Dossier) error {
	d.Code = strings.ToUpper(strings.TrimSpace(d.Code))
	d.Normalize()
	if err := d.Validate(); err != nil {
		return err
	}
	if d.Code != "" {
		if err := qms.CheckClientCode(d.AgencyCode, d.Code); err != nil {
			return err
		}
	}
	cal, err := s.Calendar(ctx, d.AgencyCode)
	if err != nil {
		return err
	}
	if len(d.IdempotencyKey) > 200 {
		return qms.FieldError("idempotency_key", "Khóa chống gửi trùng (Idempotency-Key) dài quá 200 ký tự.")
	}
	if d.ReceivedAt.IsZero() {
		d.ReceivedAt = s.cfg.Now()
	}
	d.ReceivedAt = d.ReceivedAt.UTC()
	var plan *receipt
	if err := s.view(ctx, false, func(q Querier) error {
		plan, err = s.planReceipt(ctx, q, d, cal)
		return err
	}); err != nil {
		return err
	}
	start, _ := flowchart.Start(plan.fc)
	applicant, _ := json.Marshal(d.Applicant)
	if f := receiptPlanned.Load(); f != nil {
		(*f)()
	}
	return s.update(ctx, func(tx Tx) error {
		if d.IdempotencyKey != "" {
			if first, err := receiptByKey(ctx, tx, d.AgencyCode, d.IdempotencyKey); err != nil || first != nil {
				if first != nil {
					if err := sameReceipt(first, d); err != nil {
						return err
					}
					key := d.IdempotencyKey
					*d = *first
					d.IdempotencyKey, d.Replayed = key, true
				}
				return err
			}
		}
		if ok, err := s.stillHolds(ctx, tx, plan, d); err != nil {
			return err
		} else if !ok {
			if plan, err = s.planReceipt(ctx, tx, d, cal); err != nil {
				return err
			}
			start, _ = flowchart.Start(plan.fc)
		}
		d.UpdatedAt = tx.Now()
		if d.Code == "" {
			var err error
			if d.Code, err = nextDossierCode(ctx, tx, d.AgencyCode, d.ReceivedAt); err != nil {
				return err
			}
		}
		flow, _ := json.Marshal(d.Flow)
		if err := DossierConflict(tx.QueryRow(ctx, InsertDossierSQL, dossierArgsJSON(d, applicant, flow)...).Scan(&d.ID, &d.ReceivedByName), d.Code, s.cfg.IsUnique); err != nil {
			return err
		}
		rec := &qms.StepRecord{DossierID: d.ID, StepID: start.ID, StepName: start.Name, Responsible: start.Responsible,
			OpenedAt: d.ReceivedAt, DueAt: d.ReceivedAt, CompletedAt: d.ReceivedAt, Actor: tx.Actor().Username, Result: qms.OnTime}
		if err := insertStepRecord(ctx, tx, d.AgencyCode, rec, true); err != nil {
			return err
		}
		// A new dossier has no open-step rows to replace.
		for _, args := range openStepRowsDue(d, plan.fc, plan.dues) {
			if _, err := tx.Exec(ctx, InsertOpenStepSQL, args...); err != nil {
				return err
			}
		}
		if d.IdempotencyKey != "" {
			if _, err := tx.Exec(ctx, `INSERT INTO dossier_receipt_keys (agency_code, key, dossier, created_at) VALUES (?, ?, ?, ?)
				ON CONFLICT (agency_code, key) DO UPDATE SET dossier = excluded.dossier, created_at = excluded.created_at`,
				d.AgencyCode, d.IdempotencyKey, d.Code, FormatTime(tx.Now())); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, d.AgencyCode, "dossier.receive", "dossier", d.Code, nil, d, "")
	})
}

// sameReceipt refuses a key resent with another dossier: a replay
// answers a retry of the same request, and answering a different one
// with the first dossier would lose it without a word.
func sameReceipt(first, again *qms.Dossier) error {
	if strings.TrimSpace(first.TTHCCode) != strings.TrimSpace(again.TTHCCode) || first.Channel != again.Channel ||
		first.Applicant != again.Applicant || again.Code != "" && again.Code != first.Code || strings.TrimSpace(first.Note) != strings.TrimSpace(again.Note) {
		return &qms.KeyUsedError{Dossier: first.Code, Err: qms.FieldErrorf(qms.ECONFLICT, "idempotency_key", "Khóa chống gửi trùng (Idempotency-Key) %q đã dùng cho hồ sơ %s với nội dung khác (thủ tục, người nộp, kênh, mã hồ sơ hoặc ghi chú): hồ sơ mới cần khóa mới.", again.IdempotencyKey, first.Code)}
	}
	return nil
}

// receiptByKey is the dossier an earlier receipt of agency with the same
// idempotency key created within qms.IdempotencyWindow, or nil. It is
// read in the receipt's write, so concurrent repeats see the first: on
// SQLite the writes of every server take the database's one write lock,
// on PostgreSQL every write transaction first locks the audit head, and a
// statement after the lock sees all that committed before it.
func receiptByKey(ctx context.Context, tx Tx, agency, key string) (*qms.Dossier, error) {
	var code string
	found, err := scanOne(tx.Query(ctx, `SELECT dossier FROM dossier_receipt_keys WHERE agency_code = ? AND key = ? AND created_at > ?`,
		agency, key, FormatTime(tx.Now().Add(-qms.IdempotencyWindow))))(&code)
	if err != nil || !found {
		return nil, err
	}
	return FindDossierOn(ctx, tx, agency, code)
}

// nextDossierCode is AGENCY-YEAR-NNNNNN, the year of receipt in Hà Nội:
// the agency's next running number whose code is free. A caller may
// choose a code of that shape (the one-stop system's), and the sequence
// is not moved for it: the number is skipped when the sequence gets
// there, in this transaction, so a taken number never stalls receipt.
//
// Numbering is gap-free and without duplicates, on one server or many:
// the sequence row moves in the receipt's own write transaction, which
// the writers of every server take one at a time (SQLite's write lock;
// PostgreSQL's lock on the audit head, taken first by every write, and
// the row lock of the upsert besides), so a receipt that fails or rolls
// back takes its number back with it, and the unique (agency_code, code)
// refuses a duplicate whatever happens. The numbers of a year not taken
// by a receipt are those of codes a caller chose ahead of the sequence
// (taken by that dossier, skipped when the sequence gets there), and
// those a history load (the demo data, qms/sqlite's demo_load.go) moved
// the sequence past; an import of a one-stop system's history
// (ImportDossiers) keeps that system's codes and leaves the sequence
// alone.
func nextDossierCode(ctx context.Context, tx Tx, agency string, at time.Time) (string, error) {
	year := at.In(qms.Zone).Year()
	for {
		var n int
		if err := tx.QueryRow(ctx, `INSERT INTO dossier_seq (agency_code, year, last) VALUES (?, ?, 1)
			ON CONFLICT (agency_code, year) DO UPDATE SET last = dossier_seq.last + 1 RETURNING last`, agency, year).Scan(&n); err != nil {
			return "", err
		}
		code := qms.DossierCode(agency, year, n)
		var taken bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM dossiers WHERE agency_code = ? AND code = ?)`, agency, code).Scan(&taken); err != nil {
			return "", err
		} else if !taken {
			return code, nil
		}
	}
}

// The insert statements of a dossier, a step record and an open step,
// with their arguments built apart so that the bulk load (qms/sqlite's
// demo_load.go) runs the very same statements prepared once per batch.
const (
	InsertDossierSQL = `INSERT INTO dossiers (code, agency_code, tthc_code, procedure_id, version_number, applicant_json, channel, received_at, due_at, status, result, returned_at, new_appointment, flow_json, note, updated_at, survey_key,
		tthc_name, tthc_time_limit_days, tthc_fee, agency_name)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, COALESCE((SELECT name FROM agencies WHERE code = ?), '')) RETURNING id, agency_name`
	InsertStepRecordSQL = `INSERT INTO dossier_steps (dossier_id, step_id, step_name, responsible, opened_at, due_at, completed_at, actor, exit, form_code, form_version, entry_json, files_json, note, result, agency_code, delegated_by, delegation_reason,
		actor_name, delegated_by_name)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ` + personNameSQL + `, ` + personNameSQL + `) RETURNING id, actor_name, delegated_by_name`
	// personNameSQL is the full name of the account whose username is
	// its argument, as it reads in the inserting transaction: the username
	// when it has none, empty for no account (the system, a name an
	// imported history gives).
	personNameSQL     = `COALESCE((SELECT CASE WHEN full_name != '' THEN full_name ELSE username END FROM users WHERE username = ?), '')`
	InsertOpenStepSQL = `INSERT INTO dossier_open_steps (dossier_id, step_id, agency_code, role, opened_at, due_at, dossier_code, tthc_code, dossier_due, procedure_id, version_number, paused)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
)

func (s *Store) insertDossier(ctx context.Context, tx Tx, d *qms.Dossier) error {
	return DossierConflict(tx.QueryRow(ctx, InsertDossierSQL, DossierArgs(d)...).Scan(&d.ID, &d.ReceivedByName), d.Code, s.cfg.IsUnique)
}

// DossierArgs are the arguments of InsertDossierSQL.
func DossierArgs(d *qms.Dossier) []any {
	applicant, _ := json.Marshal(d.Applicant)
	flow, _ := json.Marshal(d.Flow)
	return dossierArgsJSON(d, applicant, flow)
}

// dossierArgsJSON are DossierArgs with the applicant and the flow already
// in JSON. A dossier without a survey key gets one here, on the one path
// every insert takes (receipt, import, bulk load).
func dossierArgsJSON(d *qms.Dossier, applicant, flow []byte) []any {
	var pid any
	if d.ProcedureID != 0 {
		pid = d.ProcedureID
	}
	if d.SurveyKey == "" {
		d.SurveyKey = qms.NewSurveyKey()
	}
	var terms qms.TTHCTerms
	if d.ReceivedUnder != nil {
		terms = *d.ReceivedUnder
	}
	return []any{d.Code, d.AgencyCode, d.TTHCCode, pid, d.VersionNumber, string(applicant), d.Channel, FormatTime(d.ReceivedAt), FormatTime(d.DueAt),
		d.Status, d.Result, NullTime(d.ReturnedAt), NullTime(d.NewAppointment), string(flow), d.Note, FormatTime(d.UpdatedAt), d.SurveyKey,
		terms.Name, terms.TimeLimitDays, terms.Fee, d.AgencyCode}
}

// DossierConflict turns a duplicate code (isUnique) into ECONFLICT.
func DossierConflict(err error, code string, isUnique func(error) bool) error {
	if err != nil && isUnique(err) {
		return qms.FieldErrorf(qms.ECONFLICT, "code", "Mã hồ sơ %q đã tồn tại.", code)
	}
	return err
}

// saveDossier writes the mutable state of a dossier.
func saveDossier(ctx context.Context, tx Tx, d *qms.Dossier) error {
	flow, _ := json.Marshal(d.Flow)
	d.UpdatedAt = tx.Now()
	_, err := tx.Exec(ctx, `UPDATE dossiers SET due_at = ?, status = ?, result = ?, returned_at = ?, new_appointment = ?, flow_json = ?, note = ?, updated_at = ? WHERE id = ?`,
		FormatTime(d.DueAt), d.Status, d.Result, NullTime(d.ReturnedAt), NullTime(d.NewAppointment), string(flow), d.Note, FormatTime(d.UpdatedAt), d.ID)
	return err
}

// readState is what a step completion decided on: the dossier as read.
type readState struct {
	flow                   qms.FlowState
	flowJSON               string
	status                 qms.DossierStatus
	result                 string
	dueAt, updatedAt, note string
	returned, appointment  any
}

func dossierState(d *qms.Dossier) readState {
	flow, _ := json.Marshal(d.Flow)
	return readState{flow: d.Flow, flowJSON: string(flow), status: d.Status, result: d.Result, dueAt: FormatTime(d.DueAt),
		updatedAt: FormatTime(d.UpdatedAt), note: d.Note, returned: NullTime(d.ReturnedAt), appointment: NullTime(d.NewAppointment)}
}

// errDossierChanged: the dossier changed between the read and the write.
var errDossierChanged = errors.New("dossier changed since read")

// saveDossierIf is saveDossier on condition the dossier is still as read;
// errDossierChanged otherwise. It sets only the columns that changed: an
// index whose columns are not set is left alone, and most steps change
// only the flow, so the writer touches fewer pages per step.
func saveDossierIf(ctx context.Context, tx Tx, d *qms.Dossier, read readState) error {
	flow, _ := json.Marshal(d.Flow)
	d.UpdatedAt = tx.Now()
	set, args := []string{"flow_json = ?", "updated_at = ?"}, []any{string(flow), FormatTime(d.UpdatedAt)}
	change := func(column string, old, now any) {
		if old != now {
			set, args = append(set, column+" = ?"), append(args, now)
		}
	}
	change("status", read.status, d.Status)
	change("result", read.result, d.Result)
	change("due_at", read.dueAt, FormatTime(d.DueAt))
	change("returned_at", read.returned, NullTime(d.ReturnedAt))
	change("new_appointment", read.appointment, NullTime(d.NewAppointment))
	change("note", read.note, d.Note)
	n, err := tx.Exec(ctx, `UPDATE dossiers SET `+strings.Join(set, ", ")+`
		WHERE id = ? AND updated_at = ? AND status = ? AND due_at = ? AND new_appointment IS NOT DISTINCT FROM ? AND flow_json = ?`,
		append(args, d.ID, read.updatedAt, read.status, read.dueAt, read.appointment, read.flowJSON)...)
	if err != nil {
		return err
	} else if n == 0 {
		return errDossierChanged
	}
	return nil
}

// syncOpenSteps mirrors the flow's open steps into dossier_open_steps,
// with each step's own due time from its budget in working hours.
func syncOpenSteps(ctx context.Context, tx Tx, d *qms.Dossier, fc flowchart.Flowchart, cal qms.WorkingClock) error {
	if _, err := tx.Exec(ctx, `DELETE FROM dossier_open_steps WHERE dossier_id = ?`, d.ID); err != nil {
		return err
	}
	rows, err := OpenStepRows(d, fc, cal)
	if err != nil {
		return err
	}
	for _, args := range rows {
		if _, err := tx.Exec(ctx, InsertOpenStepSQL, args...); err != nil {
			return err
		}
	}
	return nil
}

// OpenStepRows are the dossier_open_steps rows of a dossier (none once it
// is finished), the arguments of InsertOpenStepSQL: each open step with
// the role it waits for and its due time from its budget in working
// hours, and what the task list shows of the dossier (SQLite migration
// 0013).
func OpenStepRows(d *qms.Dossier, fc flowchart.Flowchart, cal qms.WorkingClock) ([][]any, error) {
	dues, err := openStepDues(d, fc, cal)
	if err != nil {
		return nil, err
	}
	return openStepRowsDue(d, fc, dues), nil
}

// openStepDues are the due times of the open steps of d's flow, in order
// (none once d is finished). Each is kept in the flow too (OpenStep.DueAt):
// a write computes them before it saves the dossier.
func openStepDues(d *qms.Dossier, fc flowchart.Flowchart, cal qms.WorkingClock) ([]string, error) {
	if d.Status.Finished() {
		return nil, nil
	}
	dues := make([]string, 0, len(d.Flow.Open))
	for i, o := range d.Flow.Open {
		st, _ := flowchart.FindStep(fc, o.StepID)
		due, err := cal.AddWorkingHours(o.OpenedAt, time.Duration(st.Hours*float64(time.Hour)))
		if err != nil {
			return nil, err
		}
		d.Flow.Open[i].DueAt = due.UTC()
		dues = append(dues, FormatTime(due))
	}
	return dues, nil
}

// openStepRowsDue are OpenStepRows with the due times already computed.
func openStepRowsDue(d *qms.Dossier, fc flowchart.Flowchart, dues []string) [][]any {
	if d.Status.Finished() {
		return nil
	}
	rows := make([][]any, 0, len(d.Flow.Open))
	for i, o := range d.Flow.Open {
		st, _ := flowchart.FindStep(fc, o.StepID)
		rows = append(rows, []any{d.ID, o.StepID, d.AgencyCode, qms.RoleForStep(st.Responsible), FormatTime(o.OpenedAt), dues[i],
			d.Code, d.TTHCCode, FormatTime(d.DueAt), d.ProcedureID, d.VersionNumber, d.Status == qms.DossierPaused})
	}
	return rows
}

// insertStepRecord writes a step record of a dossier of agency: the
// record carries the agency so that the compliance scan seeks one
// agency's records on a form through an index, without a join.
// first is the receipt's record, the first its dossier chains.
func insertStepRecord(ctx context.Context, tx Tx, agency string, r *qms.StepRecord, first bool) error {
	args := StepRecordArgs(agency, r)
	if err := tx.QueryRow(ctx, InsertStepRecordSQL, args...).Scan(StepRecordReturned(r)...); err != nil {
		return err
	}
	return chainStepRecord(ctx, tx, r, args, first)
}

// StepRecordReturned are where InsertStepRecordSQL's returned columns go:
// the record's id and the names it stored.
func StepRecordReturned(r *qms.StepRecord) []any {
	return []any{&r.ID, &r.ActorName, &r.DelegatedByName}
}

// StepRecordArgs are the arguments of InsertStepRecordSQL.
func StepRecordArgs(agency string, r *qms.StepRecord) []any {
	var entry, files any
	if r.Entry != nil {
		b, _ := json.Marshal(r.Entry)
		entry = string(b)
	}
	if r.Files != nil {
		b, _ := json.Marshal(r.Files)
		files = string(b)
	}
	return []any{r.DossierID, r.StepID, r.StepName, r.Responsible, FormatTime(r.OpenedAt), FormatTime(r.DueAt), FormatTime(r.CompletedAt), r.Actor, r.Exit,
		r.FormCode, r.FormVersion, entry, files, r.Note, r.Result, agency, r.DelegatedBy, r.DelegationReason, r.Actor, r.DelegatedBy}
}

// view runs fn on one read connection (Config.View), in one read-only
// transaction when snapshot; without View, on Read.
func (s *Store) view(ctx context.Context, snapshot bool, fn func(q Querier) error) error {
	if s.cfg.View == nil {
		return fn(s.read())
	}
	return s.cfg.View(ctx, snapshot, fn)
}
