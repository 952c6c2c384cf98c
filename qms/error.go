package qms

import (
	"errors"
	"fmt"
	"time"

	"isodt/qms/msg"
)

// Error codes. Only the HTTP and CLI layers turn them into a status or an
// exit code; the message is safe to show to the user as it is.
const (
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	ECONFLICT     = "conflict"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	ETOOMANY      = "too_many_requests"
	EUNAVAILABLE  = "unavailable" // the database cannot be reached for now: try again shortly
	EINTERNAL     = "internal"
)

// Error is a domain error: a code for programs and a Vietnamese message
// for people. Field names the input that is wrong, when there is one.
// Format and Args are what Message was made of, when it was made by
// Errorf, FieldError, FieldErrorf or TooMany: a page in another language
// looks the format up in its catalogue and applies it to the same
// arguments. They are not part of any answer's body.
type Error struct {
	Code    string
	Field   string
	Message string
	Format  string `json:"-"`
	Args    []any  `json:"-"`
	// RetryAfter tells an ETOOMANY caller when to try again (HTTP
	// Retry-After); zero when unknown.
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("qms %s: %s: %s", e.Code, e.Field, e.Message)
	}
	return fmt.Sprintf("qms %s: %s", e.Code, e.Message)
}

// FieldName is an input field as an argument of a refusal: it prints as
// its Vietnamese Label ("Lý do"), and a page in another language names
// Field ("reason") in its own words instead. CheckText names its field so.
type FieldName struct{ Field, Label string }

func (f FieldName) String() string { return f.Label }

// Number is a count as an argument of a refusal: it prints the Vietnamese
// way (Count: 20.000), and a page in another language writes it its own
// way (20,000).
type Number int

func (n Number) String() string { return Count(int(n)) }

// Quoted is err's user-safe message as an argument of another message
// ("%s Nothing was signed…"): it prints as ErrorMessage(err), and a page
// in another language says a domain error's message in its own words.
func Quoted(err error) msg.Text {
	var e *Error
	if errors.As(err, &e) && e.Format != "" {
		return msg.New(e.Format, e.Args...)
	}
	return msg.New("%s", ErrorMessage(err))
}

// Errorf builds a domain error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return FieldErrorf(code, "", format, args...)
}

// FieldErrorf builds a domain error about one input field with a
// formatted message.
func FieldErrorf(code, field, format string, args ...any) *Error {
	return &Error{Code: code, Field: field, Message: fmt.Sprintf(format, args...), Format: format, Args: args}
}

// TooMany builds an ETOOMANY error that may be retried after d.
func TooMany(d time.Duration, format string, args ...any) *Error {
	e := Errorf(ETOOMANY, format, args...)
	e.RetryAfter = d
	return e
}

// ErrorRetryAfter returns the RetryAfter of a domain error in err's
// chain, or zero.
func ErrorRetryAfter(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}

// FieldError builds an EINVALID error about one input field.
func FieldError(field, format string, args ...any) *Error {
	return FieldErrorf(EINVALID, field, format, args...)
}

// ErrorCode returns the code of a domain error anywhere in err's chain,
// EINTERNAL for any other error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of err. Internal errors never
// show their text: it may hold SQL or paths.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Lỗi hệ thống. Vui lòng thử lại hoặc liên hệ quản trị viên."
}

// ErrorField returns the field a domain error is about, or "".
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// ErrorAbout is a copy of the domain error in err's chain about field
// instead, keeping its code, message and what it was made of; nil when
// err holds no domain error. A caller whose form names an input another
// way than the rule that refused it uses it to point at its own input.
func ErrorAbout(err error, field string) *Error {
	var e *Error
	if !errors.As(err, &e) {
		return nil
	}
	about := *e
	about.Field = field
	return &about
}
