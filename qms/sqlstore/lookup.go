package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"isodt/qms"
)

// CountPublicLookup counts a public lookup by code from addr, which found
// something or not, and returns its refusal (qms.LookupRefused) when the
// address had already used up the window's lookups or misses. The count
// is a counter, not a record: no audit entry, and it is written on the
// store's writer outside the audited transactions, one statement whose
// upsert locks the address's row, so that lookups racing each other each
// see their own count, on every server of the database. An address
// already refused is answered from a read, writing nothing, so a flood
// of refused lookups costs no write. Rows of windows past are deleted
// when an address starts a new window.
func (s *Store) CountPublicLookup(ctx context.Context, addr string, found bool) error {
	hash, err := ipHash(ctx, s.read(), addr)
	if err != nil {
		return err
	}
	now := s.cfg.Now()
	var since string
	var lookups, misses int
	err = s.read().QueryRow(ctx, `SELECT window_start, lookups, misses FROM public_lookups WHERE ip_hash = ?`, hash).Scan(&since, &lookups, &misses)
	if err == nil {
		if refusal := qms.LookupRefused(lookups, misses, ParseTime(since), now); refusal != nil {
			return refusal
		}
	} else if !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read the public lookups of an address: %w", err)
	}
	miss := 0
	if !found {
		miss = 1
	}
	start, past := FormatTime(now), FormatTime(now.Add(-qms.LookupWindow))
	if err := s.cfg.Write.QueryRow(ctx, `INSERT INTO public_lookups (ip_hash, window_start, lookups, misses) VALUES (?, ?, 1, ?)
		ON CONFLICT (ip_hash) DO UPDATE SET
			lookups = CASE WHEN public_lookups.window_start <= ? THEN 1 ELSE public_lookups.lookups + 1 END,
			misses = CASE WHEN public_lookups.window_start <= ? THEN excluded.misses ELSE public_lookups.misses + excluded.misses END,
			window_start = CASE WHEN public_lookups.window_start <= ? THEN excluded.window_start ELSE public_lookups.window_start END
		RETURNING window_start, lookups, misses`, hash, start, miss, past, past, past).Scan(&since, &lookups, &misses); err != nil {
		return fmt.Errorf("count a public lookup: %w", err)
	}
	if lookups == 1 {
		if _, err := s.cfg.Write.Exec(ctx, `DELETE FROM public_lookups WHERE window_start <= ?`, past); err != nil {
			return fmt.Errorf("forget the public lookups of windows past: %w", err)
		}
	}
	// What the address had done before this lookup decides, not what
	// this one found.
	return qms.LookupRefused(lookups-1, misses-miss, ParseTime(since), now)
}
