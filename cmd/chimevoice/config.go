package main

import (
	"crypto/tls"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/chimevoice/chimevoice"
	"github.com/chimevoice/chimevoice/httpapi"
	"github.com/chimevoice/chimevoice/internal/httpx"
)

// Config is the serve command's configuration. Every flag can also be set
// with the environment variable CHIMEVOICE_<FLAG> (dashes as underscores);
// a flag on the command line wins.
type Config struct {
	Listen            string
	Data              string
	DatabaseURL       string
	Credentials       string
	DeletionRetention time.Duration
	OrderLatency      time.Duration
	RateLimit         float64
	MaxPhoneNumbers   int
	NumberPool        string
	AdminToken        string
	LogFormat         string
	LogLevel          string
	WorkerInterval    time.Duration
	RequestTimeout    time.Duration
	MaxConnections    int
	PublicURL         string
	TrustForwarded    bool
	TLSCert           string
	TLSKey            string
	LambdaEndpoint    string // calls.go
	LambdaURL         string // calls.go
	// Dev is the development emulator mode (dev.go): off, on, or auto.
	Dev devMode
	// State is a snapshot to import into an empty store at start.
	State string
}

// DefaultConfig is the zero-setup configuration: loopback, SQLite in ./chimevoice.db.
func DefaultConfig() Config {
	return Config{
		Listen:            "127.0.0.1:8080",
		Data:              "chimevoice.db",
		DeletionRetention: chimevoice.DefaultRetention,
		LogFormat:         "text",
		LogLevel:          "info",
		WorkerInterval:    time.Second,
		RequestTimeout:    10 * time.Second,
		MaxConnections:    httpx.DefaultLimits().MaxConnections,
	}
}

func (c Config) storeName() string {
	if c.DatabaseURL != "" {
		if u, err := url.Parse(c.DatabaseURL); err == nil {
			u.User = nil // never print a password
			return u.String()
		}
		return "postgres"
	}
	return "sqlite " + c.Data
}

// serveCommand describes the serve command for its usage text.
var serveCommand = command{name: "serve", synopsis: "[flags]", env: true, about: `
Serve the Amazon Chime SDK Voice (and legacy Amazon Chime) phone-number API.
Without flags: http://127.0.0.1:8080, data in ./chimevoice.db, the
development credential test/test.`}

// Parse reads flags from args over environment values from lookup; help
// goes to stdout.
func (c *Config) Parse(args []string, lookup func(string) (string, bool), stderr io.Writer, stdout ...io.Writer) error {
	fs := newFlagSet(serveCommand, stderr)
	c.define(fs, lookup)
	if err := parseFlags(fs, args, lookup, stdout...); err != nil {
		return err
	}
	if _, err := c.lambda(); err != nil {
		return asUsage(err)
	}
	if c.MaxConnections < 1 {
		return usagef("--max-connections must be at least 1, got %d", c.MaxConnections)
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return usagef("--tls-cert and --tls-key go together: give both or neither")
	}
	if c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
			return usagef("--public-url must be an http:// or https:// URL with a host, got %q", c.PublicURL)
		}
	}
	return asUsage(c.validate())
}

// define defines the serve flags on fs.
func (c *Config) define(fs *flag.FlagSet, lookup func(string) (string, bool)) {
	fs.StringVar(&c.Listen, "listen", c.Listen, "address to listen on (host:port; :0 picks a free port)")
	fs.StringVar(&c.Data, "data", c.Data, "SQLite database `file`; \":memory:\" for a throwaway store")
	fs.StringVar(&c.DatabaseURL, "database-url", c.DatabaseURL, "postgres://... `URL` to use PostgreSQL instead of SQLite")
	fs.StringVar(&c.Credentials, "credentials", c.Credentials, "YAML credentials `file` (default: the development credential test/test, account 000000000000)")
	durationVar(fs, &c.DeletionRetention, "deletion-retention", c.DeletionRetention, "how long deleted numbers stay in the Deletion queue")
	durationVar(fs, &c.OrderLatency, "order-latency", c.OrderLatency, "how long orders (and calling-name updates) stay in progress")
	fs.Float64Var(&c.RateLimit, "rate-limit", c.RateLimit, "requests per second per account, burst twice that; 0 = off")
	fs.IntVar(&c.MaxPhoneNumbers, "max-phone-numbers", c.MaxPhoneNumbers, "phone numbers per account, Deletion queue excluded; 0 = unlimited")
	fs.StringVar(&c.NumberPool, "number-pool", c.NumberPool, "CSV `file` of carrier numbers to import into the pool at start")
	fs.StringVar(&c.State, "state", c.State, "state snapshot `file` to import at start when the store is empty (validated, all or nothing)")
	fs.StringVar(&c.AdminToken, "admin-token", c.AdminToken, "bearer `token` for the admin API from non-loopback clients")
	fs.Var(&c.Dev, "dev", "development emulator: serve test/test and the admin API on any address (true, false or auto: on unless a credentials file exists or an admin token is set)")
	fs.StringVar(&c.LogFormat, "log-format", c.LogFormat, "log format: text or json")
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "log level: debug, info, warn or error")
	durationVar(fs, &c.RequestTimeout, "request-timeout", c.RequestTimeout, "longest an API request may take before it answers 503; 0 = no limit")
	fs.StringVar(&c.PublicURL, "public-url", c.PublicURL, "the `URL` clients reach the server at (https://... behind a TLS proxy): its host is accepted in Host by the admin API, metrics and console, and https makes console cookies Secure")
	fs.BoolVar(&c.TrustForwarded, "trust-forwarded", c.TrustForwarded, "trust X-Forwarded-Proto (https makes console cookies Secure) and X-Forwarded-For (the client address console sign-in throttling counts) from the proxy in front")
	fs.StringVar(&c.TLSCert, "tls-cert", c.TLSCert, "PEM certificate (chain) `file`: serve HTTPS instead of HTTP (with --tls-key)")
	fs.StringVar(&c.TLSKey, "tls-key", c.TLSKey, "PEM private key `file` of --tls-cert")
	fs.IntVar(&c.MaxConnections, "max-connections", c.MaxConnections, "connections open at once; at the cap the oldest connection not in a request is closed")
	c.lambdaFlags(fs, lookup)
}

