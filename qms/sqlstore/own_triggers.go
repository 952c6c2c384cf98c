package sqlstore

import (
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strings"

	"isodt/qms"
)

// The stores make the database's triggers the code's at the open and when
// a write finds them changed (qms/sqlite and qms/postgres own_triggers.go).
// What they share: which migrations make a database another version's,
// and how each trigger put right goes on the record.

// RefuseNewerSchema fails when applied holds a migration the code (the
// store's migrations in fsys) does not know: a newer application migrated
// the database, and its triggers are not this version's to judge.
func RefuseNewerSchema(applied []string, fsys fs.FS) error {
	known, err := MigrationNames(fsys)
	if err != nil {
		return err
	}
	for _, name := range applied {
		if !slices.Contains(known, name) {
			return qms.Errorf(qms.ECONFLICT, "Cơ sở dữ liệu đã được nâng cấp bởi phiên bản mới hơn của ứng dụng (%s): hãy dùng phiên bản đó.", name)
		}
	}
	return nil
}

// TriggerFix is a trigger (or, on PostgreSQL, a trigger's function or a
// rule) the store put right: its definition found ("" when missing) and
// the code's ("" when foreign, dropped).
type TriggerFix struct {
	// Kind is what it is: trigger, index, view, table, function, rule.
	Kind, Name, Was, Want string
	// Detail is kept with the definition found: the table, a trigger's
	// function.
	Detail map[string]string
}

// RecordTriggerFix writes the audit entry of one fix with audit: removed
// when the trigger was foreign, restored when the code's was changed or
// missing, with both definitions.
func RecordTriggerFix(f TriggerFix, audit func(agency, action, objectType, objectID string, before, after any, reason string) error) error {
	action, reason := "audit.trigger_restored", "trigger của ứng dụng bị sửa hoặc xoá ngoài ứng dụng: ghi lại theo mã nguồn"
	if f.Want == "" {
		action, reason = "audit.trigger_removed", "trigger không phải của ứng dụng, đặt vào cơ sở dữ liệu ngoài ứng dụng: đã gỡ"
	}
	var before, after any
	if f.Was != "" {
		b := map[string]string{"sql": f.Was}
		for k, v := range f.Detail {
			b[k] = v
		}
		before = b
	}
	if f.Want != "" {
		after = map[string]string{"sql": f.Want}
	}
	return audit(qms.SystemAgencyCode, action, "audit_log", f.Name, before, after, reason)
}

// MigrationNames lists a store's migrations (migration/*.sql in fsys) in
// the order they run.
func MigrationNames(fsys fs.FS) ([]string, error) {
	names, err := fs.Glob(fsys, "migration/*.sql")
	sort.Strings(names)
	return names, err
}

// EachMigration calls fn with each migration's name and text, in order:
// the stores run them on an empty schema to read the triggers the code
// makes.
func EachMigration(fsys fs.FS, fn func(name, body string) error) error {
	names, err := MigrationNames(fsys)
	if err != nil {
		return err
	}
	for _, name := range names {
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		if err := fn(name, string(body)); err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
	}
	return nil
}

// ChangedTables names the code's tables whose definition found differs
// from the code's, or that are missing (qms.RowChanges for verification).
// A table is compared by what the store reads of it (name → definition):
// a table of the application's whose definition changed cannot be put
// right without its data.
func ChangedTables(found, code map[string]string) []qms.RowChange {
	var out []qms.RowChange
	for t, want := range code {
		if have, ok := found[t]; !ok || have != want {
			out = append(out, qms.RowChange{Table: t, Key: "[]", Label: "cấu trúc bảng " + t + " khác với của ứng dụng", Change: qms.RowAltered})
		}
	}
	slices.SortFunc(out, func(a, b qms.RowChange) int { return strings.Compare(a.Table, b.Table) })
	return out
}

// TablesChanged is the error of a write refused because of them (nil
// for none).
func TablesChanged(changes []qms.RowChange) error {
	if len(changes) == 0 {
		return nil
	}
	names := make([]string, len(changes))
	for i, c := range changes {
		names[i] = c.Table
	}
	return qms.Errorf(qms.ECONFLICT, "Cấu trúc bảng %s trong tệp cơ sở dữ liệu đã bị sửa ngoài ứng dụng: không ghi thêm được cho đến khi khôi phục tệp từ bản sao lưu.", strings.Join(names, ", "))
}
