// Package api serves the JSON API under /api/v1. Every endpoint is one row of
// the route table (routes.go and a table per domain), from which the router is
// built and the OpenAPI document (/api/v1/openapi.json) is generated, so that
// the document cannot fall behind the endpoints. It imports app and the
// services; server mounts it.
//
// A row names its method and path, the permission it needs (package auth),
// its body type and limits. The handler receives the request and the caller's
// scope for that permission and returns a value or an error: the table's
// wrapper refuses a caller without the permission (403), refuses unknown
// query parameters and unknown JSON fields, numbers sent as strings, broken
// UTF-8 and NUL, runs the handler again when the database cancelled its
// transaction (store.Retry), and encodes the answer or the apperr.
//
// The tests of this package hold the permission matrices of both route tables
// (TestPermissionMatrix for the API, TestPagePermissionMatrix for the pages:
// every route × role × own, sibling, ancestor and missing target; a route
// without a row fails), and the random walk of writes that recounts every
// maintained figure after each step (TestFiguresSurviveRandomWrites,
// FuzzFigures).
//
// An organisation's encoded figures are cached for 1 s (figuresCache; the
// callers of a root's figures that miss it wait for one read, singleflight),
// emptied whenever stats writes in the process; a cached answer is still
// checked against the caller's scope.
package api
