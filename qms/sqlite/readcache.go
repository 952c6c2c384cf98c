package sqlite

import (
	"strings"
	"sync"
	"sync/atomic"

	"isodt/qms"
)

// Read caches. Every request reads its caller (user and memberships) and
// every step completion the form in force for the step; both change
// rarely, and reading them again was a fifth of the CPU of a step
// completion. A cached value is kept with the generation of its kind of
// data at the moment the read began; a write group that audited a change
// of that kind moves the generation on after its commit, so the next read
// misses and goes to the database. Every mutation writes an audit entry,
// so the audit action is the one hook that sees them all.

// dataKind is a kind of data a read cache keeps.
type dataKind int

const (
	kindUsers dataKind = iota // users, memberships, API tokens, agencies
	kindForms                 // forms and their versions
	kinds
)

// kindOfAction maps an audit action to the kind of data it changes.
func kindOfAction(action string) (dataKind, bool) {
	prefix, _, _ := strings.Cut(action, ".")
	switch prefix {
	case "user", "token", "agency":
		return kindUsers, true
	case "form":
		return kindForms, true
	}
	return 0, false
}

// generations counts the committed changes of each kind.
type generations [kinds]atomic.Uint64

// touched is what the jobs of one write group changed, set by Tx.audit
// and applied after the commit.
type touched [kinds]bool

func (g *generations) advance(t *touched) {
	for k, ok := range t {
		if ok {
			g[k].Add(1)
		}
	}
}

// cached is a value read at generation gen.
type cached[V any] struct {
	gen uint64
	v   V
}

// readCache is a map of values of one kind, valid while their kind's
// generation has not moved. It is bounded: past max entries it starts
// again empty, which costs one read per entry.
type readCache[K comparable, V any] struct {
	gens *generations
	kind dataKind
	max  int
	mu   sync.RWMutex
	m    map[K]cached[V]
}

func newReadCache[K comparable, V any](gens *generations, kind dataKind, max int) *readCache[K, V] {
	return &readCache[K, V]{gens: gens, kind: kind, max: max, m: map[K]cached[V]{}}
}

// get returns the value for k, calling load on a miss. The generation is
// taken before load: a change committed during the load leaves the value
// stale-marked, never fresh-marked.
func (c *readCache[K, V]) get(k K, load func() (V, error)) (V, error) {
	gen := c.gens[c.kind].Load()
	c.mu.RLock()
	e, ok := c.m[k]
	c.mu.RUnlock()
	if ok && e.gen == gen {
		return e.v, nil
	}
	v, err := load()
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	if len(c.m) >= c.max {
		clear(c.m)
	}
	c.m[k] = cached[V]{gen, v}
	c.mu.Unlock()
	return v, nil
}

// copyUser gives each caller its own user: a cached one is shared.
func copyUser(u *qms.User) *qms.User {
	c := *u
	c.Memberships = append([]qms.Membership(nil), u.Memberships...)
	return &c
}
