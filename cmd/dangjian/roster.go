package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"dangjian/internal/app"
	"dangjian/internal/audit"
	"dangjian/internal/bench"
	"dangjian/internal/collection"
	"dangjian/internal/date"
	"dangjian/internal/demo"
	"dangjian/internal/member"
	"dangjian/internal/spreadsheet"
	"dangjian/internal/stats/tables"
	"dangjian/internal/store"
)

// importCommand: dangjian import members FILE --org ID [--mode all|valid] [--dry-run] [--report BAD.xlsx] [--json]
func importCommand(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	if len(args) > 0 && args[0] == "collection" {
		return importCollection(ctx, args[1:], stdout)
	}
	if len(args) > 0 && args[0] == "dues" {
		return importDues(ctx, args[1:], stdout)
	}
	if len(args) == 0 || args[0] != "members" {
		return 2, errors.New("用法: dangjian import members 文件 --org 党组织编号 [--mode all|valid] [--dry-run] [--report 检查结果.xlsx] [--json]\n" +
			"      dangjian import dues 文件 --org 党组织编号 [--year 年度] [--dry-run] [--json]\n      dangjian import collection 采集表.xlsx")
	}
	fs := flag.NewFlagSet("import members", flag.ContinueOnError)
	orgID := fs.Int64("org", 0, "名册所属的党组织编号")
	mode := fs.String("mode", "all", "all:有任何错误则一行都不写;valid:只写入正确的行")
	dry := fs.Bool("dry-run", false, "只检查并统计,不写入")
	report := fs.String("report", "", "把检查结果(错误单元格标红)写入这个 .xlsx 文件")
	asJSON := fs.Bool("json", false, "以 JSON 输出检查结果")
	code := 0
	err := withApp(ctx, fs, args[1:], func(ctx context.Context, a *app.App) error {
		if fs.NArg() != 1 {
			return errors.New("请给出要导入的文件")
		}
		if *mode != "all" && *mode != "valid" {
			return fmt.Errorf("--mode 应为 all 或 valid,收到 %q", *mode)
		}
		f, err := os.Open(fs.Arg(0))
		if err != nil {
			return err
		}
		defer f.Close()
		sh, err := spreadsheet.Open(f.Name(), f)
		if err != nil {
			return err
		}
		defer sh.Close()
		start := time.Now()
		im := &spreadsheet.Importer{DB: a.DB, Orgs: a.Orgs, Members: a.Members}
		rep, err := im.Import(ctx, store.All, sh, spreadsheet.Options{OrgID: *orgID, Mode: *mode, DryRun: *dry, Progress: progress(stderr, *asJSON)})
		if err != nil {
			return err
		}
		if *report != "" {
			out, err := os.Create(*report)
			if err != nil {
				return err
			}
			if err := errors.Join(writeReport(out, fs.Arg(0), rep), out.Close()); err != nil {
				return err
			}
		}
		if *asJSON {
			enc := json.NewEncoder(stdout)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(rep); err != nil {
				return err
			}
		} else {
			for _, e := range rep.Errors {
				fmt.Fprintf(stdout, "第%d行 %s “%s”:%s\n", e.Row, e.Column, e.Value, e.Reason)
			}
			state := "已写入"
			switch {
			case rep.Refused:
				state = "因有错误,未写入任何一行(可改正后重新导入,或用 --mode valid 只导入正确的行)"
			case *dry:
				state = "仅检查,未写入"
			}
			fmt.Fprintf(stdout, "新增 %d 人,更新 %d 人,不变 %d 人,错误 %d 处;%s。用时 %s\n",
				rep.Added, rep.Updated, rep.Unchanged, len(rep.Errors), state, time.Since(start).Round(time.Millisecond))
		}
		if rep.Refused {
			code = 1
		}
		return nil
	})
	return code, err
}

