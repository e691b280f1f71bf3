package console

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/chimevoice/chimevoice"
	"github.com/chimevoice/chimevoice/sigv4"
)

// Cookie names. The session cookie is scoped to the console's path so the
// API on the same origin never sees it.
const (
	sessionCookie = "chimevoice_console"
	signinCookie  = "chimevoice_signin"
)

// session is one signed-in person: an account and the credential (or the
// admin token) that proved the right to act for it.
type session struct {
	id        string // the cookie value; only its hash is ever stored
	idHash    string
	csrf      string
	account   string
	principal string            // the access key ID, or "admin token"
	cred      *sigv4.Credential // nil when signed in with the admin token: every action allowed
	created   time.Time
	seen      time.Time
	flash     string // a one-shot notice shown by the next page (in memory only)
}

// adminPrincipal is the principal of sessions signed in with the admin token.
const adminPrincipal = "admin token"

// allowed reports whether the session may perform the API operation the
// console action corresponds to: the credential's allow list applies in
// the console exactly as it does on the API.
func (s *session) allowed(op string) bool { return s.cred == nil || s.cred.Allowed(op) }

// maxSessionsPerPrincipal bounds the sessions of one access key (or of the
// admin token): signing in once more ends the oldest.
const maxSessionsPerPrincipal = 20

// sessionStore keeps sessions: in the database when it has one (so that
// every replica accepts them), in memory otherwise. Sessions die after idle
// time without a request, or maxAge after sign-in whatever happens;
// expired ones are swept whenever a session is created, so storage stays
// bounded by the number of people signed in, and each principal has at
// most maxSessionsPerPrincipal.
type sessionStore struct {
	idle, maxAge time.Duration
	now          func() time.Time
	db           chimevoice.ConsoleSessionService // nil: in memory
	creds        map[string]*sigv4.Credential     // resolves the principals of stored sessions

	mu       sync.Mutex
	sessions map[string]*session // by idHash, without a database
}

func newSessionStore(idle, maxAge time.Duration, now func() time.Time, db chimevoice.ConsoleSessionService, creds map[string]*sigv4.Credential) *sessionStore {
	return &sessionStore{idle: idle, maxAge: maxAge, now: now, db: db, creds: creds, sessions: map[string]*session{}}
}

// randomToken returns 32 bytes from crypto/rand, URL-safe base64: session
// IDs and CSRF tokens cannot be guessed.
func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand panics on failure since Go 1.24)
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashID is what is stored of a session ID.
func hashID(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}

