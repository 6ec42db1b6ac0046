package cppcc

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"dangjian/internal/date"
	"dangjian/internal/store"
)

// CatalogueHead are the columns of the 提案目录 an office hands in.
var CatalogueHead = []string{"编号", "会议", "案由", "提案者", "提出方式", "类别", "提出时间", "状态", "主办单位", "会办单位", "分办单位", "办理结果", "提案者评价"}

// Catalogue is every proposal the filter keeps, as rows of CatalogueHead, newest first.
func (s *Service) Catalogue(ctx context.Context, sc store.Scope, view View, f Filter) ([][]any, error) {
	var out [][]any
	for page := 1; ; page++ {
		l, err := s.List(ctx, sc, view, f, store.Page{Number: page, Size: store.MaxSize})
		if err != nil {
			return nil, err
		}
		parts := map[int64][]Part{}
		if len(l.Items) > 0 {
			ids := make([]string, len(l.Items))
			for i, p := range l.Items {
				ids[i] = strconv.FormatInt(p.ID, 10)
			}
			today := s.Today()
			ps, err := store.Query(ctx, s.DB, func(r store.Scanner) (Part, error) { return scanPart(r, today) },
				"SELECT "+partCols+" FROM proposal_units u JOIN committees uc ON uc.id = u.unit_id WHERE u.proposal_id IN ("+strings.Join(ids, ", ")+")"+
					InRoute(sc, view, "u.province_id")+" AND u.state <> 'withdrawn' ORDER BY u.id")
			if err != nil {
				return nil, fmt.Errorf("list catalogue: %w", err)
			}
			for _, x := range ps {
				parts[x.ProposalID] = append(parts[x.ProposalID], x)
			}
		}
		for _, p := range l.Items {
			units := map[string][]string{}
			for _, x := range parts[p.ID] {
				units[x.Role] = append(units[x.Role], x.UnitName)
			}
			when, time := "", "闭会期间"
			if p.SubmittedAt != nil {
				when = p.SubmittedAt.In(date.Shanghai).Format("2006-01-02")
			}
			if p.InSession {
				time = "大会期间"
			}
			out = append(out, []any{p.NumberText, p.SessionLabel + "(" + time + ")", p.Title, p.ProposerName, p.WayLabel, p.Category, when, p.StateLabel,
				strings.Join(units["lead"], "、"), strings.Join(units["co"], "、"), strings.Join(units["split"], "、"), classLabel(p.ResultClass), Ratings.Label(p.Satisfaction)})
		}
		if int64(page*store.MaxSize) >= l.Total || len(l.Items) == 0 {
			return out, nil
		}
	}
}

func classLabel(c string) string {
	if c == "" {
		return ""
	}
	return c + "类"
}

// UnitsHead are the columns of the 办理情况统计表.
var UnitsHead = []string{"承办单位", "承办(件次)", "其中主办", "按期答复", "逾期答复", "现逾期未办", "按期答复率"}

// UnitsTable is the handling units' lines of a committee's figures, with a total that adds them up.
func UnitsTable(f Figures) [][]any {
	var out [][]any
	var total UnitFigure
	line := func(name string, u UnitFigure) []any {
		rate := ""
		if done := u.OnTime + u.Late; done > 0 {
			rate = strconv.FormatFloat(float64(u.OnTime)*100/float64(done), 'f', 1, 64) + "%"
		}
		return []any{name, u.Assigned, u.Lead, u.OnTime, u.Late, u.Overdue, rate}
	}
	for _, u := range f.Units {
		out = append(out, line(u.Name, u))
		total.Assigned += u.Assigned
		total.Lead += u.Lead
		total.OnTime += u.OnTime
		total.Late += u.Late
		total.Overdue += u.Overdue
	}
	return append(out, line("合计", total))
}
