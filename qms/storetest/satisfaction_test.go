package storetest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"isodt/qms"
)

// Satisfaction responses (qms/sqlstore): listed by agency and period,
// oldest first; a report's scope takes in the units under the agency;
// a response is a record neither store lets anyone change or delete.
// Taking a response needs dossiers (qms/sqlite's satisfaction tests).
func TestSatisfactionListsAndScope(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ctx := f.ctx
		for _, a := range []qms.Agency{{Code: "SKA", Name: "Sở A"}, {Code: "PKA", Name: "Phòng của Sở A", ParentCode: "SKA"},
			{Code: "XKA", Name: "Xã dưới phòng", ParentCode: "PKA"}, {Code: "SKB", Name: "Sở B"}} {
			if err := f.CreateAgency(ctx, &a); err != nil {
				t.Fatal(err)
			}
		}
		public := qms.WithActor(context.Background(), qms.PublicActor("NOPE"))
		if err := f.SubmitSatisfaction(public, "NOPE", "NOPE-1", &qms.SatisfactionResponse{}, "192.0.2.1"); qms.ErrorCode(err) != qms.ENOTFOUND {
			t.Errorf("unknown agency: %v", err)
		}
		// Responses as SubmitSatisfaction keeps them (the raw connection
		// does not hold dossier_id to a dossier).
		rows := []struct {
			agency string
			at     string
			score  int
		}{
			{"SKA", "2026-02-01T03:00:00Z", 5},
			{"XKA", "2026-01-15T03:00:00Z", 4},
			{"SKB", "2026-01-20T03:00:00Z", 1},
			{"SKA", "2025-12-31T16:59:59Z", 3}, // 23:59:59 on 31 December in Hà Nội: 2025
			{"PKA", "2025-12-31T17:00:00Z", 2}, // midnight: 2026
		}
		for i, r := range rows {
			if err := f.exec(fmt.Sprintf(`INSERT INTO satisfaction_responses (agency_code, dossier_id, dossier_code, tthc_code, questionnaire, answers_json,
				comment, ip_hash, submitted_at) VALUES ('%s', %d, '%s-%d', '1.000001', 'SIPAS-2017', '{"TC1":%d}', '', 'h', '%s')`, r.agency, i+1, r.agency, i+1, r.score, r.at)); err != nil {
				t.Fatal(err)
			}
		}
		jan := time.Date(2026, 1, 1, 0, 0, 0, 0, qms.Zone)
		finds := []struct {
			name     string
			filter   qms.SatisfactionFilter
			dossiers string
		}{
			{"no agency", qms.SatisfactionFilter{}, ""},
			{"one agency", qms.SatisfactionFilter{Agencies: []string{"SKA"}}, "SKA-4,SKA-1"},
			{"oldest first", qms.SatisfactionFilter{Agencies: []string{"SKA", "PKA", "XKA", "SKB"}}, "SKA-4,PKA-5,XKA-2,SKB-3,SKA-1"},
			{"from", qms.SatisfactionFilter{Agencies: []string{"SKA", "PKA"}, From: jan}, "PKA-5,SKA-1"},
			{"to", qms.SatisfactionFilter{Agencies: []string{"SKA", "PKA", "XKA"}, To: jan.AddDate(0, 1, 0)}, "SKA-4,PKA-5,XKA-2"},
		}
		for _, tt := range finds {
			t.Run(tt.name, func(t *testing.T) {
				rs, err := f.FindSatisfaction(ctx, tt.filter)
				if err != nil || rs == nil {
					t.Fatalf("find: %v %v", rs, err)
				}
				var got []string
				for _, r := range rs {
					got = append(got, r.DossierCode)
				}
				if strings.Join(got, ",") != tt.dossiers {
					t.Fatalf("dossiers %v, want %s", got, tt.dossiers)
				}
			})
		}
		rs, err := f.FindSatisfaction(ctx, qms.SatisfactionFilter{Agencies: []string{"SKB"}})
		if err != nil || len(rs) != 1 || rs[0].Answers["TC1"] != 1 || rs[0].Questionnaire != "SIPAS-2017" || rs[0].TTHCCode != "1.000001" ||
			!rs[0].SubmittedAt.Equal(time.Date(2026, 1, 20, 3, 0, 0, 0, time.UTC)) {
			t.Fatalf("read back %+v %v", rs, err)
		}
		scopes := []struct{ agency, scope string }{{"SKA", "PKA,SKA,XKA"}, {"PKA", "PKA,XKA"}, {"SKB", "SKB"}, {"NOPE", ""}}
		for _, tt := range scopes {
			if scope, err := f.SatisfactionScope(ctx, tt.agency); err != nil || strings.Join(scope, ",") != tt.scope {
				t.Errorf("scope of %s = %v %v, want %s", tt.agency, scope, err, tt.scope)
			}
		}
		// An agency merged into another reports through it.
		if err := f.exec(`UPDATE agencies SET merged_into = 'PKA', merged_at = '2026-03-01T00:00:00Z' WHERE code = 'SKB'`); err != nil {
			t.Fatal(err)
		}
		scopes = []struct{ agency, scope string }{{"SKA", "PKA,SKA,SKB,XKA"}, {"PKA", "PKA,SKB,XKA"}, {"SKB", "SKB"}}
		for _, tt := range scopes {
			if scope, err := f.SatisfactionScope(ctx, tt.agency); err != nil || strings.Join(scope, ",") != tt.scope {
				t.Errorf("scope of %s = %v %v, want %s", tt.agency, scope, err, tt.scope)
			}
		}
		sum, err := f.SatisfactionSummary(ctx, "SKA", 2026)
		if err != nil || sum.Responses != 4 {
			t.Errorf("2026 summary of SKA %+v %v", sum, err)
		}
		for _, q := range []string{`UPDATE satisfaction_responses SET comment = 'sửa'`, `DELETE FROM satisfaction_responses`} {
			if err := f.exec(q); err == nil || !strings.Contains(err.Error(), "record") {
				t.Errorf("%s: %v", q, err)
			}
		}
		if rs, _ := f.FindSatisfaction(ctx, qms.SatisfactionFilter{Agencies: []string{"SKA"}}); len(rs) != 2 || rs[0].Comment != "" {
			t.Errorf("after refused changes: %+v", rs)
		}
	})
}
