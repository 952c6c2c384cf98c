package storetest_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"isodt/qms"
)

// TestSentTwiceRacing (qms.RepeatWindow, sqlstore firstSend): the same
// record sent many times at once by one user (clicks racing each other)
// is made once, on either store, and each other send is refused naming
// it; another agency's same content is its own; the digests kept are
// forgotten once past the window, when the next record is kept.
func TestSentTwiceRacing(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		createAgencies(t, f, qms.Agency{Code: "PA", Name: "Sở PA"}, qms.Agency{Code: "PB", Name: "Sở PB"})
		const sent = 12
		errs := make(chan error, sent)
		var wg sync.WaitGroup
		for range sent {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- f.AddContextItem(f.ctx, &qms.ContextItem{AgencyCode: "PA", Kind: qms.ContextExternal, Title: "Sáp nhập tỉnh"})
			}()
		}
		wg.Wait()
		close(errs)
		made, refused := 0, 0
		for err := range errs {
			switch {
			case err == nil:
				made++
			case qms.ErrorCode(err) == qms.ECONFLICT && strings.Contains(qms.ErrorMessage(err), "Mở mục “Sáp nhập tỉnh”"):
				refused++
			default:
				t.Errorf("a send at once: %v", err)
			}
		}
		if made != 1 || refused != sent-1 {
			t.Fatalf("%d sent at once: %d made, %d refused; want 1 made", sent, made, refused)
		}
		if items, err := f.ContextItems(f.ctx, "PA", false); err != nil || len(items) != 1 {
			t.Fatalf("register of PA: %d entries, %v", len(items), err)
		}
		if err := f.AddContextItem(f.ctx, &qms.ContextItem{AgencyCode: "PB", Kind: qms.ContextExternal, Title: "Sáp nhập tỉnh"}); err != nil {
			t.Fatalf("the same content in another agency: %v", err)
		}
		if n := mustQuery(t, f, `SELECT COUNT(*) FROM sent_records`); n[0] != "2" {
			t.Fatalf("%s digests kept, want 2", n[0])
		}
		f.clk.Add(qms.RepeatWindow + time.Second)
		if err := f.AddContextItem(f.ctx, &qms.ContextItem{AgencyCode: "PA", Kind: qms.ContextInternal, Title: "Phần mềm một cửa cũ"}); err != nil {
			t.Fatal(err)
		}
		if n := mustQuery(t, f, `SELECT COUNT(*) FROM sent_records`); n[0] != "1" {
			t.Fatalf("%s digests kept after the window, want the last one only", n[0])
		}
	})
}
