package console_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chimevoice/chimevoice/chimevoicetest"
	"github.com/chimevoice/chimevoice/console"
)

// replica serves a console over srv's store (sessions in the database)
// with a clock the test moves, as one replica behind a load balancer.
func replica(t *testing.T, srv *chimevoicetest.Server, now *fakeNow, o console.Options) *httptest.Server {
	t.Helper()
	o.Credentials, o.Now, o.Sessions = testCreds, now.Now, srv.Store
	c := console.New(srv.Store.Services(), o)
	hs := httptest.NewServer(c)
	t.Cleanup(hs.Close)
	return hs
}

// wrongSignIn posts a sign-in with a wrong secret.
func wrongSignIn(u *user, key string) page {
	u.t.Helper()
	return u.post("/console/signin", url.Values{"csrf": {u.signinForm()}, "method": {"key"}, "access_key": {key}, "secret": {"wrong"}})
}

// TestSigninThrottled: five failures for an access key, then 429 with
// Retry-After even for the right secret, until the bucket refills on the
// clock; per client address, twenty failures over any keys.
func TestSigninThrottled(t *testing.T) {
	srv := chimevoicetest.New(t, chimevoicetest.Options{Credentials: testCreds})
	now := &fakeNow{t: time.Now()}
	hs := replica(t, srv, now, console.Options{})
	u := newUser(t, hs.URL, hs.Client())
	for range 5 {
		mustStatus(t, "wrong secret", wrongSignIn(u, readOnly.AccessKeyID), http.StatusUnauthorized, "not correct")
	}
	p := u.post("/console/signin", url.Values{"csrf": {u.signinForm()}, "method": {"key"}, "access_key": {readOnly.AccessKeyID}, "secret": {readOnly.SecretAccessKey}})
	mustStatus(t, "sixth attempt", p, http.StatusTooManyRequests, "Too many failed sign-ins", "wait 5 seconds")
	if got := p.Header.Get("Retry-After"); got != "5" {
		t.Fatalf("Retry-After %q", got)
	}
	// Another key from the same address is not held back by this key.
	u.signIn(other.AccessKeyID, other.SecretAccessKey)
	now.Add(5 * time.Second) // one attempt refilled
	u2 := newUser(t, hs.URL, hs.Client())
	u2.signIn(readOnly.AccessKeyID, readOnly.SecretAccessKey)

	// Per address: unknown keys too, twenty then refused.
	u3 := newUser(t, hs.URL, hs.Client())
	for i := range 20 {
		if p := wrongSignIn(u3, "AKIANOSUCHKEY"+strings.Repeat("X", i)); p.Status != http.StatusUnauthorized {
			t.Fatalf("failure %d: status %d", i+1, p.Status)
		}
	}
	p = wrongSignIn(u3, "AKIANOSUCHKEY")
	mustStatus(t, "21st failure from one address", p, http.StatusTooManyRequests, "Too many failed sign-ins")
	if p.Header.Get("Retry-After") != "1" {
		t.Fatalf("Retry-After %q", p.Header.Get("Retry-After"))
	}
}

