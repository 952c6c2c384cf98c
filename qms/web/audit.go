package web

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
)

const auditPageSize = 50

// auditFilter reads the filter of the audit log from the query string;
// dates are dd/mm/yyyy (or yyyy-mm-dd) in Asia/Ho_Chi_Minh, "to" inclusive.
// The agencies it reads are findAuditEntries' to decide.
func auditFilter(c *fiber.Ctx) (qms.AuditFilter, error) {
	f := qms.AuditFilter{Limit: auditPageSize}
	for key, dst := range map[string]**string{"actor": &f.Actor, "action": &f.Action, "object_type": &f.ObjectType, "object_id": &f.ObjectID} {
		if v := strings.TrimSpace(c.Query(key)); v != "" {
			*dst = &v
		}
	}
	if v := strings.ToUpper(strings.TrimSpace(c.Query("agency"))); v != "" {
		f.Agency = &v
	}
	for key, dst := range map[string]**time.Time{"from": &f.From, "to": &f.To} {
		v := strings.TrimSpace(c.Query(key))
		if v == "" {
			continue
		}
		t, ok := queryDay(v)
		if !ok {
			return f, qms.FieldError(key, dayFormat, v)
		}
		if key == "to" {
			t = t.AddDate(0, 0, 1)
		}
		*dst = &t
	}
	p, err := pageParam(c)
	if err != nil {
		return f, err
	}
	f.Offset = (p - 1) * auditPageSize
	if f.From != nil && f.To != nil && !f.To.After(*f.From) {
		return f, qms.FieldError("to", "Ngày kết thúc phải sau ngày bắt đầu.")
	}
	return f, nil
}

// auditQuery is the audit log's filter as typed.
type auditQuery struct {
	Actor, Action, ObjectType, ObjectID, Agency string
	From, To                                    string // days, dd/mm/yyyy or yyyy-mm-dd
}

// auditLogPage is a page of the audit log.
type auditLogPage struct {
	page
	Query       auditQuery
	Entries     []*qms.AuditEntry
	Total       int // entries that match, on every page
	PageNum     int
	HasNext     bool
	QueryString string // the filter, for the paging links
	// Agencies are those whose entries the caller reads, for the filter;
	// Predecessors the merged ones among them (none for the system
	// agency), named above the list.
	Agencies, Predecessors []*qms.Agency
}

func (s *Server) auditLog(c *fiber.Ctx) error {
	f, ferr := auditFilter(c)
	p := &auditLogPage{page: s.page(c), Query: auditQuery{Actor: c.Query("actor"), Action: c.Query("action"), ObjectType: c.Query("object_type"),
		ObjectID: c.Query("object_id"), Agency: c.Query("agency"), From: c.Query("from"), To: c.Query("to")}}
	r, err := s.auditReader(c)
	if err != nil {
		return err
	}
	p.Agencies, p.Predecessors = r.agencies(), r.predecessors()
	if ferr == nil {
		es, total, err := r.find(c, f)
		if err != nil && qms.ErrorCode(err) != qms.EINVALID {
			return err
		}
		ferr = err
		p.Entries, p.Total, p.PageNum = es, total, f.Offset/auditPageSize+1
		p.HasNext = f.Offset+len(es) < total
		p.QueryString = queryWithout(c, "page")
	}
	return s.renderPage(c, "audit", &p.page, p, ferr)
}

func (s *Server) apiAudit(c *fiber.Ctx) error {
	f, err := auditFilter(c)
	if err != nil {
		return err
	}
	es, total, err := s.findAuditEntries(c, f)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"entries": orEmpty(es), "total": total})
}

// auditReader is what the caller reads of the audit trail: the system
// agency's every entry; anyone else's the entries of the agencies in
// the reach of the agency they act for (qms.AuditReach: under it, or
// merged into it), the route having asked the policy whether they read
// its trail at all. The agencies are read on each request.
type auditReader struct {
	s     *Server
	all   []*qms.Agency
	own   string
	reach map[string]*qms.Agency // nil: every agency
}

func (s *Server) auditReader(c *fiber.Ctx) (*auditReader, error) {
	all, err := s.Agencies.FindAgencies(c.UserContext(), qms.AgencyFilter{})
	if err != nil {
		return nil, err
	}
	r := &auditReader{s: s, all: all, own: callerOf(c).agency}
	if sc := scope(callerOf(c)); sc != nil {
		r.reach = qms.AuditReach(all, *sc)
	}
	return r, nil
}

func (r *auditReader) reads(code string) bool {
	if r.reach == nil {
		return true
	}
	_, ok := r.reach[code]
	return ok
}

// agencies are those the caller reads, by code.
func (r *auditReader) agencies() []*qms.Agency {
	var out []*qms.Agency
	for _, a := range r.all {
		if r.reads(a.Code) {
			out = append(out, a)
		}
	}
	return out
}

// predecessors are the merged agencies in the caller's reach (none for
// the system agency, which reads every one anyway).
func (r *auditReader) predecessors() []*qms.Agency {
	var out []*qms.Agency
	for _, a := range r.all {
		if r.reach != nil && a.MergedInto != "" && r.reads(a.Code) {
			out = append(out, a)
		}
	}
	return out
}

// find reads the entries of f within the caller's reach (f.Agency, when
// set, must be in it), with what an entry about an account says beyond
// that reach left out (qms.RedactAccountEntry); an entry of a merged
// agency names the agency it merged into.
func (r *auditReader) find(c *fiber.Ctx, f qms.AuditFilter) ([]*qms.AuditEntry, int, error) {
	if f.Agency != nil && !r.reads(*f.Agency) {
		return nil, 0, qms.FieldError("agency", "Đơn vị %q không có trong nhật ký bạn được xem: đơn vị của bạn, các đơn vị trực thuộc và các đơn vị đã sáp nhập vào đó.", *f.Agency)
	}
	f.Within, f.Also = nil, nil
	if r.reach != nil {
		f.Within = &r.own
		for _, a := range r.predecessors() {
			f.Also = append(f.Also, a.Code)
		}
	}
	es, total, err := r.s.Audit.FindAuditEntries(c.UserContext(), f)
	if err != nil {
		return nil, 0, err
	}
	mergedInto := map[string]string{}
	for _, a := range r.all {
		if a.MergedInto != "" {
			mergedInto[a.Code] = a.MergedInto
		}
	}
	for _, e := range es {
		e.MergedInto = mergedInto[e.AgencyCode]
		if r.reach != nil {
			qms.RedactAccountEntry(e, r.reads)
		}
	}
	return es, total, nil
}

// findAuditEntries is auditReader.find for one read.
func (s *Server) findAuditEntries(c *fiber.Ctx, f qms.AuditFilter) ([]*qms.AuditEntry, int, error) {
	r, err := s.auditReader(c)
	if err != nil {
		return nil, 0, err
	}
	return r.find(c, f)
}

// queryWithout returns the query string minus one key, for paging links.
func queryWithout(c *fiber.Ctx, key string) string {
	args := c.Request().URI().QueryArgs()
	var parts []string
	args.VisitAll(func(k, v []byte) {
		if string(k) != key && len(v) > 0 {
			parts = append(parts, urlEscape(string(k))+"="+urlEscape(string(v)))
		}
	})
	return strings.Join(parts, "&")
}
