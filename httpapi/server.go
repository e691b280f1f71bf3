// Package httpapi is chimevoice's HTTP transport: the AWS rest-json wire
// protocol of chime-sdk-voice and legacy chime on one endpoint (SigV4,
// routing from the service models, validation, the AWS error shape) and
// the admin API under /_chimevoice/.
package httpapi

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"golang.org/x/time/rate"

	"github.com/chimevoice/chimevoice"
	"github.com/chimevoice/chimevoice/internal/httpx"
	"github.com/chimevoice/chimevoice/metrics"
	"github.com/chimevoice/chimevoice/model"
	"github.com/chimevoice/chimevoice/sigv4"
)

// MaxBodyBytes is the largest request body accepted.
const MaxBodyBytes = 1 << 20

// DefaultUnverifiedBodyBytes is the default of Options.UnverifiedBodyBytes.
const DefaultUnverifiedBodyBytes = 64 << 20

// AdminPrefix is where the admin API lives.
const AdminPrefix = "/_chimevoice/"

// Options configure a Server.
type Options struct {
	Verifier   *sigv4.Verifier
	RateLimit  float64 // requests per second per account; 0 = off
	AdminToken string  // bearer token for the admin API from non-loopback addresses
	Logger     *slog.Logger
	// Now is the real clock the rate limiter runs on (time.Now when nil);
	// tests freeze it to make throttling deterministic.
	Now func() time.Time
	// RequestTimeout bounds each API request (0 = none): past it the
	// request's database work is cancelled and it answers 503, so that a
	// database that stops answering never holds clients indefinitely. Clock
	// moves on the admin API are exempt: they run all due work, in small
	// transactions that the store bounds one by one.
	RequestTimeout time.Duration
	// Metrics, when set, counts every API request and is served at MetricsPath.
	Metrics *metrics.Metrics
	// UnverifiedBodyBytes bounds the bytes of request bodies held before
	// their signature is checked, all connections together
	// (DefaultUnverifiedBodyBytes when 0).
	UnverifiedBodyBytes int64
	// OpenAdmin lets every client use the admin API (development emulator
	// mode: a container whose published port is the only way in).
	OpenAdmin bool
}

// call is one decoded API request as a handler sees it.
type call struct {
	op     *model.Operation
	caller chimevoice.Caller
	in     model.Input
}

// decode copies the validated input into dst (a pointer to a struct).
func (c *call) decode(dst any) error { return model.Assign(c.in, dst) }

// Server serves the API. It is an http.Handler.
type Server struct {
	api      *model.API
	svc      chimevoice.Services
	opts     Options
	log      *slog.Logger
	handlers map[string]handler
	admin    http.Handler
	faults   faults // fault injection (faults.go)

	limMu    sync.Mutex
	limiters map[string]*rate.Limiter

	bodies *bodyBudget // bodies held before their signature is checked
}

// New returns a server for the merged model api, serving every operation
// routes registers with the services of svc, all of which must be set.
func New(api *model.API, svc chimevoice.Services, opts Options) (*Server, error) {
	if err := svc.Check(); err != nil {
		return nil, err
	}
	if opts.Verifier == nil {
		return nil, errors.New("httpapi: no SigV4 verifier")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.UnverifiedBodyBytes <= 0 {
		opts.UnverifiedBodyBytes = DefaultUnverifiedBodyBytes
	}
	s := &Server{api: api, svc: svc, opts: opts, log: opts.Logger, handlers: map[string]handler{}, limiters: map[string]*rate.Limiter{},
		bodies: newBodyBudget(opts.UnverifiedBodyBytes)}
	s.routes()
	s.admin = s.adminRoutes()
	return s, nil
}

// Handle registers the handler of an operation; it panics on a name the
// models do not define, which is a programming error found at start-up.
func (s *Server) handle(name string, h handler) {
	if s.api.Operation(name) == nil {
		panic("httpapi: no operation " + name + " in the models")
	}
	s.handlers[name] = h
}

// Supported reports whether chimevoice implements the operation.
func (s *Server) Supported(name string) bool { _, ok := s.handlers[name]; return ok }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	reqID := uuid.NewString()
	w.Header().Set("x-amzn-RequestId", reqID)
	sw := &httpx.StatusRecorder{ResponseWriter: w}
	if r.URL.Path == MetricsPath {
		s.serveMetrics(sw, r)
		s.log.Debug("metrics request", "status", sw.Status, "duration", time.Since(start), "request_id", reqID)
		return
	}
	if strings.HasPrefix(r.URL.Path, AdminPrefix) || r.URL.Path == LocalStackHealthPath {
		s.admin.ServeHTTP(sw, r)
		s.log.Info("admin request", "method", r.Method, "path", r.URL.Path, "status", sw.Status, "duration", time.Since(start), "request_id", reqID)
		return
	}
	op, account := s.serveAPI(sw, r)
	if m := s.opts.Metrics; m != nil {
		m.ObserveRequest(op, sw.Status, time.Since(start))
	}
	s.log.Info("request", "operation", op, "account", account, "status", sw.Status, "duration", time.Since(start), "request_id", reqID)
}

