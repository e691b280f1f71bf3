package sqlite

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chimevoice/chimevoice/sqlstore"
)

var updateEmptyImage = flag.Bool("update-empty-image", false, "rewrite empty.db from the migrations")

// migrated creates a database file the way a new store does, by running
// every migration, and returns its path.
func migrated(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "migrated.db")
	st, err := open(context.Background(), path, nil, sqlstore.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + "-wal"); err == nil {
		t.Fatalf("%s-wal left after close: the file alone is not the database", path)
	}
	return path
}

// dump renders what a database holds: its settings, its schema and every
// row of every table.
func dump(t *testing.T, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var b strings.Builder
	for _, p := range []string{"page_size", "auto_vacuum", "encoding", "user_version", "application_id", "journal_mode"} {
		var v string
		if err := db.QueryRow("PRAGMA " + p).Scan(&v); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s=%s\n", p, v)
	}
	rows, err := db.Query(`SELECT type, name, tbl_name, COALESCE(sql, '') FROM sqlite_master ORDER BY type, name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var typ, name, tbl, sqlText string
		if err := rows.Scan(&typ, &name, &tbl, &sqlText); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %s %s: %s\n", typ, name, tbl, sqlText)
		if typ == "table" && !strings.HasPrefix(name, "sqlite_") {
			tables = append(tables, name)
		}
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	for _, table := range tables {
		rows, err := db.Query(`SELECT * FROM "` + table + `" ORDER BY 1`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%s: %v\n", table, vals)
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

// TestEmptyImage holds empty.db to the migrations: a throwaway store
// starting from it holds exactly what running them on a new file gives.
func TestEmptyImage(t *testing.T) {
	fresh := migrated(t)
	if *updateEmptyImage {
		data, err := os.ReadFile(fresh)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile("empty.db", data, 0o644); err != nil {
			t.Fatal(err)
		}
		emptyImage = data
	}
	image := filepath.Join(t.TempDir(), "image.db")
	if err := os.WriteFile(image, emptyImage, 0o600); err != nil {
		t.Fatal(err)
	}
	if got, want := dump(t, image), dump(t, fresh); got != want {
		t.Fatalf("empty.db differs from a migrated database: run go generate ./sqlite\n--- empty.db\n%s\n--- migrated\n%s", got, want)
	}
}

// TestMemoryStoreStartsFromImage: a throwaway store is the image, and
// works as a migrated one (the store's own tests run on throwaway stores).
func TestMemoryStoreStartsFromImage(t *testing.T) {
	st, err := Open(context.Background(), Memory, sqlstore.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := st.cdb.QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil || n == 0 {
		t.Fatalf("schema_migrations: %d rows, %v", n, err)
	}
}
