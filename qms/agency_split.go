package qms

import (
	"context"
	"strings"
	"time"
)

// Agencies that split (issue #16 item 1): part of an agency's work — the
// TTHC entries and the procedures chosen — goes to another agency, new or
// existing; the source stays active with the rest. docs/agency-merge.md
// ("Split") says what moves, what is copied and what stays.

// SplitPlan moves TTHC and Procedures (codes) of From into Into. Name
// (and ParentCode) create Into when it does not exist yet.
type SplitPlan struct {
	From       string   `json:"from"`
	Into       string   `json:"into"`
	Name       string   `json:"name,omitempty"`
	ParentCode string   `json:"parent_code,omitempty"`
	TTHC       []string `json:"tthc"`
	Procedures []string `json:"procedures"`
}

// Normalize upper-cases the agency codes and trims every code, dropping
// empty entries (TTHC and procedure codes keep their case).
func (p *SplitPlan) Normalize() {
	p.From = strings.ToUpper(strings.TrimSpace(p.From))
	p.Into = strings.ToUpper(strings.TrimSpace(p.Into))
	p.Name = strings.TrimSpace(p.Name)
	p.ParentCode = strings.ToUpper(strings.TrimSpace(p.ParentCode))
	p.TTHC, p.Procedures = trimCodes(p.TTHC), trimCodes(p.Procedures)
}

func trimCodes(cs []string) []string {
	out := cs[:0:0]
	seen := map[string]bool{}
	for _, c := range cs {
		if c = strings.TrimSpace(c); c != "" && !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}

// SplitCodes splits a comma-separated list of codes (the CLI's and the
// form's way of giving them).
func SplitCodes(s string) []string {
	return trimCodes(strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' }))
}

// Validate checks the plan against the agencies as they are: from (nil
// when missing) and into (nil when it is to be created).
func (p *SplitPlan) Validate(from, into *Agency) error {
	switch {
	case p.From == "":
		return FieldError("from", "Chưa chọn đơn vị được chia tách.")
	case p.Into == "":
		return FieldError("into", "Chưa chọn đơn vị nhận.")
	case p.From == p.Into:
		return FieldError("into", "Đơn vị nhận %q trùng với đơn vị được chia tách.", p.Into)
	case p.From == SystemAgencyCode || p.Into == SystemAgencyCode:
		return FieldError("from", "Không thể chia tách từ hoặc vào đơn vị hệ thống %s.", SystemAgencyCode)
	case len(p.TTHC) == 0 && len(p.Procedures) == 0:
		return FieldError("tthc", "Chưa chọn thủ tục hành chính hay quy trình nào để chuyển.")
	case from == nil:
		return Errorf(ENOTFOUND, "Không tìm thấy đơn vị %q.", p.From)
	case from.IsMerged():
		return MergedError(from.Code, from.MergedInto)
	}
	if into == nil {
		if p.Name == "" {
			return FieldError("name", "Đơn vị %q chưa có: cần tên để tạo đơn vị nhận.", p.Into)
		}
		return (&Agency{Code: p.Into, Name: p.Name, ParentCode: p.ParentCode}).Validate()
	}
	if into.IsMerged() {
		return MergedError(into.Code, into.MergedInto)
	}
	return nil
}

// SplitReport is what a split moved (or, for a dry run, would move).
type SplitReport struct {
	Plan    SplitPlan    `json:"plan"`
	DryRun  bool         `json:"dry_run"`
	Created bool         `json:"created"`
	At      time.Time    `json:"at"`
	Tables  []MergeCount `json:"tables"`
	// Renamed: procedures and forms whose code the receiving agency
	// already had. Copied: forms the source's remaining procedures still
	// use, copied with every version rather than moved.
	Renamed  []MergeRename `json:"renamed,omitempty"`
	Copied   []MergeRename `json:"copied,omitempty"`
	Dossiers []string      `json:"dossiers,omitempty"`
}

// Count returns the entry of a table, for tests and printing.
func (r *SplitReport) Count(table string) MergeCount {
	for _, c := range r.Tables {
		if c.Table == table {
			return c
		}
	}
	return MergeCount{Table: table}
}

// AgencySplitter moves part of an agency's work to another agency in one
// transaction; a dry run does the same work and rolls it back.
type AgencySplitter interface {
	SplitAgency(ctx context.Context, plan SplitPlan, dryRun bool) (*SplitReport, error)
}
