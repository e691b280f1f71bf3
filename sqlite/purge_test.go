package sqlite_test

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chimevoice/chimevoice/sqlite"
	"github.com/chimevoice/chimevoice/sqlstore"
)

// TestPurgeManyBatches purges a queue longer than two purge transactions
// (the last one partial), with numbers not yet due among them: every due
// number is removed and logged once, the others stay queued.
func TestPurgeManyBatches(t *testing.T) {
	const due, notDue = 23_456, 500
	path := filepath.Join(t.TempDir(), "purge.db")
	st, err := sqlite.Open(bctx, path, sqlstore.Config{})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	old, recent := time.Now().Add(-8*24*time.Hour).UnixMilli(), time.Now().Add(-time.Hour).UnixMilli()
	for i := 0; i < due+notDue; i += 500 {
		var sb strings.Builder
		sb.WriteString(`INSERT INTO phone_numbers (e164, account_id, country, number_type, product_type, status, created_at, updated_at, deleted_at) VALUES `)
		args := []any{}
		for j := i; j < min(i+500, due+notDue); j++ {
			if j > i {
				sb.WriteByte(',')
			}
			sb.WriteString(`(?, ?, 'US', 'Local', 'VoiceConnector', 'DeleteInProgress', 0, 0, ?)`)
			at := old + int64(j%7) // a few distinct deletion times, as groups of requests leave
			if j >= due {
				at = recent
			}
			// scattered, as orders of searched numbers insert them
			args = append(args, number((j*7919)%(due+notDue)), account, at)
		}
		if _, err := tx.Exec(sb.String(), args...); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	st, err = sqlite.Open(bctx, path, sqlstore.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	n, err := st.Purge(bctx)
	if err != nil || n != due {
		t.Fatalf("purged %d (%v), want %d", n, err, due)
	}
	if n, err := st.Purge(bctx); err != nil || n != 0 {
		t.Fatalf("second purge: %d (%v), want 0", n, err)
	}
	log, err := st.PurgeLog(bctx)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range log {
		if seen[r.E164] {
			t.Fatalf("%s logged twice", r.E164)
		}
		seen[r.E164] = true
	}
	if len(seen) != due {
		t.Fatalf("purge log holds %d numbers, want %d", len(seen), due)
	}
	var left int
	rdb, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	if err := rdb.QueryRow(`SELECT count(*) FROM phone_numbers WHERE status = 'DeleteInProgress'`).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left != notDue {
		t.Fatalf("%d numbers left in the queue, want the %d not due yet", left, notDue)
	}
}
