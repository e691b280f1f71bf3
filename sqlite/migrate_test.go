package sqlite_test

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chimevoice/chimevoice/sqlite"
	"github.com/chimevoice/chimevoice/sqlstore"
)

// reopen opens the store at path, closes it, and returns Open's error.
func reopen(t *testing.T, path string) error {
	t.Helper()
	st, err := sqlite.Open(bctx, path, sqlstore.Config{})
	if err != nil {
		return err
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	return nil
}

func execSQL(t *testing.T, path, query string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(query); err != nil {
		t.Fatal(err)
	}
}

// TestMigrationsCheckedAtEveryStart: an up-to-date database opens (the
// one-query check), and one holding a migration this build does not know
// is still refused, as the full path refuses it.
func TestMigrationsCheckedAtEveryStart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	for range 2 {
		if err := reopen(t, path); err != nil {
			t.Fatal(err)
		}
	}
	execSQL(t, path, `INSERT INTO schema_migrations (version, name) VALUES (9999, '9999_future.sql')`)
	err := reopen(t, path)
	if err == nil || !strings.Contains(err.Error(), "newer than this build knows") {
		t.Fatalf("database with a future migration: err = %v", err)
	}
	// An old version this build does not list is ignored, as before.
	execSQL(t, path, `DELETE FROM schema_migrations WHERE version = 9999`)
	execSQL(t, path, `INSERT INTO schema_migrations (version, name) VALUES (0, '0000_prehistory.sql')`)
	if err := reopen(t, path); err != nil {
		t.Fatal(err)
	}
}
