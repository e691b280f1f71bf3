// Package pgtest gives tests a PostgreSQL database of their own on the
// server named by CHIMEVOICE_TEST_POSTGRES, and skips them when it is not
// set, unless CHIMEVOICE_REQUIRE_POSTGRES=1 says that a skip is a failure
// (CI sets both, so PostgreSQL tests can never silently stop running).
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Environment variables.
const (
	// EnvURL holds the URL of a PostgreSQL server (any database on it) on
	// which tests may create and drop databases, e.g.
	// postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
	EnvURL = "CHIMEVOICE_TEST_POSTGRES"
	// EnvRequire, set to 1, turns skipping PostgreSQL tests into failing them.
	EnvRequire = "CHIMEVOICE_REQUIRE_POSTGRES"
)

// TestMaxConns is the pool size of stores opened on test databases: a test
// run opens several stores at once (replica tests, packages tested in
// parallel) and must stay well under the server's max_connections.
const TestMaxConns = 8

// ServerURL returns the URL in CHIMEVOICE_TEST_POSTGRES. Without it the
// test is skipped, or failed when CHIMEVOICE_REQUIRE_POSTGRES=1.
func ServerURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EnvURL)
	if u == "" {
		if os.Getenv(EnvRequire) == "1" {
			t.Fatalf("%s=1 but %s is not set: the PostgreSQL tests cannot run", EnvRequire, EnvURL)
		}
		t.Skipf("PostgreSQL tests skipped: set %s to a server URL (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable)", EnvURL)
	}
	return u
}

// Database creates an empty database for the test on the server of
// CHIMEVOICE_TEST_POSTGRES (skipping as ServerURL does), drops it when the
// test ends, and returns its URL.
func Database(t testing.TB) string {
	t.Helper()
	return DatabaseOn(t, ServerURL(t))
}

// DatabaseOn is Database on the server of serverURL.
func DatabaseOn(t testing.TB, serverURL string) string {
	t.Helper()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatalf("random database name: %v", err)
	}
	name := "chimevoice_test_" + hex.EncodeToString(b[:])
	exec := func(sql string) error {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, serverURL)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, sql)
		return err
	}
	if err := exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("create test database %s: %v", name, err)
	}
	t.Cleanup(func() {
		// FORCE: a test that failed half-way may have left connections open.
		if err := exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	u, err := url.Parse(serverURL)
	if err != nil {
		t.Fatalf("%s: %v", EnvURL, err)
	}
	u.Path = "/" + name
	q := u.Query()
	if q.Get("pool_max_conns") == "" {
		q.Set("pool_max_conns", strconv.Itoa(TestMaxConns))
	}
	u.RawQuery = q.Encode()
	return u.String()
}
