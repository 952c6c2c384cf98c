package sqlite_test

import (
	"strings"
	"testing"

	"isodt/qms"
)

// TestOneSource6hStoreErrorsWrapped: an internal error leaving an exported
// store call names what was being done; a domain error keeps its code and
// its user-facing message as they were.
func TestOneSource6hStoreErrorsWrapped(t *testing.T) {
	db, _, ctx := openDB(t)
	if _, err := db.FindUserByID(ctx, 424242); qms.ErrorCode(err) != qms.ENOTFOUND || err.Error() != "qms not_found: Không tìm thấy người dùng." {
		t.Errorf("missing user: %v", err)
	}
	if _, err := db.FindProcedure(ctx, "SYS", 424242); qms.ErrorCode(err) != qms.ENOTFOUND || qms.ErrorMessage(err) != "Không tìm thấy quy trình." {
		t.Errorf("missing procedure: %v", err)
	}
	db.Close()
	calls := []struct {
		name, want string
		call       func() error
	}{
		{"FindUserByID", "find user 7: ", func() error { _, err := db.FindUserByID(ctx, 7); return err }},
		{"FindUserByUsername", `find user "admin": `, func() error { _, err := db.FindUserByUsername(ctx, "Admin"); return err }},
		{"FindUsers", "find users: ", func() error { _, err := db.FindUsers(ctx, qms.UserFilter{}); return err }},
		{"FindAgencyByCode", "find agency SYS: ", func() error { _, err := db.FindAgencyByCode(ctx, "SYS"); return err }},
		{"FindAgencies", "find agencies: ", func() error { _, err := db.FindAgencies(ctx, qms.AgencyFilter{}); return err }},
		{"FindProcedure", "find procedure 3 of SYS: ", func() error { _, err := db.FindProcedure(ctx, "SYS", 3); return err }},
		{"FindProcedures", "find procedures: ", func() error { _, err := db.FindProcedures(ctx, qms.ProcedureFilter{}); return err }},
		{"FindForm", "find form 3 of SYS: ", func() error { _, err := db.FindForm(ctx, "SYS", 3); return err }},
		{"FindForms", "find forms of SYS: ", func() error { _, err := db.FindForms(ctx, "SYS"); return err }},
	}
	for _, tt := range calls {
		err := tt.call()
		if qms.ErrorCode(err) != qms.EINTERNAL || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%s on a closed store: %v, want an internal error starting %q", tt.name, err, tt.want)
		}
	}
}
