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

// APIToken authenticates a program on /api/v1 as a user.
type APIToken struct {
	ID        int64      `json:"id"`
	UserID    int64      `json:"user_id"`
	Name      string     `json:"name"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// Session limits: an absolute lifetime and an idle timeout.
const (
	SessionLifetime = 12 * time.Hour
	SessionIdle     = 2 * time.Hour
)

// Login throttling: after MaxLoginFailures failures in a row an account is
// locked for LoginLockDuration; the lock is logged and audited.
const (
	MaxLoginFailures  = 5
	LoginLockDuration = 15 * time.Minute
)

// AuthService checks credentials and keeps sessions and API tokens.
type AuthService interface {
	// Authenticate checks a password. Returns EUNAUTHORIZED for an unknown
	// user, a wrong password or a disabled account (one message for all,
	// so usernames cannot be probed) and ETOOMANY while locked.
	Authenticate(ctx context.Context, username, password string) (*User, error)
	// CreateSession returns the cookie token of a new session.
	CreateSession(ctx context.Context, userID int64, agencyCode string) (token string, s *Session, err error)
	// FindSession returns ENOTFOUND or EUNAUTHORIZED (expired) errors.
	FindSession(ctx context.Context, token string) (*Session, error)
	TouchSession(ctx context.Context, s *Session) error
	SwitchSessionAgency(ctx context.Context, s *Session, agencyCode string) error
	DeleteSession(ctx context.Context, token string) error
	// CreateAPIToken returns the secret once; only its hash is kept.
	CreateAPIToken(ctx context.Context, userID int64, name string) (secret string, t *APIToken, err error)
	// FindUserByAPIToken returns EUNAUTHORIZED for an unknown, revoked or expired token.
	FindUserByAPIToken(ctx context.Context, secret string) (*User, error)
}
