package qms

import (
	"bytes"
	"encoding/json"
	"slices"
)

// Who reads which audit entries (outsider pass 10). A reader acting for
// an agency reads the entries of the agencies in its reach (AuditReach):
// its own, those under it and those merged into any of them, so that a
// successor's admins, auditors and leaders read the history they
// inherited, each entry marked with the agency it was merged into. What
// an entry about an account says beyond that reach, and anything about
// the account's API tokens, is left out for them (RedactAccountEntry).

// AuditReach returns, by code, the agencies whose audit entries a reader
// acting for code reads, out of all (every agency): code, the agencies
// under it, and the agencies merged into any of these, directly or
// through an earlier merge, with what was under them. Nothing else of
// all is in reach: not the agency's parent, nor what the agency's own
// predecessors were merged with.
func AuditReach(all []*Agency, code string) map[string]*Agency {
	byCode := make(map[string]*Agency, len(all))
	heirs := map[string][]*Agency{} // the agencies under a code or merged into it
	for _, a := range all {
		byCode[a.Code] = a
		if a.ParentCode != "" {
			heirs[a.ParentCode] = append(heirs[a.ParentCode], a)
		}
		if a.MergedInto != "" {
			heirs[a.MergedInto] = append(heirs[a.MergedInto], a)
		}
	}
	root, ok := byCode[code]
	if !ok {
		root = &Agency{Code: code}
	}
	reach := map[string]*Agency{code: root}
	for queue := []string{code}; len(queue) > 0; queue = queue[1:] {
		for _, a := range heirs[queue[0]] {
			if _, seen := reach[a.Code]; !seen {
				reach[a.Code] = a
				queue = append(queue, a.Code)
			}
		}
	}
	return reach
}

// AccountObjects are the object types of the entries about an account
// (its profile, roles, password, sessions and API tokens).
var AccountObjects = []string{"user", "api_token"}

// RedactAccountEntry shows e to a reader whose reach inReach says
// without what is not theirs to read, and flags it Redacted when it left
// anything out (its Hash stays that of the entry as written, which
// `qms audit verify` checks in the database):
//
//   - of an entry about an account (AccountObjects), the roles the user
//     held outside the reach (a "memberships" list keeps the others and
//     says "roles_elsewhere": true), any other agency outside it the
//     entry names (the agency a session switched from), and the API
//     tokens: their prefixes and names, the numbers revoked and how many
//     a reset or disabling ended (SeesTokens);
//   - of any entry, the security rows (Rows) of API tokens, and of
//     memberships in an agency outside the reach.
//
// The system administrator reads entries as written.
func RedactAccountEntry(e *AuditEntry, inReach func(agency string) bool) {
	kept := e.Rows[:0:0]
	for _, r := range e.Rows {
		if r.Table != "api_tokens" && (r.Table != "memberships" || inReach(membershipRowAgency(r.Key))) {
			kept = append(kept, r)
		}
	}
	if len(kept) < len(e.Rows) {
		e.Rows, e.Redacted = kept, true
	}
	if !slices.Contains(AccountObjects, e.ObjectType) {
		return
	}
	for _, raw := range []*json.RawMessage{&e.Before, &e.After} {
		if len(*raw) == 0 {
			continue
		}
		d := json.NewDecoder(bytes.NewReader(*raw))
		d.UseNumber()
		var v any
		if d.Decode(&v) != nil {
			continue
		}
		r := accountRedactor{inReach: inReach, token: e.ObjectType == "api_token"}
		v = r.walk(v, true)
		if !r.changed {
			continue
		}
		if b, err := json.Marshal(v); err == nil {
			*raw, e.Redacted = b, true
		}
	}
}

// membershipRowAgency is the agency of a memberships row's key, a JSON
// array (user_id, agency_code, role); "" when it does not read so.
func membershipRowAgency(key string) string {
	var k []any
	if json.Unmarshal([]byte(key), &k) != nil || len(k) < 2 {
		return ""
	}
	s, _ := k[1].(string)
	return s
}

// accountRedactor walks the JSON of an entry about an account.
type accountRedactor struct {
	inReach func(string) bool
	token   bool // the entry's object is an API token
	changed bool
}

// tokenKeys are what a user's entries say of the account's tokens: the
// numbers revoked (token.revoke) and how many a reset or disabling ended;
// tokenObjectKeys add what the entry of a token says of it.
var (
	tokenKeys       = []string{"tokens", "tokens_revoked"}
	tokenObjectKeys = []string{"tokens", "tokens_revoked", "prefix", "name"}
)

func (r *accountRedactor) walk(v any, top bool) any {
	switch x := v.(type) {
	case []any:
		for i := range x {
			x[i] = r.walk(x[i], false)
		}
	case map[string]any:
		if top {
			drop := tokenKeys
			if r.token {
				drop = tokenObjectKeys
			}
			for _, k := range drop {
				if _, ok := x[k]; ok {
					delete(x, k)
					r.changed = true
				}
			}
		}
		if ms, ok := x["memberships"].([]any); ok {
			in := ms[:0]
			for _, m := range ms {
				if mm, ok := m.(map[string]any); ok {
					if code, _ := mm["agency"].(string); !r.inReach(code) {
						continue
					}
				}
				in = append(in, m)
			}
			if len(in) < len(ms) {
				x["memberships"], x["roles_elsewhere"] = in, true
				r.changed = true
			}
		}
		if code, ok := x["agency"].(string); ok && code != "" && !r.inReach(code) {
			delete(x, "agency")
			r.changed = true
		}
		for k, v := range x {
			if k != "memberships" {
				x[k] = r.walk(v, false)
			}
		}
	}
	return v
}
