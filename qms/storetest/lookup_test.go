package storetest_test

import (
	"sync"
	"testing"
	"time"

	"isodt/qms"
)

// TestPublicLookupsCounted (qms.LookupRefused): the public lookups of an
// address are counted in the store, on either store: lookups sent at once
// past the bound are each counted once, so exactly the bound's rest gets
// through; LookupMissMax misses refuse even a lookup that found
// something; another address is its own; the window's end lets the
// address in again and deletes the counts of windows past.
func TestPublicLookupsCounted(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		const walker, guesser, other = "203.0.113.7", "203.0.113.8", "2001:db8:1:2::9"
		for i := range qms.LookupMax - 5 {
			if err := f.CountPublicLookup(f.ctx, walker, true); err != nil {
				t.Fatalf("lookup %d: %v", i+1, err)
			}
		}
		const sent = 20
		errs := make(chan error, sent)
		var wg sync.WaitGroup
		for range sent {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- f.CountPublicLookup(f.ctx, walker, true)
			}()
		}
		wg.Wait()
		close(errs)
		passed, refused := 0, 0
		for err := range errs {
			switch {
			case err == nil:
				passed++
			case qms.ErrorCode(err) == qms.ETOOMANY && qms.ErrorRetryAfter(err) > 0:
				refused++
			default:
				t.Errorf("a lookup sent at once: %v", err)
			}
		}
		if passed != 5 || refused != sent-5 {
			t.Fatalf("%d lookups at once with 5 left: %d passed, %d refused", sent, passed, refused)
		}
		for i := range qms.LookupMissMax {
			if err := f.CountPublicLookup(f.ctx, guesser, false); err != nil {
				t.Fatalf("miss %d: %v", i+1, err)
			}
		}
		if err := f.CountPublicLookup(f.ctx, guesser, true); qms.ErrorCode(err) != qms.ETOOMANY {
			t.Fatalf("a lookup that found something after %d misses: %v", qms.LookupMissMax, err)
		}
		if err := f.CountPublicLookup(f.ctx, other, false); err != nil {
			t.Fatalf("another address: %v", err)
		}
		f.clk.Add(qms.LookupWindow + time.Second)
		if err := f.CountPublicLookup(f.ctx, guesser, true); err != nil {
			t.Fatalf("after the window: %v", err)
		}
		if n := mustQuery(t, f, `SELECT COUNT(*) FROM public_lookups`); n[0] != "1" {
			t.Fatalf("%s addresses counted after the window, want the one that looked up since", n[0])
		}
	})
}
