package qms_test

import (
	"encoding/json"
	"maps"
	"slices"
	"testing"

	"isodt/qms"
)

// TestAuditReach: a reader of S reads S, what is under it, what merged
// into any of these (through a chain of mergers too) with what was under
// a predecessor; not S's parent, not a sibling, not where one of S's own
// units merged away to.
func TestAuditReach(t *testing.T) {
	all := []*qms.Agency{
		{Code: "P"},                                    // S's parent
		{Code: "S", ParentCode: "P"},                   // the reader's agency
		{Code: "U", ParentCode: "S"},                   // under S
		{Code: "M1", ParentCode: "P", MergedInto: "S"}, // merged into S
		{Code: "M0", MergedInto: "M1"},                 // merged into M1 earlier
		{Code: "K", ParentCode: "M0"},                  // under M0 (a unit left behind)
		{Code: "MU", MergedInto: "U"},                  // merged into a unit under S
		{Code: "X", ParentCode: "P"},                   // a sibling
		{Code: "Y", MergedInto: "X"},                   // merged into the sibling
	}
	got := slices.Sorted(maps.Keys(qms.AuditReach(all, "S")))
	if want := []string{"K", "M0", "M1", "MU", "S", "U"}; !slices.Equal(got, want) {
		t.Fatalf("reach of S: %v, want %v", got, want)
	}
	if got := slices.Sorted(maps.Keys(qms.AuditReach(all, "NONE"))); !slices.Equal(got, []string{"NONE"}) {
		t.Fatalf("reach of an unknown agency: %v", got)
	}
}

// TestRedactAccountEntry: an entry about an account keeps, for a reader
// of B, the roles in B and says there are others; the agency a session
// came from, the tokens revoked and a token's prefix and name go; rows of
// tokens and of memberships elsewhere go; other entries keep their JSON.
func TestRedactAccountEntry(t *testing.T) {
	inB := func(code string) bool { return code == "B" }
	for _, tc := range []struct {
		name, objectType, before, after, wantBefore, wantAfter string
		rows, wantRows                                         []qms.RowState
	}{
		{name: "grant", objectType: "user",
			before:     `{"id":4,"memberships":[{"agency":"A","role":"leader"}]}`,
			after:      `{"id":4,"memberships":[{"agency":"A","role":"leader"},{"agency":"B","role":"staff"}]}`,
			wantBefore: `{"id":4,"memberships":[],"roles_elsewhere":true}`,
			wantAfter:  `{"id":4,"memberships":[{"agency":"B","role":"staff"}],"roles_elsewhere":true}`,
			rows:       []qms.RowState{{Table: "memberships", Key: `[4,"B","staff"]`}, {Table: "memberships", Key: `[4,"A","leader"]`}, {Table: "users", Key: `[4]`}},
			wantRows:   []qms.RowState{{Table: "memberships", Key: `[4,"B","staff"]`}, {Table: "users", Key: `[4]`}}},
		{name: "disabled", objectType: "user",
			after:     `{"sessions_ended":1,"tokens_revoked":2,"user":{"memberships":[{"agency":"B","role":"staff"}]}}`,
			wantAfter: `{"sessions_ended":1,"user":{"memberships":[{"agency":"B","role":"staff"}]}}`,
			rows:      []qms.RowState{{Table: "api_tokens", Key: `[7]`}}, wantRows: []qms.RowState{}},
		{name: "switch", objectType: "user", before: `{"agency":"A"}`, after: `{"agency":"B"}`, wantBefore: `{}`, wantAfter: `{"agency":"B"}`},
		{name: "token", objectType: "api_token", after: `{"id":7,"name":"ci","prefix":"qms_AbCd1234","user_id":4}`, wantAfter: `{"id":7,"user_id":4}`},
		{name: "not an account", objectType: "dossier", after: `{"agency":"A","memberships":[{"agency":"A"}]}`, wantAfter: `{"agency":"A","memberships":[{"agency":"A"}]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := &qms.AuditEntry{ObjectType: tc.objectType, Rows: tc.rows}
			if tc.before != "" {
				e.Before = json.RawMessage(tc.before)
			}
			e.After = json.RawMessage(tc.after)
			qms.RedactAccountEntry(e, inB)
			if string(e.Before) != tc.wantBefore || string(e.After) != tc.wantAfter {
				t.Fatalf("got before %s after %s, want %s and %s", e.Before, e.After, tc.wantBefore, tc.wantAfter)
			}
			if tc.wantRows != nil && !slices.Equal(e.Rows, tc.wantRows) {
				t.Fatalf("rows %v, want %v", e.Rows, tc.wantRows)
			}
			if want := tc.before != tc.wantBefore || tc.after != tc.wantAfter || len(tc.rows) != len(tc.wantRows); e.Redacted != want {
				t.Fatalf("redacted %v, want %v", e.Redacted, want)
			}
		})
	}
}
