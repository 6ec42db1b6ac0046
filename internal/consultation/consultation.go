// Package consultation puts the consultative work together over one
// database: the committees (committee: committees, units, terms, members),
// the core built on them (cppcc: proposals) and the domains built on the
// core (duties, letters, opinion, forum), the proposals' routes into the
// other channels wired, every committee's figures checked against one
// recount of all of them, and their steps published together.
//
// Arrows: consultation imports committee, cppcc and every domain; each
// domain imports cppcc (the forum also letters) and never consultation;
// cppcc imports committee and none of the domains (what it needs of a
// domain, the intake of a proposal not filed, it is given here). The pages,
// the API, the public channel, the demo and the command line build their
// services with New.
package consultation

import (
	"context"
	"slices"
	"time"

	"dangjian/internal/committee"
	"dangjian/internal/cppcc"
	"dangjian/internal/duties"
	"dangjian/internal/flow"
	"dangjian/internal/forum"
	"dangjian/internal/letters"
	"dangjian/internal/opinion"
	"dangjian/internal/secret"
	"dangjian/internal/stats"
	"dangjian/internal/store"
)

// Services are the consultative work's services: the core's methods (and
// through it the committees'), and each domain's service.
type Services struct {
	*cppcc.Service
	Duties   *duties.Service
	Letters  *letters.Service
	Opinions *opinion.Service
	Forum    *forum.Service
}

// New is the services over db, sealing with box, their time now (nil: the
// clock's).
func New(db *store.DB, box *secret.Box, now func() time.Time) *Services {
	core := &cppcc.Service{Service: &committee.Service{DB: db, Box: box, Now: now}}
	l, o := &letters.Service{Service: core}, &opinion.Service{Service: core}
	core.Intake = map[string]cppcc.Intake{"letter": l.FromProposal, "opinion": o.FromProposal}
	return &Services{Service: core, Duties: &duties.Service{Service: core}, Letters: l, Opinions: o, Forum: &forum.Service{Service: core, Letters: l}}
}

// Check compares every committee's maintained figures, of the core and of
// every domain, with a recount, in one snapshot.
func Check(ctx context.Context, db *store.DB) ([]stats.Mismatch, error) {
	return cppcc.Check(ctx, db, duties.Recount, letters.Recount, opinion.Recount, forum.Recount)
}

// Reencrypt seals under the newest key, batch rows a transaction (a key
// rotation), the members' phones and the senders of letters; it returns how
// many rows it changed.
func (s *Services) Reencrypt(ctx context.Context, batch int) (int, error) {
	members, err := s.Service.Reencrypt(ctx, batch)
	if err != nil {
		return members, err
	}
	senders, err := s.Letters.Reencrypt(ctx, batch)
	return members + senders, err
}

// PublicSteps are the steps of a letter, of the forum's moderation and of
// a 社情民意 item.
func PublicSteps() []flow.Step {
	return slices.Concat(letters.Steps.Steps(), forum.Steps.Steps(), opinion.Steps.Steps())
}

// Steps are every step of the consultative work: the proposals', then the public channel's.
func Steps() []flow.Step { return slices.Concat(cppcc.Steps.Steps(), PublicSteps()) }
