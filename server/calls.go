package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/chimevoice/chimevoice"
	"github.com/chimevoice/chimevoice/lambdainvoke"
	"github.com/chimevoice/chimevoice/metrics"
	"github.com/chimevoice/chimevoice/pstn"
)

// Store is a store that serves everything, calls included: the store's
// own services, its service clock, and what the call engine needs of it
// (routing and keeping calls). *sqlstore.Store is one.
type Store interface {
	Services() chimevoice.Services
	Now(ctx context.Context) (time.Time, error)
	pstn.Router
	pstn.Store
}

// Open builds every service on st — the store's own, and the PSTN audio
// engine (package pstn) keeping calls in st, on its service clock, invoking
// SIP media application handlers as lambda configures — and the handler on
// them. The binary and the test harness both call it, so that there is one
// wiring.
func Open(st Store, lambda lambdainvoke.Config, cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	svc := st.Services()
	inv, err := lambdainvoke.New(lambda)
	if err != nil {
		return nil, fmt.Errorf("lambda invoker: %w", err)
	}
	m := metrics.New(svc.Stats, cfg.Logger)
	svc.Calls = pstn.New(st, st, inv, serviceClock(st, cfg.Logger), pstn.Options{Logger: cfg.Logger, Observer: m})
	return build(svc, cfg, m)
}

// clockTimeout bounds one read of the service clock (a query of the stored
// offset on a shared database).
const clockTimeout = 5 * time.Second

// serviceClock is st's service clock as a chimevoice.Clock. When the store
// cannot tell the time (the database is down) it logs the error and keeps
// the last time it read, so that a call's times never go backwards; the
// store refuses the call's writes meanwhile anyway.
func serviceClock(st Store, log *slog.Logger) chimevoice.Clock {
	var mu sync.Mutex
	var last time.Time
	return chimevoice.ClockFunc(func() time.Time {
		ctx, cancel := context.WithTimeout(context.Background(), clockTimeout)
		defer cancel()
		now, err := st.Now(ctx)
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			log.Warn("read the service clock", "err", err)
			if last.IsZero() {
				return time.Now().UTC()
			}
			return last
		}
		if now.After(last) {
			last = now
		}
		return last
	})
}

// RunCalls runs the calls' due timers every interval until ctx ends, so
// that calls progress in real time. (Moving the clock through the admin
// API runs them at once.)
func RunCalls(ctx context.Context, calls chimevoice.CallService, interval time.Duration, log *slog.Logger) {
	if interval <= 0 {
		interval = time.Second
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := calls.RunDue(ctx); err != nil && !errors.Is(err, context.Canceled) {
			log.Warn("run due calls", "err", err)
		}
	}
}
