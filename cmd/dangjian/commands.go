package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strconv"
	"time"

	"dangjian/internal/app"
	"dangjian/internal/consultation"
	"dangjian/internal/date"
	"dangjian/internal/demo"
	"dangjian/internal/dues"
	"dangjian/internal/server"
	"dangjian/internal/stats"
	"dangjian/internal/stats/tables"
	"dangjian/internal/store"
	"dangjian/internal/work"
)

func logger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var s settings
	s.bind(fs)
	addr := fs.String("addr", envOr("DANGJIAN_ADDR", "127.0.0.1:8080"), "监听地址")
	withDemo := fs.Bool("demo", false, "数据库为空时载入演示数据")
	trustProxy := fs.String("trust-proxy", os.Getenv("DANGJIAN_TRUST_PROXY"), "前置反向代理(负责 TLS)的地址或网段,逗号分隔;其 X-Forwarded-For、X-Forwarded-Proto 才被采信")
	tlsCert := fs.String("tls-cert", os.Getenv("DANGJIAN_TLS_CERT"), "由本程序直接提供 HTTPS 时的证书文件(PEM)")
	tlsKey := fs.String("tls-key", os.Getenv("DANGJIAN_TLS_KEY"), "证书的私钥文件(PEM)")
	metricsToken := fs.String("metrics-token", os.Getenv("DANGJIAN_METRICS_TOKEN"), "读取 /metrics 须提供的访问令牌;不设置则不提供指标")
	if err := parse(fs, args); err != nil {
		return err
	}
	if (*tlsCert == "") != (*tlsKey == "") {
		return errors.New("--tls-cert 与 --tls-key 须同时给出")
	}
	proxies, err := server.ParseProxies(*trustProxy)
	if err != nil {
		return err
	}
	log := logger(stderr)
	a, err := open(ctx, s, log)
	if err != nil {
		return err
	}
	defer a.DB.Close()
	ctx = operator(ctx)
	var accounts []demo.Account
	if *withDemo {
		roots, err := a.Orgs.Roots(ctx, store.All)
		if err != nil {
			return err
		}
		if len(roots) == 0 {
			fmt.Fprintln(stdout, "正在载入演示数据……")
			sum, err := demo.Load(ctx, a, 1, time.Now())
			if err == nil {
				err = demo.Work(ctx, a, sum, 1, time.Now())
			}
			if err != nil {
				return fmt.Errorf("载入演示数据失败: %w", err)
			}
			fmt.Fprintf(stdout, "已载入演示数据:%s,%d 个党组织,%d 个单位,%d 人(含发展对象等),%d 封介绍信待接收。\n",
				sum.Root.Name, sum.Orgs, sum.Units, sum.Members, sum.Pending)
			if err := bootstrap(ctx, a, stdout, true); err != nil {
				return err
			}
			if accounts, err = demo.Accounts(ctx, a, sum); err != nil {
				return err
			}
			consult, err := demo.Consult(ctx, a, demo.PlaceOf(sum.Root.Name), time.Now())
			if err != nil {
				return fmt.Errorf("载入政协演示数据失败: %w", err)
			}
			accounts = append(accounts, consult...)
			docs, err := demo.Library(ctx, a, sum.Root, time.Now())
			if err != nil {
				return fmt.Errorf("载入经验交流库演示数据失败: %w", err)
			}
			fmt.Fprintf(stdout, "经验交流库:由演示数据生成的工作总结 %d 篇。\n", docs)
		} else {
			fmt.Fprintln(stdout, "数据库中已有数据,未重复载入演示数据。")
		}
	}
	if err := bootstrap(ctx, a, stdout, false); err != nil {
		return err
	}
	// Contacts and requests an older version stored in the clear are sealed before anyone is served.
	if err := a.Members.SealText(ctx, 500); err != nil {
		return err
	}
	// People stored before the hashes of their numbers' parts were kept get them, for part searches.
	if err := a.Members.FillParts(ctx, 500); err != nil {
		return err
	}
	// Organisations stored before their names' pinyin was kept get it, for the pickers.
	if err := a.Orgs.FillInitials(ctx, 500); err != nil {
		return err
	}
	if err := a.Library.Open(ctx); err != nil {
		return fmt.Errorf("打开经验交流库的检索索引失败: %w", err)
	}
	defer a.Library.Close()
	cfg := server.Config{Limits: server.DefaultLimits, MetricsToken: *metricsToken, TrustProxy: proxies}
	handler := server.Handler(a, cfg)
	scheme := "http"
	if *tlsCert != "" {
		scheme = "https"
	}
	committees, err := a.Cppcc.Committees(ctx, store.All)
	if err != nil {
		return err
	}
	return server.RunTLS(ctx, *addr, *tlsCert, *tlsKey, handler, log, func(addr string) {
		fmt.Fprintf(stdout, "dangjian %s 已启动(数据库:%s)\n", version, a.DB.Dialect)
		fmt.Fprintf(stdout, "  打开浏览器访问  %s://%s/\n", scheme, addr)
		fmt.Fprintf(stdout, "  接口说明        %s://%s/api/v1/openapi.json\n", scheme, addr)
		for i, c := range committees {
			if i == 3 {
				fmt.Fprintf(stdout, "  (另有 %d 个政协的公众页面,地址为 /public/政协编号)\n", len(committees)-3)
				break
			}
			fmt.Fprintf(stdout, "  公众页面        %s://%s/public/%d (%s的信箱、查询办理情况和公开的建议,不需要账号)\n", scheme, addr, c.ID, c.Name)
		}
		if len(accounts) > 0 {
			fmt.Fprintln(stdout, "  演示账号(每个角色一个,可分别登录查看):")
			for _, acc := range accounts {
				fmt.Fprintf(stdout, "    %-9s 密码 %s  %s · %s\n", acc.Username, acc.Password, acc.Role, acc.Scope)
			}
			fmt.Fprintln(stdout, "    三员账号 sysadmin、secadmin、auditor 的密码见上文。")
		}
		fmt.Fprintln(stdout, "  按 Ctrl+C 停止。")
	})
}

