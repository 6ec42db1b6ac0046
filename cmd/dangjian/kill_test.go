package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"dangjian/internal/cnid"
	"dangjian/internal/org"
	"dangjian/internal/store"
)

// TestImportChild is the child process of TestKilledImportLeavesNothing: it
// runs the command line it is given and is killed in the middle.
func TestImportChild(t *testing.T) {
	args := os.Getenv("DANGJIAN_CHILD_ARGS")
	if args == "" {
		t.Skip("runs only as the child of TestKilledImportLeavesNothing")
	}
	code, err := run(context.Background(), strings.Split(args, "\x1f"), strings.NewReader(""), os.Stdout, os.Stderr)
	fmt.Fprintln(os.Stderr, "child ended", code, err)
	os.Exit(code)
}

// A process killed with SIGKILL during a large import leaves the database as it was.
func TestKilledImportLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("DANGJIAN_DATA", dir)
	t.Setenv("DANGJIAN_SECRET_KEY", strings.Repeat("cd", 32))
	ctx := context.Background()
	a, err := open(ctx, settings{dataDir: dir}, logger(&bytes.Buffer{}))
	if err != nil {
		t.Fatal(err)
	}
	name, typ := "和平社区党支部", "branch"
	root, err := a.Orgs.Create(ctx, store.All, org.Input{Name: &name, Type: &typ})
	if err != nil {
		t.Fatal(err)
	}
	a.DB.Close()

	// A roster large enough to take a few seconds.
	x := excelize.NewFile()
	sw, err := x.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	_ = sw.SetRow("A1", []any{"姓名", "公民身份号码", "民族", "学历", "入党日期", "转正日期"})
	const rows = 60000
	for i := 0; i < rows; i++ {
		birth := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%15000)
		first := fmt.Sprintf("320102%s%03d", birth.Format("20060102"), (i/15000)*2+1)
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		_ = sw.SetRow(cell, []any{fmt.Sprintf("党员%d", i), first + string(cnid.CheckChar(first)), "汉族", "大学本科", "2000-07-01", "2001-07-01"})
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "big.xlsx")
	if err := x.SaveAs(file); err != nil {
		t.Fatal(err)
	}

	child := exec.Command(os.Args[0], "-test.run=^TestImportChild$", "-test.v")
	child.Env = append(os.Environ(), "DANGJIAN_CHILD_ARGS="+strings.Join([]string{"import", "members", file, "--org", strconv.FormatInt(root.ID, 10)}, "\x1f"))
	stderr, err := child.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	progress := regexp.MustCompile(`已检查 (\d+) `)
	sc := bufio.NewScanner(stderr)
	sc.Split(func(data []byte, atEOF bool) (int, []byte, error) {
		if i := bytes.IndexAny(data, "\r\n"); i >= 0 {
			return i + 1, data[:i], nil
		}
		if atEOF && len(data) > 0 {
			return len(data), data, nil
		}
		return 0, nil, nil
	})
	killedAt := 0
	for sc.Scan() {
		if m := progress.FindStringSubmatch(sc.Text()); m != nil {
			if n, _ := strconv.Atoi(m[1]); n >= 5000 && n < rows {
				if err := child.Process.Signal(syscall.SIGKILL); err != nil {
					t.Fatal(err)
				}
				killedAt = n
				break
			}
		}
	}
	_ = child.Wait()
	if killedAt == 0 {
		t.Fatal("the import ended before it could be killed")
	}
	t.Logf("killed after %d of %d rows", killedAt, rows)

	db, err := store.Open(ctx, filepath.Join(dir, "dangjian.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var members, entries int
	if err := db.QueryRow("SELECT COUNT(*) FROM members").Scan(&members); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow("SELECT COUNT(*) FROM audit_log WHERE object_type = 'member'").Scan(&entries); err != nil {
		t.Fatal(err)
	}
	if members != 0 || entries != 0 {
		t.Fatalf("after the kill the database holds %d members and %d of their audit entries", members, entries)
	}
	if code, out := runCmd(t, dir, "check"); code != 0 {
		t.Fatalf("figures after the kill: %s", out)
	}
	if code, out := runCmd(t, dir, "audit", "verify"); code != 0 {
		t.Fatalf("audit trail after the kill: %s", out)
	}
}
