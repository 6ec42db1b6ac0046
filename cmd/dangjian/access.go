package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"dangjian/internal/app"
	"dangjian/internal/audit"
	"dangjian/internal/auth"
	"dangjian/internal/committee"
	"dangjian/internal/secret"
	"dangjian/internal/store"
)

// readPassword reads one line from stdin (--password-stdin) or makes a random password.
func readPassword(stdin io.Reader, fromStdin bool) (pw string, generated bool, err error) {
	if !fromStdin {
		return auth.RandomPassword(), true, nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", false, err
	}
	return strings.TrimRight(line, "\r\n"), false, nil
}

// withApp parses the shared flags, opens the database and runs fn as the operator.
func withApp(ctx context.Context, fs *flag.FlagSet, args []string, fn func(ctx context.Context, a *app.App) error) error {
	var s settings
	s.bind(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	a, err := open(ctx, s, logger(io.Discard))
	if err != nil {
		return err
	}
	defer a.DB.Close()
	return fn(operator(ctx), a)
}

func userCommand(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("用法: dangjian user add|passwd|grant|revoke|unlock|list …")
	}
	sub, rest := args[0], args[1:]
	fs := flag.NewFlagSet("user "+sub, flag.ContinueOnError)
	switch sub {
	case "add":
		display := fs.String("display", "", "显示名称")
		memberID := fs.Int64("member", 0, "关联的党员编号(党员角色需要)")
		stdinPw := fs.Bool("password-stdin", false, "从标准输入读取密码(否则生成随机密码并显示)")
		mustChange := fs.Bool("must-change", true, "首次登录须修改密码")
		return withApp(ctx, fs, rest, func(ctx context.Context, a *app.App) error {
			if fs.NArg() != 1 {
				return errors.New("请给出用户名: dangjian user add 用户名")
			}
			pw, generated, err := readPassword(stdin, *stdinPw)
			if err != nil {
				return err
			}
			in := auth.NewUser{Username: fs.Arg(0), DisplayName: *display, Password: pw, MustChange: *mustChange}
			if *memberID != 0 {
				in.MemberID = memberID
			}
			u, err := a.Auth.CreateUser(ctx, in)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "已创建用户 %s(编号 %d)\n", u.Username, u.ID)
			if generated {
				fmt.Fprintf(stdout, "初始密码: %s\n", pw)
			}
			return nil
		})
	case "passwd":
		stdinPw := fs.Bool("password-stdin", false, "从标准输入读取新密码(否则生成随机密码并显示)")
		return withApp(ctx, fs, rest, func(ctx context.Context, a *app.App) error {
			u, err := namedUser(ctx, a, fs)
			if err != nil {
				return err
			}
			pw, generated, err := readPassword(stdin, *stdinPw)
			if err != nil {
				return err
			}
			if err := a.Auth.SetPassword(ctx, u.ID, pw, generated); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "已修改 %s 的密码,其全部会话已结束\n", u.Username)
			if generated {
				fmt.Fprintf(stdout, "新密码: %s(首次登录须修改)\n", pw)
			}
			return nil
		})
	case "grant", "revoke":
		user := fs.String("user", "", "用户名")
		role := fs.String("role", "", "角色: sysadmin、secadmin、auditor、org_admin、secretary、member、viewer、cppcc_office、cppcc_leader、cppcc_member、handler")
		orgID := fs.Int64("org", 0, "党组织编号(三员角色不填)")
		committeeID := fs.Int64("committee", 0, "政协或承办单位的编号(政协角色 cppcc_office、cppcc_leader、cppcc_member、handler)")
		return withApp(ctx, fs, rest, func(ctx context.Context, a *app.App) error {
			u, err := a.Auth.UserByName(ctx, *user)
			if err != nil {
				return err
			}
			var org, committee *int64
			if *orgID != 0 {
				org = orgID
			}
			if *committeeID != 0 {
				committee = committeeID
			}
			if sub == "grant" {
				g, err := a.Auth.AddGrant(ctx, store.All, auth.GrantInput{UserID: u.ID, Role: *role, OrgID: org, CommitteeID: committee})
				if err != nil {
					return err
				}
				fmt.Fprintf(stdout, "已授予 %s:%s · %s(授权编号 %d)\n", u.Username, g.RoleLabel, g.OrgName, g.ID)
				return nil
			}
			for _, g := range u.Grants {
				if g.Role == *role && sameNode(org, g.OrgID) && sameNode(committee, g.CommitteeID) {
					if err := a.Auth.RevokeGrant(ctx, store.All, g.ID); err != nil {
						return err
					}
					fmt.Fprintf(stdout, "已收回 %s 的授权:%s · %s\n", u.Username, g.RoleLabel, g.OrgName)
					return nil
				}
			}
			return fmt.Errorf("%s 没有这项授权", u.Username)
		})
	case "unlock":
		return withApp(ctx, fs, rest, func(ctx context.Context, a *app.App) error {
			u, err := namedUser(ctx, a, fs)
			if err != nil {
				return err
			}
			if _, err := a.Auth.Unlock(ctx, u.ID); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "已解除 %s 的锁定\n", u.Username)
			return nil
		})
	case "list":
		return withApp(ctx, fs, rest, func(ctx context.Context, a *app.App) error {
			l, err := a.Auth.Users(ctx, store.Page{Size: 200})
			if err != nil {
				return err
			}
			for _, u := range l.Items {
				var gs []string
				for _, g := range u.Grants {
					gs = append(gs, g.RoleLabel+"·"+g.OrgName)
				}
				state := ""
				if u.Disabled {
					state = " [已停用]"
				}
				if u.LockedUntil != nil && u.LockedUntil.After(time.Now()) {
					state += " [已锁定]"
				}
				fmt.Fprintf(stdout, "%d\t%s\t%s%s\t%s\n", u.ID, u.Username, u.DisplayName, state, strings.Join(gs, ";"))
			}
			return nil
		})
	}
	return fmt.Errorf("未知的子命令 user %s", sub)
}

