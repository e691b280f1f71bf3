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
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/chimevoice/chimevoice"
	"github.com/chimevoice/chimevoice/httpapi"
	"github.com/chimevoice/chimevoice/internal/httpx"
	"github.com/chimevoice/chimevoice/model"
	"github.com/chimevoice/chimevoice/pool"
	"github.com/chimevoice/chimevoice/postgres"
	"github.com/chimevoice/chimevoice/server"
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

// serverGCPercent is the server's GOGC unless the environment sets one.
// Its live heap is a few megabytes and every request allocates, so at Go's
// default of 100 it collected many times a second, each cycle stalling the
// single SQLite writer with mark assists: 200 gave 16–25 % more
// BatchDeletePhoneNumber throughput at 25 numbers per request for ~5 MB
// more resident memory after the load (BENCHMARKS.md, "One Deletion queue
// index, the primary key, fewer collections").
const serverGCPercent = 200

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := DefaultConfig()
	if err := cfg.Parse(args, os.LookupEnv, stderr, stdout); err != nil {
		return err
	}
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(serverGCPercent)
	}
	m := NewMain(cfg)
	m.Logger = newLogger(cfg, stderr)
	if err := m.Run(ctx); err != nil {
		return err
	}
	fmt.Fprint(stdout, banner(cfg, m.URL()))
	m.printStart(ctx, stdout)
	<-ctx.Done()
	m.Logger.Info("shutting down")
	return m.Close()
}

// banner is what serve prints once listening: the development credential
// only when it is the one in use.
func banner(cfg Config, url string) string {
	b := fmt.Sprintf("chimevoice %s listening on %s (store: %s)\n", chimevoice.Version, url, cfg.storeName())
	if cfg.Credentials != "" {
		b += fmt.Sprintf("  credentials: the keys of %s\n", cfg.Credentials)
	} else {
		b += "  export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1\n"
	}
	return b + fmt.Sprintf("  aws chime-sdk-voice list-phone-numbers --endpoint-url %s\n", url)
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

	mu     sync.Mutex
	store  *sqlstore.Store
	closer io.Closer // closes the store and what the backend holds besides
	ln     net.Listener
	srv    *httpx.Serve
	front  *switchHandler // 503 until the store is open, then the API and console
	stop   chan struct{}  // closed by Close: stops the worker and start retries
	wg     sync.WaitGroup
	// emulator is why the server runs as a development emulator ("" when not).
	emulator string
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
	tlsConfig, err := m.Config.tlsConfig()
	if err != nil {
		return err
	}
	lambda, err := m.Config.lambda()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", m.Config.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", m.Config.Listen, err)
	}
	if err := sigv4.CheckExposure(ln.Addr(), creds, dev); err != nil {
		ln.Close()
		return fmt.Errorf("%w (--dev for a development emulator)", err)
	}
	if dev {
		m.emulator = why
	}
	// The models are built while the store opens: on two cores that hides
	// the shorter of the two from the start-up time.
	type loaded struct {
		api *model.API
		err error
	}
	models := make(chan loaded, 1)
	go func() {
		api, err := model.Load()
		models <- loaded{api, err}
	}()
	storeCfg := sqlstore.Config{
		Retention:       m.Config.DeletionRetention,
		OrderLatency:    m.Config.OrderLatency,
		MaxPhoneNumbers: m.Config.MaxPhoneNumbers,
		Clock:           m.Clock,
		Pool:            pool.New(),
		Logger:          m.Logger,
	}
	m.ln = ln
	m.stop = make(chan struct{})
	m.front = &switchHandler{}
	loadModels := sync.OnceValues(func() (*model.API, error) { l := <-models; return l.api, l.err })
	build := func(st *sqlstore.Store) (http.Handler, error) {
		api, err := loadModels()
		if err != nil {
			return nil, fmt.Errorf("load service models: %w", err)
		}
		h, err := server.Open(st, lambda, server.Config{
			API:            api,
			Credentials:    creds,
			AdminToken:     m.Config.AdminToken,
			RateLimit:      m.Config.RateLimit,
			RequestTimeout: m.Config.RequestTimeout,
			Retention:      m.Config.DeletionRetention,
			RealClock:      m.RealClock,
			Logger:         m.Logger,
			PublicURL:      m.Config.PublicURL,
			TrustForwarded: m.Config.TrustForwarded,
			OpenAdmin:      dev,
		})
		if err != nil {
			return nil, err
		}
		m.wg.Go(func() { m.runCalls(h.Calls) })
		return frontDoor(h), nil
	}
	if err := m.openAndStart(ctx, storeCfg, build); err != nil {
		if m.Config.DatabaseURL == "" || errors.As(err, new(noRetry)) {
			ln.Close()
			return err
		}
		// PostgreSQL may come up after chimevoice (a compose file, a
		// cluster restarting): serve 503 until it answers.
		m.Logger.Warn("database unavailable at start: answering 503 and retrying", "err", err)
		m.front.Store(httpapi.Unavailable("The database is not reachable yet; chimevoice retries and becomes ready by itself."))
		m.wg.Go(func() { m.retryStart(storeCfg, build) })
	}
	limits := m.Config.limits()
	if fit := httpx.FitFileLimit(limits.MaxConnections); fit < limits.MaxConnections {
		m.Logger.Warn("--max-connections lowered to fit the open-file limit", "max_connections", fit, "asked", limits.MaxConnections, "file_limit", httpx.FileLimit())
		limits.MaxConnections = fit
	}
	m.srv = httpx.NewServer(ln, m.front, limits, tlsConfig, slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn))
	m.wg.Go(func() {
		if err := m.srv.Run(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.Logger.Error("server stopped", "err", err)
		}
	})
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

// URL is the server's base URL: https with --tls-cert.
func (m *Main) URL() string {
	if m.Config.TLSCert != "" {
		return "https://" + m.Addr()
	}
	return "http://" + m.Addr()
}

// Store is the open store (nil while the database is not reachable).
func (m *Main) Store() *sqlstore.Store {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.store
}

// Close stops accepting, lets in-flight requests finish (up to 30 s), stops
// the workers and closes the store.
func (m *Main) Close() error {
	if m.srv == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := m.srv.Server.Shutdown(ctx)
	close(m.stop)
	m.wg.Wait()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closer != nil {
		err = errors.Join(err, m.closer.Close())
	}
	return err
}
