package chimevoicetest

import (
	"context"
	"testing"

	"github.com/chimevoice/chimevoice/postgres"
	"github.com/chimevoice/chimevoice/postgres/pgtest"
	"github.com/chimevoice/chimevoice/sqlstore"
)

// PostgreSQL is the PostgreSQL backend: a database of its own per test on
// the server of CHIMEVOICE_TEST_POSTGRES. Without that variable a test
// using it is skipped (failed when CHIMEVOICE_REQUIRE_POSTGRES=1).
func PostgreSQL() Backend {
	return Backend{Name: "postgres", Replicas: true, NewDatabase: func(t testing.TB) Opener {
		url := pgtest.Database(t)
		return func(t testing.TB, cfg sqlstore.Config) *sqlstore.Store { return OpenPostgres(t, url, cfg) }
	}}
}

// OpenPostgres opens a store on the PostgreSQL database at url for the
// test and closes it when the test ends.
func OpenPostgres(t testing.TB, url string, cfg sqlstore.Config) *sqlstore.Store {
	t.Helper()
	st, err := postgres.Open(context.Background(), url, cfg)
	if err != nil {
		t.Fatalf("open postgres store: %v", err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("close postgres store: %v", err)
		}
	})
	return st
}

// The PostgreSQL backend is always listed, so that every test written with
// Each shows a postgres subtest: run, or visibly skipped.
func init() {
	extraBackends = append(extraBackends, func(testing.TB) (Backend, bool) { return PostgreSQL(), true })
}
