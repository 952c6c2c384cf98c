package qms

import (
	"context"
	"time"
)

// Session is a signed-in browser. The cookie holds a random token; the
// store keeps only its hash.
type Session struct {
	ID         string // hash of the cookie token
	UserID     int64
	AgencyCode string // the agency the user is acting for now
	CSRFToken  string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastSeenAt time.Time
}

// Expired reports whether the session is past its absolute or idle limit.
func (s *Session) Expired(now time.Time, idle time.Duration) bool {
	return !now.Before(s.ExpiresAt) || now.Sub(s.LastSeenAt) > idle
}

// APIToken authenticates a program on /api/v1 as a user. The store keeps
// a hash of the secret and its first characters (Prefix), which name the
// token in lists without letting anyone use it.
type APIToken struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"user_id"`
	Username   string     `json:"username,omitempty"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

// APITokenLifetime is how long a token lasts unless its creator says otherwise.
const APITokenLifetime = 90 * 24 * time.Hour

// TokenPrefixLength is how many characters of a secret name its token.
const TokenPrefixLength = 12

// TokenFilter selects API tokens. Pointer fields mean "not set"; Prefix
// matches the first TokenPrefixLength characters of what is given, so a
// whole secret may be pasted.
type TokenFilter struct {
	ID     *int64
	UserID *int64
	Prefix *string
}

// Session limits: an absolute lifetime and an idle timeout.
const (
	SessionLifetime = 12 * time.Hour
	SessionIdle     = 2 * time.Hour
)

// Login throttling counts failures per username and client address, so
// that guessing from one address never locks the owner out from another.
// From the MaxLoginFailures-th failure in a row the pair is locked for
// LoginLockBase, doubling with each further failure up to
// LoginLockDuration. A pair with no failure for LoginFailureWindow is
// forgotten. The first lock of an episode is audited; the next are not.
const (
	MaxLoginFailures   = 5
	LoginLockBase      = time.Minute
	LoginLockDuration  = 15 * time.Minute // the longest lock
	LoginFailureWindow = time.Hour
)

// LoginLockFor is how long the failures-th failure in a row locks a
// username at one address: nothing before MaxLoginFailures.
func LoginLockFor(failures int) time.Duration {
	if failures < MaxLoginFailures {
		return 0
	}
	d := LoginLockBase
	for i := MaxLoginFailures; i < failures && d < LoginLockDuration; i++ {
		d *= 2
	}
	return min(d, LoginLockDuration)
}

// Guesses from one address across many usernames (one password tried
// on every account) are counted too, in a leaky bucket per address: each
// failure adds one, one leaks away every AddrFailureLeak, and the
// MaxAddrLoginFailures-th failure locks every login from the address for
// LoginLockDuration. An office behind one NAT address that mistypes less
// than once a minute on average is never locked; a guesser gets about
// one try a minute. A success empties nothing, so a guesser cannot reset
// the count with an account of its own. The count lives in the
// login_throttle row whose username is AddrThrottleKey, a name no
// account can have.
const (
	AddrThrottleKey      = "*"
	MaxAddrLoginFailures = 30
	AddrFailureLeak      = time.Minute
)

// AddrFailure counts one more failure from an address whose bucket held
// level, leaked up to since. It returns the new level, the time it is
// leaked up to, and how long the address is now locked (zero: not).
func AddrFailure(level int, since, now time.Time) (int, time.Time, time.Duration) {
	if leaked := int(now.Sub(since) / AddrFailureLeak); leaked >= level || since.IsZero() {
		level, since = 0, now
	} else if leaked > 0 {
		level -= leaked
		since = since.Add(time.Duration(leaked) * AddrFailureLeak)
	}
	level++
	if level >= MaxAddrLoginFailures {
		return MaxAddrLoginFailures, since, LoginLockDuration
	}
	return level, since, 0
}

// CheckAddressUnlock is the rule for ending the lock of an address: the
// system administrator only (a CLI command, or a user acting for SYS on
// a route that required its admin role). An address belongs to no
// agency: its lock stops the users of every agency behind it, and an
// agency admin who could lift it could lift the lock on a guesser
// spraying every agency's accounts. Returns EFORBIDDEN.
func CheckAddressUnlock(a Actor) error {
	if a.SystemAdmin() {
		return nil
	}
	return Errorf(EFORBIDDEN, "Chỉ quản trị viên hệ thống (%s) được mở khóa đăng nhập của một địa chỉ: địa chỉ không thuộc riêng đơn vị nào.", SystemAgencyCode)
}

// AuthService checks credentials and keeps sessions and API tokens.
type AuthService interface {
	// Authenticate checks a password sent from the client address addr.
	// Returns EUNAUTHORIZED for an unknown user, a wrong password or a
	// disabled account (one message for all, so usernames cannot be
	// probed) and ETOOMANY while the username is locked at that address.
	Authenticate(ctx context.Context, username, password, addr string) (*User, error)
	// UnlockLogin forgets the failed logins of a username at every
	// address (CheckAccountAction applies). Returns how many addresses
	// were locked or counting, ENOTFOUND or EFORBIDDEN.
	UnlockLogin(ctx context.Context, username string) (int, error)
	// UnlockAddress ends the lock of a client address across usernames
	// (AddrFailure) and forgets its count; the counts of usernames at
	// the address stay (UnlockLogin). addr is an IP address in any
	// spelling or an IPv6 /64 (UnlockAddrKey). CheckAddressUnlock
	// applies. Returns how many rows were cleared (0 or 1), EINVALID or
	// EFORBIDDEN.
	UnlockAddress(ctx context.Context, addr string) (int, error)
	// CreateSession returns the cookie token of a new session.
	CreateSession(ctx context.Context, userID int64, agencyCode string) (token string, s *Session, err error)
	// FindSession returns ENOTFOUND or EUNAUTHORIZED (expired) errors.
	FindSession(ctx context.Context, token string) (*Session, error)
	// FindSessionUser is FindSession with the session's user (and its
	// memberships), read together.
	FindSessionUser(ctx context.Context, token string) (*Session, *User, error)
	TouchSession(ctx context.Context, s *Session) error
	SwitchSessionAgency(ctx context.Context, s *Session, agencyCode string) error
	DeleteSession(ctx context.Context, token string) error
	// CreateAPIToken returns the secret once; only its hash is kept. The
	// token expires after ttl (APITokenLifetime when 0).
	CreateAPIToken(ctx context.Context, userID int64, name string, ttl time.Duration) (secret string, t *APIToken, err error)
	// FindUserByAPIToken returns EUNAUTHORIZED for an unknown, revoked or expired token.
	FindUserByAPIToken(ctx context.Context, secret string) (*User, error)
	// FindAPITokens lists tokens, revoked and expired ones included, newest first.
	FindAPITokens(ctx context.Context, f TokenFilter) ([]*APIToken, error)
	// RevokeAPITokens revokes the tokens matching f that are still
	// valid and returns how many. f must name an ID, a prefix or a user;
	// a prefix matching tokens of several users or several tokens is
	// ECONFLICT. CheckAccountAction applies to every owner.
	RevokeAPITokens(ctx context.Context, f TokenFilter) (int, error)
}
