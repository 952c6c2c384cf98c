package web_test

import (
	"strings"
	"testing"
	"time"
)

// TestOneSource6dWebClock: the pages read the injected clock, the store's,
// so the overdue marks of the dossier list, the dossier page and the task
// list follow it: not overdue when received, overdue once the test clock
// has passed the appointment.
func TestOneSource6dWebClock(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	d := a.receive("Nguyễn Văn A")
	pages := []struct{ name, path, mark string }{
		{"dossier list", "/dossiers", `<span class="tag warn">quá hạn</span>`},
		{"dossier page", "/dossiers/" + d.Code, `id="dossier-overdue"`},
		{"task list", "/tasks", `class="late-row"`},
	}
	for _, late := range []bool{false, true} {
		if late {
			a.clock.Add(60 * 24 * time.Hour)
		}
		s := a.login("a-staff")
		for _, p := range pages {
			resp := a.do("GET", p.path, &s, nil)
			body := bodyOf(t, resp)
			if resp.StatusCode != 200 {
				t.Fatalf("%s: status %d", p.name, resp.StatusCode)
			}
			if got := strings.Contains(body, p.mark); got != late {
				t.Errorf("%s after %v: overdue mark shown = %v, want %v", p.name, late, got, late)
			}
		}
	}
}
