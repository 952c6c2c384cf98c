package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"isodt/qms"
	"isodt/qms/flowchart"
	"isodt/qms/sqlstore"
)

// LoadDossierHistories writes a batch of one agency's dossier histories
// (built by qms.ReceiveHistory and its Complete and Apologize) in one
// transaction: each dossier, its step records and, while it is open, its
// open steps, through the same statements as ReceiveDossier and
// CompleteStep, prepared once for the batch. One audit entry
// (dossier.generate) per sqlstore.BaselineRows dossiers names them by
// count and first and last code and records their row states, where a
// dossier received through the services gets one entry per action: a
// million generated dossiers would otherwise cost five million entries
// and as many transactions.
//
// Codes are the caller's. A code of the agency's own shape
// (qms.DossierCode) moves dossier_seq past it, so the next receipt is
// numbered after the loaded ones; a code already used is ECONFLICT and
// nothing of the batch is written. Like a receipt, each dossier must name
// an active TTHC of the agency and an existing procedure version, a
// step record on a form must be on the version in force, and each step
// after the receipt must be done by someone who may (qms.CheckStepActor).
func (db *DB) LoadDossierHistories(ctx context.Context, agency string, hs []*qms.DossierHistory) error {
	if len(hs) == 0 {
		return nil
	}
	cal, err := db.Calendar(ctx, agency)
	if err != nil {
		return err
	}
	return db.update(ctx, func(tx *Tx) error {
		if _, err := findAgencyByCode(ctx, tx, agency); err != nil {
			return err
		}
		l, err := newHistoryLoader(ctx, tx, agency, cal)
		if err != nil {
			return err
		}
		defer l.close()
		for part := range slices.Chunk(hs, sqlstore.BaselineRows) {
			for _, h := range part {
				if err := l.load(h); err != nil {
					return fmt.Errorf("load dossier %s: %w", h.Dossier.Code, err)
				}
			}
			// The entry records the state of each dossier written since
			// the last one (sqlstore.SecurityTables): at most
			// BaselineRows of them, as a baseline entry does.
			first, last := part[0].Dossier.Code, part[len(part)-1].Dossier.Code
			if err := tx.audit(ctx, agency, "dossier.generate", "dossier", first, nil,
				map[string]any{"count": len(part), "first": first, "last": last}, ""); err != nil {
				return err
			}
		}
		return l.moveSequence()
	})
}

// historyLoader holds what a batch shares: the prepared statements and
// what was already looked up once (versions, TTHC, forms in force).
type historyLoader struct {
	ctx                     context.Context
	tx                      *Tx
	agency                  string
	cal                     qms.WorkingClock
	dossier, step, openStep *sql.Stmt
	versions                map[[2]int64]*qms.ProcedureVersion
	tthcs                   map[string]bool
	forms                   map[string]int        // form code → version number in force
	roles                   map[string][]qms.Role // username → roles in the agency
	seq                     map[int]int           // year → highest running number loaded
}

func newHistoryLoader(ctx context.Context, tx *Tx, agency string, cal qms.WorkingClock) (*historyLoader, error) {
	// Like tx.ExecContext, statements of a write group ignore
	// cancellation: an interrupt would roll back the neighbours' writes.
	ctx = context.WithoutCancel(ctx)
	l := &historyLoader{ctx: ctx, tx: tx, agency: agency, cal: cal, versions: map[[2]int64]*qms.ProcedureVersion{},
		tthcs: map[string]bool{}, forms: map[string]int{}, roles: map[string][]qms.Role{}, seq: map[int]int{}}
	for _, p := range []struct {
		stmt **sql.Stmt
		sql  string
	}{{&l.dossier, insertDossierSQL}, {&l.step, insertStepRecordSQL}, {&l.openStep, insertOpenStepSQL}} {
		stmt, err := tx.Tx.PrepareContext(ctx, p.sql)
		if err != nil {
			l.close()
			return nil, fmt.Errorf("prepare bulk load: %w", err)
		}
		*p.stmt = stmt
	}
	return l, nil
}

func (l *historyLoader) close() {
	for _, s := range []*sql.Stmt{l.dossier, l.step, l.openStep} {
		if s != nil {
			s.Close()
		}
	}
}

