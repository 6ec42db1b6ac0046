package committee

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode/utf8"

	"dangjian/internal/apperr"
	"dangjian/internal/store"
	"dangjian/internal/vocab"
)

// Parties are the parties and groups a member belongs to, as the CPPCC
// lists them: the Communist Party, the eight democratic parties, those
// without party affiliation, and the people's organisations that take part.
var Parties = vocab.Enum{
	{Code: "cpc", Label: "中国共产党"},
	{Code: "rcck", Label: "中国国民党革命委员会"},
	{Code: "cdl", Label: "中国民主同盟"},
	{Code: "cndca", Label: "中国民主建国会"},
	{Code: "cape", Label: "中国民主促进会"},
	{Code: "cpwdp", Label: "中国农工民主党"},
	{Code: "zgd", Label: "中国致公党"},
	{Code: "jiusan", Label: "九三学社"},
	{Code: "tdsgl", Label: "台湾民主自治同盟"},
	{Code: "none", Label: "无党派人士"},
	{Code: "acfic", Label: "中华全国工商业联合会"},
	{Code: "people_org", Label: "人民团体"},
}

// DefaultSectors are the 34 sectors (界别) of the 14th National Committee
// (2023: the Communist Youth League and the All-China Youth Federation
// became one sector and 环境资源界 was added); a committee edits its own list.
var DefaultSectors = []string{
	"中国共产党", "中国国民党革命委员会", "中国民主同盟", "中国民主建国会", "中国民主促进会", "中国农工民主党",
	"中国致公党", "九三学社", "台湾民主自治同盟", "无党派人士", "中国共产主义青年团和中华全国青年联合会",
	"中华全国总工会", "中华全国妇女联合会", "中华全国工商业联合会", "中国科学技术协会", "中华全国台湾同胞联谊会",
	"中华全国归国华侨联合会", "文化艺术界", "科学技术界", "社会科学界", "经济界", "农业界", "教育界", "体育界",
	"新闻出版界", "医药卫生界", "对外友好界", "社会福利和社会保障界", "少数民族界", "宗教界",
	"特邀香港人士", "特邀澳门人士", "特别邀请人士", "环境资源界",
}

// DefaultCategories are the proposal categories a committee starts with.
var DefaultCategories = []string{"经济建设", "政治建设", "文化建设", "社会建设", "生态文明建设", "党的建设", "其他"}

// MemberStatuses are a member's standing in the term.
var MemberStatuses = vocab.Enum{
	{Code: "active", Label: "在任"},
	{Code: "left", Label: "已离任"},
}

// Names returns one of a committee's lists (sector, category).
func (s *Service) Names(ctx context.Context, committeeID int64, list string) ([]string, error) {
	out, err := store.Query(ctx, s.DB, func(sc store.Scanner) (string, error) {
		var n string
		return n, sc.Scan(&n)
	}, "SELECT name FROM cppcc_lists WHERE committee_id = $1 AND list = $2 ORDER BY position", committeeID, list)
	if err != nil {
		return nil, fmt.Errorf("read committee list: %w", err)
	}
	return out, nil
}

func (s *Service) inList(ctx context.Context, q store.Querier, committeeID int64, list, name string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM cppcc_lists WHERE committee_id = $1 AND list = $2 AND name = $3", committeeID, list, name).Scan(&n)
	if err != nil {
		return n > 0, fmt.Errorf("read committee list: %w", err)
	}
	return n > 0, nil
}

// InCategories refuses a category not in the committee's list.
func (s *Service) InCategories(ctx context.Context, q store.Querier, committeeID int64, category string) error {
	ok, err := s.inList(ctx, q, committeeID, "category", category)
	if err == nil && !ok {
		err = apperr.InvalidField("category", "提案类别“%s”不在本政协的类别中", category)
	}
	return err
}

// SetList replaces a committee's list (sector: 界别, category: 提案类别) in scope (the office).
func (s *Service) SetList(ctx context.Context, sc store.Scope, committeeID int64, list string, names []string) ([]string, error) {
	if list != "sector" && list != "category" {
		return nil, apperr.NotFound("名单")
	}
	seen := map[string]bool{}
	var clean []string
	for i, n := range names {
		n = strings.TrimSpace(n)
		switch {
		case n == "":
			continue
		case utf8.RuneCountInString(n) > 30:
			return nil, apperr.InvalidField("names", "第 %d 项“%s”超过 30 个字", i+1, n)
		case seen[n]:
			return nil, apperr.InvalidField("names", "第 %d 项“%s”重复", i+1, n)
		}
		seen[n] = true
		clean = append(clean, n)
	}
	if len(clean) == 0 || len(clean) > 100 {
		return nil, apperr.InvalidField("names", "名单应有 1 到 100 项")
	}
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		c, err := s.Lookup(ctx, tx, sc, committeeID, "committee")
		if err != nil {
			return err
		}
		before, err := s.Names(ctx, c.ID, list)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM cppcc_lists WHERE committee_id = $1 AND list = $2", c.ID, list); err != nil {
			return fmt.Errorf("set list: %w", err)
		}
		for i, n := range clean {
			if _, err := tx.ExecContext(ctx, "INSERT INTO cppcc_lists (committee_id, list, name, position) VALUES ($1, $2, $3, $4)", c.ID, list, n, i+1); err != nil {
				return fmt.Errorf("set list: %w", err)
			}
		}
		return s.Audit(ctx, tx, c, "update", "cppcc_list", c.ID, map[string]any{"list": list, "before": before, "after": clean})
	})
	return clean, err
}
