// Command chimevoice serves the phone-number API of Amazon Chime SDK Voice
// (and of the legacy Amazon Chime API) for tests, CI and operators.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/chimevoice/chimevoice"
	"github.com/chimevoice/chimevoice/console"
	"github.com/chimevoice/chimevoice/httpapi"
	"github.com/chimevoice/chimevoice/metrics"
	"github.com/chimevoice/chimevoice/model"
	"github.com/chimevoice/chimevoice/pool"
	"github.com/chimevoice/chimevoice/postgres"
	"github.com/chimevoice/chimevoice/sigv4"
	"github.com/chimevoice/chimevoice/sqlite"
	"github.com/chimevoice/chimevoice/sqlstore"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		os.Exit(exitCode(err, os.Stderr))
	}
}

const usage = `chimevoice — the Amazon Chime SDK Voice phone-number API, self-hosted.

Usage:
  chimevoice [serve] [flags]   serve the API (the default command)
  chimevoice healthcheck       ask a running server whether it is healthy (exit 0 or 1)
  chimevoice state ...         export, import or reset the whole state ("chimevoice state help")
  chimevoice pool ...          import or clear a carrier's number pool ("chimevoice pool help")
  chimevoice migrate [--data FILE | --database-url URL]
                               apply the database migrations, then exit
  chimevoice bench [flags]     load an endpoint and report throughput and latency
  chimevoice version           print the version (also --version)
  chimevoice help [COMMAND]    this help, or a command's ("chimevoice COMMAND -h")

Every flag of serve, migrate, pool and state can also be set with an
environment variable CHIMEVOICE_<FLAG> (dashes as underscores, e.g.
CHIMEVOICE_DELETION_RETENTION=7d); the flag wins. Durations take days (7d).
Exit status: 0 done, 1 failed, 2 bad command line.
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	} else if len(args) > 0 { // no command: top-level flags, or serve's
		switch {
		case slices.Contains(helpFlags, args[0]):
			printTopUsage(stdout) // every command, then serve's flags
			return flag.ErrHelp
		case args[0] == "--version" || args[0] == "-version":
			cmd, args = "version", nil
		}
	}
	switch {
	case cmd == "help" && len(args) > 0:
		cmd, args = args[0], []string{"--help"} // "chimevoice help pool"
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, stdout, stderr)
	case "migrate":
		return migrate(ctx, args, stdout, stderr)
	case "healthcheck":
		return healthcheckCmd(ctx, args, os.LookupEnv, stdout, stderr)
	case "version":
		if len(args) > 0 && !wantsHelp(args) {
			return usagef("version takes no arguments")
		}
		fmt.Fprintln(stdout, "chimevoice", chimevoice.Version)
		return nil
	case "pool":
		return poolCommand(ctx, args, stdout, stderr)
	case "state":
		return stateCommand(ctx, args, stdout, stderr)
	case "bench":
		return benchCmd(ctx, args, stdout, stderr)
	case "help":
		printTopUsage(stdout)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return &usageError{err: fmt.Errorf("unknown command %q", cmd), printed: false}
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := DefaultConfig()
	if err := cfg.Parse(args, os.LookupEnv, stderr, stdout); err != nil {
		return err
	}
	m := NewMain(cfg)
	m.Logger = newLogger(cfg, stderr)
	if err := m.Run(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "chimevoice %s listening on http://%s (store: %s)\n", chimevoice.Version, m.Addr(), cfg.storeName())
	m.printStart(ctx, stdout)
	<-ctx.Done()
	m.Logger.Info("shutting down")
	return m.Close()
}

// migrate applies the migrations and exits: for deployments that migrate
// in a release step before starting new replicas (serve migrates too, under
// the same lock, so running it is optional).
func migrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := DefaultConfig()
	if err := cfg.ParseMigrate(args, os.LookupEnv, stderr, stdout); err != nil {
		return err
	}
	m := NewMain(cfg)
	m.Logger = newLogger(cfg, stderr)
	_, closer, err := m.openStore(ctx, sqlstore.Config{Clock: m.Clock, Logger: m.Logger})
	if err != nil {
		return err
	}
	if err := closer.Close(); err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	fmt.Fprintf(stdout, "chimevoice %s: %s is at schema version %d\n", chimevoice.Version, cfg.storeName(), sqlstore.SchemaVersion())
	return nil
}

func newLogger(cfg Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel)) // validated by Parse
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// Main is the whole program, startable from tests on port 0.
type Main struct {
	Config Config
	Logger *slog.Logger
	// Clock is the base clock (real time unless a test injects one); the
	// service clock adds the offset the admin API stores.
	Clock chimevoice.Clock
	// RealClock is used for the SigV4 date check.
	RealClock func() time.Time

	store  *sqlstore.Store
	closer io.Closer // closes the store and what the backend holds besides
	ln     net.Listener
	srv    *http.Server
	cancel context.CancelFunc
	done   chan struct{}
	// emulator is why the server runs as a development emulator ("" when not).
	emulator string
	// devCredential is whether test/test signs in.
	devCredential bool
}

// NewMain returns a Main for cfg.
func NewMain(cfg Config) *Main {
	return &Main{Config: cfg, Logger: slog.New(slog.DiscardHandler), Clock: chimevoice.ClockFunc(time.Now), RealClock: time.Now}
}

// Run opens the store and starts serving; it returns once the listener is up.
func (m *Main) Run(ctx context.Context) error {
	dev, why, err := m.Config.emulator()
	if err != nil {
		return err
	}
	creds := []sigv4.Credential{sigv4.DevCredential()}
	if m.Config.Credentials != "" {
		var err error
		if creds, err = sigv4.LoadFile(m.Config.Credentials); err != nil {
			return fmt.Errorf("credentials: %w", err)
		}
	}
	ln, err := net.Listen("tcp", m.Config.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", m.Config.Listen, err)
	}
	if err := checkExposure(ln.Addr(), creds); err != nil && !dev {
		ln.Close()
		return fmt.Errorf("%w (or --dev for a development emulator)", err)
	}
	api, err := model.Load()
	if err != nil {
		ln.Close()
		return fmt.Errorf("load service models: %w", err)
	}
	storeCfg := sqlstore.Config{
		Retention:       m.Config.DeletionRetention,
		OrderLatency:    m.Config.OrderLatency,
		MaxPhoneNumbers: m.Config.MaxPhoneNumbers,
		Clock:           m.Clock,
		Pool:            pool.New(),
		Logger:          m.Logger,
	}
	st, closer, err := m.openStore(ctx, storeCfg)
	if err != nil {
		ln.Close()
		return err
	}
	if m.Config.NumberPool != "" {
		if err := m.importNumberPool(ctx, st); err != nil {
			ln.Close()
			return errors.Join(err, closer.Close())
		}
	}
	if m.Config.State != "" {
		if err := m.importStartState(ctx, st); err != nil {
			ln.Close()
			return errors.Join(err, closer.Close())
		}
	}
	if dev {
		m.emulator = why
	}
	m.devCredential = slices.ContainsFunc(creds, func(c sigv4.Credential) bool {
		return c.AccessKeyID == "test" && c.SecretAccessKey == "test"
	})
	m.store, m.closer, m.ln = st, closer, ln
	handler := httpapi.New(api, httpapi.Services{Numbers: st, Orders: st, Admin: st, VoiceConnectors: st, SipMedia: st, Tags: st, Accounts: st, Settings: st}, httpapi.Options{
		Verifier:       sigv4.NewVerifier(creds, m.RealClock),
		RateLimit:      m.Config.RateLimit,
		AdminToken:     m.Config.AdminToken,
		Logger:         m.Logger,
		RequestTimeout: m.Config.RequestTimeout,
		OpenAdmin:      dev,
	})
	handler.EnableOps(httpapi.Ops{Metrics: metrics.New(st, m.Logger), State: st})
	cons := console.New(console.Services{Numbers: st, Orders: st, Admin: st, VoiceConnectors: st}, console.Options{
		Credentials: creds,
		AdminToken:  m.Config.AdminToken,
		Retention:   m.Config.DeletionRetention,
		Logger:      m.Logger,
	})
	m.srv = &http.Server{
		Handler:           frontDoor(cons.Wrap(handler)),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn),
	}
	workerCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	m.cancel = cancel
	m.done = make(chan struct{}, 2)
	go func() {
		st.RunWorker(workerCtx, m.Config.WorkerInterval)
		m.done <- struct{}{}
	}()
	go func() {
		if err := m.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.Logger.Error("server stopped", "err", err)
		}
		m.done <- struct{}{}
	}()
	m.Logger.Info("serving", "addr", ln.Addr().String(), "store", m.Config.storeName())
	return nil
}

func (m *Main) openStore(ctx context.Context, cfg sqlstore.Config) (*sqlstore.Store, io.Closer, error) {
	if m.Config.DatabaseURL != "" {
		st, err := postgres.Open(ctx, m.Config.DatabaseURL, cfg)
		if err != nil {
			return nil, nil, fmt.Errorf("open store: %w", err)
		}
		return st, st, nil
	}
	st, err := sqlite.Open(ctx, m.Config.Data, cfg)
	if err != nil {
		return nil, nil, fmt.Errorf("open store: %w", err)
	}
	return st.Store, st, nil
}

// Addr is the address the server listens on.
func (m *Main) Addr() string { return m.ln.Addr().String() }

// URL is the server's base URL.
func (m *Main) URL() string { return "http://" + m.Addr() }

// Store is the open store.
func (m *Main) Store() *sqlstore.Store { return m.store }

// Close stops accepting, lets in-flight requests finish (up to 30 s), stops
// the workers and closes the store.
func (m *Main) Close() error {
	if m.srv == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := m.srv.Shutdown(ctx)
	m.cancel()
	<-m.done
	<-m.done
	return errors.Join(err, m.closer.Close())
}

// checkExposure refuses to serve beyond loopback when the only credential is
// the publicly known development one.
func checkExposure(addr net.Addr, creds []sigv4.Credential) error {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok || tcp.IP.IsLoopback() {
		return nil
	}
	dev := sigv4.DevCredential()
	for _, c := range creds {
		if c.AccessKeyID != dev.AccessKeyID || c.SecretAccessKey != dev.SecretAccessKey {
			return nil
		}
	}
	return fmt.Errorf("refusing to listen on %s with only the development credential test/test: pass --credentials FILE, or listen on 127.0.0.1", addr)
}
