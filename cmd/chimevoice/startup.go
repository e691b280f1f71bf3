package main

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/chimevoice/chimevoice/sqlstore"
)

// switchHandler serves the handler stored last: a 503 while the store is
// not open, then the API and console.
type switchHandler struct{ h atomic.Pointer[http.Handler] }

func (s *switchHandler) Store(h http.Handler) { s.h.Store(&h) }

func (s *switchHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	(*s.h.Load()).ServeHTTP(w, r)
}

// openAndStart opens the store, imports the number pool, starts the
// worker and switches the front handler to what build makes of the store.
func (m *Main) openAndStart(ctx context.Context, cfg sqlstore.Config, build func(*sqlstore.Store) (http.Handler, error)) error {
	st, closer, err := m.openStore(ctx, cfg)
	if err != nil {
		return err
	}
	if m.Config.NumberPool != "" {
		if err := m.importNumberPool(ctx, st); err != nil {
			return noRetry{errors.Join(err, closer.Close())}
		}
	}
	if m.Config.State != "" {
		if err := m.importStartState(ctx, st); err != nil {
			return noRetry{errors.Join(err, closer.Close())}
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	select {
	case <-m.stop: // closed while opening
		return errors.Join(errors.New("closed while opening the store"), closer.Close())
	default:
	}
	h, err := build(st)
	if err != nil {
		return noRetry{errors.Join(err, closer.Close())}
	}
	m.store, m.closer = st, closer
	m.front.Store(h)
	workerCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	m.wg.Go(func() {
		defer cancel()
		go func() { <-m.stop; cancel() }()
		st.RunWorker(workerCtx, m.Config.WorkerInterval)
	})
	return nil
}

// noRetry marks a start failure that retrying cannot mend.
type noRetry struct{ error }

func (e noRetry) Unwrap() error { return e.error }

// Start retries back off from startRetryMin to startRetryMax.
const (
	startRetryMin = 250 * time.Millisecond
	startRetryMax = 5 * time.Second
)

// retryStart opens the store until it succeeds or Close is called.
func (m *Main) retryStart(cfg sqlstore.Config, build func(*sqlstore.Store) (http.Handler, error)) {
	wait := startRetryMin
	for attempt := 2; ; attempt++ {
		t := time.NewTimer(wait)
		select {
		case <-m.stop:
			t.Stop()
			return
		case <-t.C:
		}
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			select {
			case <-m.stop:
				cancel()
			case <-ctx.Done():
			}
		}()
		err := m.openAndStart(ctx, cfg, build)
		cancel()
		if err == nil {
			m.Logger.Info("database reachable: serving", "attempt", attempt)
			return
		}
		if errors.As(err, new(noRetry)) {
			m.Logger.Error("cannot start: serving 503 until restarted", "err", err)
			return
		}
		m.Logger.Warn("database still unavailable", "attempt", attempt, "err", err)
		wait = min(2*wait, startRetryMax)
	}
}
