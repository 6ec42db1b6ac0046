// Package demo loads a small, realistic city into an empty database through
// the same services users call, so that every figure is maintained as in real
// use: one city committee, districts, streets and a township, communities,
// villages, a market and non-public enterprises, about 2,000 people, some
// flowing out or in, some letters pending, some units uncovered and some
// people in the development pipeline, with the consultative work's proposals,
// letters and forum and a library of the year's summaries the system drafted
// from the demo data for the city and the organisations two levels below it
// (Library). The same seed gives the same city. It builds on app.
//
// National generates data at national scale (dangjian demo --members N): the
// tree top-down (root, 31 provinces with their real ID prefixes, cities,
// counties, streets and townships, grassroots organisations and branches),
// written with multi-row INSERTs of explicit ids (COPY on PostgreSQL) in
// transactions of about 200,000 people. Every subtree's figures are summed in
// memory as it is finished (only the organisations on the current path are
// open) and written once, so dangjian check holds on the result. SQLite
// statements use ? placeholders there: SQLite looks numbered $n parameters up
// by name, which costs the square of their number in a long statement (80
// times slower). A given name is drawn from the characters given to the
// person's sex (givenMale, givenFemale), the sex drawn first; namesMatchSex
// checks every generated table that keeps both.
package demo
