package web

import (
	"html/template"
	"strings"
	"sync"
)

// memo keeps values that are a function of their key, each computed once:
// the parts of pages that depend on nothing else (the main menu, the page
// head) and parsed form schemas. Past max entries it starts again empty,
// which costs one computation per key.
type memo[K comparable, V any] struct {
	mu  sync.RWMutex
	m   map[K]V
	max int
}

func newMemo[K comparable, V any](max int) *memo[K, V] {
	return &memo[K, V]{m: map[K]V{}, max: max}
}

// get returns the value of k, computed by compute on a miss; a failed
// computation is not kept.
func (c *memo[K, V]) get(k K, compute func() (V, error)) (V, error) {
	c.mu.RLock()
	v, ok := c.m[k]
	c.mu.RUnlock()
	if ok {
		return v, nil
	}
	v, err := compute()
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	if len(c.m) >= c.max {
		clear(c.m)
	}
	c.m[k] = v
	c.mu.Unlock()
	return v, nil
}

// executeHTML runs one of the templates on data.
func (s *Server) executeHTML(name string, data any) (template.HTML, error) {
	v, ok := s.app.Config().Views.(views)
	if !ok {
		return "", nil
	}
	var b strings.Builder
	if err := v.Templates.ExecuteTemplate(&b, name, data); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil
}
