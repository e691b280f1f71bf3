package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/chimevoice/chimevoice/sqlstore"
)

// BenchmarkOpenExisting is the store's share of a server start: opening a
// database that is already migrated, then closing it.
func BenchmarkOpenExisting(b *testing.B) {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "start.db")
	st, err := Open(ctx, path, sqlstore.Config{})
	if err != nil {
		b.Fatal(err)
	}
	if err := st.Close(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		st, err := Open(ctx, path, sqlstore.Config{})
		if err != nil {
			b.Fatal(err)
		}
		if err := st.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