// progress prints a line of rows done and the rate, at most a few times a second.
func progress(w io.Writer, quiet bool) func(done, total int) {
	start, last, ended := time.Now(), time.Time{}, false
	return func(done, total int) {
		if quiet || ended || (time.Since(last) < 200*time.Millisecond && done != total) {
			return
		}
		last, ended = time.Now(), done == total
		rate := float64(done) / max(time.Since(start).Seconds(), 0.001)
		if total == 0 {
			fmt.Fprintf(w, "\r已检查 %d 行(每秒 %.0f 行)", done, rate)
		} else {
			fmt.Fprintf(w, "\r已检查 %d / %d 行(每秒 %.0f 行)", done, total, rate)
		}
		if ended {
			fmt.Fprintln(w)
		}
	}
}

const exportUsage = "用法: dangjian export members --org 党组织编号 -o 文件.xlsx [--reveal --reason 用途]\n" +
	"      dangjian export stats --org 党组织编号 -o 文件.xlsx [--year 年度]\n" +
	"      dangjian export work --org 党组织编号 -o 文件.xlsx [--from 2026-01] [--to 2026-12]\n" +
	"      dangjian export coverage --org 党组织编号 -o 文件.xlsx\n" +
	"      dangjian export annual --org 党组织编号 -o 文件.xlsx [--from 2026-01] [--to 2026-12]\n" +
	"      dangjian export collection --org 党组织编号 -o 文件.xlsx --reason 用途"

// exportCommand: dangjian export members|stats|work|coverage|annual --org ID -o FILE.xlsx
func exportCommand(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || !slices.Contains([]string{"members", "stats", "work", "coverage", "annual", "collection"}, args[0]) {
		return errors.New(exportUsage)
	}
	what := args[0]
	fs := flag.NewFlagSet("export "+what, flag.ContinueOnError)
	orgID := fs.Int64("org", 0, "党组织编号(含全部下级)")
	out := fs.String("o", "", "输出的 .xlsx 文件")
	reveal := fs.Bool("reveal", false, "写出完整的公民身份号码、出生日期和电话(须用 --reason 写明用途,记入审计日志;默认遮蔽;仅 members)")
	reason := fs.String("reason", "", "导出完整号码的用途(与 --reveal 一起使用)")
	year := fs.Int("year", 0, "统计年度,年龄按该年末计算(默认今年;仅 stats)")
	from := fs.String("from", "", "起始月份,如 2026-01(默认今年1月;仅 work、annual)")
	to := fs.String("to", "", "截止月份(work 默认本月,annual 默认今年12月;仅 work、annual)")
	return withApp(ctx, fs, args[1:], func(ctx context.Context, a *app.App) error {
		if *out == "" {
			return errors.New("请用 -o 给出输出文件")
		}
		if (*reveal || what == "collection") && len([]rune(strings.TrimSpace(*reason))) < 4 {
			return errors.New("导出完整号码须用 --reason 写明用途(至少4个字),如 --reason 向区委组织部报送党员花名册")
		}
		o, err := a.Orgs.Get(ctx, store.All, *orgID)
		if err != nil {
			return err
		}
		today := date.Of(time.Now())
		detail := map[string]any{"file": *out}
		layout := map[string]func() tables.StatsLayout{
			"stats":    func() tables.StatsLayout { return tables.MembersLayout(*year, today) },
			"work":     func() tables.StatsLayout { return tables.WorkLayout(*from, *to, today) },
			"coverage": func() tables.StatsLayout { return tables.CoverageLayout(today) },
		}[what]
		var table tables.StatsTable
		var sheets []tables.StatsSheet
		days := tables.DaysOf(*from, *to, today)
		if what == "annual" {
			if sheets, err = tables.Workbook(ctx, a.DB, a.Orgs, store.All, o.ID, days, today); err != nil {
				return err
			}
		}
		if layout != nil {
			if table, err = tables.ReadStats(ctx, a.DB, a.Orgs, store.All, o.ID); err != nil {
				return err
			}
		}
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		var n int
		objectType, done := "member", ""
		switch {
		case what == "collection":
			var nOrgs int
			nOrgs, n, err = collection.WriteCollection(ctx, f, a.DB, a.Orgs, a.Members, store.All, o)
			detail["reveal"], detail["reason"], detail["table"], detail["rows"] = true, strings.TrimSpace(*reason), "党组织和党员基本信息采集表", n
			done = fmt.Sprintf("已导出%s的党组织和党员基本信息采集表(%d 个党组织、%d 名党员,含完整身份证号码和电话,请妥善保管)到 %s", o.Name, nOrgs, n, *out)
		case what == "annual":
			err = tables.WriteWorkbook(f, sheets)
			objectType, detail["table"], detail["note"] = "stats", "党内统计工作簿", days.From.String()+" 至 "+days.To.String()
			done = fmt.Sprintf("已导出%s党内统计工作簿(%s至%s,%d 张表)到 %s", o.Name, days.From.Chinese(), days.To.Chinese(), len(sheets), *out)
		case layout == nil:
			n, err = spreadsheet.ExportMembers(ctx, f, a.Members, store.All, member.Filter{OrgID: o.ID, Category: "member", Sort: "id"}, o.Name+"党员花名册", *reveal)
			detail["rows"], detail["reveal"] = n, *reveal
			if *reveal {
				detail["reason"] = strings.TrimSpace(*reason)
			}
			done = fmt.Sprintf("已导出 %d 名党员到 %s%s", n, *out, map[bool]string{true: "(含完整身份证号码和电话,请妥善保管)", false: "(身份证号码和电话已遮蔽)"}[*reveal])
		default:
			l := layout()
			err = tables.WriteStats(f, table, l)
			objectType, detail["table"], detail["note"] = "stats", l.Title, l.Note
			done = fmt.Sprintf("已导出%s%s(%d 个下级党组织及本级)到 %s", o.Name, l.Title, len(table.Lines)-2, *out)
		}
		if err := errors.Join(err, f.Close()); err != nil {
			os.Remove(*out)
			return err
		}
		if err := audit.Append(ctx, a.DB, audit.Event{Action: "export", ObjectType: objectType, ObjectID: o.ID, OrgPath: o.Path, Detail: detail}); err != nil {
			return err
		}
		fmt.Fprintln(stdout, done)
		return nil
	})
}

