package sqlite

import (
	"context"
	"fmt"

	"isodt/qms"
	"isodt/qms/sqlstore"
)

// indexSearch replaces the search entry of one object.
func indexSearch(ctx context.Context, tx *Tx, kind, ref, agency, text, title string) error {
	// search_docs gives the document its rowid in the FTS table, so the
	// old text goes by rowid (see migration 0012).
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO search_docs (kind, ref, agency_code) VALUES (?, ?, ?)
		ON CONFLICT (kind, agency_code, ref) DO UPDATE SET kind = excluded.kind RETURNING id`, kind, ref, agency).Scan(&id); err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM search_index WHERE rowid = ?`, id); err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO search_index (rowid, text, title, kind, ref, agency_code) VALUES (?, ?, ?, ?, ?, ?)`, id, qms.Fold(text), title, kind, ref, agency)
	return err
}

// Search finds TTHC and procedures of an agency whatever the diacritics.
func (db *DB) Search(ctx context.Context, agency, query string, limit int) ([]qms.SearchHit, error) {
	terms := qms.SearchTerms(query)
	if terms == "" {
		return []qms.SearchHit{}, nil
	}
	return sqlstore.SearchHits(ctx, on(db.read), `SELECT kind, ref, title FROM search_index WHERE search_index MATCH ? AND agency_code = ? ORDER BY rank LIMIT ?`,
		terms, agency, sqlstore.SearchLimit(limit))
}
