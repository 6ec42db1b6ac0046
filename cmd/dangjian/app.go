package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"

	"dangjian/internal/audit"
	"dangjian/internal/auth"
	"dangjian/internal/consultation"
	"dangjian/internal/dues"
	"dangjian/internal/library"
	"dangjian/internal/member"
	"dangjian/internal/org"
	"dangjian/internal/secret"
	"dangjian/internal/store"
	"dangjian/internal/work"
)

// app is an open, migrated database with the services over it.
type app struct {
	db      *store.DB
	box     *secret.Box
	orgs    *org.Service
	members *member.Service
	auth    *auth.Service
	work    *work.Service
	dues    *dues.Service
	cppcc   *consultation.Services
	library *library.Service
}

// open connects, migrates and wires the services.
func open(ctx context.Context, s settings, log *slog.Logger) (*app, error) {
	db, err := store.Open(ctx, s.dsn())
	if err != nil {
		return nil, err
	}
	n, err := db.Migrate(ctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("数据库升级失败: %w", err)
	}
	if n > 0 {
		log.Info("migrations applied", "count", n, "dialect", db.Dialect)
	}
	box, err := secret.Load(os.Getenv("DANGJIAN_SECRET_KEY"), filepath.Join(s.dataDir, "secret.key"))
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("读取加密密钥失败: %w", err)
	}
	db.Signer = box
	if err := audit.KeyChain(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	months, _ := strconv.Atoi(os.Getenv("DANGJIAN_POCKET_MONTHS"))
	orgs := &org.Service{DB: db}
	ledger := &dues.Service{DB: db}
	return &app{
		db:      db,
		box:     box,
		orgs:    orgs,
		members: &member.Service{DB: db, Box: box, Orgs: orgs, PocketMonths: months, Ledger: ledger},
		auth:    &auth.Service{DB: db},
		work:    &work.Service{DB: db},
		dues:    ledger,
		cppcc:   consultation.New(db, box, nil),
		// The library's index is this server's, in its data folder: built
		// from the table the first time, then following it.
		library: &library.Service{DB: db, Orgs: orgs, Dir: filepath.Join(s.dataDir, "library.index")},
	}, nil
}

// operator is the audit actor of commands typed on the server.
func operator(ctx context.Context) context.Context {
	name := os.Getenv("USER")
	if name == "" {
		name = "unknown"
	}
	return audit.WithActor(ctx, audit.Actor{Username: "命令行:" + name, IP: "local"})
}

// bootstrap creates the three administrators on the first start and prints
// their passwords, once. They must choose their own at first login unless
// this is a demo.
func bootstrap(ctx context.Context, a *app, stdout io.Writer, forDemo bool) error {
	var n int
	if err := a.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM users").Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	fmt.Fprintln(stdout, "首次启动,已创建三员管理账号(密码只显示这一次,请妥善保存):")
	for _, adm := range []struct{ user, role string }{
		{"sysadmin", auth.RoleSysadmin}, {"secadmin", auth.RoleSecadmin}, {"auditor", auth.RoleAuditor},
	} {
		pw := auth.RandomPassword()
		u, err := a.auth.CreateUser(ctx, auth.NewUser{Username: adm.user, DisplayName: auth.Roles.Label(adm.role), Password: pw, MustChange: !forDemo})
		if err != nil {
			return err
		}
		if _, err := a.auth.AddGrant(ctx, store.All, auth.GrantInput{UserID: u.ID, Role: adm.role}); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "  %-10s 密码 %s  (%s)\n", adm.user, pw, auth.Roles.Label(adm.role))
	}
	return nil
}
