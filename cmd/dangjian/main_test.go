package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"dangjian/internal/date"
	"dangjian/internal/demo"
	"dangjian/internal/dues"
	"dangjian/internal/member"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

// runCmd runs a command line with the data folder in dir.
func runCmd(t *testing.T, dir string, args ...string) (int, string) {
	return runIn(t, dir, "", args...)
}

// runIn runs a command line with the given standard input.
func runIn(t *testing.T, dir, stdin string, args ...string) (int, string) {
	t.Helper()
	t.Setenv("DANGJIAN_DATA", dir)
	var out, errOut bytes.Buffer
	code, err := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	if err != nil {
		errOut.WriteString(err.Error())
	}
	return code, out.String() + errOut.String()
}

func TestCheckAndBackupCommands(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("DANGJIAN_SECRET_KEY", strings.Repeat("ab", 32))
	dbFile := filepath.Join(dir, "dangjian.db")
	ctx := context.Background()
	a, err := open(ctx, settings{db: dbFile, dataDir: dir}, logger(&bytes.Buffer{}))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := demo.Load(ctx, a, 3, time.Now())
	if err == nil {
		err = demo.Work(ctx, a, sum, 3, time.Now())
	}
	if err != nil {
		t.Fatal(err)
	}
	a.DB.Close()

	if code, out := runCmd(t, dir, "check"); code != 0 || !strings.Contains(out, "发现 0 处不一致") {
		t.Fatalf("check on clean data: %d %s", code, out)
	}
	// The statistics table of the city, from the command line.
	table := filepath.Join(dir, "统计表.xlsx")
	if code, out := runCmd(t, dir, "export", "stats", "--org", "1", "-o", table); code != 0 || !strings.Contains(out, "党员队伍基本情况统计表") {
		t.Fatalf("export stats: %d %s", code, out)
	}
	x, err := excelize.OpenFile(table)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := x.GetRows(x.GetSheetList()[0])
	x.Close()
	raw, err := sql.Open("sqlite", dbFile)
	if err != nil {
		t.Fatal(err)
	}
	var people int
	if err := raw.QueryRow("SELECT COUNT(*) FROM members WHERE stage IN ('full', 'probationary') AND status = 'active'").Scan(&people); err != nil {
		t.Fatal(err)
	}
	if len(rows) < 6 || rows[4][0] != "合计" || rows[4][1] != strconv.Itoa(people) {
		t.Fatalf("the table's total %q, want %d members", rows[4], people)
	}
	// The work table of all time: visits and the money given match the records, and the lines add up.
	workTable := filepath.Join(dir, "工作统计表.xlsx")
	if code, out := runCmd(t, dir, "export", "work", "--org", "1", "-o", workTable, "--from", "2000-01", "--to", "2099-12"); code != 0 ||
		!strings.Contains(out, "基层党建工作统计表") {
		t.Fatalf("export work: %d %s", code, out)
	}
	if x, err = excelize.OpenFile(workTable); err != nil {
		t.Fatal(err)
	}
	rows, _ = x.GetRows(x.GetSheetList()[0])
	x.Close()
	var visits, fen int64
	if err := raw.QueryRow("SELECT COUNT(*), COALESCE(SUM(money_fen), 0) FROM visits").Scan(&visits, &fen); err != nil || visits == 0 || fen == 0 {
		t.Fatalf("the demo has %d visits, %d fen (%v)", visits, fen, err)
	}
	col := map[string]int{}
	for i, h := range rows[3] {
		col[h] = i
	}
	yuan, _ := strconv.ParseFloat(strings.ReplaceAll(rows[4][col["发放慰问金(元)"]], ",", ""), 64)
	if rows[4][col["走访慰问(次)"]] != strconv.FormatInt(visits, 10) || math.Round(yuan*100) != float64(fen) {
		t.Fatalf("work table total: %q visits, %q yuan; want %d, %d fen", rows[4][col["走访慰问(次)"]], rows[4][col["发放慰问金(元)"]], visits, fen)
	}
	for c := 1; c < len(rows[3]); c++ {
		var sum, total float64
		for r := 4; r < len(rows); r++ {
			v, err := strconv.ParseFloat(strings.ReplaceAll(rows[r][c], ",", ""), 64)
			if err != nil {
				t.Fatalf("row %d column %q: %q", r+1, rows[3][c], rows[r][c])
			}
			if r == 4 {
				total = v
			} else {
				sum += v
			}
		}
		if math.Abs(sum-total) > 0.001 {
			t.Fatalf("column %q: the lines add up to %v, the total is %v", rows[3][c], sum, total)
		}
	}
	if code, out := runCmd(t, dir, "export", "stats", "--org", "999999", "-o", filepath.Join(dir, "无.xlsx")); code == 0 || !strings.Contains(out, "党组织不存在") {
		t.Fatalf("export stats of a missing organisation: %d %s", code, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "无.xlsx")); err == nil {
		t.Fatal("a failed export left a file behind")
	}
	if _, err := raw.Exec("UPDATE org_stats SET n = n - 1 WHERE org_id = 2 AND k IN ('stage:full', 'commit_items')"); err != nil {
		t.Fatal(err)
	}
	// A visit kept in another province than its branch's.
	if _, err := raw.Exec("UPDATE visits SET province_id = province_id + 1 WHERE id = (SELECT MIN(id) FROM visits)"); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	code, out := runCmd(t, dir, "check")
	if code != 1 || !strings.Contains(out, "党组织 2 的统计项 stage:full") || !strings.Contains(out, "党组织 2 的统计项 commit_items") ||
		!strings.Contains(out, "表 visits 有 1 行记在了其党组织以外的省份") || !strings.Contains(out, "发现 3 处不一致") {
		t.Fatalf("check did not report the corrupted figure: %d %s", code, out)
	}

	copyFile := filepath.Join(dir, "copy.db")
	if code, out := runCmd(t, dir, "backup", copyFile); code != 0 || !strings.Contains(out, "已备份到") {
		t.Fatalf("backup: %d %s", code, out)
	}
	// The copy opens as a database and holds the same roster.
	cp, err := store.Open(ctx, copyFile)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	var n int
	if err := cp.QueryRow("SELECT COUNT(*) FROM members").Scan(&n); err != nil || n < 1500 {
		t.Fatalf("backup copy holds %d members (%v)", n, err)
	}
	// Uploaded files are kept in the database, so the copy holds them too.
	var data []byte
	if err := cp.QueryRow("SELECT data FROM attachments WHERE name = '聘用合同.pdf'").Scan(&data); err != nil || !bytes.HasPrefix(data, []byte("%PDF-")) {
		t.Fatalf("backup copy lacks the uploaded contract: %v", err)
	}
	if code, _ := runCmd(t, dir, "backup", copyFile); code == 0 {
		t.Fatal("backup overwrote an existing file")
	}
}

