package qms_test

import (
	"testing"

	"isodt/qms"
)

func TestReconcile(t *testing.T) {
	open := []*qms.Finding{
		{ID: 1, Rule: qms.RuleDossierOverdue, AgencyCode: "A", ObjectType: "dossier", ObjectID: "A-1"},
		{ID: 2, Rule: qms.RuleDossierOverdue, AgencyCode: "A", ObjectType: "dossier", ObjectID: "A-2"},
	}
	found := []qms.Candidate{
		{Rule: qms.RuleDossierOverdue, AgencyCode: "A", ObjectType: "dossier", ObjectID: "A-2"},
		{Rule: qms.RuleDossierOverdue, AgencyCode: "A", ObjectType: "dossier", ObjectID: "A-3"},
		{Rule: qms.RuleDossierOverdue, AgencyCode: "A", ObjectType: "dossier", ObjectID: "A-3"}, // twice in one run
	}
	toOpen, still, toClose := qms.Reconcile(open, found)
	if len(toOpen) != 1 || toOpen[0].ObjectID != "A-3" {
		t.Fatalf("to open: %+v", toOpen)
	}
	if len(still) != 1 || still[0].ID != 2 || len(toClose) != 1 || toClose[0].ID != 1 {
		t.Fatalf("still %v, close %v", still, toClose)
	}
	for _, r := range qms.Rules {
		if got, ok := qms.RuleByCode(r.Code); !ok || got.Title == "" || got.Clause == "" {
			t.Errorf("rule %s incomplete", r.Code)
		}
	}
	if len(qms.Rules) != 22 {
		t.Fatalf("%d rules", len(qms.Rules))
	}
}
