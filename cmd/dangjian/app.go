package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"

	"dangjian/internal/app"
	"dangjian/internal/audit"
	"dangjian/internal/auth"
	"dangjian/internal/store"
)

// open connects to the database, migrates it, loads the key and builds the services.
func open(ctx context.Context, s settings, log *slog.Logger) (*app.App, error) {
	return app.Open(ctx, s.dsn(), s.services(log))
}

// services are the settings of the services: the data folder and the key of
// the environment, the library's index in the data folder.
func (s *settings) services(log *slog.Logger) app.Settings {
	months, _ := strconv.Atoi(os.Getenv("DANGJIAN_POCKET_MONTHS"))
	return app.Settings{DataDir: s.dataDir, Key: os.Getenv("DANGJIAN_SECRET_KEY"), PocketMonths: months,
		// The library's index is this server's, in its data folder: built
		// from the table the first time, then following it.
		IndexDir: filepath.Join(s.dataDir, "library.index"), Log: log}
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
func bootstrap(ctx context.Context, a *app.App, stdout io.Writer, forDemo bool) error {
	var n int
	if err := a.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM users").Scan(&n); err != nil {
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
		u, err := a.Auth.CreateUser(ctx, auth.NewUser{Username: adm.user, DisplayName: auth.Roles.Label(adm.role), Password: pw, MustChange: !forDemo})
		if err != nil {
			return err
		}
		if _, err := a.Auth.AddGrant(ctx, store.All, auth.GrantInput{UserID: u.ID, Role: adm.role}); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "  %-10s 密码 %s  (%s)\n", adm.user, pw, auth.Roles.Label(adm.role))
	}
	return nil
}
