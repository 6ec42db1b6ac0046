package cppcc

import (
	"time"

	"dangjian/internal/committee"
	"dangjian/internal/store"
)

// Service keeps the proposals, on the committees it is built on. Every
// function takes the caller's scope, a part of the committees' tree.
type Service struct {
	*committee.Service
	// Intake takes a proposal not filed where its route sends it, by the
	// route's code (RejectRoutes: "opinion", "letter"); the domains that keep
	// those channels supply it (consultation.New), so that cppcc needs none of
	// them. A route without one is refused.
	Intake map[string]Intake
}

func (s *Service) now() time.Time { return store.Now(s.Now) }
