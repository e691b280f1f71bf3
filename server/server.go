// Package server builds chimevoice's whole HTTP handler once: the AWS API
// and the admin API (httpapi), Prometheus metrics and the web console, all
// on one set of domain services. The binary and the test harness both call
// New, so that what tests serve is what users run.
package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/chimevoice/chimevoice"
	"github.com/chimevoice/chimevoice/console"
	"github.com/chimevoice/chimevoice/httpapi"
	"github.com/chimevoice/chimevoice/metrics"
	"github.com/chimevoice/chimevoice/model"
	"github.com/chimevoice/chimevoice/sigv4"
)

// Config configures the handler. Zero values are the binary's defaults.
type Config struct {
	// API is the merged service model (model.Load when nil).
	API *model.API
	// Credentials are the access keys of the API and the console (the
	// development credential test/test when empty).
	Credentials []sigv4.Credential
	// AdminToken is the bearer token of the admin API and the console
	// for non-loopback clients ("" = loopback only).
	AdminToken string
	// RateLimit is requests per second per account (0 = off).
	RateLimit float64
	// RequestTimeout bounds each API request (0 = none).
	RequestTimeout time.Duration
	// Retention is the Deletion queue's retention, which the console shows
	// (chimevoice.DefaultRetention when 0).
	Retention time.Duration
	// RealClock is the wall clock of SigV4's date check and console
	// sessions (time.Now when nil); never the service clock.
	RealClock func() time.Time
	// LimiterClock is the clock the rate limiter runs on (RealClock when
	// nil); tests freeze it to make throttling exact.
	LimiterClock func() time.Time
	Logger       *slog.Logger
	// PublicURL is the URL browsers use (--public-url): its host is
	// accepted by the cross-site guard, and https makes console cookies
	// Secure.
	PublicURL string
	// TrustForwarded trusts the proxy's X-Forwarded-Proto and
	// X-Forwarded-For in the console.
	TrustForwarded bool
	// OpenAdmin lets every client use the admin API: the development
	// emulator, whose published port is the only way in.
	OpenAdmin bool
}

// Server is the whole handler, with its parts for callers that inspect them.
type Server struct {
	http.Handler
	API     *httpapi.Server
	Metrics *metrics.Metrics
	// Calls is the call service the handler serves (its RunDue runs the
	// calls' timers: see RunCalls).
	Calls chimevoice.CallService
}

// New builds the handler on svc, every service of which must be set.
func New(svc chimevoice.Services, cfg Config) (*Server, error) {
	return build(svc, cfg, nil)
}

// build is New with the metrics made already (nil: made here).
func build(svc chimevoice.Services, cfg Config, m *metrics.Metrics) (*Server, error) {
	if err := svc.Check(); err != nil {
		return nil, err
	}
	if cfg.API == nil {
		api, err := model.Load()
		if err != nil {
			return nil, fmt.Errorf("load service models: %w", err)
		}
		cfg.API = api
	}
	if len(cfg.Credentials) == 0 {
		cfg.Credentials = []sigv4.Credential{sigv4.DevCredential()}
	}
	if cfg.RealClock == nil {
		cfg.RealClock = time.Now
	}
	if cfg.LimiterClock == nil {
		cfg.LimiterClock = cfg.RealClock
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if m == nil {
		m = metrics.New(svc.Stats, cfg.Logger)
	}
	api, err := httpapi.New(cfg.API, svc, httpapi.Options{
		Verifier:       sigv4.NewVerifier(cfg.Credentials, cfg.RealClock),
		RateLimit:      cfg.RateLimit,
		AdminToken:     cfg.AdminToken,
		Logger:         cfg.Logger,
		Now:            cfg.LimiterClock,
		RequestTimeout: cfg.RequestTimeout,
		Metrics:        m,
		OpenAdmin:      cfg.OpenAdmin,
	})
	if err != nil {
		return nil, errors.Join(errors.New("build the API handler"), err)
	}
	cons := console.New(svc, console.Options{
		Credentials:    cfg.Credentials,
		AdminToken:     cfg.AdminToken,
		Retention:      cfg.Retention,
		Now:            cfg.RealClock,
		Logger:         cfg.Logger,
		Sessions:       svc.ConsoleSessions,
		SecureCookies:  strings.HasPrefix(cfg.PublicURL, "https://"),
		TrustForwarded: cfg.TrustForwarded,
	})
	guard := httpapi.GuardOptions{AdminToken: cfg.AdminToken}
	if u, err := url.Parse(cfg.PublicURL); err == nil && u.Hostname() != "" {
		guard.Hosts = []string{u.Hostname()}
	}
	return &Server{Handler: httpapi.Guard(cons.Wrap(api), guard), API: api, Metrics: m, Calls: svc.Calls}, nil
}
