package web

import "sync"

// admission is admit's state: a reading request runs while fewer than
// the limit run, the limit halved while a write is in flight. A slot that
// frees goes to the request that has waited longest: one arriving just
// then does not overtake it, or a waiting request's turn would have no
// bound. A pair of channel semaphores (the narrow one taken only while
// writing) let the pages that came in between writes run beside the
// narrow ones, and the mix's p99 grew instead of falling.
type admission struct {
	mu           sync.Mutex
	wide, narrow int             // the limits: Config.Readers, and half of it while writing
	running      int             // reading requests running
	writes       int             // writes in flight
	waiting      []chan struct{} // reading requests waiting, oldest first; closed to admit
}

func newAdmission(readers int) *admission {
	return &admission{wide: readers, narrow: max(1, readers/2)}
}

func (a *admission) limit() int {
	if a.writes > 0 {
		return a.narrow
	}
	return a.wide
}

func (a *admission) enterRead() {
	a.mu.Lock()
	if len(a.waiting) == 0 && a.running < a.limit() {
		a.running++
		a.mu.Unlock()
		return
	}
	ch := make(chan struct{})
	a.waiting = append(a.waiting, ch)
	a.mu.Unlock()
	<-ch
}

// handOff admits waiting requests while the limit allows; under mu.
func (a *admission) handOff() {
	for len(a.waiting) > 0 && a.running < a.limit() {
		a.running++
		close(a.waiting[0])
		a.waiting = a.waiting[1:]
	}
}

func (a *admission) leaveRead() {
	a.mu.Lock()
	a.running--
	a.handOff()
	a.mu.Unlock()
}

func (a *admission) enterWrite() {
	a.mu.Lock()
	a.writes++
	a.mu.Unlock()
}

func (a *admission) leaveWrite() {
	a.mu.Lock()
	a.writes--
	a.handOff()
	a.mu.Unlock()
}
