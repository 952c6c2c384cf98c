package qms

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"math"
	"strings"
	"time"
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

// ThrottleAddr is the key of a client address: the address as the web
// layer saw it, bounded, "-" when unknown (a CLI or test caller).
func ThrottleAddr(addr string) string {
	addr = strings.TrimSpace(addr)
	if addr == "" {
		return "-"
	}
	if len(addr) > 64 {
		addr = addr[:64]
	}
	return addr
}

// ErrBadCredentials answers an unknown user, a wrong password and a
// disabled account alike, so that usernames cannot be probed.
var ErrBadCredentials = Errorf(EUNAUTHORIZED, "Tên đăng nhập hoặc mật khẩu không đúng.")

// LoginLocked is the ETOOMANY of a login refused by a lock until until.
func LoginLocked(until, now time.Time) error {
	return TooMany(until.Sub(now), "Tên đăng nhập này tạm khóa tại địa chỉ của bạn do nhập sai mật khẩu nhiều lần (khi đăng nhập hoặc khi ký). Thử lại sau %d phút.", minutesLeft(until, now))
}

// LoginAddrLocked is the ETOOMANY of a login refused because its client
// address is locked across usernames (AddrFailure).
func LoginAddrLocked(until, now time.Time) error {
	return TooMany(until.Sub(now), "Địa chỉ của bạn tạm bị chặn đăng nhập và ký do nhập sai mật khẩu nhiều lần với nhiều tên đăng nhập. Thử lại sau %d phút.", minutesLeft(until, now))
}

// LoginFailed is the answer to the failures-th failure in a row of a
// username at one address, locked until until (zero: not locked).
func LoginFailed(failures int, until, now time.Time) error {
	if until.IsZero() {
		return ErrBadCredentials
	}
	return TooMany(until.Sub(now), "Nhập sai mật khẩu %d lần liên tiếp: tên đăng nhập này tạm khóa %d phút tại địa chỉ của bạn, cả khi đăng nhập và khi ký.", failures, minutesLeft(until, now))
}

// minutesLeft rounds up: "1 phút" for the last seconds of a lock.
func minutesLeft(until, now time.Time) int { return max(1, int(math.Ceil(until.Sub(now).Minutes()))) }