func migrate(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	var s settings
	s.bind(fs)
	to := fs.Int64("to", 0, "只升级到这个编号的步骤为止(默认全部;升级 Citus 集群时可以逐步进行,每步之前建立还原点)")
	if err := parse(fs, args); err != nil {
		return err
	}
	db, err := store.Open(ctx, s.dsn())
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.MigrateTo(ctx, *to)
	if err != nil {
		return err
	}
	if *to > 0 {
		fmt.Fprintf(stdout, "数据库结构已升级到第 %d 步(本次执行 %d 个升级步骤)\n", *to, n)
		return nil
	}
	fmt.Fprintf(stdout, "数据库结构已是最新(本次执行 %d 个升级步骤)\n", n)
	return nil
}

func check(ctx context.Context, args []string, stdout io.Writer) (int, error) {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	var s settings
	s.bind(fs)
	asJSON := fs.Bool("json", false, "以 JSON 输出不一致之处")
	year := fs.Int("year", 0, "核对哪一年的年度统计表(默认今年)")
	if err := parse(fs, args); err != nil {
		return 2, err
	}
	today := date.Of(time.Now())
	if *year == 0 {
		*year = today.Year()
	}
	if *year < date.MinYear || *year > date.MaxYear {
		return 2, fmt.Errorf("年份 %d 不在 %d 至 %d 之间", *year, date.MinYear, date.MaxYear)
	}
	// No key is loaded (nor made): the check reads figures and rows, none sealed.
	db, err := app.Migrated(ctx, s.dsn(), nil)
	if err != nil {
		return 1, err
	}
	defer db.Close()
	a := app.New(db, nil, s.services(nil))
	start := time.Now()
	ms, err := stats.Check(ctx, db, work.Recount, dues.Recount)
	if err != nil {
		return 1, err
	}
	ledgers, err := dues.Check(ctx, db)
	if err != nil {
		return 1, err
	}
	misplaced, err := store.CheckPlacement(ctx, db)
	if err != nil {
		return 1, err
	}
	consult, err := consultation.Check(ctx, db)
	if err != nil {
		return 1, err
	}
	ys := strconv.Itoa(*year)
	annual, strays, err := tables.CheckAnnual(ctx, db, a.Orgs, tables.DaysOf(ys+"-01", ys+"-12", today))
	if err != nil {
		return 1, err
	}
	if *asJSON {
		if annual == nil {
			annual = []tables.AnnualMismatch{}
		}
		if strays == nil {
			strays = []int64{}
		}
		if ms == nil {
			ms = []stats.Mismatch{}
		}
		if misplaced == nil {
			misplaced = []store.Misplaced{}
		}
		if consult == nil {
			consult = []stats.Mismatch{}
		}
		if ledgers == nil {
			ledgers = []dues.Mismatch{}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(map[string]any{"mismatches": ms, "misplaced": misplaced, "cppcc_mismatches": consult,
			"annual_mismatches": annual, "annual_strays": strays, "dues_mismatches": ledgers}); err != nil {
			return 1, err
		}
	} else {
		for _, m := range ms {
			fmt.Fprintf(stdout, "党组织 %d 的统计项 %s:保存值 %d,重算值 %d\n", m.OrgID, m.Key, m.Stored, m.Counted)
		}
		for _, m := range consult {
			fmt.Fprintf(stdout, "政协 %d 的统计项 %s:保存值 %d,重算值 %d\n", m.OrgID, m.Key, m.Stored, m.Counted)
		}
		for _, m := range misplaced {
			fmt.Fprintf(stdout, "表 %s 有 %d 行记在了其党组织以外的省份\n", m.Table, m.Rows)
		}
		for _, m := range ledgers {
			if m.Object == "ledger" {
				fmt.Fprintf(stdout, "党组织 %d 的党费结存:保存值 %s 元,按交纳和上缴记录重算 %s 元\n", m.ID, work.Yuan(m.Stored), work.Yuan(m.Counted))
			} else {
				fmt.Fprintf(stdout, "党员 %d 的党费交到:保存值 %s,按交纳记录重算 %s\n", m.ID, dues.Month(m.Stored), dues.Month(m.Counted))
			}
		}
		for _, m := range annual {
			fmt.Fprintf(stdout, "%s %s年%s“%s”行“%s”列:表中 %d,重算 %d\n", m.Org, ys, m.Table, m.Line, m.Column, m.Shown, m.Counted)
		}
		if len(strays) > 0 {
			fmt.Fprintf(stdout, "%d 名人员的记录(发展、转接、党籍变动)推不到其现在的在册状态,如人员 %d\n", len(strays), strays[0])
		}
		fmt.Fprintf(stdout, "核对完成,用时 %s,发现 %d 处不一致\n", time.Since(start).Round(time.Millisecond), len(ms)+len(misplaced)+len(consult)+len(annual)+len(strays)+len(ledgers))
	}
	if len(ms)+len(misplaced)+len(consult)+len(annual)+len(strays)+len(ledgers) > 0 {
		return 1, nil
	}
	return 0, nil
}

func backup(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	var s settings
	s.bind(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("请给出备份文件名,例如: dangjian backup backup-%s.db", time.Now().Format("20060102"))
	}
	file := fs.Arg(0)
	if store.IsPostgres(s.dsn()) {
		cmd := exec.CommandContext(ctx, "pg_dump", "--format=custom", "--file="+file, s.dsn())
		cmd.Stderr = os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("pg_dump 失败: %w", err)
		}
		fmt.Fprintf(stdout, "已备份到 %s(PostgreSQL 自定义格式,用 pg_restore 恢复)\n", file)
		return nil
	}
	db, err := store.Open(ctx, s.dsn())
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, file); err != nil {
		return fmt.Errorf("备份失败: %w", err)
	}
	fmt.Fprintf(stdout, "已备份到 %s(一致的 SQLite 副本,可直接用 --db 打开)。\n个人信息以密钥加密:请同时妥善保管数据目录中的 secret.key 或 DANGJIAN_SECRET_KEY,没有密钥无法读取备份中的身份证号码和电话。\n", file)
	return nil
}
