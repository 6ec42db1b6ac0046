package cppcc

import (
	"context"
	"database/sql"
	"fmt"

	"dangjian/internal/committee"
	"dangjian/internal/store"
)

// YearNumber is the next number of a committee's series of the year in
// table (the 专刊, the 简报): read in the issuing transaction, the series'
// unique index refusing a second writer of the same number.
func YearNumber(ctx context.Context, tx *sql.Tx, table string, c committee.Committee, year int) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(number), 0) + 1 FROM "+table+" WHERE committee_id = $1 AND year = $2"+store.InProvince("province_id", c.Province()), c.ID, year).Scan(&n)
	if err != nil {
		return n, fmt.Errorf("next issue number: %w", err)
	}
	return n, nil
}

// IssueLabel is the number of an issue of a committee's publications (the
// 简报, the 社情民意专刊): 2026年第3期.
func IssueLabel(year, number int) string { return fmt.Sprintf("%d年第%d期", year, number) }
