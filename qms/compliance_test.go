package qms_test

import (
	"strings"
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
	if len(qms.Rules) != 23 {
		t.Fatalf("%d rules", len(qms.Rules))
	}
}

// TestReconcileOrderAndPhrases: what a run opens is in key order whatever
// order the checks found it in; a kept finding gets the run's phrase only
// if it had none.
func TestReconcileOrderAndPhrases(t *testing.T) {
	said := qms.Say(qms.SayTTHCNotControlled, "1.001", "Cấp phép", "chưa có quy trình")
	open := []*qms.Finding{
		{ID: 7, Rule: qms.RuleDossierOverdue, AgencyCode: "A", ObjectType: "dossier", ObjectID: "A-7"},
		{ID: 8, Rule: qms.RuleDossierOverdue, AgencyCode: "A", ObjectType: "dossier", ObjectID: "A-8", Said: &said},
	}
	var found []qms.Candidate
	for _, id := range []string{"A-9", "A-8", "A-3", "A-7", "A-5"} {
		found = append(found, qms.Candidate{Rule: qms.RuleDossierOverdue, AgencyCode: "A", ObjectType: "dossier", ObjectID: id}.With(said))
	}
	toOpen, still, toClose := qms.Reconcile(open, found)
	var got []string
	for _, c := range toOpen {
		got = append(got, c.ObjectID)
	}
	if strings.Join(got, ",") != "A-3,A-5,A-9" || len(still) != 2 || len(toClose) != 0 {
		t.Fatalf("to open %v, still %d, close %d", got, len(still), len(toClose))
	}
	if toOpen[0].Text() != said.String() || toOpen[0].Text() == "" {
		t.Fatalf("message %q, want %q", toOpen[0].Text(), said.String())
	}
	phrases := qms.Unphrased(still, found)
	if len(phrases) != 1 || phrases[7].Kind != qms.SayTTHCNotControlled {
		t.Fatalf("unphrased %v, want finding 7 only", phrases)
	}
}
