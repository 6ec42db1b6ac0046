// Package app is the composition root: it opens the database (connect,
// migrate, load the key ring, key the audit chain) and builds every service
// over it, once, from a few settings. The command, the demo, the bench, the
// server's handler and the tests take their services from here instead of
// wiring them by hand, so that a service added or given a new dependency
// is wired in one place.
//
// Arrows: app imports the services (org, member, auth, work, dues, consultation,
// library, public) and store, secret, audit; it imports no handler (api,
// web, server), so that the handlers' own tests can use it (server.Handler
// puts the handlers together over an App).
package app

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"dangjian/internal/audit"
	"dangjian/internal/auth"
	"dangjian/internal/consultation"
	"dangjian/internal/dues"
	"dangjian/internal/library"
	"dangjian/internal/member"
	"dangjian/internal/org"
	"dangjian/internal/public"
	"dangjian/internal/secret"
	"dangjian/internal/store"
	"dangjian/internal/work"
)

// Settings are what the services are built with besides the database and
// the key ring.
type Settings struct {
	// DataDir is the data folder, where the key file secret.key is kept
	// (made on the first start) when Key is empty.
	DataDir string
	// Key is the master key ring given in the environment
	// (DANGJIAN_SECRET_KEY: hexadecimal keys, comma-separated); empty reads
	// the key file. Open alone reads it.
	Key string
	// PocketMonths is how many months a letter without a 有效期 may stay
	// unreceived before its person is a 口袋党员 risk (DANGJIAN_POCKET_MONTHS;
	// 0 is the default of member.Service).
	PocketMonths int
	// IndexDir is the folder of the experience library's search index;
	// empty keeps the index in memory (tests, the bench).
	IndexDir string
	// Now is the services' clock; nil is the real one (tests fix it).
	Now func() time.Time
	// Log is where the handlers built over the services log; nil discards.
	Log *slog.Logger
}

// App is an open database and every service over it.
type App struct {
	DB  *store.DB
	Box *secret.Box
	// Now and Log are the settings', for the handlers built over the services.
	Now     func() time.Time
	Log     *slog.Logger
	Orgs    *org.Service
	Members *member.Service
	Auth    *auth.Service
	Work    *work.Service
	Dues    *dues.Service
	Cppcc   *consultation.Services
	Library *library.Service
	// Public is the public channel's door (its spam defence's state); nil
	// without a key ring (the check, which reads figures only).
	Public *public.Channel
}

// New builds the services over db, sealing with box. A nil box (a reading
// of figures that must not make or load a key) leaves every sealing service
// unusable and the public channel out.
func New(db *store.DB, box *secret.Box, s Settings) *App {
	log := s.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	orgs := &org.Service{DB: db, Now: s.Now}
	ledger := &dues.Service{DB: db, Now: s.Now}
	a := &App{
		DB: db, Box: box, Now: s.Now, Log: log,
		Orgs:    orgs,
		Members: &member.Service{DB: db, Box: box, Orgs: orgs, Now: s.Now, PocketMonths: s.PocketMonths, Ledger: ledger},
		Auth:    &auth.Service{DB: db, Now: s.Now},
		Work:    &work.Service{DB: db, Now: s.Now},
		Dues:    ledger,
		Cppcc:   consultation.New(db, box, s.Now),
		Library: &library.Service{DB: db, Orgs: orgs, Dir: s.IndexDir, Now: s.Now},
	}
	if box != nil {
		a.Public = public.New(a.Cppcc)
	}
	return a
}

// Migrated connects to the database at dsn and brings its schema up to
// date, logging how many migrations it applied.
func Migrated(ctx context.Context, dsn string, log *slog.Logger) (*store.DB, error) {
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	n, err := db.Migrate(ctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("数据库升级失败: %w", err)
	}
	if n > 0 && log != nil {
		log.Info("migrations applied", "count", n, "dialect", db.Dialect)
	}
	return db, nil
}

// Open connects to the database at dsn, migrates it, loads the key ring
// (s.Key, or the key file in s.DataDir), keys the audit chain with it and
// builds the services. The caller closes a.DB.
func Open(ctx context.Context, dsn string, s Settings) (*App, error) {
	db, err := Migrated(ctx, dsn, s.Log)
	if err != nil {
		return nil, err
	}
	box, err := secret.Load(s.Key, filepath.Join(s.DataDir, "secret.key"))
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("读取加密密钥失败: %w", err)
	}
	db.Signer = box
	if err := audit.KeyChain(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	return New(db, box, s), nil
}