// TestSessionsWorkOnEveryReplica: a sign-in form served by one replica is
// accepted by another, a session made on one is used on the other, and
// signing out on either ends it on both.
func TestSessionsWorkOnEveryReplica(t *testing.T) {
	srv := chimevoicetest.New(t, chimevoicetest.Options{Credentials: testCreds})
	now := &fakeNow{t: time.Now()}
	a := replica(t, srv, now, console.Options{})
	b := replica(t, srv, now, console.Options{})
	u := newUser(t, a.URL, a.Client())
	token := u.signinForm() // from A
	// The cookie jar is per host; both replicas are on 127.0.0.1, so the
	// cookies follow the user from A to B as they would behind one name.
	u.base = b.URL
	p := u.post("/console/signin", url.Values{"csrf": {token}, "method": {"key"}, "access_key": {"test"}, "secret": {"test"}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("sign-in form of A posted to B: %d\n%s", p.Status, p.Body)
	}
	u.base = a.URL
	mustStatus(t, "session from B on A", u.get("/console/numbers"), http.StatusOK, "000000000000")
	u.base = b.URL
	mustStatus(t, "session on B", u.get("/console/numbers"), http.StatusOK)
	p = u.action("/console/signout", nil)
	if p.Status != http.StatusSeeOther {
		t.Fatalf("sign out on B: %d", p.Status)
	}
	u.base = a.URL
	if p := u.get("/console/numbers"); p.Status != http.StatusSeeOther {
		t.Fatalf("session still alive on A after sign-out on B: %d", p.Status)
	}
}

// TestSessionsPerKeyBounded: the 21st sign-in with one key ends the oldest
// of its sessions.
func TestSessionsPerKeyBounded(t *testing.T) {
	srv := chimevoicetest.New(t, chimevoicetest.Options{Credentials: testCreds})
	now := &fakeNow{t: time.Now()}
	for _, db := range []bool{true, false} {
		o := console.Options{}
		var hs *httptest.Server
		if db {
			hs = replica(t, srv, now, o)
		} else {
			hs = directConsole(t, srv, false, now)
		}
		var users []*user
		for range 21 {
			now.Add(time.Millisecond) // distinct creation times
			u := newUser(t, hs.URL, hs.Client())
			u.signIn("test", "test")
			users = append(users, u)
		}
		if p := users[0].get("/console/numbers"); p.Status != http.StatusSeeOther {
			t.Fatalf("db=%v: the oldest of 21 sessions is still alive: %d", db, p.Status)
		}
		if p := users[1].get("/console/numbers"); p.Status != http.StatusOK {
			t.Fatalf("db=%v: the second session ended: %d", db, p.Status)
		}
	}
}

// TestSecureCookieBehindAProxy: TLS ending at a proxy still makes the
// cookies Secure, through --public-url https://... or a trusted
// X-Forwarded-Proto; an untrusted header changes nothing.
func TestSecureCookieBehindAProxy(t *testing.T) {
	srv := chimevoicetest.New(t, chimevoicetest.Options{Credentials: testCreds})
	now := &fakeNow{t: time.Now()}
	for _, tc := range []struct {
		name      string
		o         console.Options
		forwarded string
		secure    bool
	}{
		{"plain HTTP", console.Options{}, "", false},
		{"public URL https", console.Options{SecureCookies: true}, "", true},
		{"trusted X-Forwarded-Proto", console.Options{TrustForwarded: true}, "https", true},
		{"untrusted X-Forwarded-Proto", console.Options{}, "https", false},
		{"trusted, but http", console.Options{TrustForwarded: true}, "http", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hs := replica(t, srv, now, tc.o)
			req, _ := http.NewRequest(http.MethodGet, hs.URL+"/console/signin", nil)
			if tc.forwarded != "" {
				req.Header.Set("X-Forwarded-Proto", tc.forwarded)
			}
			resp, err := hs.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			cks := resp.Cookies()
			if len(cks) == 0 {
				t.Fatal("no cookie")
			}
			for _, ck := range cks {
				if ck.Secure != tc.secure {
					t.Fatalf("cookie %s: Secure %v, want %v", ck.Name, ck.Secure, tc.secure)
				}
			}
		})
	}
}

// TestDatabaseSessionsExpire: a session kept in the database ends after an
// hour without a request and 3 hours (here) after sign-in, as in memory.
func TestDatabaseSessionsExpire(t *testing.T) {
	srv := chimevoicetest.New(t, chimevoicetest.Options{Credentials: testCreds})
	now := &fakeNow{t: time.Now()}
	hs := replica(t, srv, now, console.Options{SessionIdle: time.Hour, SessionMaxAge: 3 * time.Hour})
	u := newUser(t, hs.URL, hs.Client())
	u.signIn("test", "test")
	for range 3 { // active: 59 minutes between requests, up to the maximum age
		now.Add(59 * time.Minute)
		mustStatus(t, "active session", u.get("/console/numbers"), http.StatusOK)
	}
	now.Add(4 * time.Minute) // 3 h 1 min after sign-in
	if p := u.get("/console/numbers"); p.Status != http.StatusSeeOther {
		t.Fatalf("session past its maximum age: %d", p.Status)
	}
	u.signIn("test", "test")
	now.Add(time.Hour)
	if p := u.get("/console/numbers"); p.Status != http.StatusSeeOther {
		t.Fatalf("session idle for an hour: %d", p.Status)
	}
}
