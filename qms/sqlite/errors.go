package sqlite

import (
	"errors"
	"fmt"

	"isodt/qms"
)

// internalf gives an internal error (SQL, I/O, a closed store) the context
// of the exported call that met it, "find user 12: sql: database is
// closed", so a log line says what was being done. A domain error
// (*qms.Error) passes unchanged: its code and its user-facing message are
// what the caller shows.
func internalf(err error, format string, args ...any) error {
	var e *qms.Error
	if err == nil || errors.As(err, &e) {
		return err
	}
	return fmt.Errorf(format+": %w", append(args, err)...)
}