// serveAPI runs the API pipeline: body, signature, route, permission,
// throttle, validation, handler, response. It returns the operation name
// and account for the log line.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) (opName, account string) {
	ctx := r.Context()
	if s.opts.RequestTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.opts.RequestTimeout)
		defer cancel()
	}
	fail := func(err error) { writeError(ctx, w, s.log, err) }

	// What can be checked without the body is, before reading it.
	if err := s.opts.Verifier.Precheck(r); err != nil {
		refuseBody(w, r, maxDrain)
		fail(err)
		return "", ""
	}
	body, held, err := readBodyBudget(w, r, MaxBodyBytes, s.bodies)
	if err != nil {
		fail(err)
		return "", ""
	}
	id, err := s.opts.Verifier.Verify(r, body)
	s.bodies.give(held) // verified or refused: no longer a stranger's memory
	if err != nil {
		fail(err)
		return "", ""
	}
	account = id.Credential.AccountID
	rawPath := r.URL.EscapedPath()
	if i := strings.IndexByte(r.RequestURI, '?'); strings.HasPrefix(r.RequestURI, "/") {
		rawPath = r.RequestURI
		if i >= 0 {
			rawPath = r.RequestURI[:i]
		}
	}
	query := r.URL.Query()
	op, params := s.api.Match(r.Method, rawPath, query)
	if op == nil {
		if s.api.MatchPath(rawPath) {
			fail(chimevoice.Errorf(chimevoice.CodeBadRequest, "No operation of chime-sdk-voice or chime matches %s %s with these query parameters.", chimevoice.Clip(r.Method), chimevoice.Clip(r.URL.Path)))
		} else {
			fail(chimevoice.Errorf(chimevoice.CodeBadRequest, "Unknown operation: no route for %s %s.", chimevoice.Clip(r.Method), chimevoice.Clip(r.URL.Path)))
		}
		return "", account
	}
	h, ok := s.handlers[op.Name]
	if !ok {
		fail(chimevoice.Errorf(chimevoice.CodeBadRequest, "The operation %s is not supported by chimevoice.", op.Name))
		return op.Name, account
	}
	if err := id.Credential.Authorize(op.Name); err != nil {
		fail(err)
		return op.Name, account
	}
	if !s.allow(account) {
		fail(chimevoice.Errorf(chimevoice.CodeThrottled, "Rate exceeded: more than %g requests per second for account %s.", s.opts.RateLimit, account))
		return op.Name, account
	}
	in, err := op.Decode(params, query, body)
	if err != nil {
		fail(err)
		return op.Name, account
	}
	ctx, err = s.injectFault(ctx, op.Name)
	if err != nil {
		fail(err)
		return op.Name, account
	}
	out, err := h(ctx, &call{op: op, caller: chimevoice.Caller{AccountID: account, Region: id.Region}, in: in})
	if err != nil {
		fail(err)
		return op.Name, account
	}
	writeOutput(ctx, w, s.log, op.ResponseCode, out)
	return op.Name, account
}

func writeOutput(ctx context.Context, w http.ResponseWriter, log *slog.Logger, status int, out any) {
	if status == http.StatusNoContent || out == nil {
		w.WriteHeader(status)
		return
	}
	body, err := json.Marshal(out)
	if err != nil {
		writeError(ctx, w, log, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(body)
}

// allow applies the per-account rate limit (burst twice the rate).
func (s *Server) allow(account string) bool {
	if s.opts.RateLimit <= 0 {
		return true
	}
	s.limMu.Lock()
	lim, ok := s.limiters[account]
	if !ok {
		lim = rate.NewLimiter(rate.Limit(s.opts.RateLimit), max(1, int(2*s.opts.RateLimit)))
		s.limiters[account] = lim
	}
	s.limMu.Unlock()
	return lim.AllowN(s.opts.Now(), 1)
}

// adminAllowed lets admin calls through from loopback, or with the bearer token.
func (s *Server) adminAllowed(r *http.Request) bool {
	if s.opts.OpenAdmin {
		return true
	}
	if tok, ok := bearerToken(r); ok && s.opts.AdminToken != "" {
		return subtle.ConstantTimeCompare([]byte(tok), []byte(s.opts.AdminToken)) == 1
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
