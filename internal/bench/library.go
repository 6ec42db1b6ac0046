package bench

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"dangjian/internal/app"
	"dangjian/internal/date"
	"dangjian/internal/library"
	"dangjian/internal/org"
	"dangjian/internal/store"
)

// benchTag marks the documents the library benchmark writes (and removes after).
const benchTag = "基准测试"

// The words generated documents are made of: topics of the work and
// sentences of the kind the essays are written in, so that every query
// word occurs in many documents besides the one it must find.
var (
	benchTopics = []string{"党建引领基层治理", "流动党员教育管理", "党员志愿服务", "党费收缴使用", "两新组织党建", "发展党员质量", "老旧小区改造",
		"乡村振兴", "三会一课", "走访慰问困难群众", "共驻共建", "网格化管理", "党员积分管理", "软弱涣散党组织整顿", "红色物业", "人才回引",
		"主题党日", "党群服务中心", "双报到", "组织生活会", "民主评议党员", "基层减负", "村级集体经济", "矛盾纠纷调解"}
	benchSentences = []string{
		"{地}坚持把{题}作为重要抓手,建立工作台账,明确责任分工。", "围绕{题},{地}党组织召开专题会议研究部署,形成工作方案。",
		"在{题}中,党员带头参与,群众满意度明显提高。", "{地}将{题}纳入年度考核,定期督促检查,推动工作落实。",
		"针对{题}存在的短板,{地}开展专项调研,查找问题、制定措施。", "通过{题},{地}党组织的凝聚力和战斗力进一步增强。",
		"{地}组织党员开展学习交流,总结{题}的经验做法。", "结合{题},建立党员联系群众制度,收集群众意见建议。",
		"下一步,{地}将继续深化{题},推动基层党建工作提质增效。", "{地}投入资金用于{题},改善了群众的生产生活条件。",
		"党支部书记带头开展{题},一年来办理群众诉求百余件。", "{地}推行“党建+{题}”模式,探索出一条新路子。",
	}
	benchPlaces = []string{"和平街道", "东城街道", "西城街道", "南湖镇", "北山乡", "滨江社区", "新城园区", "高新区", "青石村", "柳河村"}
	// Two-word queries people type.
	benchQueries = [][2]string{{"流动党员", "管理"}, {"志愿服务", "社区"}, {"党费", "收缴"}, {"非公企业", "党建"}, {"发展党员", "程序"},
		{"老旧小区", "改造"}, {"乡村振兴", "人才"}, {"网格", "党员"}, {"主题党日", "活动"}, {"走访慰问", "群众"}, {"集体经济", "村级"},
		{"党群服务中心", "建设"}, {"组织生活会", "民主评议"}, {"矛盾纠纷", "调解"}, {"红色物业", "小区"}, {"基层治理", "党建引领"}}
)

// benchDoc writes a generated document of about 20 sentences.
func benchDoc(r *rand.Rand) (title, body string) {
	place := benchPlaces[r.IntN(len(benchPlaces))]
	topic := benchTopics[r.IntN(len(benchTopics))]
	title = place + topic + "的做法与体会"
	var b strings.Builder
	for i := 0; i < 14+r.IntN(12); i++ {
		t := benchTopics[r.IntN(len(benchTopics))]
		if r.IntN(3) == 0 {
			t = topic
		}
		s := benchSentences[r.IntN(len(benchSentences))]
		b.WriteString(strings.NewReplacer("{地}", place, "{题}", t).Replace(s))
		if i%4 == 3 {
			b.WriteString("\n")
		}
	}
	return title, b.String()
}

