package httpapi

import (
	"crypto/subtle"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/chimevoice/chimevoice"
)

// GuardOptions configure Guard.
type GuardOptions struct {
	// Hosts are the names, besides localhost and IP addresses, that the
	// server answers to in the Host header on the guarded paths: the host
	// of --public-url. Matched without the port, case-insensitively.
	Hosts []string
	// AdminToken, when set, lets a request that carries it as a bearer
	// token past the Host check: it is not a browser's ambient authority.
	AdminToken string
	// Prefixes are the guarded paths (each path equal to one, or under it
	// followed by "/"); GuardedPaths when nil.
	Prefixes []string
}

// GuardedPaths are the paths a browser on another site must not reach: the
// admin API, the metrics and the web console. The signed API needs no
// guard: a browser cannot sign.
var GuardedPaths = []string{strings.TrimSuffix(AdminPrefix, "/"), MetricsPath, "/console"}

// Guard refuses, on the guarded paths, the requests that a web page on
// another site can make a developer's browser send:
//
//   - a Host that is not an IP address, localhost (or a name under
//     .localhost) or one of o.Hosts: a page whose own name was re-pointed at
//     127.0.0.1 (DNS rebinding) sends its own name as Host;
//   - Sec-Fetch-Site cross-site or same-site (another port of localhost is
//     "same-site");
//   - an Origin other than the request's own host;
//   - a state-changing request whose body is of a type an HTML form or a
//     no-CORS fetch can send (text/plain, multipart/form-data, or
//     application/x-www-form-urlencoded from a browser). curl's -d sends
//     application/x-www-form-urlencoded without Origin, Sec-Fetch-* or a
//     browser User-Agent, and stays accepted.
//
// GET /_chimevoice/health is not guarded: load balancers probe it by any
// name. Refusals are 403 ForbiddenException in the AWS shape.
func Guard(next http.Handler, o GuardOptions) http.Handler {
	if o.Prefixes == nil {
		o.Prefixes = GuardedPaths
	}
	hosts := map[string]bool{}
	for _, h := range o.Hosts {
		hosts[strings.ToLower(h)] = true
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !guarded(r, o.Prefixes) {
			next.ServeHTTP(w, r)
			return
		}
		if msg := refusal(r, hosts, o.AdminToken); msg != "" {
			w.Header().Set("x-amzn-RequestId", uuid.NewString())
			writeError(r.Context(), w, discard, chimevoice.Errorf(chimevoice.CodeForbidden, "%s", msg))
			return
		}
		next.ServeHTTP(w, r)
	})
}

func guarded(r *http.Request, prefixes []string) bool {
	p := r.URL.Path
	if p == AdminPrefix+"health" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		return false
	}
	for _, pre := range prefixes {
		if p == pre || strings.HasPrefix(p, pre+"/") {
			return true
		}
	}
	return false
}

// refusal says why r is refused, or "".
func refusal(r *http.Request, hosts map[string]bool, adminToken string) string {
	if !allowedHost(r.Host, hosts) && !hasToken(r, adminToken) {
		return "The Host " + quoteClip(r.Host) + " is not an address of this server: the admin API, metrics and console answer IP addresses, localhost and the name of --public-url (DNS rebinding protection)."
	}
	switch site := strings.ToLower(r.Header.Get("Sec-Fetch-Site")); site {
	case "cross-site", "same-site":
		return "Cross-site request refused: Sec-Fetch-Site is " + site + "; the admin API, metrics and console answer only their own pages and non-browser clients."
	}
	if origin := r.Header.Get("Origin"); origin != "" {
		u, err := url.Parse(origin)
		if err != nil || u.Host == "" || !sameHost(u, r.Host) {
			return "Cross-site request refused: Origin " + quoteClip(origin) + " is not this server (" + quoteClip(r.Host) + ")."
		}
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return ""
	}
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return ""
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return "Content-Type " + quoteClip(ct) + " cannot be parsed: send application/json."
	}
	switch mt {
	case "text/plain", "multipart/form-data":
		return "Content-Type " + mt + " refused: a web page can send it to another site; send application/json."
	case "application/x-www-form-urlencoded":
		if fromBrowser(r) && !strings.HasPrefix(r.URL.Path, "/console") {
			return "Content-Type " + mt + " from a browser refused: a web page can send it to another site; send application/json."
		}
	}
	return ""
}

// fromBrowser reports whether r shows the marks of a browser.
func fromBrowser(r *http.Request) bool {
	return r.Header.Get("Origin") != "" || r.Header.Get("Sec-Fetch-Mode") != "" || r.Header.Get("Sec-Fetch-Site") != "" ||
		strings.HasPrefix(r.Header.Get("User-Agent"), "Mozilla/")
}

// allowedHost reports whether the Host header names this server in a way
// that DNS rebinding cannot forge.
func allowedHost(hostport string, hosts map[string]bool) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(strings.Trim(host, "[]"), "."))
	if host == "" {
		return false
	}
	if net.ParseIP(host) != nil || host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	// A single-label name ("chimevoice", a Compose or Kubernetes service
	// name) comes from the local resolver, never from a name an attacker
	// registered: rebinding needs a public, dotted name.
	return hosts[host] || !strings.Contains(host, ".")
}

// sameHost compares an origin's host with a Host header, default ports
// made explicit.
func sameHost(origin *url.URL, host string) bool {
	withPort := func(h, scheme string) string {
		if _, _, err := net.SplitHostPort(h); err == nil {
			return strings.ToLower(h)
		}
		if scheme == "https" {
			return strings.ToLower(h) + ":443"
		}
		return strings.ToLower(h) + ":80"
	}
	return withPort(origin.Host, origin.Scheme) == withPort(host, origin.Scheme)
}

// bearerToken returns the token of an Authorization: Bearer header; the
// scheme is case-insensitive (RFC 9110, section 11.1).
func bearerToken(r *http.Request) (string, bool) {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return strings.TrimSpace(tok), true
}

// hasToken reports whether r carries the admin token (never when none is set).
func hasToken(r *http.Request, adminToken string) bool {
	tok, ok := bearerToken(r)
	return ok && adminToken != "" && subtle.ConstantTimeCompare([]byte(tok), []byte(adminToken)) == 1
}

// quoteClip quotes caller text for a message, clipped.
func quoteClip(s string) string { return strconv.Quote(chimevoice.Clip(s)) }

var discard = slog.New(slog.DiscardHandler)
