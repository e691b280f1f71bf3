// Package console is chimevoice's web console: server-rendered pages under
// /console, on the same listener as the API, for people who look after an
// account's phone numbers — the inventory, orders, the Deletion queue with
// restore, delete with the confirmation the AWS console asks for, and
// Voice Connectors with their numbers.
//
// It calls the same domain services as the API, so every rule (lifecycle,
// validation, isolation between accounts) is the one the SDKs see; and it
// applies the signed-in credential's allow list to each action as the API
// does to each operation. Pages are html/template with a little CSS and
// optional JavaScript, embedded in the binary: nothing to build, and every
// page works with the keyboard alone and without scripts.
package console

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/chimevoice/chimevoice"
	"github.com/chimevoice/chimevoice/internal/httpx"
	"github.com/chimevoice/chimevoice/sigv4"
)

// Prefix is where the console is served.
const Prefix = "/console"

//go:embed templates static
var assets embed.FS

// Options configure the console.
type Options struct {
	// Credentials are the access keys people sign in with: the API's
	// credentials file, allow lists included.
	Credentials []sigv4.Credential
	// AdminToken, when set, also signs in, for any account the person names.
	AdminToken string
	// Retention is how long numbers stay in the Deletion queue (the
	// store's); 0 means chimevoice.DefaultRetention.
	Retention time.Duration
	// Region is the region the console acts in (us-east-1 when empty).
	Region string
	// SessionIdle and SessionMaxAge end sessions after that long without a
	// request, and that long after sign-in (1 h and 12 h when zero).
	SessionIdle   time.Duration
	SessionMaxAge time.Duration
	// Now is the real clock sessions expire on (time.Now when nil); never
	// the service clock, which tests move by days.
	Now    func() time.Time
	Logger *slog.Logger
	// Sessions keeps sessions (and the sign-in form's key) in the
	// database, so that every replica accepts them; nil keeps them in this
	// process's memory.
	Sessions chimevoice.ConsoleSessionService
	// SecureCookies marks cookies Secure on every request: browsers reach
	// the console over HTTPS that ends at a proxy (--public-url https://...).
	SecureCookies bool
	// TrustForwarded trusts the proxy in front: X-Forwarded-Proto https
	// makes cookies Secure, and the last X-Forwarded-For address is the
	// client address sign-in throttling counts.
	TrustForwarded bool
}

// Console is the web console. It is an http.Handler for paths under Prefix.
type Console struct {
	svc      chimevoice.Services
	opts     Options
	log      *slog.Logger
	creds    map[string]*sigv4.Credential
	sessions *sessionStore
	guard    *signinGuard
	throttle *throttle
	pages    func() map[string]*template.Template // parsed on first render, not at start
	mux      *http.ServeMux
	handler  http.Handler
}

