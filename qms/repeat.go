package qms

import "time"

// RepeatWindow is how long a record made again by the same user with the
// same content is taken for the first one sent twice, and refused naming
// it (SentTwice), rather than numbered or listed a second time: a second
// click on a form without JavaScript, the back button and the form sent
// again, a client that sends again after an answer it did not get. What
// counts as the content is what says which record it is (a
// nonconformity's source and description, not its root cause; an
// action's text, owner and due date), so that a form sent again with a
// figure changed is still the same record, to be corrected on its page.
// After the window, the same content is a new record. Records with a key
// of their own (a dossier's Idempotency-Key or form nonce, a procedure's
// code, an objective's measure and period, a provider's name, a
// declaration's number) are refused by that key instead.
const RepeatWindow = 10 * time.Minute

// SentTwice is the refusal (ECONFLICT) of a record sent again within
// RepeatWindow: first names the record made the first time as its page
// names it ("phiếu NC-SVHTT-2026-001"), made at at.
func SentTwice(first string, at time.Time) *Error {
	return Errorf(ECONFLICT, "Bạn vừa ghi %s với cùng nội dung lúc %s: lần này là gửi lại (bấm hai lần, hoặc quay lại trang trước rồi gửi), không ghi thêm. Mở %s để tiếp tục.",
		first, at.In(Zone).Format("15:04"), first)
}

// QuoteShort is a text as a refusal quotes it: in quotation marks, its
// first 60 characters and an ellipsis when longer.
func QuoteShort(s string) string {
	if r := []rune(s); len(r) > 60 {
		s = string(r[:60]) + "…"
	}
	return "“" + s + "”"
}
