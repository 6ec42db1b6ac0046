package library

import (
	_ "embed"
	"strings"
)

//go:embed relevance.txt
var relevanceText string

// Sample is a document of the relevance set.
type Sample struct {
	Title, Body string
	Tags        []string
}

// Expect is a query of the relevance set and the title that must come first.
type Expect struct{ Query, Top string }

// RelevanceSet is the set of documents and queries the tests keep, with
// the document each query must find first (relevance.txt); the benchmark
// hides the same documents among its generated ones and asks the same.
func RelevanceSet() ([]Sample, []Expect) {
	var docs []Sample
	var qs []Expect
	for _, line := range strings.Split(relevanceText, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Split(strings.TrimPrefix(line, "? "), " | ")
		if strings.HasPrefix(line, "? ") && len(parts) == 2 {
			qs = append(qs, Expect{Query: parts[0], Top: parts[1]})
		} else if len(parts) == 3 {
			docs = append(docs, Sample{Title: parts[0], Tags: Split(parts[1]), Body: parts[2]})
		}
	}
	return docs, qs
}
