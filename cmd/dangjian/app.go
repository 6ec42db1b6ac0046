package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"

	"dangjian/internal/member"
	"dangjian/internal/org"
	"dangjian/internal/secret"
	"dangjian/internal/store"
)

// app is an open, migrated database with the services over it.
type app struct {
	db      *store.DB
	orgs    *org.Service
	members *member.Service
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
	months, _ := strconv.Atoi(os.Getenv("DANGJIAN_POCKET_MONTHS"))
	orgs := &org.Service{DB: db}
	return &app{
		db:      db,
		orgs:    orgs,
		members: &member.Service{DB: db, Box: box, Orgs: orgs, PocketMonths: months},
	}, nil
}
