package postgres_test

import (
	"testing"

	"github.com/chimevoice/chimevoice/chimevoicetest"
	"github.com/chimevoice/chimevoice/sqlstore/storetest"
)

// TestStore runs the store conformance suite on a database per test on the
// server of CHIMEVOICE_TEST_POSTGRES, with replicas (several stores on one
// database, as several server processes).
func TestStore(t *testing.T) { storetest.Run(t, chimevoicetest.PostgreSQL()) }
