package postgres_test

import (
	"testing"

	"github.com/chimevoice/chimevoice/chimevoicetest"
	"github.com/chimevoice/chimevoice/postgres/pgtest"
	"github.com/chimevoice/chimevoice/sqlstore"
	"github.com/chimevoice/chimevoice/sqlstore/storetest"
)

// TestStore runs the store conformance suite on a database per test on the
// server of CHIMEVOICE_TEST_POSTGRES, with replicas (several stores on one
// database, as several server processes).
func TestStore(t *testing.T) {
	storetest.Run(t, storetest.Backend{Replicas: true, NewDatabase: func(t testing.TB) storetest.Opener {
		url := pgtest.Database(t)
		return func(t testing.TB, cfg sqlstore.Config) *sqlstore.Store {
			return chimevoicetest.OpenPostgres(t, url, cfg)
		}
	}})
}
