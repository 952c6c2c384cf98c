package web

import (
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
		return 1, qms.FieldError("page", "Số trang %q không hợp lệ: nhập một số nguyên từ 1 đến %s.", v, qms.Count(maxPageNumber))
	}
	return n, nil
}
