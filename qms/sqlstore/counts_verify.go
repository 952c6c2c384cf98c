package sqlstore

import (
	"context"
	"encoding/json"

	"isodt/qms"
)

// CompareDossierCounts names each agency and status whose count in
// dossier_counts (what the dossier list shows as its total, kept by
// triggers) is not the number of its dossiers: the table is written by
// no audited statement of its own, so only a count of the dossiers
// themselves, which the trail vouches for, can hold it. A count of zero
// and no row are the same.
func CompareDossierCounts(ctx context.Context, q Querier) ([]qms.RowChange, error) {
	rows, err := q.Query(ctx, `SELECT agency_code, status, CAST(SUM(kept) AS TEXT), CAST(SUM(counted) AS TEXT) FROM (
			SELECT agency_code, status, n AS kept, 0 AS counted FROM dossier_counts
			UNION ALL
			SELECT agency_code, status, 0, COUNT(*) FROM dossiers GROUP BY agency_code, status
		) AS c GROUP BY agency_code, status HAVING SUM(kept) <> SUM(counted) ORDER BY agency_code, status`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []qms.RowChange
	for rows.Next() {
		var agency, status string
		var kept, counted string
		if err := rows.Scan(&agency, &status, &kept, &counted); err != nil {
			return nil, err
		}
		key, _ := json.Marshal([]string{agency, status})
		out = append(out, qms.RowChange{Table: "dossier_counts", Key: string(key), Change: qms.RowAltered,
			Label: "số hồ sơ " + status + " của " + agency + ": ghi " + kept + ", thực có " + counted})
	}
	return out, rows.Err()
}