// New returns a console over the services.
func New(svc chimevoice.Services, opts Options) *Console {
	if opts.Retention <= 0 {
		opts.Retention = chimevoice.DefaultRetention
	}
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	if opts.SessionIdle <= 0 {
		opts.SessionIdle = time.Hour
	}
	if opts.SessionMaxAge <= 0 {
		opts.SessionMaxAge = 12 * time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	c := &Console{
		svc: svc, opts: opts, log: opts.Logger,
		creds:    make(map[string]*sigv4.Credential, len(opts.Credentials)),
		guard:    newSigninGuard(opts.Sessions),
		throttle: newThrottle(opts.Now),
		pages:    sync.OnceValue(parsePages),
		mux:      http.NewServeMux(),
	}
	for i := range opts.Credentials {
		cred := opts.Credentials[i]
		c.creds[cred.AccessKeyID] = &cred
	}
	c.sessions = newSessionStore(opts.SessionIdle, opts.SessionMaxAge, opts.Now, opts.Sessions, c.creds)
	c.routes()
	// Cross-origin POSTs are refused before they reach a handler, in
	// addition to the per-session CSRF token every form carries.
	c.handler = http.NewCrossOriginProtection().Handler(c.mux)
	return c
}

func (c *Console) routes() {
	m := c.mux
	m.HandleFunc("GET /console", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, Prefix+"/numbers", http.StatusSeeOther)
	})
	m.HandleFunc("GET /console/{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, Prefix+"/numbers", http.StatusSeeOther)
	})
	m.HandleFunc("GET /console/signin", c.signinPage)
	m.HandleFunc("POST /console/signin", c.signin)
	m.HandleFunc("POST /console/signout", c.post(c.signout))
	m.HandleFunc("GET /console/numbers", c.get(c.inventory))
	m.HandleFunc("GET /console/numbers/{id}", c.get(c.number))
	m.HandleFunc("GET /console/delete", c.get(c.deleteConfirm))
	m.HandleFunc("POST /console/delete", c.post(c.delete))
	m.HandleFunc("GET /console/queue", c.get(c.queue))
	m.HandleFunc("POST /console/restore", c.post(c.restore))
	m.HandleFunc("GET /console/orders", c.get(c.orders))
	m.HandleFunc("GET /console/orders/{id}", c.get(c.order))
	m.HandleFunc("GET /console/voice-connectors", c.get(c.voiceConnectors))
	m.HandleFunc("GET /console/voice-connectors/{id}", c.get(c.voiceConnector))
	c.registerCalls()
	static, _ := fs.Sub(assets, "static")
	files := http.StripPrefix(Prefix+"/static/", http.FileServerFS(static))
	m.Handle("GET /console/static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	}))
}

// Wrap returns a handler that serves the console under Prefix and passes
// every other request to next (the API), so both share one listener.
func (c *Console) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == Prefix || strings.HasPrefix(r.URL.Path, Prefix+"/") {
			c.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// ServeHTTP implements http.Handler.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	h := w.Header()
	// Only the console's own files: no inline script, no framing.
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	sw := &httpx.StatusRecorder{ResponseWriter: w}
	c.handler.ServeHTTP(sw, r)
	c.log.Info("console request", "method", r.Method, "path", r.URL.Path, "status", sw.Status, "duration", time.Since(start))
}

// request is what a page handler gets: the HTTP request and the session.
type request struct {
	*http.Request
	s      *session
	caller chimevoice.Caller
}

type pageFunc func(w http.ResponseWriter, r *request)

// session returns the live session of the request's cookie, or nil.
func (c *Console) session(r *http.Request) *session {
	ck, err := r.Cookie(sessionCookie)
	if err != nil || ck.Value == "" {
		return nil
	}
	s, err := c.sessions.get(r.Context(), ck.Value)
	if err != nil {
		c.log.Error("console session", "err", err)
	}
	return s
}

func (c *Console) newRequest(r *http.Request, s *session) *request {
	return &request{Request: r, s: s, caller: chimevoice.Caller{AccountID: s.account, Region: c.opts.Region}}
}

// get serves a page to a signed-in person; anyone else goes to sign-in.
func (c *Console) get(fn pageFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s := c.session(r)
		if s == nil {
			http.Redirect(w, r, Prefix+"/signin", http.StatusSeeOther)
			return
		}
		fn(w, c.newRequest(r, s))
	}
}

// post serves a state-changing action: a live session and the session's
// CSRF token in the form are both required, or nothing happens.
func (c *Console) post(fn pageFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
		if err := r.ParseForm(); err != nil {
			http.Error(w, "The form could not be read.", http.StatusBadRequest)
			return
		}
		s := c.session(r)
		if s == nil {
			c.renderSignin(w, r, http.StatusUnauthorized, "", "Your session has expired or you signed out: sign in again. Nothing was changed.")
			return
		}
		req := c.newRequest(r, s)
		if !equalToken(r.PostFormValue("csrf"), s.csrf) {
			c.fail(w, req, chimevoice.Errorf(chimevoice.CodeForbidden, "The form's security token is missing or does not match your session (CSRF check): reload the page and try again. Nothing was changed."))
			return
		}
		fn(w, req)
	}
}

