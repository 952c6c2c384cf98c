package postgres

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"isodt/qms"
	"isodt/qms/sqlstore"
)

// searchWords splits text into the words the index keeps and a query
// looks for, as SQLite's unicode61 tokenizer with remove_diacritics does:
// lower case, đ as d, the tone and vowel marks removed (qms.Unaccent),
// split at every character that is neither a letter nor a digit.
func searchWords(text string) []string {
	var b strings.Builder
	for _, r := range qms.Unaccent(text) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		} else {
			b.WriteByte(' ')
		}
	}
	return strings.Fields(b.String())
}

// searchQuery is the tsquery of what a user typed: every word, as a
// prefix (the words hold only letters and digits, so nothing typed can
// inject tsquery syntax). "" when nothing is left.
func searchQuery(q string) string {
	words := searchWords(q)
	if len(words) > 10 {
		words = words[:10]
	}
	for i, w := range words {
		words[i] = w + ":*"
	}
	return strings.Join(words, " & ")
}

// indexSearch replaces the search entry of one object.
func indexSearch(ctx context.Context, tx *Tx, kind, ref, agency, text, title string) error {
	_, err := tx.exec(ctx, `INSERT INTO search_docs (kind, ref, agency_code, title, words) VALUES (?, ?, ?, ?, to_tsvector('simple', ?))
		ON CONFLICT (kind, agency_code, ref) DO UPDATE SET title = excluded.title, words = excluded.words`,
		kind, ref, agency, title, strings.Join(searchWords(text), " "))
	if err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	return nil
}

// Search finds the TTHC and the procedures of an agency
// whatever the diacritics, best match first.
func (db *DB) Search(ctx context.Context, agency, query string, limit int) ([]qms.SearchHit, error) {
	tsq := searchQuery(query)
	if tsq == "" {
		return []qms.SearchHit{}, nil
	}
	return sqlstore.SearchHits(ctx, sharedQuerier{db.direct()}, `SELECT kind, ref, title FROM search_docs, to_tsquery('simple', ?) q
		WHERE agency_code = ? AND words @@ q ORDER BY ts_rank(words, q) DESC, id LIMIT ?`, tsq, agency, sqlstore.SearchLimit(limit))
}