func TestCommandLine(t *testing.T) {
	dir := t.TempDir()
	if code, out := runCmd(t, dir, "version"); code != 0 || !strings.HasPrefix(out, "dangjian ") {
		t.Fatalf("version: %d %q", code, out)
	}
	if code, out := runCmd(t, dir, "frobnicate"); code != 2 || !strings.Contains(out, "未知的命令") {
		t.Fatalf("unknown command: %d %q", code, out)
	}
	if code, out := runCmd(t, dir, "migrate", "--db", filepath.Join(dir, "m.db")); code != 0 || !regexp.MustCompile(`本次执行 [1-9]\d* 个`).MatchString(out) {
		t.Fatalf("migrate: %d %q", code, out)
	}
	if code, out := runCmd(t, dir, "migrate", "--db", filepath.Join(dir, "m.db")); code != 0 || !strings.Contains(out, "本次执行 0 个") {
		t.Fatalf("second migrate: %d %q", code, out)
	}
}

func TestCheckOnPostgres(t *testing.T) {
	db := storetest.Postgres(t)
	if code, out := runCmd(t, t.TempDir(), "check", "--db", db.URL); code != 0 || !strings.Contains(out, "发现 0 处不一致") {
		t.Fatalf("check on PostgreSQL: %d %s", code, out)
	}
}