// demoCommand: dangjian demo --members N --seed S — a country of synthetic data.
func demoCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	members := fs.Int("members", 100000, "生成的人数(0 不生成党组织和党员)")
	seed := fs.Uint64("seed", 1, "随机种子(相同种子生成相同的数据)")
	proposals := fs.Int("proposals", 0, "生成的政协提案件数(全国、31 个省和每省 10 个市的政协;0 不生成)")
	committeeMembers := fs.Int("committee-members", 100000, "生成政协时的委员人数")
	return withApp(ctx, fs, args, func(ctx context.Context, a *app.App) error {
		if *proposals > 0 {
			start := time.Now()
			sum, err := demo.Committees(ctx, a.DB, a.Box, demo.CommitteeOptions{Proposals: *proposals, Members: *committeeMembers, Seed: *seed,
				Progress: func(n int) { fmt.Fprintf(stderr, "\r已写入 %d / %d 件提案", n, *proposals) }})
			fmt.Fprintln(stderr)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "已生成 %s,用时 %s\n", sum, time.Since(start).Round(time.Second))
			if *members == 0 {
				return nil
			}
		}
		start := time.Now()
		var last time.Time
		sum, err := demo.National(ctx, a.DB, a.Box, demo.NationalOptions{Members: *members, Seed: *seed,
			Progress: func(orgs, done int) {
				if orgs < 0 {
					fmt.Fprintf(stderr, "\n已写入 %d 人,正在建立索引……", done)
					return
				}
				if time.Since(last) < 500*time.Millisecond {
					return
				}
				last = time.Now()
				rate := float64(done) / max(time.Since(start).Seconds(), 0.001)
				width := 30
				filled := min(width, done*width/max(*members, 1))
				fmt.Fprintf(stderr, "\r[%s%s] %d / %d 人,%d 个党组织,每秒 %.0f 人", strings.Repeat("█", filled), strings.Repeat("·", width-filled),
					done, *members, orgs, rate)
			}})
		fmt.Fprintln(stderr)
		if err != nil {
			return err
		}
		elapsed := time.Since(start)
		size := ""
		if a.DB.Dialect == store.SQLite {
			if info, err := os.Stat(a.DB.Path); err == nil {
				size = fmt.Sprintf(",数据库文件 %.1f MB", float64(info.Size())/1e6)
			}
		}
		fmt.Fprintf(stdout, "已生成 %d 人、%d 个党组织,用时 %s(每秒 %.0f 人)%s\n", sum.Members, sum.Orgs, elapsed.Round(time.Second),
			float64(sum.Members)/elapsed.Seconds(), size)
		return audit.Append(ctx, a.DB, audit.Event{Action: "generate", ObjectType: "demo", ObjectID: sum.Root.ID,
			Detail: map[string]any{"members": sum.Members, "orgs": sum.Orgs, "seed": *seed}})
	})
}

