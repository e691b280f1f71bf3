package sqlstore_test

import (
	"context"
	"errors"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/chimevoice/chimevoice/sqlite"
	"github.com/chimevoice/chimevoice/sqlstore"
)

// TestGroupCommitKeepsRequestsAllOrNothing puts several writes in one group
// commit, one of which fails after changing rows: its changes must vanish
// and the others' must all be committed.
func TestGroupCommitKeepsRequestsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "g.db"), sqlstore.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	put := func(key string) func(ctx context.Context, exec func(string, ...any) error) error {
		return func(ctx context.Context, exec func(string, ...any) error) error {
			return exec(`INSERT INTO meta (key, value) VALUES (?, 'x')`, key)
		}
	}
	boom := errors.New("boom")

	// Hold the committer so that the next writes queue up into one group.
	release := make(chan struct{})
	holding := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		st.WriteForTest(ctx, func(ctx context.Context, exec func(string, ...any) error) error {
			close(holding)
			<-release
			return exec(`INSERT INTO meta (key, value) VALUES ('first', 'x')`)
		})
	}()
	<-holding
	results := make([]error, 4)
	jobs := []func(context.Context, func(string, ...any) error) error{
		put("a"),
		func(ctx context.Context, exec func(string, ...any) error) error {
			if err := exec(`INSERT INTO meta (key, value) VALUES ('b1', 'x')`); err != nil {
				return err
			}
			if err := exec(`INSERT INTO meta (key, value) VALUES ('b2', 'x')`); err != nil {
				return err
			}
			return boom // fails after writing
		},
		func(ctx context.Context, exec func(string, ...any) error) error {
			return exec(`INSERT INTO meta (key, value) VALUES ('first', 'dup')`) // unique violation: committed by the first group
		},
		put("c"),
	}
	for i, fn := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = st.WriteForTest(ctx, fn)
		}()
	}
	// Let the queued writes pile up, then release the committer.
	for st.QueueLen() < len(jobs) {
		runtime.Gosched()
	}
	close(release)
	wg.Wait()

	if results[0] != nil || results[3] != nil {
		t.Fatalf("good writes failed: %v, %v", results[0], results[3])
	}
	if !errors.Is(results[1], boom) {
		t.Fatalf("failing write: %v", results[1])
	}
	if results[2] == nil {
		t.Fatalf("duplicate key accepted")
	}
	for key, want := range map[string]bool{"first": true, "a": true, "b1": false, "b2": false, "c": true} {
		var n int
		if err := st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM meta WHERE key = ?`, key).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if (n == 1) != want {
			t.Errorf("key %s: present %v, want %v", key, n == 1, want)
		}
	}
}
