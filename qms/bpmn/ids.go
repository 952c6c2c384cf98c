package bpmn

import "strconv"

// isXMLID reports whether s can be a BPMN element id. BPMN ids are XML
// NCNames; we accept the ASCII subset that every modeler accepts too
// (bpmn.io checks /^[a-z_][\w-.]*$/i), so that an exported file opens
// everywhere.
func isXMLID(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_', 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case i > 0 && (c == '-' || c == '.' || '0' <= c && c <= '9'):
		default:
			return false
		}
	}
	return true
}

// idSet hands out element ids that are unique within one document.
type idSet struct{ used map[string]bool }

func newIDSet() *idSet { return &idSet{used: map[string]bool{}} }

// claim takes id if it is free.
func (s *idSet) claim(id string) bool {
	if s.used[id] {
		return false
	}
	s.used[id] = true
	return true
}

// fresh returns base, or base_2, base_3… if taken.
func (s *idSet) fresh(base string) string {
	id := base
	for n := 2; !s.claim(id); n++ {
		id = base + "_" + strconv.Itoa(n)
	}
	return id
}
