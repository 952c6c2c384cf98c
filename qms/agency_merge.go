package qms

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Agencies that merge (issue #16 item 1): the successor receives the
// predecessors' catalogue, procedures, forms, open dossiers and quality
// records; each predecessor stays as a read-only "đã sáp nhập" agency
// whose history and statistics remain readable. docs/agency-merge.md
// says, table by table, what moves and what stays.

// IsMerged reports whether the agency has been merged into another.
func (a *Agency) IsMerged() bool { return a != nil && a.MergedInto != "" }

// Status is "active" or "merged", for lists and the API.
func (a *Agency) Status() string {
	if a.IsMerged() {
		return "merged"
	}
	return "active"
}

// MergedError is the refusal of a write to a merged agency's data: it
// names the successor, where the work now happens.
func MergedError(code, successor string) error {
	return Errorf(EFORBIDDEN, "Đơn vị %q đã sáp nhập vào %q: dữ liệu của đơn vị này chỉ còn để tra cứu, mọi thay đổi thực hiện tại %q.", code, successor, successor)
}

// MergePlan is a merge of predecessors (From) into a successor (Into).
// Name (and ParentCode) create the successor when it does not exist yet.
type MergePlan struct {
	Into       string   `json:"into"`
	Name       string   `json:"name,omitempty"`
	ParentCode string   `json:"parent_code,omitempty"`
	From       []string `json:"from"`
}

// Normalize upper-cases and trims the codes and drops empty entries.
func (p *MergePlan) Normalize() {
	p.Into = strings.ToUpper(strings.TrimSpace(p.Into))
	p.Name = strings.TrimSpace(p.Name)
	p.ParentCode = strings.ToUpper(strings.TrimSpace(p.ParentCode))
	from := p.From[:0:0]
	for _, c := range p.From {
		if c = strings.ToUpper(strings.TrimSpace(c)); c != "" {
			from = append(from, c)
		}
	}
	p.From = from
}

// Validate checks the plan against the agencies as they are: successor
// (nil when it is to be created) and the predecessors by code (a missing
// code is absent from the map). ancestorOf(a, b) reports whether a is
// above b in the hierarchy.
func (p *MergePlan) Validate(successor *Agency, preds map[string]*Agency, ancestorOf func(a, b string) bool) error {
	switch {
	case p.Into == "":
		return FieldError("into", "Chưa chọn đơn vị nhận sáp nhập.")
	case len(p.From) == 0:
		return FieldError("from", "Chưa chọn đơn vị bị sáp nhập.")
	case p.Into == SystemAgencyCode:
		return FieldError("into", "Không thể sáp nhập vào đơn vị hệ thống %s.", SystemAgencyCode)
	}
	if successor == nil {
		a := &Agency{Code: p.Into, Name: p.Name, ParentCode: p.ParentCode}
		if p.Name == "" {
			return FieldError("name", "Đơn vị %q chưa có: cần tên để tạo đơn vị nhận sáp nhập.", p.Into)
		}
		if err := a.Validate(); err != nil {
			return err
		}
	} else if successor.IsMerged() {
		return MergedError(successor.Code, successor.MergedInto)
	} else if p.Name != "" && p.Name != successor.Name || p.ParentCode != "" && p.ParentCode != successor.ParentCode {
		// A name or parent typed for a "new" agency whose code exists
		// would otherwise be dropped without a word, and the merge go
		// into an agency the user did not mean.
		field := "name"
		if p.Name == "" || p.Name == successor.Name {
			field = "parent"
		}
		return FieldError(field, "Đơn vị %q đã có (%s): tên và cấp trên chỉ dùng khi tạo đơn vị mới. Để sáp nhập vào đơn vị này, bỏ trống tên và cấp trên; để tạo đơn vị mới, chọn mã khác.", successor.Code, successor.Name)
	}
	seen := map[string]bool{}
	for _, c := range p.From {
		a := preds[c]
		switch {
		case seen[c]:
			return FieldError("from", "Đơn vị %q được liệt kê hai lần.", c)
		case c == p.Into:
			return FieldError("from", "Đơn vị nhận sáp nhập %q không thể đồng thời là đơn vị bị sáp nhập.", c)
		case c == SystemAgencyCode:
			return FieldError("from", "Không thể sáp nhập đơn vị hệ thống %s.", c)
		case a == nil:
			return Errorf(ENOTFOUND, "Không tìm thấy đơn vị %q.", c)
		case a.IsMerged():
			return FieldError("from", "Đơn vị %q đã sáp nhập vào %q trước đó.", c, a.MergedInto)
		case successor == nil && c == p.ParentCode:
			return FieldError("parent", "Đơn vị bị sáp nhập %q không thể là cấp trên của đơn vị nhận %q.", c, p.Into)
		}
		seen[c] = true
	}
	for _, a := range p.From {
		for _, b := range p.From {
			if a != b && ancestorOf(a, b) {
				return FieldError("from", "Đơn vị %q là cấp trên của %q: không sáp nhập cấp trên cùng lúc với cấp dưới của nó.", a, b)
			}
		}
		if ancestorOf(a, p.Into) {
			return FieldError("from", "Đơn vị %q là cấp trên của đơn vị nhận %q.", a, p.Into)
		}
	}
	return nil
}

// MergeCount is what a merge did with one table's rows of the predecessors.
type MergeCount struct {
	Table      string `json:"table"`
	Moved      int    `json:"moved"`
	Stayed     int    `json:"stayed"`
	Reconciled int    `json:"reconciled"`
}

// MergeRename is a procedure or form whose code clashed in the successor.
type MergeRename struct {
	Kind    string `json:"kind"`
	From    string `json:"from"`
	OldCode string `json:"old_code"`
	NewCode string `json:"new_code"`
}

// MergeDuplicate is a TTHC several agencies had: one row remains.
type MergeDuplicate struct {
	Code         string   `json:"code"`
	Predecessors []string `json:"predecessors"`
}

// MergeReport is what a merge moved (or, for a dry run, would move).
type MergeReport struct {
	Plan       MergePlan        `json:"plan"`
	DryRun     bool             `json:"dry_run"`
	Created    bool             `json:"created"`
	At         time.Time        `json:"at"`
	Tables     []MergeCount     `json:"tables"`
	Users      []string         `json:"users"`
	Duplicates []MergeDuplicate `json:"tthc_duplicates,omitempty"`
	Renamed    []MergeRename    `json:"renamed,omitempty"`
}

// Count returns the entry of a table, for tests and printing.
func (r *MergeReport) Count(table string) MergeCount {
	for _, c := range r.Tables {
		if c.Table == table {
			return c
		}
	}
	return MergeCount{Table: table}
}

// DefaultMergeReissueDays is how long a procedure brought by a merge may
// run on its predecessor's version before RuleMergedNotReissued flags it.
const DefaultMergeReissueDays = 90

// MergedCode is the code a predecessor's procedure or form takes in the
// successor when the successor already has that code.
func MergedCode(code, from string) string { return fmt.Sprintf("%s-%s", code, from) }

// AgencyMerger merges agencies. MergeAgencies runs in one transaction
// with an audit entry per agency touched; a dry run does the same work
// and rolls it back, so its report is exactly what a real run would do.
type AgencyMerger interface {
	MergeAgencies(ctx context.Context, plan MergePlan, dryRun bool) (*MergeReport, error)
}
