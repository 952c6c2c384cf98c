// Package authz makes every permission decision of the QMS with Casbin:
// RBAC with domains, where the domain is an agency. Policy rows live in
// the database; role assignments are the users' memberships. The rules
// in memory follow the store's change feed.
//
//	changes := store.Changes(ctx) // before loading: no change is missed
//	az, _ := authz.New(ctx, policies.Model, store)
//	go az.Follow(changes, logReloadError)
//	ok, _ := az.Allowed("nguyen.van.a", "STTTT", "dossier", "record")
package authz

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	"github.com/casbin/casbin/v2/persist"

	"isodt/qms"
)

// Source is where the rules are kept (the sqlite store implements it).
type Source interface {
	// PolicyRules returns rows of (role, agency or *, object, action).
	PolicyRules(ctx context.Context) ([][]string, error)
	// GroupingRules returns rows of (username, role, agency).
	GroupingRules(ctx context.Context) ([][]string, error)
}

// Authorizer wraps one synced enforcer shared by all requests, with a
// memo of its answers: a page asks a dozen questions (one per menu entry
// and button), the same ones on every page, and evaluating Casbin's
// matcher for each is costly next to a page read. The memo is computed from the rules in memory alone and
// dropped whenever they are reloaded (see Follow).
type Authorizer struct {
	enf *casbin.SyncedEnforcer

	mu   sync.RWMutex
	gen  uint64 // bumped by Reload: answers computed before it are not kept
	memo map[request]bool
}

type request struct{ sub, dom, obj, act string }

// maxMemo bounds the memo; past it the memo starts over.
const maxMemo = 100_000

// New builds the enforcer from the model text and loads the rules.
func New(ctx context.Context, modelText string, src Source) (*Authorizer, error) {
	m, err := model.NewModelFromString(modelText)
	if err != nil {
		return nil, fmt.Errorf("casbin model: %w", err)
	}
	enf, err := casbin.NewSyncedEnforcer(m, &adapter{ctx: ctx, src: src})
	if err != nil {
		return nil, fmt.Errorf("casbin enforcer: %w", err)
	}
	enf.EnableAutoSave(false)
	return &Authorizer{enf: enf, memo: map[request]bool{}}, nil
}

// userSubject namespaces users apart from roles: Casbin links a name to
// itself, so a user called "admin" would otherwise hold role admin everywhere.
func userSubject(username string) string { return "user:" + username }

// Allowed reports whether user may do act on obj in agency.
func (a *Authorizer) Allowed(user, agency, obj, act string) (bool, error) {
	r := request{userSubject(user), agency, obj, act}
	a.mu.RLock()
	ok, known := a.memo[r]
	gen := a.gen
	a.mu.RUnlock()
	if known {
		return ok, nil
	}
	ok, err := a.enf.Enforce(r.sub, r.dom, r.obj, r.act)
	if err != nil {
		return false, err
	}
	a.mu.Lock()
	// An answer computed on the old rules while a Reload ran is dropped
	// here, since Reload bumps gen only after the new rules are in.
	if a.gen == gen {
		if len(a.memo) >= maxMemo {
			a.memo = map[request]bool{}
		}
		a.memo[r] = ok
	}
	a.mu.Unlock()
	return ok, nil
}

// Reload rereads every rule; call it after any change to the policy or to
// a membership. Requests keep being answered from the old rules until the
// new ones are in.
func (a *Authorizer) Reload() error {
	err := a.enf.LoadPolicy()
	a.mu.Lock()
	a.gen++
	a.memo = map[request]bool{}
	a.mu.Unlock()
	return err
}

// Follow reloads the rules after every change of the security topic
// (users, memberships, policy rules, tokens), whichever process committed
// it, until changes is closed. A reload that fails leaves the old rules in
// force and is tried again a second later; onErr hears of each failure.
func (a *Authorizer) Follow(changes <-chan qms.Change, onErr func(error)) {
	var retry <-chan time.Time
	for {
		select {
		case c, ok := <-changes:
			if !ok {
				return
			}
			if !c.Has(qms.TopicSecurity) {
				continue
			}
		case <-retry:
		}
		retry = nil
		if err := a.Reload(); err != nil {
			if onErr != nil {
				onErr(err)
			}
			retry = time.After(time.Second)
		}
	}
}

// RolesIn lists the roles user holds in agency.
func (a *Authorizer) RolesIn(user, agency string) []string {
	return a.enf.GetRolesForUserInDomain(userSubject(user), agency)
}

// adapter reads rules from a Source. Writes go through the store (which
// audits them) followed by Reload, never through Casbin's auto-save.
type adapter struct {
	ctx context.Context
	src Source
}

func (ad *adapter) LoadPolicy(m model.Model) error {
	ps, err := ad.src.PolicyRules(ad.ctx)
	if err != nil {
		return fmt.Errorf("load policy rules: %w", err)
	}
	gs, err := ad.src.GroupingRules(ad.ctx)
	if err != nil {
		return fmt.Errorf("load memberships: %w", err)
	}
	for _, r := range ps {
		if err := persist.LoadPolicyArray(append([]string{"p"}, r...), m); err != nil {
			return err
		}
	}
	for _, r := range gs {
		if len(r) != 3 {
			return fmt.Errorf("grouping rule %v: want (user, role, agency)", r)
		}
		if err := persist.LoadPolicyArray([]string{"g", userSubject(r[0]), r[1], r[2]}, m); err != nil {
			return err
		}
	}
	return nil
}

var errReadOnly = fmt.Errorf("authz: rules are changed through the store, then Reload")

func (ad *adapter) SavePolicy(model.Model) error                              { return errReadOnly }
func (ad *adapter) AddPolicy(string, string, []string) error                  { return errReadOnly }
func (ad *adapter) RemovePolicy(string, string, []string) error               { return errReadOnly }
func (ad *adapter) RemoveFilteredPolicy(string, string, int, ...string) error { return errReadOnly }