func namedUser(ctx context.Context, a *app.App, fs *flag.FlagSet) (auth.User, error) {
	if fs.NArg() != 1 {
		return auth.User{}, errors.New("请给出用户名")
	}
	return a.Auth.UserByName(ctx, fs.Arg(0))
}

func tokenCommand(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("用法: dangjian token create --user 用户名 [--name 用途] [--days 有效天数]")
	}
	fs := flag.NewFlagSet("token create", flag.ContinueOnError)
	user := fs.String("user", "", "用户名")
	name := fs.String("name", "", "令牌用途")
	days := fs.Int("days", 0, "有效天数(默认90天,最长365天)")
	return withApp(ctx, fs, args[1:], func(ctx context.Context, a *app.App) error {
		u, err := a.Auth.UserByName(ctx, *user)
		if err != nil {
			return err
		}
		var exp *time.Time
		if *days > 0 {
			t := time.Now().Add(time.Duration(*days) * 24 * time.Hour)
			exp = &t
		}
		tok, rec, err := a.Auth.CreateToken(ctx, u.ID, *name, exp)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, tok)
		fmt.Fprintf(os.Stderr, "已为 %s 创建访问令牌(编号 %d);令牌只显示这一次,使用方式: Authorization: Bearer <令牌>\n", u.Username, rec.ID)
		return nil
	})
}

// sameNode tells whether two optional ids name the same node (or none).
func sameNode(a, b *int64) bool { return (a == nil && b == nil) || (a != nil && b != nil && *a == *b) }

func keysCommand(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "rotate" {
		return errors.New("用法: dangjian keys rotate")
	}
	fs := flag.NewFlagSet("keys rotate", flag.ContinueOnError)
	batch := fs.Int("batch", 500, "每个事务重新加密的行数")
	return withApp(ctx, fs, args[1:], func(ctx context.Context, a *app.App) error {
		if os.Getenv("DANGJIAN_SECRET_KEY") == "" {
			id, err := a.Box.AddKey()
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "已生成新密钥 %d;等待运行中的服务读到新密钥……\n", id)
			// A running server looks at the key file every two seconds.
			time.Sleep(5 * time.Second)
		}
		total, err := rotate(ctx, a, *batch, func(done int) { fmt.Fprintf(stdout, "\r已重新加密 %d 人", done) })
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "\n完成:%d 人的身份证号码和电话(以及流动党员联系方式、修改申请、政协委员的电话、来信人的姓名电话和身份证号码)已用密钥 %d 重新加密。旧密钥仍保留在密钥文件中,用于读取旧的备份。\n", total, a.Box.Active())
		return audit.Append(ctx, a.DB, audit.Event{Action: "rotate", ObjectType: "key", ObjectID: int64(a.Box.Active()),
			Detail: map[string]any{"rows": total}})
	})
}

// rotate seals every sealed column again under the newest key and
// computes every keyed lookup hash anew, twice over (a server that had not
// yet read the new key may have written under the old one meanwhile), and
// then checks that no sealed value is left under an older key. It returns
// how many rows it changed.
func rotate(ctx context.Context, a *app.App, batch int, progress func(done int)) (int, error) {
	total := 0
	for pass := 1; pass <= 2; pass++ {
		n, err := a.Members.Reencrypt(ctx, batch, func(done int) { progress(total + done) })
		total += n
		if err != nil {
			return total, err
		}
		consult, err := a.Cppcc.Reencrypt(ctx, batch)
		total += consult
		if err != nil {
			return total, err
		}
	}
	left, err := store.Unsealed(ctx, a.DB, secret.Prefix(a.Box.Active()))
	if err != nil || len(left) == 0 {
		return total, err
	}
	var cols []string
	for c, n := range left {
		cols = append(cols, fmt.Sprintf("%s %d 个", c, n))
	}
	slices.Sort(cols)
	return total, fmt.Errorf("仍有加密的值未换用新密钥(%s),请再次运行 dangjian keys rotate", strings.Join(cols, "、"))
}