// limits are the HTTP server's limits: the defaults and the connection cap.
func (c Config) limits() httpx.Limits {
	l := httpx.DefaultLimits()
	l.MaxConnections = c.MaxConnections
	l.Malformed = httpapi.Malformed
	return l
}

// tlsConfig loads the certificate of --tls-cert and --tls-key; nil
// without them (plain HTTP).
func (c Config) tlsConfig() (*tls.Config, error) {
	if c.TLSCert == "" {
		return nil, nil
	}
	cert, err := tls.LoadX509KeyPair(c.TLSCert, c.TLSKey)
	if err != nil {
		return nil, fmt.Errorf("--tls-cert/--tls-key: %w", err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}

// guard configures the cross-site and DNS-rebinding guard of the admin
// API, metrics and console.
func (c Config) guard() httpapi.GuardOptions {
	o := httpapi.GuardOptions{AdminToken: c.AdminToken}
	if u, err := url.Parse(c.PublicURL); err == nil && u.Hostname() != "" {
		o.Hosts = append(o.Hosts, u.Hostname())
	}
	return o
}

// ParseMigrate reads the flags of the migrate command, which names only a store.
func (c *Config) ParseMigrate(args []string, lookup func(string) (string, bool), stderr io.Writer, stdout ...io.Writer) error {
	fs := newFlagSet(command{name: "migrate", synopsis: "[--data FILE | --database-url URL]", env: true,
		about: "Apply the database migrations, then exit (serve applies them too, under the same lock)."}, stderr)
	fs.StringVar(&c.Data, "data", c.Data, "SQLite database `file`")
	fs.StringVar(&c.DatabaseURL, "database-url", c.DatabaseURL, "postgres://... `URL` to migrate a PostgreSQL database instead")
	if err := parseFlags(fs, args, lookup, stdout...); err != nil {
		return err
	}
	return asUsage(c.validate())
}

// parseFlags sets the flags of fs from CHIMEVOICE_<FLAG> environment
// values, then from args, so that the command line wins. It refuses
// positional arguments. Help goes to stdout when given, else to stderr.
func parseFlags(fs *flag.FlagSet, args []string, lookup func(string) (string, bool), stdout ...io.Writer) error {
	if err := setFromEnv(fs, lookup); err != nil {
		return asUsage(err)
	}
	out := fs.Output()
	if len(stdout) > 0 {
		out = stdout[0]
	}
	if err := parseArgs(fs, args, out); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	return nil
}

// setFromEnv sets each flag of fs that has a CHIMEVOICE_<FLAG> value
// (dashes as underscores).
func setFromEnv(fs *flag.FlagSet, lookup func(string) (string, bool)) error {
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		name := envName(f.Name)
		if v, ok := lookup(name); ok && envErr == nil {
			if err := f.Value.Set(v); err != nil {
				envErr = fmt.Errorf("%s=%q: %w", name, v, err)
			}
		}
	})
	return envErr
}

func (c *Config) validate() error {
	switch {
	case c.DeletionRetention <= 0:
		return fmt.Errorf("--deletion-retention must be positive, got %s", c.DeletionRetention)
	case c.OrderLatency < 0:
		return fmt.Errorf("--order-latency must not be negative, got %s", c.OrderLatency)
	case c.RateLimit < 0:
		return fmt.Errorf("--rate-limit must not be negative, got %g", c.RateLimit)
	case c.RequestTimeout < 0:
		return fmt.Errorf("--request-timeout must not be negative, got %s", c.RequestTimeout)
	case c.MaxPhoneNumbers < 0:
		return fmt.Errorf("--max-phone-numbers must not be negative, got %d", c.MaxPhoneNumbers)
	case c.LogFormat != "text" && c.LogFormat != "json":
		return fmt.Errorf("--log-format must be text or json, got %q", c.LogFormat)
	case c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://"):
		return fmt.Errorf("--database-url must be a postgres:// URL")
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return fmt.Errorf("--log-level must be debug, info, warn or error, got %q", c.LogLevel)
	}
	return nil
}
