package qms_test

import (
	"strings"
	"testing"
	"time"

	"isodt/qms"
)

func TestAuditPlanRules(t *testing.T) {
	day := time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC)
	base := func() *qms.AuditPlan {
		return &qms.AuditPlan{Title: "Đánh giá quý II", Units: []string{"PVH"}, Clauses: []string{"8.5", "7.5"}, Auditors: []string{"an"}, StartOn: day, EndOn: day}
	}
	tests := []struct {
		name  string
		edit  func(p *qms.AuditPlan)
		field string
	}{
		{"valid", func(p *qms.AuditPlan) {}, ""},
		{"no title", func(p *qms.AuditPlan) { p.Title = " " }, "title"},
		{"no scope", func(p *qms.AuditPlan) { p.Units = nil }, "units"},
		{"no auditor", func(p *qms.AuditPlan) { p.Auditors = nil }, "auditors"},
		{"ends before it starts", func(p *qms.AuditPlan) { p.EndOn = day.AddDate(0, 0, -1) }, "start_on"},
		{"unknown clause", func(p *qms.AuditPlan) { p.Clauses = []string{"11.1"} }, "clauses"},
	}
	for _, tt := range tests {
		p := base()
		tt.edit(p)
		if got := qms.ErrorField(p.Validate()); got != tt.field {
			t.Errorf("%s: field %q, want %q", tt.name, got, tt.field)
		}
	}
	p := base()
	memberOf := map[string][]string{"an": {"SVH", "PVH"}, "binh": {"SVH"}}
	if err := p.CheckIndependence(func(u string) []string { return memberOf[u] }); qms.ErrorField(err) != "auditors" {
		t.Fatalf("auditor of the audited unit accepted: %v", err)
	}
	p.Auditors = []string{"binh"}
	if err := p.CheckIndependence(func(u string) []string { return memberOf[u] }); err != nil {
		t.Fatal(err)
	}
	// Scope: units within the plan's reach, procedures of the units.
	p = base()
	p.AgencyCode, p.ProcedureIDs = "SVH", []int64{7}
	under := map[string]bool{"SVH": true, "PVH": true}
	procAgency := map[int64]string{7: "PVH", 8: "SVH"}
	if err := p.CheckScope(func(u string) bool { return under[u] }, func(id int64) string { return procAgency[id] }); err != nil {
		t.Fatal(err)
	}
	p.ProcedureIDs = []int64{8}
	if err := p.CheckScope(func(u string) bool { return under[u] }, func(id int64) string { return procAgency[id] }); qms.ErrorField(err) != "procedure_ids" {
		t.Fatalf("procedure outside the units accepted: %v", err)
	}
	p.Units = []string{"SNV"}
	if err := p.CheckScope(func(u string) bool { return under[u] }, func(id int64) string { return procAgency[id] }); qms.ErrorField(err) != "units" {
		t.Fatalf("unit out of reach accepted: %v", err)
	}
	// An auditor not found within reach reads as not found at all.
	p = base()
	if err := p.CheckAuditors(func(string) ([]string, bool) { return nil, false }); qms.ErrorField(err) != "auditors" || !strings.Contains(err.Error(), "Không tìm thấy đánh giá viên") {
		t.Fatalf("unknown auditor: %v", err)
	}
	if len(qms.ClauseLibrary) < 20 {
		t.Fatal("clause library too small")
	}
}
