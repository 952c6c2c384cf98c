package qms_test

import (
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
	if len(qms.ClauseLibrary) < 20 {
		t.Fatal("clause library too small")
	}
}
