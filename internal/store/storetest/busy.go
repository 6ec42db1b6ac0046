package storetest

import (
	"testing"

	"dangjian/internal/store"
)

// QuickBusy makes the SQLite databases opened during the test give up
// waiting for another writer after ms milliseconds.
func QuickBusy(t testing.TB, ms int) {
	old := store.SetBusyTimeout(ms)
	t.Cleanup(func() { store.SetBusyTimeout(old) })
}
