package console

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"sync"
	"time"

	"github.com/chimevoice/chimevoice/sigv4"
)

// Cookie names. The session cookie is scoped to the console's path so the
// API on the same origin never sees it.
const (
	sessionCookie = "chimevoice_console"
	signinCookie  = "chimevoice_signin"
)

// session is one signed-in person: an account and the credential (or the
// admin token) that proved the right to act for it. Only flash and seen
// change after creation, under the store's lock.
type session struct {
	id        string
	csrf      string
	account   string
	principal string            // the access key ID, or "admin token"
	cred      *sigv4.Credential // nil when signed in with the admin token: every action allowed
	created   time.Time
	seen      time.Time
	flash     string // a one-shot notice shown by the next page
}

// allowed reports whether the session may perform the API operation the
// console action corresponds to: the credential's allow list applies in
// the console exactly as it does on the API.
func (s *session) allowed(op string) bool { return s.cred == nil || s.cred.Allowed(op) }

// sessionStore keeps sessions in memory. Sessions die after idle time
// without a request, or maxAge after sign-in whatever happens; expired
// ones are swept whenever a session is created, so memory stays bounded
// by the number of people signed in.
type sessionStore struct {
	idle, maxAge time.Duration
	now          func() time.Time

	mu       sync.Mutex
	sessions map[string]*session
}

func newSessionStore(idle, maxAge time.Duration, now func() time.Time) *sessionStore {
	return &sessionStore{idle: idle, maxAge: maxAge, now: now, sessions: map[string]*session{}}
}

// randomToken returns 32 bytes from crypto/rand, URL-safe base64: session
// IDs and CSRF tokens cannot be guessed.
func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand panics on failure since Go 1.24)
	return base64.RawURLEncoding.EncodeToString(b)
}

// create starts a session with a fresh ID and CSRF token. A new ID at
// every sign-in means no ID from before it (fixation) is ever valid.
func (st *sessionStore) create(account, principal string, cred *sigv4.Credential) *session {
	now := st.now()
	s := &session{id: randomToken(), csrf: randomToken(), account: account, principal: principal, cred: cred, created: now, seen: now}
	st.mu.Lock()
	defer st.mu.Unlock()
	for id, old := range st.sessions {
		if st.expired(old, now) {
			delete(st.sessions, id)
		}
	}
	st.sessions[s.id] = s
	return s
}

func (st *sessionStore) expired(s *session, now time.Time) bool {
	return now.Sub(s.seen) >= st.idle || now.Sub(s.created) >= st.maxAge
}

// get returns the live session with the ID and marks it used, or nil.
func (st *sessionStore) get(id string) *session {
	now := st.now()
	st.mu.Lock()
	defer st.mu.Unlock()
	s, ok := st.sessions[id]
	if !ok {
		return nil
	}
	if st.expired(s, now) {
		delete(st.sessions, id)
		return nil
	}
	s.seen = now
	return s
}

func (st *sessionStore) delete(id string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	delete(st.sessions, id)
}

// setFlash leaves a notice for the session's next page (after a redirect).
func (st *sessionStore) setFlash(s *session, msg string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	s.flash = msg
}

// popFlash returns the pending notice and clears it.
func (st *sessionStore) popFlash(s *session) string {
	st.mu.Lock()
	defer st.mu.Unlock()
	msg := s.flash
	s.flash = ""
	return msg
}

// equalToken compares a submitted token with the expected one in constant time.
func equalToken(got, want string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// setCookie sets a console cookie: HttpOnly (no script reads it),
// SameSite=Strict (no other site's page sends it) and Secure whenever
// the request came over TLS. maxAge 0 makes a browser-session cookie, -1
// deletes it.
func setCookie(w http.ResponseWriter, r *http.Request, name, value, path string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: path, MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil,
	})
}

// signinGuard protects the sign-in form against login CSRF (another site
// signing a visitor into the attacker's account) without keeping state for
// people who have not signed in: the form's token is an HMAC of a random
// nonce held in a SameSite=Strict cookie (a signed double-submit cookie).
type signinGuard struct{ key []byte }

func newSigninGuard() signinGuard {
	key := make([]byte, 32)
	rand.Read(key)
	return signinGuard{key: key}
}

func (g signinGuard) token(nonce string) string {
	m := hmac.New(sha256.New, g.key)
	m.Write([]byte("chimevoice console sign-in\x00" + nonce))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// issue returns the token for the sign-in form, reusing the nonce cookie
// if the browser has one (so that several tabs work) and setting it if not.
func (g signinGuard) issue(w http.ResponseWriter, r *http.Request) string {
	nonce := ""
	if ck, err := r.Cookie(signinCookie); err == nil && len(ck.Value) == 43 {
		nonce = ck.Value
	} else {
		nonce = randomToken()
		setCookie(w, r, signinCookie, nonce, Prefix+"/signin", 3600)
	}
	return g.token(nonce)
}

// check reports whether the submitted form token matches the nonce cookie.
func (g signinGuard) check(r *http.Request, submitted string) bool {
	ck, err := r.Cookie(signinCookie)
	if err != nil || ck.Value == "" {
		return false
	}
	return equalToken(submitted, g.token(ck.Value))
}
