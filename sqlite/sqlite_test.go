package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/chimevoice/chimevoice/chimevoicetest"
	"github.com/chimevoice/chimevoice/sqlstore"
	"github.com/chimevoice/chimevoice/sqlstore/storetest"
)

// TestStore runs the store conformance suite on a SQLite file per test.
func TestStore(t *testing.T) {
	storetest.Run(t, storetest.Backend{NewDatabase: func(t testing.TB) storetest.Opener {
		path := filepath.Join(t.TempDir(), "chimevoice.db")
		return func(t testing.TB, cfg sqlstore.Config) *sqlstore.Store {
			return chimevoicetest.OpenSQLite(t, path, cfg)
		}
	}})
}