// TestServeDemo runs "dangjian serve --demo" as the README tells a newcomer
// to, reads the printed address, opens the pages and stops it as SIGTERM would.
func TestServeDemo(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("DANGJIAN_DATA", dir)
	t.Setenv("DANGJIAN_SECRET_KEY", "")
	ctx, cancel := context.WithCancel(context.Background())
	out := &storetest.Log{}
	done := make(chan error, 1)
	go func() {
		_, err := run(ctx, []string{"serve", "--demo", "--addr", "127.0.0.1:0"}, strings.NewReader(""), out, io.Discard)
		done <- err
	}()
	var base string
	for i := 0; i < 600 && base == ""; i++ {
		time.Sleep(50 * time.Millisecond)
		if m := regexp.MustCompile(`http://(127\.0\.0\.1:\d+)/\n`).FindStringSubmatch(out.String()); m != nil {
			base = "http://" + m[1]
		}
	}
	if base == "" {
		cancel()
		t.Fatalf("serve printed no address:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "已载入演示数据:滨江市委") {
		t.Fatalf("no demo summary:\n%s", out.String())
	}
	// Log in with the printed demo account of the organisation department.
	m := regexp.MustCompile(`zuzhibu\s+密码 (\S+)`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no demo account printed:\n%s", out.String())
	}
	res, err := http.Post(base+"/api/v1/session", "application/json", strings.NewReader(`{"username":"zuzhibu","password":"`+m[1]+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	var sess struct{ Token string }
	if err := json.NewDecoder(res.Body).Decode(&sess); err != nil || res.StatusCode != 201 {
		t.Fatalf("login with the demo account: %d %v", res.StatusCode, err)
	}
	res.Body.Close()
	for path, want := range map[string]string{"/healthz": "ok", "/": "登录", "/api/v1/orgs": "滨江市委"} {
		req, _ := http.NewRequest("GET", base+path, nil)
		if path == "/api/v1/orgs" {
			req.Header.Set("Authorization", "Bearer "+sess.Token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(string(b), want) {
			t.Fatalf("GET %s: %d %.200s", path, res.StatusCode, b)
		}
	}
	for _, who := range []string{"sysadmin", "secadmin", "auditor", "jiedao", "zhibu", "dangyuan", "tongji"} {
		if !regexp.MustCompile(who + `\s+密码 \S{10,}`).MatchString(out.String()) {
			t.Errorf("no password printed for %s", who)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve ended with %v", err)
	}
	if info, err := os.Stat(filepath.Join(dir, "secret.key")); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", info, err)
	}
	// The figures the demo left equal a full recount.
	if code, out := runCmd(t, dir, "check"); code != 0 {
		t.Fatalf("check after serve: %s", out)
	}
}

func TestAccessCommands(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("DANGJIAN_SECRET_KEY", "")
	ctx := context.Background()
	a, err := open(ctx, settings{dataDir: dir}, logger(&bytes.Buffer{}))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := demo.Load(ctx, a, 5, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	a.DB.Close()
	steps := []struct {
		stdin string
		args  []string
		code  int
		want  string
	}{
		{"Tq7#mwLp2xZa\n", []string{"user", "add", "wang", "--display", "王书记", "--password-stdin"}, 0, "已创建用户 wang"},
		{"", []string{"user", "add", "li"}, 0, "初始密码: Dj"},
		{"short\n", []string{"user", "add", "zhao", "--password-stdin"}, 1, "密码至少需要10个字符"},
		{"", []string{"user", "grant", "--user", "wang", "--role", "secretary", "--org", fmt.Sprint(sum.Branch.ID)}, 0, "已授予 wang:支部书记 · " + sum.Branch.Name},
		{"", []string{"user", "grant", "--user", "wang", "--role", "auditor", "--org", "1"}, 1, "只能在全系统范围授予"},
		{"", []string{"user", "list"}, 0, "支部书记·" + sum.Branch.Name},
		{"", []string{"token", "create", "--user", "wang", "--name", "报表脚本", "--days", "30"}, 0, "t."},
		{"", []string{"user", "revoke", "--user", "wang", "--role", "secretary", "--org", fmt.Sprint(sum.Branch.ID)}, 0, "已收回"},
		{"", []string{"user", "unlock", "wang"}, 0, "已解除 wang 的锁定"},
		{"New#Passw0rd9\n", []string{"user", "passwd", "wang", "--password-stdin"}, 0, "其全部会话已结束"},
		{"", []string{"audit", "verify"}, 0, "发现 0 处问题"},
		{"", []string{"audit", "anchor"}, 0, ":a1:"},
		{"", []string{"audit", "verify", "--anchor", "3:a1:0000"}, 1, "第3条记录与系统外记下的哈希不符"},
	}
	for _, s := range steps {
		code, out := runIn(t, dir, s.stdin, s.args...)
		if code != s.code || !strings.Contains(out, s.want) {
			t.Fatalf("%v: exit %d, output %q; want exit %d and %q", s.args, code, out, s.code, s.want)
		}
	}
	// A rotation re-encrypts every person and leaves the roster readable.
	code, out := runCmd(t, dir, "keys", "rotate")
	if code != 0 || !strings.Contains(out, fmt.Sprintf("完成:%d 人", sum.Members)) {
		t.Fatalf("keys rotate: %d %s", code, out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "secret.key"))
	if err != nil || !strings.HasPrefix(strings.Split(string(b), "\n")[1], "2 ") {
		t.Fatalf("key file after rotation: %q", b)
	}
	if code, out := runCmd(t, dir, "check"); code != 0 {
		t.Fatalf("check after rotation: %s", out)
	}
}

// TestBenchCommand runs the benchmark suite on a small generated country:
// the steps asked for and no others, a step name it does not know refused
// in Chinese, and a statement run under load with no request failing.
func TestBenchCommand(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("DANGJIAN_SECRET_KEY", strings.Repeat("cd", 32))
	if code, out := runCmd(t, dir, "demo", "--members", "3000"); code != 0 {
		t.Fatalf("demo: %d %s", code, out)
	}
	code, out := runCmd(t, dir, "bench", "--only", "figures,writes", "--http-seconds", "0", "--import-rows", "0", "--export-rows", "0")
	if code != 0 || !strings.Contains(out, "figures of") || !strings.Contains(out, "create an organisation") || strings.Contains(out, "search") {
		t.Fatalf("bench --only figures,writes: %d %s", code, out)
	}
	if code, out := runCmd(t, dir, "bench", "--only", "figures,speed"); code == 0 || !strings.Contains(out, "没有名为“speed”的测试项") {
		t.Fatalf("bench --only with an unknown step: %d %s", code, out)
	}
	code, out = runCmd(t, dir, "bench", "--during-sql", "SELECT 1; SELECT 2", "--http-seconds", "1")
	if code != 0 || !regexp.MustCompile(`requests in \d+ provinces while the SQL ran .* \d+, 0 failed`).MatchString(out) {
		t.Fatalf("bench --during-sql: %d %s", code, out)
	}
}

// A branch's dues bases go in from its sheet; dangjian check finds a dues
// ledger and a 党费交到 changed behind the system's back.
func TestImportDuesAndCheckThem(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("DANGJIAN_SECRET_KEY", strings.Repeat("ab", 32))
	dbFile := filepath.Join(dir, "dangjian.db")
	ctx := context.Background()
	a, err := open(ctx, settings{db: dbFile, dataDir: dir}, logger(&bytes.Buffer{}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, a, 1, time.Now()); err != nil {
		t.Fatal(err)
	}
	roster, err := a.Members.List(ctx, store.All, member.Filter{Category: "full"}, store.Page{Size: 2})
	if err != nil || len(roster.Items) < 2 {
		t.Fatalf("members: %+v %v", roster, err)
	}
	year := time.Now().Year()
	sheet := "姓名,身份证号,党员类别,税后工资,本人确认\n"
	for _, m := range roster.Items {
		sheet += m.Name + "," + m.IDNumber + ",在职,4000,是\n"
	}
	file := filepath.Join(dir, "党费基数.csv")
	if err := os.WriteFile(file, []byte(sheet), 0o600); err != nil {
		t.Fatal(err)
	}
	org := strconv.FormatInt(roster.Items[0].OrgID, 10)
	a.DB.Close()
	if code, out := runCmd(t, dir, "import", "dues", file, "--org", "1", "--year", strconv.Itoa(year)); code != 0 || !strings.Contains(out, "核定 2 人的") {
		t.Fatalf("import dues: %d %s", code, out)
	}
	if code, out := runCmd(t, dir, "import", "dues", file, "--org", "1", "--year", strconv.Itoa(year)); code != 1 || !strings.Contains(out, "第2行") {
		t.Fatalf("the same sheet again: %d %s", code, out)
	}
	if a, err = open(ctx, settings{db: dbFile, dataDir: dir}, logger(&bytes.Buffer{})); err != nil {
		t.Fatal(err)
	}
	thru := fmt.Sprintf("%d-01", year)
	if _, err := a.Dues.Record(operator(ctx), store.All, roster.Items[0].ID, dues.PaymentInput{Through: thru, Method: "cash", ReceiptNo: "DF001", PaidOn: date.Of(time.Now())}); err != nil {
		t.Fatal(err)
	}
	a.DB.Close()
	if code, out := runCmd(t, dir, "check"); code != 0 || !strings.Contains(out, "发现 0 处不一致") {
		t.Fatalf("check with dues: %d %s", code, out)
	}
	raw, err := sql.Open("sqlite", dbFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"UPDATE dues_ledgers SET balance_fen = balance_fen + 1", "UPDATE dues_accounts SET paid_to = paid_to + 1 WHERE member_id = " + strconv.FormatInt(roster.Items[0].ID, 10)} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	code, out := runCmd(t, dir, "check")
	if code != 1 || !strings.Contains(out, "党组织 "+org+" 的党费结存:保存值 40.01 元,按交纳和上缴记录重算 40.00 元") ||
		!strings.Contains(out, fmt.Sprintf("党员 %d 的党费交到:保存值 %d-02,按交纳记录重算 %s", roster.Items[0].ID, year, thru)) {
		t.Fatalf("check did not report the dues changed: %d %s", code, out)
	}
}