func (l *historyLoader) load(h *qms.DossierHistory) error {
	d := &h.Dossier
	if d.AgencyCode != l.agency {
		return qms.Errorf(qms.EINVALID, "Hồ sơ %s thuộc đơn vị %s, không phải %s.", d.Code, d.AgencyCode, l.agency)
	}
	if !qms.ValidDossierCode(d.Code) {
		return qms.FieldError("code", "Mã hồ sơ %q không hợp lệ.", d.Code)
	}
	if len(h.Steps) == 0 {
		return qms.Errorf(qms.EINVALID, "Hồ sơ %s không có bước tiếp nhận.", d.Code)
	}
	if err := l.checkTTHC(d.TTHCCode); err != nil {
		return err
	}
	v, err := l.version(d.ProcedureID, d.VersionNumber)
	if err != nil {
		return err
	}
	// The open steps' due times go into the flow the dossier is inserted
	// with (qms.OpenStep.DueAt); the rows take its id once it has one.
	rows, err := openStepRows(d, v.Flowchart, l.cal)
	if err != nil {
		return err
	}
	if err := dossierConflict(l.dossier.QueryRowContext(l.ctx, dossierArgs(d)...).Scan(&d.ID, &d.ReceivedByName), d.Code); err != nil {
		return err
	}
	for i := range h.Steps {
		r := &h.Steps[i]
		if r.FormCode != "" {
			if err := l.checkForm(r); err != nil {
				return err
			}
		}
		if i > 0 {
			if err := l.checkActor(v.Flowchart, r); err != nil {
				return err
			}
		}
		r.DossierID = d.ID
		if err := l.step.QueryRowContext(l.ctx, stepRecordArgs(l.agency, r)...).Scan(sqlstore.StepRecordReturned(r)...); err != nil {
			return err
		}
	}
	if err := sqlstore.ChainDossierSteps(l.ctx, on(l.tx), d.ID); err != nil {
		return err
	}
	for _, args := range rows {
		args[0] = d.ID
		if _, err := l.openStep.ExecContext(l.ctx, args...); err != nil {
			return err
		}
	}
	if year, n, ok := qms.ParseDossierCode(l.agency, d.Code); ok {
		l.seq[year] = max(l.seq[year], n)
	}
	return nil
}

// checkTTHC asks what ReceiveDossier asks: the TTHC is in the agency's
// active catalogue.
func (l *historyLoader) checkTTHC(code string) error {
	ok, seen := l.tthcs[code]
	if !seen {
		ts, err := findTTHCs(l.ctx, l.tx, l.agency, &code)
		if err != nil {
			return err
		}
		ok = len(ts) > 0 && ts[0].Status == qms.TTHCActive
		l.tthcs[code] = ok
	}
	if !ok {
		return qms.FieldError("tthc_code", "Thủ tục %q không có trong danh mục đang áp dụng của đơn vị.", code)
	}
	return nil
}

// version returns the pinned procedure version, whose flowchart gives
// the open steps their role and due time.
func (l *historyLoader) version(pid int64, number int) (*qms.ProcedureVersion, error) {
	key := [2]int64{pid, int64(number)}
	if v, ok := l.versions[key]; ok {
		return v, nil
	}
	v, err := findVersion(l.ctx, l.tx, pid, number)
	if err != nil {
		return nil, err
	}
	l.versions[key] = v
	return v, nil
}

// checkForm asks what CompleteStep asks: a record is made on the version
// of the form in force.
func (l *historyLoader) checkForm(r *qms.StepRecord) error {
	n, ok := l.forms[r.FormCode]
	if !ok {
		_, fv, err := effectiveForm(l.ctx, l.tx, l.agency, r.FormCode)
		if err != nil {
			return err
		}
		n = fv.Number
		l.forms[r.FormCode] = n
	}
	if r.FormVersion != n {
		return qms.FieldError("form_version", "Biểu mẫu %s đang có hiệu lực là phiên bản %d, không phải phiên bản %d.", r.FormCode, n, r.FormVersion)
	}
	return nil
}

// checkActor asks what CompleteStep asks: the step's actor holds its
// role in the agency, or acts on the recorded delegation of someone who
// may hand it on.
func (l *historyLoader) checkActor(fc flowchart.Flowchart, r *qms.StepRecord) error {
	step, _ := flowchart.FindStep(fc, r.StepID)
	actor, err := l.rolesOf(r.Actor)
	if err != nil {
		return err
	}
	var delegator []qms.Role
	if r.DelegatedBy != "" {
		if delegator, err = l.rolesOf(r.DelegatedBy); err != nil {
			return err
		}
	}
	return qms.CheckStepActor(step, r.Actor, actor, qms.CompleteStep{StepID: r.StepID, DelegatedBy: r.DelegatedBy, DelegationReason: r.DelegationReason}, delegator)
}

func (l *historyLoader) rolesOf(username string) ([]qms.Role, error) {
	rs, ok := l.roles[username]
	if !ok {
		var err error
		if rs, err = rolesIn(l.ctx, l.tx, l.agency, username); err != nil {
			return nil, err
		}
		l.roles[username] = rs
	}
	return rs, nil
}

// moveSequence keeps dossier_seq at or past every loaded running number,
// so that nextDossierCode never hands out a loaded code again.
func (l *historyLoader) moveSequence() error {
	for year, n := range l.seq {
		if _, err := l.tx.ExecContext(l.ctx, `INSERT INTO dossier_seq (agency_code, year, last) VALUES (?, ?, ?)
			ON CONFLICT (agency_code, year) DO UPDATE SET last = MAX(last, excluded.last)`, l.agency, year, n); err != nil {
			return fmt.Errorf("move dossier sequence: %w", err)
		}
	}
	return nil
}

func findTTHCs(ctx context.Context, q querier, agency string, code *string) ([]*qms.TTHC, error) {
	return sqlstore.QueryTTHCs(ctx, on(q), agency, code)
}