// benchCommand: dangjian bench — the fixed benchmark suite against a populated database.
func benchCommand(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	seconds := fs.Int("http-seconds", 5, "每项 HTTP 压测的秒数(0 跳过)")
	clients := fs.Int("clients", 64, "HTTP 并发连接数")
	importRows := fs.Int("import-rows", 100000, "导入测试的行数(0 跳过)")
	exportRows := fs.Int("export-rows", 1000000, "导出测试的行数(0 跳过)")
	consult := fs.Bool("cppcc", false, "只测政协提案(办公室的提案目录页面和统计)")
	pub := fs.Bool("public", false, "只测公众渠道(垃圾信息拦截率、误拦率,开启和关闭防护时公众来信表单的吞吐量)")
	lib := fs.Int("library", 0, "只测经验交流库:生成这么多篇材料(其中藏着相关性测试集),从表建立索引,两个词的检索耗时和相关性")
	during := fs.String("during-sql", "", "在各省各一个县的持续读写负载下执行的 SQL(例如 Citus 的 SELECT citus_rebalance_start(); SELECT citus_rebalance_wait()),统计其间失败的请求;给出时只测这一项")
	only := fs.String("only", "", "只测这几项(逗号分隔):"+strings.Join(bench.Steps, ","))
	return withApp(ctx, fs, args, func(ctx context.Context, a *app.App) error {
		var steps []string
		if *only != "" {
			steps = strings.Split(*only, ",")
			for _, st := range steps {
				if !slices.Contains(bench.Steps, st) {
					return fmt.Errorf("--only:没有名为“%s”的测试项,可选:%s", st, strings.Join(bench.Steps, ","))
				}
			}
		}
		s := &bench.Suite{App: a, Out: stdout, Only: steps,
			HTTPDuration: time.Duration(*seconds) * time.Second, Clients: *clients, ImportRows: *importRows, ExportRows: *exportRows,
			DuringSQL: *during, Consult: *consult, Public: *pub, Library: *lib}
		engine := string(a.DB.Dialect)
		if a.DB.Citus {
			engine = "citus"
		}
		fmt.Fprintf(stdout, "dangjian bench · %s · %s\n", engine, time.Now().Format(time.RFC3339))
		_, err := s.Run(ctx)
		return err
	})
}

// writeReport writes the checked file back with its bad cells marked.
func writeReport(w io.Writer, file string, rep spreadsheet.Report) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	sh, err := spreadsheet.Open(file, f)
	if err != nil {
		return err
	}
	defer sh.Close()
	return spreadsheet.WriteReport(w, sh, rep)
}

