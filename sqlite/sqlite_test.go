package sqlite_test

import (
	"testing"

	"github.com/chimevoice/chimevoice/chimevoicetest"
	"github.com/chimevoice/chimevoice/sqlstore/storetest"
)

// TestStore runs the store conformance suite on a SQLite file per test.
func TestStore(t *testing.T) { storetest.Run(t, chimevoicetest.SQLite()) }
