package qms

import (
	"context"
	"time"
)

// Public lookups by code, without a login: a dossier's status on the
// agency's public page, its satisfaction survey (the form and the
// answer), a feedback's tracking page. Dossier and feedback codes are
// sequential, so they are bounded per client address (ThrottleAddr: an
// IPv6 address by its /64), counted in the store so that every server on
// one database counts the same: LookupMax lookups in a LookupWindow, and
// LookupMissMax lookups of codes that name nothing, after which every
// lookup from the address is refused until the window ends, one of a
// code that exists included, so that the refusal tells nothing of the
// code. The window is fixed: it begins with the address's first lookup.
// LookupMax leaves room for a one-stop counter's kiosk (a citizen's status
// page, the survey's form, its answer and the thanks are four lookups).
const (
	LookupWindow  = 10 * time.Minute
	LookupMax     = 120
	LookupMissMax = 20
)

// LookupRefused is the refusal (ETOOMANY, with the wait until the window
// ends) of a public lookup from an address that had made lookups, misses
// of them, in the window that began at since; nil when the address may
// look up. It depends only on what the address did before, never on what
// the lookup refused would have found.
func LookupRefused(lookups, misses int, since, now time.Time) error {
	wait := since.Add(LookupWindow).Sub(now)
	if wait <= 0 {
		return nil
	}
	minutes := int((wait + time.Minute - 1) / time.Minute)
	switch {
	case misses >= LookupMissMax:
		return TooMany(wait, "Địa chỉ của bạn đã tra cứu %d mã không có trong %d phút qua, nên việc tra cứu tạm dừng: kiểm tra lại mã trên giấy tiếp nhận và thử lại sau %d phút.",
			misses, int(LookupWindow.Minutes()), minutes)
	case lookups >= LookupMax:
		return TooMany(wait, "Địa chỉ của bạn đã tra cứu %d lần trong %d phút qua. Vui lòng thử lại sau %d phút.", lookups, int(LookupWindow.Minutes()), minutes)
	}
	return nil
}

// LookupService counts the public lookups by code (LookupRefused).
type LookupService interface {
	// CountPublicLookup counts a lookup from the client address addr
	// that found something (found) or not, and returns the refusal
	// (ETOOMANY) when the address had already used up its lookups or
	// misses of the window; the caller then answers the refusal, not
	// what it found.
	CountPublicLookup(ctx context.Context, addr string, found bool) error
}
