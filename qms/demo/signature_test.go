package demo_test

import (
	"testing"

	"isodt/qms"
)

// TestSignature7DemoShowsSignatures: the showcase agency has signed
// versions (soạn thảo, phê duyệt), a signed audit report, a signed closed
// nonconformity and signed leader's steps, with the leader's title.
func TestSignature7DemoShowsSignatures(t *testing.T) {
	db, _, sys := smallDemo(t, 60, 5)
	ps, _ := db.FindProcedures(sys, qms.ProcedureFilter{AgencyCode: ptr("SVHTT")})
	v, err := db.FindVersion(sys, ps[0].ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	vs, _ := db.FindSignatures(sys, qms.SignedProcedureVersion, v.ID)
	if len(vs) != 2 || vs[0].Meaning != qms.MeaningDrafted || vs[1].Meaning != qms.MeaningApproved || vs[1].Title != "Phó Giám đốc Sở" {
		t.Errorf("version signatures: %+v", vs)
	}
	plans, _ := db.FindPlans(sys, "SVHTT")
	ncs, _ := db.FindNCs(sys, "SVHTT")
	signed := map[string]int{}
	for _, p := range plans {
		s, _ := db.FindSignatures(sys, qms.SignedAuditReport, p.ID)
		signed["report"] += len(s)
	}
	for _, n := range ncs {
		s, _ := db.FindSignatures(sys, qms.SignedNonconformity, n.ID)
		signed["nc"] += len(s)
	}
	ds, _, err := db.FindDossiers(sys, qms.DossierFilter{AgencyCode: ptr("SVHTT"), Status: ptr(qms.DossierCompleted), Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		p, _ := db.DossierProgress(sys, "SVHTT", d.Code)
		var ids []int64
		for _, st := range p.Steps {
			ids = append(ids, st.ID)
		}
		s, _ := db.FindSignatures(sys, qms.SignedDossierStep, ids...)
		signed["step"] += len(s)
	}
	if signed["report"] != 1 || signed["nc"] != 1 || signed["step"] == 0 {
		t.Errorf("signed records: %v, want a report, a closed NC and leader's steps", signed)
	}
}
