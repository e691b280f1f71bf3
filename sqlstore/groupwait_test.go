package sqlstore_test

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chimevoice/chimevoice/sqlite"
	"github.com/chimevoice/chimevoice/sqlstore"
)

// TestWritesDuringSyncWaitForIt holds a WAL sync and checks that the
// writes arriving meanwhile are not committed one by one but wait, and are
// committed together and made durable by the next sync once it ends.
func TestWritesDuringSyncWaitForIt(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "w.db"), sqlstore.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var syncs atomic.Int32
	inSync := make(chan struct{})
	release := make(chan struct{})
	var releaseOnce sync.Once
	free := func() { releaseOnce.Do(func() { close(release) }) }
	defer free() // before Close, which waits for the held sync
	st.WrapSyncForTest(func(sync func() error) error {
		if syncs.Add(1) == 1 {
			close(inSync)
			<-release
		}
		return sync()
	})
	put := func(key string) error {
		return st.WriteForTest(ctx, func(ctx context.Context, exec func(string, ...any) error) error {
			return exec(`INSERT INTO meta (key, value) VALUES (?, 'x')`, key)
		})
	}
	first := make(chan error, 1)
	go func() { first <- put("first") }()
	<-inSync // "first" is committed, its sync held

	const n = 5
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = put(fmt.Sprintf("k%d", i))
		}()
	}
	// The committer holds one of them and waits for the sync; the others
	// stay queued (without the wait they would be committed as they come).
	deadline := time.Now().Add(5 * time.Second)
	for st.QueueLen() < n-1 {
		if time.Now().After(deadline) {
			t.Fatalf("%d writes queued during the sync, want %d", st.QueueLen(), n-1)
		}
		runtime.Gosched()
	}
	select {
	case err := <-first:
		t.Fatalf("write acknowledged before its sync ended: %v", err)
	default:
	}
	free()
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	if got := syncs.Load(); got != 2 {
		t.Errorf("%d syncs, want 2: one for the first write, one for the group that waited", got)
	}
	var count int
	if err := st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM meta WHERE value = 'x'`).Scan(&count); err != nil {
		t.Fatal(err)
	}
	if count != n+1 {
		t.Errorf("%d rows written, want %d", count, n+1)
	}
}
