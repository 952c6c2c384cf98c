package sqlite

// SetReceiptPlanned runs f between the plan of each receipt and its write
// until the test ends (restore with the returned func).
func SetReceiptPlanned(f func()) (restore func()) {
	old := receiptPlanned
	receiptPlanned = f
	return func() { receiptPlanned = old }
}
