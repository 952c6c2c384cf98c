package web

import (
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
)

// maxPageNumber bounds a list's page number: far past any list's end, and
// its offset stays a small number.
const maxPageNumber = 1000000

// pageParam is the page number a list's query asks for, 1 when absent. One
// that is not a whole number from 1 is refused naming "page", not read as
// page 1: a client paging with page=-1 or page=abc would otherwise be
// served the first page again and again.
func pageParam(c *fiber.Ctx) (int, error) {
	v := strings.TrimSpace(c.Query("page"))
	if v == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxPageNumber {
		return 1, qms.FieldError("page", "Số trang %q không hợp lệ: nhập một số nguyên từ 1 đến %s.", v, qms.Number(maxPageNumber))
	}
	return n, nil
}

// flagParam reads a yes/no query parameter: absent or "0" no, "1" yes;
// anything else is refused naming it (overdue=yes read as "no" hid what
// was asked for).
func flagParam(c *fiber.Ctx, name string) (bool, error) {
	switch v := c.Query(name); v {
	case "", "0":
		return false, nil
	case "1":
		return true, nil
	default:
		return false, qms.FieldError(name, "Tham số %s=%q không hợp lệ: dùng 1 (có) hoặc 0 (không).", name, v)
	}
}

// oneOfParam reads a query parameter that is absent or one of allowed;
// anything else is refused naming it and what it may be, not read as a
// filter nothing matches.
func oneOfParam(c *fiber.Ctx, name string, allowed ...string) (string, error) {
	v := c.Query(name)
	if v == "" || slices.Contains(allowed, v) {
		return v, nil
	}
	return "", qms.FieldError(name, "Tham số %s=%q không hợp lệ: dùng một trong %s.", name, v, strings.Join(allowed, ", "))
}
