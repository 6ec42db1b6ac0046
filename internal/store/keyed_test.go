package store_test

import (
	"slices"
	"testing"

	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

// Every column of the schema named like a sealed value or a hash is listed
// with what a key rotation does with it, and every column listed exists: a
// new sealed column or keyed hash cannot be left out of `dangjian keys rotate`.
func TestKeyedColumnsListed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var listed []store.Column
		for _, l := range [][]store.Column{store.Sealed, store.Rehashed, store.Remembered, store.Unkeyed} {
			listed = append(listed, l...)
		}
		var schema []store.Column
		for _, c := range storetest.Columns(t, db) {
			schema = append(schema, c.Column)
			if store.KeyedName.MatchString(c.Name) && !slices.Contains(listed, c.Column) {
				t.Errorf("%s is named like a sealed value or a hash but is not listed in store.Sealed, Rehashed, Remembered or Unkeyed", c.Column)
			}
		}
		for _, c := range listed {
			if !slices.Contains(schema, c) {
				t.Errorf("%s is listed but not in the schema", c)
			}
		}
	})
}
