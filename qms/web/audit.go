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
func auditFilter(c *fiber.Ctx) (qms.AuditFilter, error) {
	f := qms.AuditFilter{Within: scope(callerOf(c)), Limit: auditPageSize}
	for key, dst := range map[string]**string{"actor": &f.Actor, "action": &f.Action, "object_type": &f.ObjectType, "object_id": &f.ObjectID} {
		if v := strings.TrimSpace(c.Query(key)); v != "" {
			*dst = &v
		}
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
	Actor, Action, ObjectType, ObjectID string
	From, To                            string // days, dd/mm/yyyy or yyyy-mm-dd
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
}

func (s *Server) auditLog(c *fiber.Ctx) error {
	f, ferr := auditFilter(c)
	p := &auditLogPage{page: s.page(c), Query: auditQuery{Actor: c.Query("actor"), Action: c.Query("action"), ObjectType: c.Query("object_type"),
		ObjectID: c.Query("object_id"), From: c.Query("from"), To: c.Query("to")}}
	if ferr == nil {
		es, total, err := s.Audit.FindAuditEntries(c.UserContext(), f)
		if err != nil {
			return err
		}
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
	es, total, err := s.Audit.FindAuditEntries(c.UserContext(), f)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"entries": orEmpty(es), "total": total})
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