// library: the experience library at n documents — generated ones with
// the relevance set hidden among them — the index built from the table
// (documents a second), two-word searches' p50 and p99 beside a LIKE scan
// of the same words in the table, and where the relevance set's
// documents come.
func (s *Suite) library(ctx context.Context, n int) error {
	roots, err := s.Orgs.Roots(ctx, store.All)
	if err != nil || len(roots) == 0 {
		return fmt.Errorf("the database holds no organisations: generate data first with dangjian demo")
	}
	orgs := []org.Org{roots[0]}
	if kids, err := s.Orgs.Children(ctx, store.All, roots[0].ID); err == nil {
		orgs = append(orgs, kids...)
	}
	samples, expects := library.RelevanceSet()
	r := rand.New(rand.NewPCG(7, uint64(n)))
	at := map[int]library.Sample{}
	for i, place := range r.Perm(n)[:min(len(samples), n)] { // distinct places: none overwrites another
		at[place] = samples[i]
	}
	start := time.Now()
	now := time.Now().UTC()
	const batch = 500
	for lo := 0; lo < n; lo += batch {
		err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
			var rows []string
			var args []any
			for i := lo; i < min(lo+batch, n); i++ {
				title, body := benchDoc(r)
				tags := benchTag
				if sm, ok := at[i]; ok {
					title, body, tags = sm.Title, sm.Body, benchTag+","+strings.Join(sm.Tags, ",")
				}
				o := orgs[r.IntN(len(orgs))]
				k := len(args)
				rows = append(rows, fmt.Sprintf("($%d, $%d, $%d, 'experience', $%d, $%d, $%d, 'system', $%d, $%d, $%d)", k+1, k+2, k+3, k+4, k+5, k+6, k+7, k+8, k+8))
				args = append(args, store.ProvinceOf(o.Path), o.ID, o.Path, title, body, tags, date.Of(now), now)
			}
			_, err := tx.ExecContext(ctx, "INSERT INTO library_docs (province_id, org_id, org_path, kind, title, body, tags, visibility, published_on, created_at, updated_at) VALUES "+
				strings.Join(rows, ", "), args...)
			return err
		})
		if err != nil {
			return err
		}
	}
	defer func() {
		_, _ = s.DB.ExecContext(context.WithoutCancel(ctx), "DELETE FROM library_docs WHERE tags LIKE $1"+store.LikeEscape, store.Prefix(benchTag))
	}()
	s.add("library documents written", fmt.Sprintf("%d", n), fmt.Sprintf("in %s", time.Since(start).Round(time.Second)), "")

	dir, err := os.MkdirTemp("", "dangjian-library-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	// An index of the bench's own, built from the table, not the server's.
	lib := app.New(s.DB, s.Box, app.Settings{IndexDir: filepath.Join(dir, "index")}).Library
	start = time.Now()
	if err := lib.Open(ctx); err != nil {
		return err
	}
	defer lib.Close()
	built := time.Since(start)
	count, _ := lib.Count()
	s.add("index built from the table", fmt.Sprintf("%.0f docs/s", float64(count)/built.Seconds()), fmt.Sprintf("%d docs in %s", count, built.Round(time.Second)), "")
	var size int64
	_ = filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			size += info.Size()
		}
		return nil
	})
	s.add("index size on disk", fmt.Sprintf("%.0f MB", float64(size)/(1<<20)), "", "")

	sc := store.Scope{} // a reader without grants: public and system-wide documents
	// Each query once first, untimed: the index's files come into memory, as they are on a server that has been searched.
	worst, worstQ := time.Duration(0), ""
	for _, q := range benchQueries {
		t0 := time.Now()
		if _, err := lib.Search(ctx, sc, library.Query{Text: q[0] + " " + q[1]}); err != nil {
			return err
		}
		if d := time.Since(t0); d > worst {
			worst, worstQ = d, q[0]+" "+q[1]
		}
	}
	s.add("first search of each query (cold), slowest", ms(worst), worstQ, "")
	rounds := 800
	p50, p99, err := timings(rounds, func(i int) error {
		q := benchQueries[i%len(benchQueries)]
		_, err := lib.Search(ctx, sc, library.Query{Text: q[0] + " " + q[1]})
		return err
	})
	if err != nil {
		return err
	}
	scan := func(i int) error {
		q := benchQueries[i%len(benchQueries)]
		var c int64
		w := store.NewWhere()
		w.Like(q[0], "title", "body")
		w.Like(q[1], "title", "body")
		return s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM library_docs WHERE state = 'published'"+w.String(), w.Args...).Scan(&c)
	}
	_, b99, err := timings(len(benchQueries), scan)
	if err != nil {
		return err
	}
	s.add("two-word search p50 / p99", fmt.Sprintf("%s / %s", ms(p50), ms(p99)), "LIKE scan p99 "+ms(b99)+"; target p99 ≤ 50 ms", fmt.Sprintf("%.0f× faster (p99)", float64(b99)/float64(max(p99, time.Microsecond))))
	top := 0
	for _, e := range expects {
		res, err := lib.Search(ctx, sc, library.Query{Text: e.Query, Page: store.Page{Size: 3}})
		if err != nil {
			return err
		}
		if len(res.Hits) > 0 && res.Hits[0].Doc.Title == e.Top {
			top++
		} else {
			fmt.Fprintf(s.Out, "  %q did not find %q first\n", e.Query, e.Top)
		}
	}
	s.add("relevance set found first", fmt.Sprintf("%d / %d", top, len(expects)), fmt.Sprintf("among %d documents", n), "")
	return nil
}
