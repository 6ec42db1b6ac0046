// Package library is the experience library (经验交流材料, 调研报告, 工作总结):
// documents organisations and committees publish, written in the browser or
// uploaded as .docx, found by Chinese full-text search. It imports org, report
// and store; app builds it, the pages and the public library read it.
//
// Documents are rows of library_docs (organisation, kind, title, body, tags,
// visibility, the uploaded .docx if any, views, downloads; never deleted, a
// withdrawal a compare-and-set on the state), provincial on a cluster by the
// organisation. An upload's text is read by godocx (paragraphs and table
// cells); a document written in the browser downloads as a .docx in the
// official layout (package report).
//
// # Search
//
// The index is a bleve index with its CJK analyzer: width folding, then
// overlapping bigrams of Han characters, so 流动党员 is found as 流动 动党 党员 in
// order without a dictionary. Each typed word must occur in the title (weighed
// 3), the body or the tags (2); the order is bleve's tf-idf; without words the
// latest come first; counts by kind come from the same query. Snippets are cut
// from the row's own text around the first typed word, the words marked as
// pieces (never HTML from the index). Related documents share tags and title
// words. Bleve was chosen because the engine must live in one binary with
// SQLite and work unchanged on PostgreSQL and Citus: FTS5 does not split
// Chinese, PostgreSQL in Debian has no Chinese parser (pg_trgm misses
// two-character words and ranks by similarity), and a dictionary segmenter
// (gse) loads tens of megabytes and misses the Party's own terms (口袋党员,
// 三会一课) without a word list; bigrams need no dictionary and rank well here.
//
// The table is the truth and the index follows it (Sync: the whole table the
// first time, in batches by id; then, at most every two seconds before a
// search, the rows changed since a minute before the last one seen, and those
// whose version it has not indexed). So a deployment of several servers on one
// PostgreSQL has an index per server in its data folder (library.index), a
// restored database needs only its index removed, and this server's own writes
// are indexed as they are made. Relevance is kept as a set of documents and
// queries with the document each must find first (relevance.txt):
// TestRelevance checks it alone, and dangjian bench --library N hides the same
// documents among N generated ones and asks again.
//
// # Visibility
//
// Public and system-wide documents are for every role of the work
// (library.read, which none of the three administrators carry); documents kept
// to a line are for the organisations of the caller's grants, those above and
// those below. Every search is scoped twice: as terms of the index query, and
// again when the hits are read back from the table. The public pages read
// through the scope Public, the public documents only. A committee's summary
// (PublishCommittee) has no organisation (org_id 0, empty path, province 0 on
// a cluster) and its committee (library_docs.committee_id); it is read by the
// whole system or the public only (never "its line", a line of the
// organisations' tree), shown under the committee's name, and withdrawn by the
// office alone.
package library
