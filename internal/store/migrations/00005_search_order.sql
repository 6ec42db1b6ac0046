{{if postgres}}
-- +goose Up
-- A search's page is ordered by the indexed columns and then by id. SQLite
-- keeps the rowid at the end of every index entry, so its indexes already
-- give that order; PostgreSQL's do not, and a page had to read and sort
-- every person sharing the last value seen (thousands of "zhangwei"). With
-- id in the index, the first page streams from it on both engines.
DROP INDEX members_name;
DROP INDEX members_pinyin;
DROP INDEX members_initials;
CREATE INDEX members_name ON members(name, id);
CREATE INDEX members_pinyin ON members(name_pinyin, id);
CREATE INDEX members_initials ON members(name_initials, name_pinyin, id);

-- +goose Down
DROP INDEX members_name;
DROP INDEX members_pinyin;
DROP INDEX members_initials;
CREATE INDEX members_name ON members(name);
CREATE INDEX members_pinyin ON members(name_pinyin);
CREATE INDEX members_initials ON members(name_initials, name_pinyin);
{{end}}
