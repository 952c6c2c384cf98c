package qms

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"math"
	"net/netip"
	"strings"
	"time"
	"unicode/utf8"
)

// What every store does alike with credentials: the hash it keeps of a
// session or API token secret (a database moved from one store to the
// other keeps working), the key of a client address for login
// throttling, and the messages of a refused login.

// NewSecret returns a random token (after prefix) and the hash a store
// keeps of it.
func NewSecret(prefix string) (secret, hash string) {
	b := make([]byte, 32)
	rand.Read(b)
	secret = prefix + base64.RawURLEncoding.EncodeToString(b)
	return secret, HashSecret(secret)
}

// HashSecret is the hex SHA-256 of a secret, the form stores keep.
func HashSecret(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// ParseClientAddr reads a client address in the spellings proxies and
// operators write: an IPv4 or IPv6 address, IPv4 mapped into IPv6
// (::ffff:203.0.113.5 is 203.0.113.5), with a port (203.0.113.5:5555,
// [2001:db8::1]:443), in brackets, or with an IPv6 zone (fe80::1%eth0,
// the zone dropped). ok is false for anything else.
func ParseClientAddr(s string) (ip netip.Addr, ok bool) {
	s = strings.TrimSpace(s)
	if ap, err := netip.ParseAddrPort(s); err == nil {
		ip = ap.Addr()
	} else {
		s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
		if ip, err = netip.ParseAddr(s); err != nil {
			return netip.Addr{}, false
		}
	}
	return ip.Unmap().WithZone(""), true
}

// ThrottleAddr is the key of a client address: "-" when unknown (a CLI
// or test caller); an IPv4 address as itself, in any spelling
// ParseClientAddr reads; an IPv6 address as its /64, since one client
// commonly holds a whole /64 and could take a new address for each guess;
// anything else as written, bounded.
func ThrottleAddr(addr string) string {
	addr = strings.TrimSpace(addr)
	if addr == "" {
		return "-"
	}
	if ip, ok := ParseClientAddr(addr); ok {
		return addrKey(ip)
	}
	if len(addr) > 64 {
		addr = addr[:64]
	}
	return addr
}

func addrKey(ip netip.Addr) string {
	if ip.Is4() {
		return ip.String()
	}
	p, _ := ip.Prefix(64)
	return p.String()
}

// HeaderAddrPrefix starts the key of a client that a trusted proxy's
// X-Real-IP names by no address ("header:unknown"): the text is all
// there is to count under, and the prefix lets an operator unlock it
// (UnlockAddrKey) while a mistyped address stays refused.
const HeaderAddrPrefix = "header:"

// UnlockAddrKey is the key (ThrottleAddr) of the address an operator
// names to end its lock (AuthService.UnlockAddress): an IP address in
// any spelling ParseClientAddr reads, or an IPv6 /64 or a
// HeaderAddrPrefix key as the audit trail names an auth.lock_addr.
// Anything else is EINVALID, where ThrottleAddr would keep it as
// written: a mistyped address would clear nothing while the office stays
// locked. The message quotes at most 64 bytes of what was typed.
func UnlockAddrKey(addr string) (string, error) {
	addr = strings.TrimSpace(addr)
	if ip, ok := ParseClientAddr(addr); ok {
		return addrKey(ip), nil
	}
	if strings.HasPrefix(addr, HeaderAddrPrefix) {
		return ThrottleAddr(addr), nil
	}
	if p, err := netip.ParsePrefix(addr); err == nil && p.Addr().Is6() && !p.Addr().Is4In6() && p.Bits() == 64 {
		return p.Masked().String(), nil
	}
	return "", Errorf(EINVALID, "Địa chỉ %q không hợp lệ: cần một địa chỉ IP (IPv4 như 203.0.113.5 hoặc IPv6) hay một dải IPv6 /64 như nhật ký ghi.", clip(addr, 64))
}

// clip is s cut to at most n bytes on a character boundary, marked
// with "…" when cut: what a message quotes of input it refuses.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// Limits of what Authenticate compares: no username is longer
// (ValidateUser) and nothing longer is any password (ValidatePassword
// stops at 72 bytes), so longer input is refused without a comparison.
const (
	MaxUsernameLen = 64
	MaxPasswordLen = 256
)

// ErrBadCredentials answers an unknown user, a wrong password and a
// disabled account alike, so that usernames cannot be probed.
var ErrBadCredentials = Errorf(EUNAUTHORIZED, "Tên đăng nhập hoặc mật khẩu không đúng.")

// LoginLocked is the ETOOMANY of a login refused by a lock until until.
func LoginLocked(until, now time.Time) error {
	return TooMany(until.Sub(now), "Tên đăng nhập này tạm khóa tại địa chỉ của bạn do nhập sai mật khẩu nhiều lần (khi đăng nhập hoặc khi ký). Thử lại sau %d phút.", minutesLeft(until, now))
}

// LoginAddrLocked is the ETOOMANY of a login refused because its client
// address is locked across usernames (AddrFailure).
func LoginAddrLocked(until, now time.Time) error { return addrLocked(until, now) }

// LoginAddrLockStarted is LoginAddrLocked for the wrong password that
// started the lock (StartsLock).
func LoginAddrLockStarted(until, now time.Time) error { return lockStarted{addrLocked(until, now)} }

func addrLocked(until, now time.Time) *Error {
	return TooMany(until.Sub(now), "Địa chỉ của bạn tạm bị chặn đăng nhập và ký do nhập sai mật khẩu nhiều lần với nhiều tên đăng nhập. Thử lại sau %d phút.", minutesLeft(until, now))
}

// LoginFailed is the answer to the failures-th failure in a row of a
// username at one address, locked until until (zero: not locked).
func LoginFailed(failures int, until, now time.Time) error {
	if until.IsZero() {
		return ErrBadCredentials
	}
	return lockStarted{TooMany(until.Sub(now), "Nhập sai mật khẩu %d lần liên tiếp: tên đăng nhập này tạm khóa %d phút tại địa chỉ của bạn, cả khi đăng nhập và khi ký.", failures, minutesLeft(until, now))}
}

// lockStarted is the refusal of a wrong password that started a lock:
// unlike the refusals of a lock in force, the password was checked, so
// the web layer logs it as a refused login.
type lockStarted struct{ err *Error }

func (e lockStarted) Error() string { return e.err.Error() }
func (e lockStarted) Unwrap() error { return e.err }

// StartsLock reports whether err is the refusal of a wrong password that
// started a lock, of a username or of an address.
func StartsLock(err error) bool {
	var l lockStarted
	return errors.As(err, &l)
}

// minutesLeft rounds up: "1 phút" for the last seconds of a lock.
func minutesLeft(until, now time.Time) int { return max(1, int(math.Ceil(until.Sub(now).Minutes()))) }

// A session or API token is only as good as the password that opened it:
// a login that read the password's hash before a change or reset
// committed must not be granted after it. Authenticate stamps the user it
// returns with the hash it checked (User.PasswordStamp); the caller hands
// the stamp on in the context (WithCheckedPassword), and CreateSession
// and CreateAPIToken refuse when the account's password is no longer
// the one checked.

// PasswordStampOf is the stamp of a password hash: a digest, so that
// the hash itself never travels with the user.
func PasswordStampOf(hash string) string { return HashSecret("password-stamp:" + hash) }

type checkedPasswordKey struct{}

// WithCheckedPassword says that what ctx creates was opened by the
// password of stamp.
func WithCheckedPassword(ctx context.Context, stamp string) context.Context {
	return context.WithValue(ctx, checkedPasswordKey{}, stamp)
}

// CheckedPassword is the stamp of WithCheckedPassword, if any.
func CheckedPassword(ctx context.Context) (string, bool) {
	stamp, ok := ctx.Value(checkedPasswordKey{}).(string)
	return stamp, ok
}

// ErrPasswordChanged refuses a session or token whose login checked a
// password the account no longer has.
var ErrPasswordChanged = Errorf(EUNAUTHORIZED, "Mật khẩu của tài khoản vừa được đổi: đăng nhập lại bằng mật khẩu mới.")