// importDues: dangjian import dues FILE --org ID [--year YEAR] [--dry-run] [--json] — a
// branch's dues bases for a year from the sheet it keeps.
func importDues(ctx context.Context, args []string, stdout io.Writer) (int, error) {
	fs := flag.NewFlagSet("import dues", flag.ContinueOnError)
	orgID := fs.Int64("org", 0, "党支部(或其上级党组织)的编号:表中的党员须在其中")
	year := fs.Int("year", time.Now().Year(), "党费基数的年度")
	dry := fs.Bool("dry-run", false, "只检查,不写入")
	asJSON := fs.Bool("json", false, "以 JSON 输出检查结果")
	code := 0
	err := withApp(ctx, fs, args, func(ctx context.Context, a *app.App) error {
		if fs.NArg() != 1 {
			return errors.New("请给出要导入的党费基数表(.xlsx、.xls 或 .csv)")
		}
		f, err := os.Open(fs.Arg(0))
		if err != nil {
			return err
		}
		defer f.Close()
		sh, err := spreadsheet.Open(f.Name(), f)
		if err != nil {
			return err
		}
		defer sh.Close()
		rep, err := a.Dues.Import(ctx, store.All, a.Members, *orgID, *year, sh, *dry)
		if err != nil {
			return err
		}
		if rep.Refused {
			code = 1
		}
		if *asJSON {
			enc := json.NewEncoder(stdout)
			enc.SetEscapeHTML(false)
			return enc.Encode(rep)
		}
		for _, e := range rep.Errors {
			fmt.Fprintf(stdout, "第%d行 %s “%s”:%s\n", e.Row, e.Column, e.Value, e.Reason)
		}
		state := "已写入"
		switch {
		case rep.Refused:
			state = "因有错误,未写入任何一行(改正后重新导入)"
		case *dry:
			state = "仅检查,未写入"
		}
		fmt.Fprintf(stdout, "%d 行:核定 %d 人的%d年党费基数,其中 %d 人已登记本人确认,错误 %d 处;%s\n", rep.Rows, rep.Set, *year, rep.Confirmed, len(rep.Errors), state)
		return nil
	})
	return code, err
}

// importCollection: dangjian import collection 文件.xlsx — a new deployment
// filled from the national information-collection workbook.
func importCollection(ctx context.Context, args []string, stdout io.Writer) (int, error) {
	fs := flag.NewFlagSet("import collection", flag.ContinueOnError)
	code := 0
	err := withApp(ctx, fs, args, func(ctx context.Context, a *app.App) error {
		if fs.NArg() != 1 {
			return errors.New("用法: dangjian import collection 采集表.xlsx(导入到空的数据库)")
		}
		f, err := os.Open(fs.Arg(0))
		if err != nil {
			return err
		}
		defer f.Close()
		rep, err := collection.ImportCollection(ctx, a.DB, a.Orgs, &spreadsheet.Importer{DB: a.DB, Orgs: a.Orgs, Members: a.Members}, f)
		if err != nil {
			return err
		}
		for _, e := range rep.Errors {
			fmt.Fprintf(stdout, "第 %d 行 %s“%s”:%s\n", e.Row, e.Column, e.Value, e.Reason)
		}
		if len(rep.Errors) > 0 {
			code = 1
			fmt.Fprintf(stdout, "发现 %d 处错误,没有写入任何数据\n", len(rep.Errors))
			return nil
		}
		fmt.Fprintf(stdout, "已导入 %d 个党组织、%d 名党员\n", rep.Orgs, rep.Members)
		return audit.Append(ctx, a.DB, audit.Event{Action: "import", ObjectType: "member", Detail: map[string]any{"file": fs.Arg(0), "orgs": rep.Orgs, "members": rep.Members}})
	})
	return code, err
}
