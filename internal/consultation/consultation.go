// Package consultation puts the consultative work together over one
// database: the core (cppcc: committees, members, proposals and the
// committee's work) and the domains built on it (forum), the proposals'
// routes into the other channels wired, every committee's figures checked
// against one recount of all of them, and their steps published together.
//
// Arrows: consultation imports cppcc and every domain; each domain imports
// cppcc and never consultation; cppcc imports none of them (what it needs of
// a domain, the intake of a proposal not filed, it is given here). The
// pages, the API, the public channel, the demo and the command line build
// their services with New.
package consultation

import (
	"context"
	"slices"
	"time"

	"dangjian/internal/cppcc"
	"dangjian/internal/flow"
	"dangjian/internal/forum"
	"dangjian/internal/secret"
	"dangjian/internal/stats"
	"dangjian/internal/store"
)

// Services are the consultative work's services: the core's methods, and
// each domain's service.
type Services struct {
	*cppcc.Service
	Forum *forum.Service
}

// New is the services over db, sealing with box, their time now (nil: the
// clock's).
func New(db *store.DB, box *secret.Box, now func() time.Time) *Services {
	core := &cppcc.Service{DB: db, Box: box, Now: now}
	return &Services{Service: core, Forum: &forum.Service{Service: core}}
}

// Check compares every committee's maintained figures, of the core and of
// every domain, with a recount, in one snapshot.
func Check(ctx context.Context, db *store.DB) ([]stats.Mismatch, error) {
	return cppcc.Check(ctx, db, forum.Recount)
}

// PublicSteps are the steps of a letter, of the forum's moderation and of
// a 社情民意 item.
func PublicSteps() []flow.Step {
	return slices.Concat(cppcc.CaseSteps.Steps(), forum.Steps.Steps(), cppcc.OpinionSteps.Steps())
}

// Steps are every step of the consultative work: the proposals', then the public channel's.
func Steps() []flow.Step { return slices.Concat(cppcc.Steps.Steps(), PublicSteps()) }