// create starts a session with a fresh ID and CSRF token. A new ID at
// every sign-in means no ID from before it (fixation) is ever valid.
func (st *sessionStore) create(ctx context.Context, account, principal string, cred *sigv4.Credential) (*session, error) {
	now := st.now()
	id := randomToken()
	s := &session{id: id, idHash: hashID(id), csrf: randomToken(), account: account, principal: principal, cred: cred, created: now, seen: now}
	if st.db != nil {
		err := st.db.CreateConsoleSession(ctx, chimevoice.ConsoleSession{IDHash: s.idHash, CSRF: s.csrf, AccountID: account, Principal: principal, Created: now, Seen: now},
			now.Add(-st.idle), now.Add(-st.maxAge), maxSessionsPerPrincipal)
		if err != nil {
			return nil, err
		}
		return s, nil
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	var mine []*session
	for h, old := range st.sessions {
		switch {
		case st.expired(old, now):
			delete(st.sessions, h)
		case old.principal == principal:
			mine = append(mine, old)
		}
	}
	if extra := len(mine) + 1 - maxSessionsPerPrincipal; extra > 0 {
		slices.SortFunc(mine, func(a, b *session) int { return a.created.Compare(b.created) })
		for _, old := range mine[:extra] {
			delete(st.sessions, old.idHash)
		}
	}
	st.sessions[s.idHash] = s
	return s, nil
}

func (st *sessionStore) expired(s *session, now time.Time) bool {
	return now.Sub(s.seen) >= st.idle || now.Sub(s.created) >= st.maxAge
}

// get returns the live session with the ID and marks it used, or nil.
func (st *sessionStore) get(ctx context.Context, id string) (*session, error) {
	now := st.now()
	h := hashID(id)
	if st.db != nil {
		// Expiry is "at or past" the bound, as in memory: a session seen
		// exactly idle ago is over.
		cs, ok, err := st.db.TouchConsoleSession(ctx, h, now, now.Add(-st.idle).Add(time.Millisecond), now.Add(-st.maxAge).Add(time.Millisecond))
		if err != nil || !ok {
			return nil, err
		}
		s := &session{id: id, idHash: h, csrf: cs.CSRF, account: cs.AccountID, principal: cs.Principal, created: cs.Created, seen: now}
		if cs.Principal != adminPrincipal {
			if s.cred = st.creds[cs.Principal]; s.cred == nil {
				return nil, nil // the key left the credentials file
			}
		}
		return s, nil
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	s, ok := st.sessions[h]
	if !ok {
		return nil, nil
	}
	if st.expired(s, now) {
		delete(st.sessions, h)
		return nil, nil
	}
	s.seen = now
	return s, nil
}

func (st *sessionStore) delete(ctx context.Context, s *session) error {
	if st.db != nil {
		return st.db.DeleteConsoleSession(ctx, s.idHash)
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	delete(st.sessions, s.idHash)
	return nil
}

// setFlash leaves a notice for the session's next page (after a redirect).
func (st *sessionStore) setFlash(ctx context.Context, s *session, msg string) error {
	if st.db != nil {
		return st.db.SetConsoleFlash(ctx, s.idHash, msg)
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	s.flash = msg
	return nil
}

// popFlash returns the pending notice and clears it.
func (st *sessionStore) popFlash(ctx context.Context, s *session) (string, error) {
	if st.db != nil {
		return st.db.PopConsoleFlash(ctx, s.idHash)
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	msg := s.flash
	s.flash = ""
	return msg, nil
}

// equalToken compares a submitted token with the expected one in constant time.
func equalToken(got, want string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// setCookie sets a console cookie: HttpOnly (no script reads it),
// SameSite=Strict (no other site's page sends it) and Secure whenever
// the browser came over HTTPS. maxAge 0 makes a browser-session cookie, -1
// deletes it.
func setCookie(w http.ResponseWriter, name, value, path string, maxAge int, secure bool) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: path, MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: secure,
	})
}

// setCookie sets a console cookie, Secure when the browser reached the
// console over HTTPS (see secure).
func (c *Console) setCookie(w http.ResponseWriter, r *http.Request, name, value, path string, maxAge int) {
	setCookie(w, name, value, path, maxAge, c.secure(r))
}

// secure reports whether the browser reached the console over HTTPS: TLS
// on this server, a public URL that is https (TLS ends at a proxy), or a
// trusted proxy's X-Forwarded-Proto: https.
func (c *Console) secure(r *http.Request) bool {
	return r.TLS != nil || c.opts.SecureCookies ||
		(c.opts.TrustForwarded && strings.EqualFold(strings.TrimSpace(r.Header.Get("X-Forwarded-Proto")), "https"))
}

// signinGuard protects the sign-in form against login CSRF (another site
// signing a visitor into the attacker's account) without keeping state for
// people who have not signed in: the form's token is an HMAC of a random
// nonce held in a SameSite=Strict cookie (a signed double-submit cookie).
// The HMAC key comes from the database when there is one, so that a form
// served by one replica is accepted by another.
type signinGuard struct {
	db chimevoice.ConsoleSessionService // nil: a key of this process

	mu  sync.Mutex
	key []byte
}

func newSigninGuard(db chimevoice.ConsoleSessionService) *signinGuard {
	g := &signinGuard{db: db}
	if db == nil {
		g.key = make([]byte, 32)
		rand.Read(g.key)
	}
	return g
}

// signinKeyName names the guard's key in the database.
const signinKeyName = "console-signin"

func (g *signinGuard) token(ctx context.Context, nonce string) (string, error) {
	g.mu.Lock()
	key := g.key
	g.mu.Unlock()
	if key == nil {
		var err error
		if key, err = g.db.ConsoleKey(ctx, signinKeyName); err != nil {
			return "", err
		}
		g.mu.Lock()
		g.key = key
		g.mu.Unlock()
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte("chimevoice console sign-in\x00" + nonce))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)), nil
}

// issue returns the token for the sign-in form, reusing the nonce cookie
// if the browser has one (so that several tabs work) and setting it if not.
func (g *signinGuard) issue(w http.ResponseWriter, r *http.Request, secure bool) string {
	nonce := ""
	if ck, err := r.Cookie(signinCookie); err == nil && len(ck.Value) == 43 {
		nonce = ck.Value
	} else {
		nonce = randomToken()
		setCookie(w, signinCookie, nonce, Prefix+"/signin", 3600, secure)
	}
	tok, err := g.token(r.Context(), nonce)
	if err != nil {
		return "" // the form then fails its check, and says to try again
	}
	return tok
}

// check reports whether the submitted form token matches the nonce cookie.
func (g *signinGuard) check(r *http.Request, submitted string) bool {
	ck, err := r.Cookie(signinCookie)
	if err != nil || ck.Value == "" {
		return false
	}
	want, err := g.token(r.Context(), ck.Value)
	return err == nil && equalToken(submitted, want)
}
