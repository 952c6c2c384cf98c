package web

import (
	"errors"
	"net/url"
	"sort"
	"strconv"
)

func asErr[T error](err error, target *T) bool { return errors.As(err, target) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// atoi64 parses an id from a path; a bad id is simply not found.
func atoi64(s string) (int64, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0
}

func urlEscape(s string) string { return url.QueryEscape(s) }

func sortStrings(xs []string) []string {
	sort.Strings(xs)
	return xs
}
