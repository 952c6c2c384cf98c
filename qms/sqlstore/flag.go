package sqlstore

import "fmt"

// Flag scans a boolean column as both stores hold it: PostgreSQL's
// boolean, SQLite's integer, where any value but 0 is true, as the
// queries' "= FALSE" reads it. database/sql takes only 0 and 1 into a
// bool: a 2 written with the file stopped the server's start (the
// administrator's row) and every page reading the row (outsider pass 26).
type Flag bool

// Scan implements sql.Scanner.
func (f *Flag) Scan(v any) error {
	switch x := v.(type) {
	case bool:
		*f = Flag(x)
	case int64:
		*f = x != 0
	case nil:
		*f = false
	default:
		return fmt.Errorf("flag: a %T, not a boolean", v)
	}
	return nil
}