func auditCommand(ctx context.Context, args []string, stdout io.Writer) (int, error) {
	const usage = "用法: dangjian audit verify [--anchor 序号:哈希,序号:哈希,…]\n      dangjian audit anchor"
	if len(args) == 0 || (args[0] != "verify" && args[0] != "anchor") {
		return 2, errors.New(usage)
	}
	fs := flag.NewFlagSet("audit "+args[0], flag.ContinueOnError)
	anchor := fs.String("anchor", "", "此前用 dangjian audit anchor 记下的一行“序号:哈希,…”,核对这些记录未被改写")
	code := 0
	err := withApp(ctx, fs, args[1:], func(ctx context.Context, a *app.App) error {
		heads, err := audit.Heads(ctx, a.DB)
		if err != nil {
			return err
		}
		var line []string
		for _, h := range heads {
			line = append(line, fmt.Sprintf("%d:%s", h.ID, h.Hash))
		}
		kept := strings.Join(line, ",")
		if args[0] == "anchor" {
			// Kept outside the system (a ticket, a print-out), it shows later whether the trail was rewritten.
			fmt.Fprintln(stdout, kept)
			fmt.Fprintf(os.Stderr, "审计链头:%d 条链(每个省一条)。请把上面一行记录在系统之外(工单、纸质记录),日后用 dangjian audit verify --anchor 核对。\n", len(heads))
			return audit.Append(ctx, a.DB, audit.Event{Action: "anchor", ObjectType: "audit", Detail: map[string]any{"chains": len(heads)}})
		}
		ps, n, err := audit.Verify(ctx, a.DB)
		if err != nil {
			return err
		}
		if *anchor != "" {
			for _, one := range strings.Split(*anchor, ",") {
				idText, hash, _ := strings.Cut(strings.TrimSpace(one), ":")
				aid, perr := strconv.ParseInt(idText, 10, 64)
				ok, err := audit.CheckAnchor(ctx, a.DB, aid, hash)
				if err != nil {
					return err
				}
				if perr != nil || !ok {
					ps = append(ps, audit.Problem{ID: aid, Reason: fmt.Sprintf("第%d条记录与系统外记下的哈希不符(审计链被改写或截断)", aid)})
				}
			}
		}
		for _, p := range ps {
			fmt.Fprintln(stdout, p.Reason)
		}
		fmt.Fprintf(stdout, "共 %d 条审计记录,%d 条链,发现 %d 处问题。链头 %s(可用 dangjian audit anchor 记录在系统之外,供日后比对)\n", n, len(heads), len(ps), kept)
		if len(ps) > 0 {
			code = 1
		}
		return nil
	})
	return code, err
}

// cppccCommand sets up a committee on an empty database: the office's own
// pages (政协设置) do the rest once a user is granted cppcc_office on it.
func cppccCommand(ctx context.Context, args []string, stdout io.Writer) error {
	const usage = "用法: dangjian cppcc add 政协名称 --level city [--parent 上级政协编号] | dangjian cppcc list"
	if len(args) == 0 || (args[0] != "add" && args[0] != "list") {
		return errors.New(usage)
	}
	fs := flag.NewFlagSet("cppcc "+args[0], flag.ContinueOnError)
	level := fs.String("level", "", "层级:national(全国)、province(省级)、city(市级)、county(县级)")
	parent := fs.Int64("parent", 0, "上级政协的编号(dangjian cppcc list 列出)")
	return withApp(ctx, fs, args[1:], func(ctx context.Context, a *app.App) error {
		if args[0] == "list" {
			cs, err := a.Cppcc.Committees(ctx, store.All)
			if err != nil {
				return err
			}
			for _, c := range cs {
				fmt.Fprintf(stdout, "%d\t%s\n", c.ID, c.Name)
			}
			return nil
		}
		if fs.NArg() != 1 {
			return errors.New(usage)
		}
		var c committee.Committee
		var err error
		if *parent != 0 {
			c, err = a.Cppcc.NewLowerCommittee(operator(ctx), store.All, *parent, fs.Arg(0), *level)
		} else {
			c, err = a.Cppcc.NewCommittee(operator(ctx), nil, fs.Arg(0), *level)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "已登记%s,编号 %d。下一步:dangjian user grant --user 用户名 --role cppcc_office --committee %d,由政协办公室在“政协设置”页登记承办单位、届次和会议,导入委员名单。\n", c.Name, c.ID, c.ID)
		return nil
	})
}
