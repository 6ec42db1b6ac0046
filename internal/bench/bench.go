// Package bench is the fixed benchmark suite of "dangjian bench": every
// figure is measured beside a baseline taken in the same run, because the
// machines it runs on are shared and noisy.
package bench

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sort"
	"time"

	"dangjian/internal/app"
	"dangjian/internal/org"
	"dangjian/internal/store"
)

// Row is one line of the result table.
type Row struct {
	Name     string
	Value    string
	Baseline string
	Ratio    string
}

// Suite runs against an open, populated database, through its services.
type Suite struct {
	*app.App
	Out io.Writer
	// HTTPDuration is how long each HTTP load lasts; Clients how many connections it uses.
	HTTPDuration time.Duration
	Clients      int
	// ImportRows and ExportRows size the roster benchmarks (0 skips them).
	ImportRows, ExportRows int
	// DuringSQL, when set, is the only benchmark: the statements are run
	// while a county's users read and write, and the failed requests counted.
	DuringSQL string
	// Consult alone runs only the consultative work's benchmarks; Public
	// only the public channel's (the spam defence's rates, the form's throughput).
	Consult, Public bool
	// Library, when above 0, runs only the experience library's benchmark at as many documents.
	Library int
	// Only, when not empty, names the steps of the suite to run (Steps).
	Only []string
	rows []Row
}

// Steps are the names of the suite's steps, in the order they run.
var Steps = []string{"figures", "search", "list", "transfers", "writes", "http", "export", "import", "beside", "cppcc", "public"}

// timings runs fn n times and returns the 50th and 99th percentiles.
func timings(n int, fn func(i int) error) (p50, p99 time.Duration, err error) {
	ds := make([]time.Duration, n)
	for i := range ds {
		start := time.Now()
		if err := fn(i); err != nil {
			return 0, 0, err
		}
		ds[i] = time.Since(start)
	}
	sort.Slice(ds, func(a, b int) bool { return ds[a] < ds[b] })
	return ds[n/2], ds[min(n-1, n*99/100)], nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.3f ms", float64(d.Microseconds())/1000) }

func (s *Suite) add(name, value, baseline, ratio string) {
	s.rows = append(s.rows, Row{name, value, baseline, ratio})
	fmt.Fprintf(s.Out, "%-44s %16s   %-34s %s\n", name, value, baseline, ratio)
}

// Run runs the whole suite and returns the table.
func (s *Suite) Run(ctx context.Context) ([]Row, error) {
	fmt.Fprintf(s.Out, "%-44s %16s   %-34s %s\n", "benchmark", "measured", "baseline (same run)", "ratio")
	if s.Consult {
		return s.rows, s.consult(ctx)
	}
	if s.Public {
		return s.rows, s.publicChannel(ctx)
	}
	if s.Library > 0 {
		return s.rows, s.library(ctx, s.Library)
	}
	roots, err := s.Orgs.Roots(ctx, store.All)
	if err != nil || len(roots) == 0 {
		return nil, fmt.Errorf("the database holds no organisations: generate data first with dangjian demo")
	}
	root := roots[0]
	county, err := s.orgAtDepth(ctx, 3)
	if err != nil {
		return nil, err
	}
	if s.DuringSQL != "" {
		return s.rows, s.during(ctx, root)
	}
	steps := []func(context.Context, org.Org, org.Org) error{s.figures, s.search, s.listPage, s.transfers, s.treeWrites, s.http, s.export, s.importRows, s.beside,
		func(ctx context.Context, _, _ org.Org) error { return s.consult(ctx) },
		func(ctx context.Context, _, _ org.Org) error { return s.publicChannel(ctx) }}
	for i, step := range steps {
		if len(s.Only) > 0 && !slices.Contains(s.Only, Steps[i]) {
			continue
		}
		if err := step(ctx, root, county); err != nil {
			return s.rows, err
		}
	}
	return s.rows, nil
}

func (s *Suite) orgAtDepth(ctx context.Context, depth int) (org.Org, error) {
	var id int64
	err := s.DB.QueryRowContext(ctx, "SELECT id FROM orgs WHERE depth = $1 AND dissolved_at IS NULL ORDER BY id LIMIT 1", depth).Scan(&id)
	if err != nil {
		return org.Org{}, fmt.Errorf("no organisation at depth %d: %w", depth, err)
	}
	return s.Orgs.Get(ctx, store.All, id)
}
