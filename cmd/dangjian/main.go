// Command dangjian runs the Party-building work platform: the web server and
// the operator's commands.
package main

import (
	"context"
	"dangjian/internal/apperr"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `dangjian — 党建工作平台

用法:
  dangjian serve   [--addr 127.0.0.1:8080] [--db 文件或postgres://…] [--demo]   启动服务
  dangjian migrate [--db …] [--to 编号]                                       升级数据库结构
  dangjian check   [--db …] [--json] [--year 年度]                           用原始数据重算全部统计(含年度统计表)并核对
  dangjian backup  [--db …] 文件                                              在线备份(服务运行时亦可)
  dangjian user add 用户名 [--display 名称] [--member 党员编号] [--password-stdin]  新建用户
  dangjian user passwd 用户名 [--password-stdin]                              修改密码(结束其全部会话)
  dangjian user grant|revoke --user 用户名 --role 角色 [--org 党组织编号]       授予或收回角色
  dangjian user unlock 用户名 | dangjian user list                            解除锁定 | 列出用户
  dangjian token create --user 用户名 [--name 用途] [--days 天数]             创建访问令牌
  dangjian cppcc add 政协名称 --level city [--parent 编号] | dangjian cppcc list    登记政协(此后由政协办公室在“政协设置”页完成设置)
  dangjian keys rotate                                                       更换加密密钥并重新加密(服务不停)
  dangjian audit verify [--anchor 序号:哈希]                                 校验审计日志哈希链(带密钥)
  dangjian audit anchor                                                      打印审计链头,供记录在系统之外
  dangjian import members 文件 --org 编号 [--mode all|valid] [--dry-run] [--report 结果.xlsx] [--json]
                                                                             从 .xlsx/.csv 导入党员名册
  dangjian import dues 文件 --org 编号 [--year 年度] [--dry-run] [--json]       导入党支部的年度党费基数表(先逐行检查)
  dangjian export members --org 编号 -o 文件.xlsx [--reveal]                  导出党员花名册
  dangjian export stats --org 编号 -o 文件.xlsx [--year 年度]                 导出党员队伍基本情况统计表
  dangjian export work --org 编号 -o 文件.xlsx [--from 月份] [--to 月份]      导出基层党建工作统计表
  dangjian export coverage --org 编号 -o 文件.xlsx                          导出党组织覆盖情况统计表
  dangjian export annual --org 编号 -o 文件.xlsx [--from 月份] [--to 月份]    导出党内统计工作簿(七张表)
  dangjian export collection --org 编号 -o 文件.xlsx --reason 用途            导出党组织和党员基本信息采集表(四张表)
  dangjian import collection 文件.xlsx                                       用采集表填充空的数据库
  dangjian demo --members 人数 [--seed 种子]                                   在空数据库中生成全国规模的演示数据
  dangjian bench [--http-seconds 5] [--clients 64] [--import-rows 100000] [--only 项目,…] [--during-sql SQL]  性能测试(每项都与同一次运行中的基准对比)
  dangjian version                                                           显示版本

环境变量: DANGJIAN_DB, DANGJIAN_ADDR, DANGJIAN_DATA(数据目录,默认 ./data),
          DANGJIAN_SECRET_KEY(个人信息加密主密钥,64位十六进制;未设置时使用数据目录中的 secret.key),
          DANGJIAN_POCKET_MONTHS(没有记录有效期的早期介绍信超过几个月未接收视为口袋党员风险,默认3;其余介绍信过了有效期即是)
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	code, err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "错误:", err)
	}
	os.Exit(code)
}

// run executes one command line and returns the exit status, which is not
// zero whenever an error is returned.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	code, err := dispatch(ctx, args, stdin, stdout, stderr)
	if err != nil && code == 0 {
		code = 1
	}
	if ae, ok := apperr.As(err); ok {
		// A user error says only its message, in Chinese.
		err = errors.New(ae.Message)
	}
	return code, err
}

func dispatch(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2, nil
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return 0, serve(ctx, rest, stdout, stderr)
	case "migrate":
		return 0, migrate(ctx, rest, stdout)
	case "check":
		return check(ctx, rest, stdout)
	case "backup":
		return 0, backup(ctx, rest, stdout)
	case "user":
		return 0, userCommand(ctx, rest, stdin, stdout)
	case "token":
		return 0, tokenCommand(ctx, rest, stdout)
	case "keys":
		return 0, keysCommand(ctx, rest, stdout)
	case "cppcc":
		return 0, cppccCommand(ctx, rest, stdout)
	case "audit":
		return auditCommand(ctx, rest, stdout)
	case "import":
		return importCommand(ctx, rest, stdout, stderr)
	case "export":
		return 0, exportCommand(ctx, rest, stdout)
	case "demo":
		return 0, demoCommand(ctx, rest, stdout, stderr)
	case "bench":
		return 0, benchCommand(ctx, rest, stdout)
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "dangjian", version)
		return 0, nil
	case "help", "--help", "-h":
		fmt.Fprint(stdout, usage)
		return 0, nil
	}
	fmt.Fprint(stderr, usage)
	return 2, fmt.Errorf("未知的命令 %q", cmd)
}

// settings are the options every command shares, from flags over environment.
type settings struct {
	db      string
	dataDir string
}

func (s *settings) bind(fs *flag.FlagSet) {
	s.dataDir = envOr("DANGJIAN_DATA", "data")
	fs.StringVar(&s.db, "db", envOr("DANGJIAN_DB", ""), "SQLite 文件路径或 postgres:// 连接串(默认 数据目录/dangjian.db)")
}

func (s *settings) dsn() string {
	if s.db == "" {
		return s.dataDir + "/dangjian.db"
	}
	return s.db
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// parse reads flags wherever they stand among the arguments
// ("user add wang --password-stdin" as well as "user add --password-stdin wang").
func parse(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.SetOutput(os.Stdout)
				fs.PrintDefaults()
			}
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
	return fs.Parse(append([]string{"--"}, positional...))
}
