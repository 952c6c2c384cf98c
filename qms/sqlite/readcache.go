package sqlite

import (
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"isodt/qms"
)

// Read caches. Every request reads its caller (user and memberships) and
// every step completion the form in force for the step; both change
// rarely, and reading them again was a fifth of the CPU of a step
// completion. A cached value is kept with the generation of its kind of
// data at the moment the read began; a write group that audited a change
// of that kind moves the generation on after its commit, so the next read
// misses and goes to the database. Every mutation writes an audit entry,
// so the audit action is the one hook that sees them all. The same pages
// of the task and dossier lists are kept per agency (dossier_pages.go).
//
// Another process may write the same file (the qms CLI disabling a user
// while the server runs): watchOtherWriters polls the audit chain's head,
// and an entry this process did not write moves every generation on.

// dataKind is a kind of data a read cache keeps.
type dataKind int

const (
	kindUsers         dataKind = iota // users, memberships, API tokens, agencies
	kindForms                         // forms and their versions
	kindDossiers                      // an agency's dossiers and TTHC catalogue, counted per agency
	kindNotifications                 // in-app notifications (the unread count of every page)
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
	case "dossier", "tthc":
		return kindDossiers, true
	case "notification":
		return kindNotifications, true
	}
	return 0, false
}

// generations counts the committed changes of each kind; those of
// dossiers per agency, so one agency's work leaves the task and list
// pages of the nineteen others cached.
type generations struct {
	kinds    [kinds]atomic.Uint64
	agencies sync.Map // agency code → *atomic.Uint64
}

// touched is what the jobs of one write group changed, set by Tx.audit
// and applied after the commit.
type touched struct {
	kinds     [kinds]bool
	agencies  map[string]bool // whose dossiers changed
	lastAudit int64           // the group's last audit entry
}

// mark records a change of kind k; one of dossiers is counted for its
// agency alone (kinds[kindDossiers] moves only with advanceAll).
func (t *touched) mark(k dataKind, agency string) {
	if k != kindDossiers {
		t.kinds[k] = true
		return
	}
	if t.agencies == nil {
		t.agencies = map[string]bool{}
	}
	t.agencies[agency] = true
}

// changed marks a kind of cached data changed by tx outside an audited
// action of that kind (notifications sent by a compliance scan).
func (tx *Tx) changed(k dataKind) {
	if tx.touched != nil {
		tx.touched.mark(k, tx.actor.AgencyCode)
	}
}

func (g *generations) advance(t *touched) {
	for k, ok := range t.kinds {
		if ok {
			g.kinds[k].Add(1)
		}
	}
	for a := range t.agencies {
		n, _ := g.agencies.LoadOrStore(a, new(atomic.Uint64))
		n.(*atomic.Uint64).Add(1)
	}
}

// ofKind is the generation of a kind counted as a whole, for a cache.
func ofKind[K any](g *generations, k dataKind) func(K) uint64 {
	return func(K) uint64 { return g.kinds[k].Load() }
}

// ofAgency is the generation of an agency's dossiers: its own count plus
// that of kindDossiers, which advanceAll moves for every agency (a sum of
// counts that only grow changes whenever one of them does).
func (g *generations) ofAgency(agency string) uint64 {
	all := g.kinds[kindDossiers].Load()
	if n, ok := g.agencies.Load(agency); ok {
		return all + n.(*atomic.Uint64).Load()
	}
	return all
}

// advanceAll marks every cached value stale.
func (g *generations) advanceAll() {
	for k := range g.kinds {
		g.kinds[k].Add(1)
	}
}

// watchOtherWriters checks the audit chain's head every interval until
// stop is closed. A head past the last entry this process's committer
// wrote (auditSeen) was written by another process, whose changes the
// caches cannot tell apart: all of them start again.
func (db *DB) watchOtherWriters(interval time.Duration, stop <-chan struct{}) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		var head int64
		if err := db.read.QueryRow(`SELECT COALESCE(MAX(last_id), 0) FROM audit_head`).Scan(&head); err != nil {
			continue // the next tick tries again
		}
		// A group committed between the read and this check may make its
		// own entries look foreign: one needless reload.
		if head > db.auditSeen.Load() {
			db.gens.advanceAll()
			raise(&db.auditSeen, head)
		}
	}
}

// raise sets n to v if v is greater.
func raise(n *atomic.Int64, v int64) {
	for {
		old := n.Load()
		if v <= old || n.CompareAndSwap(old, v) {
			return
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
	gen func(K) uint64 // the generation a value of key K is valid in
	max int
	mu  sync.RWMutex
	m   map[K]cached[V]
}

func newReadCache[K comparable, V any](gen func(K) uint64, max int) *readCache[K, V] {
	return &readCache[K, V]{gen: gen, max: max, m: map[K]cached[V]{}}
}

// get returns the value for k, calling load on a miss. The generation is
// taken before load: a change committed during the load leaves the value
// stale-marked, never fresh-marked.
func (c *readCache[K, V]) get(k K, load func() (V, error)) (V, error) {
	gen := c.gen(k)
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