// view is what every page template gets.
type view struct {
	Title   string
	Nav     string // the active navigation item
	Account string
	Who     string // the access key ID or "admin token"
	CSRF    string
	Clock   time.Time // the service clock
	Notice  string    // announced politely (role=status)
	Error   string    // announced at once (role=alert)
	Data    any
}

// render executes the page's template into a buffer first, so that a
// template failure is a clean 500 and never half a page.
func (c *Console) render(w http.ResponseWriter, r *request, status int, page string, v view) {
	if r.s != nil {
		v.Account, v.Who, v.CSRF = r.s.account, "access key "+r.s.principal, r.s.csrf
		if r.s.cred == nil {
			v.Who = r.s.principal
		}
		if v.Notice == "" {
			v.Notice, _ = c.sessions.popFlash(r.Context(), r.s)
		}
		if now, err := c.svc.Admin.Now(r.Context()); err == nil {
			v.Clock = now
		}
	}
	var buf bytes.Buffer
	if err := c.pages()[page].ExecuteTemplate(&buf, "layout", v); err != nil {
		c.log.Error("console: render page", "page", page, "err", err)
		http.Error(w, "The page could not be rendered.", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// fail renders err as an error page: the domain's message for an
// *chimevoice.Error, a generic one (logged) for anything else.
func (c *Console) fail(w http.ResponseWriter, r *request, err error) {
	status := statusFor(err)
	if status == http.StatusInternalServerError && !errors.Is(err, context.Canceled) {
		c.log.Error("console: request failed", "path", r.URL.Path, "err", err)
	}
	c.render(w, r, status, "error", view{Title: titleFor(status), Error: chimevoice.ErrorMessage(err)})
}

// statusFor is the HTTP status of a page that failed with err.
func statusFor(err error) int {
	switch chimevoice.ErrorCode(err) {
	case chimevoice.CodeBadRequest, chimevoice.CodePreconditionFailed, chimevoice.CodeResourceLimitExceeded,
		chimevoice.CodePhoneNumberAssociationsExist, chimevoice.CodeVoiceConnectorGroupAssociationsExist:
		return http.StatusBadRequest
	case chimevoice.CodeForbidden, chimevoice.CodeAccessDenied:
		return http.StatusForbidden
	case chimevoice.CodeNotFound:
		return http.StatusNotFound
	case chimevoice.CodeConflict:
		return http.StatusConflict
	case chimevoice.CodeThrottled:
		return http.StatusTooManyRequests
	case chimevoice.CodeServiceUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

func titleFor(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "Check your input"
	case http.StatusForbidden:
		return "Not allowed"
	case http.StatusNotFound:
		return "Not found"
	}
	return "Something went wrong"
}

// authorize refuses an action the session's credential may not perform:
// the same allow list, operation by operation, as the API applies.
func authorize(r *request, op, what string) error {
	if r.s.allowed(op) {
		return nil
	}
	return chimevoice.Errorf(chimevoice.CodeForbidden,
		"You cannot %s: access key %s is not allowed to perform %s (it is not in the key's allow list). Nothing was changed.", what, r.s.principal, op)
}

// redirect sends the browser to path after a successful action, with a
// notice for the next page (Post/Redirect/Get: reloading never repeats it).
func (c *Console) redirect(w http.ResponseWriter, r *request, path, notice string) {
	if err := c.sessions.setFlash(r.Context(), r.s, notice); err != nil {
		c.log.Error("console notice", "err", err)
	}
	http.Redirect(w, r.Request, path, http.StatusSeeOther)
}

var funcs = template.FuncMap{
	"time": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("2006-01-02 15:04:05 UTC")
	},
	"iso": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
}

// parsePages parses each page template with the layout. The templates are
// part of the binary, so a parse error is a programming error.
func parsePages() map[string]*template.Template {
	names, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		panic(err)
	}
	pages := map[string]*template.Template{}
	for _, name := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(name, "templates/"), ".html")
		if base == "layout" {
			continue
		}
		pages[base] = template.Must(template.New(base).Funcs(funcs).ParseFS(assets, "templates/layout.html", name))
	}
	return pages
}
