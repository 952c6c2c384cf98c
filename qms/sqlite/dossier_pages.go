package sqlite

import (
	"context"
	"slices"
	"strings"

	"isodt/qms"
)

// The task list and the dossier list are what staff open all day, and
// each page costs a fifth of a millisecond of SQLite and database/sql
// even as one range of one index (51 rows of 8 columns through cgo): at
// 64 clients that alone held the pages to a third of what the server
// serves. A page is kept until the next committed change of the agency's
// dossiers or TTHC catalogue (the audit actions dossier.* and tthc.*, see
// readcache.go), so a busy agency reads its pages again after each of
// its writes while the quiet ones are served from memory. Only what
// depends on nothing else is kept: a list filtered on overdue dossiers
// depends on the clock and is always read.

// taskPageKey is a page of an agency's tasks for a set of roles.
type taskPageKey struct {
	agency, roles string
	offset, limit int
}

// TasksPage is one page of Tasks, most urgent first.
func (db *DB) TasksPage(ctx context.Context, agency string, roles []qms.Role, offset, limit int) ([]qms.Task, error) {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	k := taskPageKey{agency: agency, roles: strings.Join(names, ","), offset: offset, limit: limit}
	ts, err := db.taskPages.get(k, func() ([]qms.Task, error) { return db.tasksPage(ctx, agency, roles, offset, limit) })
	// The page is shared: each caller gets its own slice to cut or sort.
	return slices.Clone(ts), err
}

// dossierPageKey is a DossierFilter without its pointers.
type dossierPageKey struct {
	agency, code, status, tthc string
	offset, limit, countLimit  int
}

// dossierPage is a page of FindDossiers with its total.
type dossierPage struct {
	dossiers []*qms.Dossier
	total    int
}

// FindDossiers returns a page of dossiers, newest first, and the total:
// exact, or with f.CountLimit > 0 at most f.CountLimit+1 (meaning "more
// than f.CountLimit"). Brief pages of one agency come from the page
// cache: their dossiers are shared, for reading only.
func (db *DB) FindDossiers(ctx context.Context, f qms.DossierFilter) ([]*qms.Dossier, int, error) {
	if !f.Brief || f.AgencyCode == nil || f.Overdue != nil && *f.Overdue {
		return db.findDossiers(ctx, f)
	}
	k := dossierPageKey{agency: *f.AgencyCode, offset: f.Offset, limit: f.Limit, countLimit: f.CountLimit}
	for _, v := range []struct {
		to   *string
		from *string
	}{{&k.code, f.Code}, {&k.tthc, f.TTHCCode}} {
		if v.from != nil {
			*v.to = "=" + *v.from // "=" tells an empty filter from none
		}
	}
	if f.Status != nil {
		k.status = "=" + string(*f.Status)
	}
	p, err := db.dossierPages.get(k, func() (dossierPage, error) {
		ds, total, err := db.findDossiers(ctx, f)
		return dossierPage{ds, total}, err
	})
	return slices.Clone(p.dossiers), p.total, err
}
