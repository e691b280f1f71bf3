package console_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	vtypes "github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"

	"github.com/chimevoice/chimevoice/chimevoicetest"
	"github.com/chimevoice/chimevoice/console"
	"github.com/chimevoice/chimevoice/sigv4"
)

func TestSignInFailures(t *testing.T) {
	srv := chimevoicetest.New(t, chimevoicetest.Options{Credentials: testCreds})
	u := newUser(t, srv.URL, srv.HTTP.Client())

	// Pages need a session: anyone else is sent to sign in.
	p := u.get("/console/numbers")
	if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/console/signin" {
		t.Fatalf("unauthenticated inventory: status %d, location %q", p.Status, p.Header.Get("Location"))
	}

	token := u.signinForm()
	for _, tc := range []struct {
		name, key, secret string
		status            int
		msg               string
	}{
		{"wrong secret", "test", "wrong", http.StatusUnauthorized, "The access key ID or the secret access key is not correct."},
		{"unknown key", "AKIANOBODY", "test", http.StatusUnauthorized, "The access key ID or the secret access key is not correct."},
		{"secret of another key", "test", readOnly.SecretAccessKey, http.StatusUnauthorized, "is not correct"},
		{"empty secret", "test", "", http.StatusBadRequest, "Enter both the access key ID and the secret access key."},
	} {
		p := u.post("/console/signin", url.Values{"csrf": {token}, "method": {"key"}, "access_key": {tc.key}, "secret": {tc.secret}})
		mustStatus(t, tc.name, p, tc.status, tc.msg, `role="alert"`)
		if cookie(p, "chimevoice_console") != nil {
			t.Fatalf("%s: a session cookie was set", tc.name)
		}
		if strings.Contains(p.Body, tc.secret) && tc.secret != "" && tc.secret != "test" {
			t.Fatalf("%s: the page echoes the secret", tc.name)
		}
	}

	// The sign-in form carries its own CSRF token, bound to a cookie.
	p = u.post("/console/signin", url.Values{"csrf": {"forged"}, "method": {"key"}, "access_key": {"test"}, "secret": {"test"}})
	mustStatus(t, "forged sign-in token", p, http.StatusForbidden, "CSRF")
	fresh := newUser(t, srv.URL, srv.HTTP.Client()) // no sign-in cookie at all
	p = fresh.post("/console/signin", url.Values{"csrf": {token}, "method": {"key"}, "access_key": {"test"}, "secret": {"test"}})
	mustStatus(t, "sign-in token without its cookie", p, http.StatusForbidden, "CSRF")
	if cookie(p, "chimevoice_console") != nil {
		t.Fatal("a forged sign-in started a session")
	}

	// Admin sign-in is off without an admin token.
	p = u.get("/console/signin")
	if strings.Contains(p.Body, `id="signin-admin"`) {
		t.Fatal("admin sign-in offered without --admin-token")
	}
	p = u.post("/console/signin", url.Values{"csrf": {token}, "method": {"admin"}, "admin_token": {""}, "account": {"000000000000"}})
	mustStatus(t, "admin sign-in without a token configured", p, http.StatusBadRequest, "Admin sign-in is off")

	// And the right key works.
	mustStatus(t, "sign in", u.signIn("test", "test"), http.StatusOK, "Phone numbers", "Account <strong>000000000000</strong>", "access key test")
}

func TestAdminTokenSignIn(t *testing.T) {
	srv := chimevoicetest.New(t, chimevoicetest.Options{Credentials: testCreds, AdminToken: "operator-token"})
	otherVoice, _ := srv.Clients(other.AccessKeyID, other.SecretAccessKey)
	nums := srv.Provision(t, otherVoice, "425", 2, vcProduct)

	u := newUser(t, srv.URL, srv.HTTP.Client())
	token := u.signinForm()
	if !strings.Contains(u.get("/console/signin").Body, `id="signin-admin"`) {
		t.Fatal("admin sign-in not offered with --admin-token")
	}
	p := u.post("/console/signin", url.Values{"csrf": {token}, "method": {"admin"}, "admin_token": {"wrong"}, "account": {"222222222222"}})
	mustStatus(t, "wrong admin token", p, http.StatusUnauthorized, "The admin token is not correct.")
	p = u.post("/console/signin", url.Values{"csrf": {token}, "method": {"admin"}, "admin_token": {"operator-token"}, "account": {"2222"}})
	mustStatus(t, "short account ID", p, http.StatusBadRequest, "Account ID: enter the 12 digits")
	p = u.post("/console/signin", url.Values{"csrf": {token}, "method": {"admin"}, "admin_token": {"operator-token"}, "account": {"222222222222"}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("admin sign-in: status %d\n%s", p.Status, mainOf(p.Body))
	}
	p = u.get("/console/numbers")
	mustStatus(t, "admin inventory", p, http.StatusOK, "Account <strong>222222222222</strong>", "admin token")
	if got := rows(p); !slices.Equal(got, sorted(nums)) {
		t.Fatalf("admin sees %v, want the account's %v", got, sorted(nums))
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// fakeNow is a real-time clock a test moves, for session expiry.
type fakeNow struct {
	mu sync.Mutex
	t  time.Time
}

func (f *fakeNow) Now() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.t }
func (f *fakeNow) Add(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.t = f.t.Add(d)
}

// directConsole serves a console over srv's store on its own server, TLS
// or not, with a clock for sessions the test moves.
func directConsole(t *testing.T, srv *chimevoicetest.Server, tls bool, now *fakeNow) *httptest.Server {
	t.Helper()
	c := console.New(srv.Store.Services(), console.Options{
		Credentials: testCreds, Now: now.Now, SessionIdle: time.Hour, SessionMaxAge: 3 * time.Hour,
	})
	var hs *httptest.Server
	if tls {
		hs = httptest.NewTLSServer(c)
	} else {
		hs = httptest.NewServer(c)
	}
	t.Cleanup(hs.Close)
	return hs
}

func TestSessionCookies(t *testing.T) {
	srv := chimevoicetest.New(t, chimevoicetest.Options{Credentials: testCreds})
	now := &fakeNow{t: time.Now()}
	for _, tls := range []bool{false, true} {
		hs := directConsole(t, srv, tls, now)
		u := newUser(t, hs.URL, hs.Client())
		signin := u.get("/console/signin")
		var ids []string
		for range 2 {
			p := u.post("/console/signin", url.Values{"csrf": {u.signinForm()}, "method": {"key"}, "access_key": {"test"}, "secret": {"test"}})
			ck := cookie(p, "chimevoice_console")
			if ck == nil {
				t.Fatalf("tls=%v: no session cookie; status %d", tls, p.Status)
			}
			if !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != "/console" || ck.Secure != tls {
				t.Fatalf("tls=%v: session cookie %+v: want HttpOnly, SameSite=Strict, Path=/console, Secure=%v", tls, ck, tls)
			}
			if len(ck.Value) != 43 {
				t.Fatalf("session ID %q: want 32 random bytes in base64", ck.Value)
			}
			ids = append(ids, ck.Value)
		}
		if ids[0] == ids[1] {
			t.Fatal("two sign-ins got the same session ID")
		}
		replaced := newUser(t, hs.URL, hs.Client())
		replaced.client.Jar.SetCookies(mustURL(t, hs.URL+"/console/"), []*http.Cookie{{Name: "chimevoice_console", Value: ids[0]}})
		if p := replaced.get("/console/numbers"); p.Status != http.StatusSeeOther {
			t.Fatalf("tls=%v: the session replaced by a new sign-in still works: status %d", tls, p.Status)
		}
		if ck := cookie(signin, "chimevoice_signin"); ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Secure != tls {
			t.Fatalf("tls=%v: sign-in cookie %+v", tls, ck)
		}
		p := u.get("/console/numbers")
		if got := p.Header.Get("Content-Security-Policy"); !strings.Contains(got, "frame-ancestors 'none'") || !strings.Contains(got, "script-src 'self'") {
			t.Fatalf("Content-Security-Policy %q", got)
		}
		if p.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("pages may be cached: Cache-Control %q", p.Header.Get("Cache-Control"))
		}
	}
}

func TestSessionExpiryAndSignOut(t *testing.T) {
	srv := chimevoicetest.New(t, chimevoicetest.Options{Credentials: testCreds})
	now := &fakeNow{t: time.Now()}
	hs := directConsole(t, srv, false, now)
	toSignin := func(what string, p page) {
		t.Helper()
		if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/console/signin" {
			t.Fatalf("%s: status %d, location %q; want a redirect to sign-in", what, p.Status, p.Header.Get("Location"))
		}
	}

	// Idle timeout: an hour without a request ends the session.
	u := newUser(t, hs.URL, hs.Client())
	u.signIn("test", "test")
	now.Add(59 * time.Minute)
	mustStatus(t, "after 59 idle minutes", u.get("/console/queue"), http.StatusOK)
	now.Add(59 * time.Minute)
	mustStatus(t, "59 minutes later", u.get("/console/queue"), http.StatusOK)
	now.Add(time.Hour)
	toSignin("after an idle hour", u.get("/console/queue"))

	// Absolute lifetime: three hours after sign-in, however busy.
	u = newUser(t, hs.URL, hs.Client())
	u.signIn("test", "test")
	for range 5 {
		now.Add(35 * time.Minute)
		mustStatus(t, "busy session", u.get("/console/numbers"), http.StatusOK)
	}
	now.Add(10 * time.Minute)
	toSignin("three hours after sign-in", u.get("/console/numbers"))
	p := u.action("/console/signout", nil)
	mustStatus(t, "POST with an expired session", p, http.StatusUnauthorized, "Your session has expired")

	// Sign-out is POST only, needs the CSRF token, and ends the session
	// on the server, not just in the browser.
	u = newUser(t, hs.URL, hs.Client())
	u.signIn("test", "test")
	if p := u.get("/console/signout"); p.Status != http.StatusMethodNotAllowed {
		t.Fatalf("GET sign-out: status %d, want 405", p.Status)
	}
	mustStatus(t, "sign-out without the token", u.post("/console/signout", url.Values{}), http.StatusForbidden, "CSRF")
	var session *http.Cookie
	for _, c := range u.client.Jar.Cookies(mustURL(t, hs.URL+"/console/")) {
		if c.Name == "chimevoice_console" {
			session = c
		}
	}
	p = u.action("/console/signout", nil)
	if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Header.Get("Location"), "/console/signin") {
		t.Fatalf("sign-out: status %d, location %q", p.Status, p.Header.Get("Location"))
	}
	if ck := cookie(p, "chimevoice_console"); ck == nil || ck.MaxAge >= 0 {
		t.Fatalf("sign-out does not delete the cookie: %+v", ck)
	}
	mustStatus(t, "signed-out page", u.get("/console/signin?signedout"), http.StatusOK, "You have signed out.")
	replay := newUser(t, hs.URL, hs.Client())
	replay.client.Jar.SetCookies(mustURL(t, hs.URL+"/console/"), []*http.Cookie{session})
	toSignin("the old session cookie", replay.get("/console/numbers"))
}

func mustURL(t testing.TB, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestCSRFRejected(t *testing.T) {
	srv := chimevoicetest.New(t, chimevoicetest.Options{Credentials: testCreds})
	nums := srv.Provision(t, srv.Voice, "206", 1, vcProduct)
	n := nums[0]
	u := newUser(t, srv.URL, srv.HTTP.Client())
	u.signIn("test", "test")
	other := newUser(t, srv.URL, srv.HTTP.Client())
	other.signIn("test", "test")
	if other.csrf == u.csrf {
		t.Fatal("two sessions share a CSRF token")
	}
	form := func(token string) url.Values {
		v := url.Values{"number": {n}, "confirm": {"yes"}}
		if token != "" {
			v.Set("csrf", token)
		}
		return v
	}
	wrong := "x" + u.csrf[1:]
	if wrong == u.csrf { // a token may start with x itself
		wrong = "y" + u.csrf[1:]
	}
	for name, token := range map[string]string{"no token": "", "wrong token": wrong, "another session's token": other.csrf} {
		p := u.post("/console/delete", form(token))
		mustStatus(t, name, p, http.StatusForbidden, "CSRF", "Nothing was changed.")
		p = u.post("/console/restore", form(token))
		mustStatus(t, name+" (restore)", p, http.StatusForbidden, "CSRF")
	}
	// A cross-site POST is refused even with the right token.
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/console/delete", strings.NewReader(form(u.csrf).Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if p := u.do(req); p.Status != http.StatusForbidden {
		t.Fatalf("cross-site POST: status %d, want 403", p.Status)
	}
	if got := status(t, srv, n); got != vtypes.PhoneNumberStatusUnassigned {
		t.Fatalf("after refused deletes %s is %s", n, got)
	}
	// State changes are POST only.
	if p := u.get("/console/restore?number=" + url.QueryEscape(n)); p.Status != http.StatusMethodNotAllowed {
		t.Fatalf("GET restore: status %d, want 405", p.Status)
	}
	// The token that was refused above is the one that works.
	if p := u.action("/console/delete", form("")); p.Status != http.StatusSeeOther {
		t.Fatalf("delete with the session's token: status %d\n%s", p.Status, mainOf(p.Body))
	}
	if got := status(t, srv, n); got != vtypes.PhoneNumberStatusDeleteInProgress {
		t.Fatalf("after delete %s is %s", n, got)
	}
}

func TestAllowListRefusal(t *testing.T) {
	srv := chimevoicetest.New(t, chimevoicetest.Options{Credentials: testCreds})
	nums := srv.Provision(t, srv.Voice, "206", 2, vcProduct)
	_, err := srv.Voice.BatchDeletePhoneNumber(bg, &chimesdkvoice.BatchDeletePhoneNumberInput{PhoneNumberIds: nums[1:]})
	chimevoicetest.Must(t, err, "delete")

	u := newUser(t, srv.URL, srv.HTTP.Client())
	p := u.signIn(readOnly.AccessKeyID, readOnly.SecretAccessKey)
	mustStatus(t, "read-only inventory", p, http.StatusOK, nums[0], "Your access key cannot delete phone numbers")
	if strings.Contains(p.Body, "Delete selected") {
		t.Fatal("the read-only key is offered Delete")
	}
	mustStatus(t, "read-only queue", u.get("/console/queue"), http.StatusOK, nums[1], "Your access key cannot restore phone numbers")

	msg := "You cannot delete phone numbers: access key AKIAREADONLY is not allowed to perform DeletePhoneNumber"
	mustStatus(t, "delete confirmation", u.get("/console/delete?number="+url.QueryEscape(nums[0])), http.StatusForbidden, msg)
	p = u.action("/console/delete", url.Values{"number": {nums[0]}, "confirm": {"yes"}})
	mustStatus(t, "delete", p, http.StatusForbidden, msg, "Nothing was changed.")
	p = u.action("/console/delete", url.Values{"number": nums, "confirm": {"yes"}})
	mustStatus(t, "batch delete", p, http.StatusForbidden, "not allowed to perform BatchDeletePhoneNumber")
	p = u.action("/console/restore", url.Values{"number": {nums[1]}})
	mustStatus(t, "restore", p, http.StatusForbidden, "You cannot restore phone numbers: access key AKIAREADONLY is not allowed to perform RestorePhoneNumber")
	if got := status(t, srv, nums[0]); got != vtypes.PhoneNumberStatusUnassigned {
		t.Fatalf("%s is %s after a refused delete", nums[0], got)
	}
	if got := status(t, srv, nums[1]); got != vtypes.PhoneNumberStatusDeleteInProgress {
		t.Fatalf("%s is %s after a refused restore", nums[1], got)
	}
}

func TestInventoryPagingFiltersAndSearch(t *testing.T) {
	srv := chimevoicetest.New(t, chimevoicetest.Options{Credentials: testCreds})
	nums := sorted(append(srv.Provision(t, srv.Voice, "206", 90, vcProduct), srv.Provision(t, srv.Voice, "425", 30, vcProduct)...))
	u := newUser(t, srv.URL, srv.HTTP.Client())
	u.signIn("test", "test")

	// Keyset pages of 50: every number exactly once, in order.
	var seen []string
	path := "/console/numbers"
	for pages := 0; path != ""; pages++ {
		if pages > 3 {
			t.Fatal("more than 3 pages for 120 numbers")
		}
		p := u.get(path)
		mustStatus(t, path, p, http.StatusOK)
		got := rows(p)
		if want := min(50, len(nums)-len(seen)); len(got) != want {
			t.Fatalf("%s: %d rows, want %d", path, len(got), want)
		}
		seen = append(seen, got...)
		path = next(p)
		if path != "" && !strings.Contains(p.Body, `<a href="/console/numbers">First page</a>`) && len(seen) > 50 {
			t.Fatalf("page %d has no First page link", pages+1)
		}
	}
	if !slices.Equal(seen, nums) {
		t.Fatalf("pages list %d numbers, want the %d provisioned in order", len(seen), len(nums))
	}
	p := u.get("/console/numbers?size=100")
	if len(rows(p)) != 100 || next(p) == "" {
		t.Fatalf("size=100: %d rows, next %q", len(rows(p)), next(p))
	}

	// Search by the start of the number, with or without +, with spaces.
	for _, q := range []string{"+1425", "1425", "+1 (425)", nums[0], nums[0][:9]} {
		var want []string
		prefix := strings.NewReplacer(" ", "", "(", "", ")", "", "+", "").Replace(q)
		for _, n := range nums {
			if strings.HasPrefix(n, "+"+prefix) {
				want = append(want, n)
			}
		}
		p := u.get("/console/numbers?" + url.Values{"q": {q}}.Encode())
		mustStatus(t, "search "+q, p, http.StatusOK)
		if got := rows(p); !slices.Equal(got, want) || next(p) != "" {
			t.Fatalf("search %q: %v (next %q), want %v", q, got, next(p), want)
		}
	}
	// A search that fills a page exactly ends there: no empty last page.
	p = u.get("/console/numbers?" + url.Values{"q": {"+1425"}, "size": {"25"}}.Encode())
	if len(rows(p)) != 25 || next(p) == "" {
		t.Fatalf("search +1425, 25 per page: %d rows, next %q", len(rows(p)), next(p))
	}
	p = u.get(next(p))
	if len(rows(p)) != 5 || next(p) != "" {
		t.Fatalf("search +1425, page 2: %d rows, next %q", len(rows(p)), next(p))
	}
	mustStatus(t, "search with no match", u.get("/console/numbers?q=%2B1999"), http.StatusOK, "No phone numbers match the filters.")

	// Filters by status, product type and association.
	queued := nums[3:6]
	_, err := srv.Voice.BatchDeletePhoneNumber(bg, &chimesdkvoice.BatchDeletePhoneNumberInput{PhoneNumberIds: queued})
	chimevoicetest.Must(t, err, "delete")
	vc, err := srv.Voice.CreateVoiceConnector(bg, &chimesdkvoice.CreateVoiceConnectorInput{Name: aws.String("trunk"), RequireEncryption: aws.Bool(true)})
	chimevoicetest.Must(t, err, "create Voice Connector")
	vcID := aws.ToString(vc.VoiceConnector.VoiceConnectorId)
	_, err = srv.Voice.AssociatePhoneNumbersWithVoiceConnector(bg, &chimesdkvoice.AssociatePhoneNumbersWithVoiceConnectorInput{VoiceConnectorId: aws.String(vcID), E164PhoneNumbers: nums[10:12]})
	chimevoicetest.Must(t, err, "associate")
	for _, tc := range []struct {
		query url.Values
		want  []string
	}{
		{url.Values{"status": {"DeleteInProgress"}}, queued},
		{url.Values{"status": {"Assigned"}}, nums[10:12]},
		{url.Values{"status": {"ReleaseFailed"}}, nil},
		{url.Values{"product": {"SipMediaApplicationDialIn"}}, nil},
		{url.Values{"assoc": {"VoiceConnectorId"}, "value": {vcID}}, nums[10:12]},
		{url.Values{"assoc": {"VoiceConnectorId"}, "value": {vcID}, "q": {nums[11]}}, nums[11:12]},
		{url.Values{"status": {"DeleteInProgress"}, "q": {nums[4]}}, nums[4:5]},
	} {
		p := u.get("/console/numbers?" + tc.query.Encode())
		mustStatus(t, tc.query.Encode(), p, http.StatusOK)
		if got := rows(p); !slices.Equal(got, tc.want) {
			t.Fatalf("%s: %v, want %v", tc.query.Encode(), got, tc.want)
		}
	}
	// The Deletion queue lists in the order it is purged: a number deleted
	// later comes after the others even though it sorts before them, in
	// the status filter's pages and in a search among them.
	srv.Advance(t, time.Minute)
	_, err = srv.Voice.BatchDeletePhoneNumber(bg, &chimesdkvoice.BatchDeletePhoneNumberInput{PhoneNumberIds: nums[:1]})
	chimevoicetest.Must(t, err, "delete later")
	inQueue := append(slices.Clone(queued), nums[0])
	for _, tc := range []struct {
		query url.Values
		want  []string
	}{
		{url.Values{"status": {"DeleteInProgress"}}, inQueue},
		{url.Values{"status": {"DeleteInProgress"}, "q": {"+1206"}}, inQueue},
		{url.Values{"status": {"DeleteInProgress"}, "q": {"+1425"}}, nil},
	} {
		p := u.get("/console/numbers?" + tc.query.Encode())
		mustStatus(t, tc.query.Encode(), p, http.StatusOK)
		if got := rows(p); !slices.Equal(got, tc.want) || next(p) != "" {
			t.Fatalf("%s: %v (next %q), want %v", tc.query.Encode(), got, next(p), tc.want)
		}
	}
	p = u.get("/console/queue")
	if got := rows(p); !slices.Equal(got, inQueue) {
		t.Fatalf("queue page lists %v, want %v", got, inQueue)
	}
	// Pages of the queue follow its cursor.
	srv.Advance(t, time.Minute)
	_, err = srv.Voice.BatchDeletePhoneNumber(bg, &chimesdkvoice.BatchDeletePhoneNumberInput{PhoneNumberIds: nums[60:90]})
	chimevoicetest.Must(t, err, "delete 30 more")
	inQueue = append(inQueue, nums[60:90]...)
	for _, start := range []string{"/console/queue", "/console/numbers?status=DeleteInProgress&size=25"} {
		var listed []string
		for path, pages := start, 0; path != ""; pages++ {
			if pages > 2 {
				t.Fatalf("%s: more than 2 pages for %d queued numbers", start, len(inQueue))
			}
			p := u.get(path)
			mustStatus(t, path, p, http.StatusOK)
			listed = append(listed, rows(p)...)
			path = next(p)
		}
		if !slices.Equal(listed, inQueue) {
			t.Fatalf("%s pages list %v, want %v", start, listed, inQueue)
		}
	}

	// The Voice Connector's page lists the same numbers.
	p = u.get("/console/voice-connectors")
	mustStatus(t, "Voice Connectors", p, http.StatusOK, "trunk", vcID)
	p = u.get("/console/voice-connectors/" + vcID)
	mustStatus(t, "Voice Connector", p, http.StatusOK, vcID+".voiceconnector.chime.aws")
	if got := rows(p); !slices.Equal(got, nums[10:12]) {
		t.Fatalf("Voice Connector page lists %v, want %v", got, nums[10:12])
	}
	mustStatus(t, "unknown Voice Connector", u.get("/console/voice-connectors/nosuchconnector"), http.StatusNotFound)

	// Bad input: a clear message naming the field, nothing listed.
	for _, tc := range []struct{ query, msg string }{
		{"status=Bogus", `Status: "Bogus" is not one of`},
		{"product=Fax", `Product type: "Fax" is not one of`},
		{"assoc=VoiceConnectorId", "Associated with: choose the kind of resource and enter its ID together"},
		{"value=abc", "Associated with: choose the kind"},
		{"assoc=Printer&value=x", `Associated with: "Printer" is not one of`},
		{"q=abc", `Number: "abc" is not the start of an E.164 phone number`},
		{"q=%2B0123", "Number:"},
		{"size=7", `Page size: "7" is not one of 25, 50, 100.`},
		{"after=zzz", "The page link is not valid"},
		{"status=DeleteInProgress&after=%2B12065550100", "is not a place in the queue"},
	} {
		p := u.get("/console/numbers?" + tc.query)
		mustStatus(t, tc.query, p, http.StatusBadRequest, tc.msg, `role="alert"`)
		if len(rows(p)) != 0 {
			t.Fatalf("%s: rows listed despite the error", tc.query)
		}
	}
}

func TestDeleteRestoreAndQueue(t *testing.T) {
	srv := chimevoicetest.New(t, chimevoicetest.Options{Credentials: testCreds})
	nums := srv.Provision(t, srv.Voice, "206", 3, vcProduct)
	slices.Sort(nums)
	u := newUser(t, srv.URL, srv.HTTP.Client())
	u.signIn("test", "test")
	n := nums[0]

	p := u.get("/console/numbers/" + n)
	mustStatus(t, "number page", p, http.StatusOK, "Phone number "+n, "Unassigned", "/console/delete?number=%2b"+n[1:])
	p = u.get("/console/delete?number=" + url.QueryEscape(n))
	mustStatus(t, "confirmation", p, http.StatusOK, "You are about to delete 1 phone number:", "I understand the impact of this action", `name="confirm" value="yes" required`)

	// Without the confirmation nothing happens.
	p = u.action("/console/delete", url.Values{"number": {n}})
	mustStatus(t, "delete unconfirmed", p, http.StatusBadRequest, "To delete, check “I understand the impact of this action”. Nothing was deleted.")
	p = u.action("/console/delete", url.Values{"number": {n}, "confirm": {"no"}})
	mustStatus(t, "delete confirmed wrongly", p, http.StatusBadRequest, "Nothing was deleted.")
	p = u.action("/console/delete", url.Values{"number": {n, "12345x"}, "confirm": {"yes"}})
	mustStatus(t, "delete with a bad number", p, http.StatusBadRequest, `"12345x" is not an E.164 phone number`)
	mustStatus(t, "delete nothing", u.get("/console/delete"), http.StatusBadRequest, "Select at least one phone number to delete.")
	if got := status(t, srv, n); got != vtypes.PhoneNumberStatusUnassigned {
		t.Fatalf("%s is %s after refused deletes", n, got)
	}

	// Confirmed: into the queue, with 7 days left on the service clock.
	p = u.action("/console/delete", url.Values{"number": {n}, "confirm": {"yes"}})
	if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/console/queue" {
		t.Fatalf("delete: status %d, location %q\n%s", p.Status, p.Header.Get("Location"), mainOf(p.Body))
	}
	p = u.get("/console/queue")
	mustStatus(t, "queue", p, http.StatusOK, "Moved 1 phone number to the Deletion queue. It is permanently deleted after 7 days unless restored.", "7 days 0 hours", "Restore")
	if got := rows(p); !slices.Equal(got, []string{n}) {
		t.Fatalf("queue %v, want %v", got, []string{n})
	}
	if strings.Contains(u.get("/console/queue").Body, "Moved 1 phone number") {
		t.Fatal("the notice is shown twice")
	}
	srv.Advance(t, 26*time.Hour+30*time.Minute)
	mustStatus(t, "queue a day later", u.get("/console/queue"), http.StatusOK, "5 days 21 hours")
	mustStatus(t, "number page in the queue", u.get("/console/numbers/"+n), http.StatusOK, "DeleteInProgress", "5 days 21 hours left", "Restore "+n)

	// Restore, and restoring again is the service's clear refusal.
	p = u.action("/console/restore", url.Values{"number": {n}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("restore: status %d\n%s", p.Status, mainOf(p.Body))
	}
	mustStatus(t, "queue after restore", u.get("/console/queue"), http.StatusOK, "Restored "+n+": it is back in your inventory as Unassigned.", "The Deletion queue is empty.")
	p = u.action("/console/restore", url.Values{"number": {n}})
	mustStatus(t, "restore again", p, http.StatusBadRequest)
	mustStatus(t, "restore junk", u.action("/console/restore", url.Values{"number": {"junk"}}), http.StatusBadRequest, `"junk" is not an E.164 phone number. Nothing was restored.`)
	mustStatus(t, "restore unknown", u.action("/console/restore", url.Values{"number": {"+12065550000"}}), http.StatusNotFound)

	// A batch with a number the service refuses: the others are deleted,
	// the refused one is listed with its reason.
	vc, err := srv.Voice.CreateVoiceConnector(bg, &chimesdkvoice.CreateVoiceConnectorInput{Name: aws.String("trunk"), RequireEncryption: aws.Bool(false)})
	chimevoicetest.Must(t, err, "create Voice Connector")
	_, err = srv.Voice.AssociatePhoneNumbersWithVoiceConnector(bg, &chimesdkvoice.AssociatePhoneNumbersWithVoiceConnectorInput{VoiceConnectorId: vc.VoiceConnector.VoiceConnectorId, E164PhoneNumbers: nums[2:]})
	chimevoicetest.Must(t, err, "associate")
	p = u.action("/console/delete", url.Values{"number": nums[1:], "confirm": {"yes"}})
	mustStatus(t, "partial delete", p, http.StatusOK, "Moved 1 phone number to the Deletion queue.", "1 phone number could not be deleted", nums[2], "PhoneNumberAssociationsExist", "disassociate it first")
	p = u.action("/console/delete", url.Values{"number": nums[2:], "confirm": {"yes"}})
	mustStatus(t, "refused delete", p, http.StatusBadRequest, "PhoneNumberAssociationsExist")

	// Purge: past the retention the number leaves the queue and the inventory.
	srv.Advance(t, 7*24*time.Hour)
	mustStatus(t, "queue after purge", u.get("/console/queue"), http.StatusOK, "The Deletion queue is empty.")
	mustStatus(t, "purged number", u.get("/console/numbers/"+nums[1]), http.StatusNotFound)
}

func TestOrdersPages(t *testing.T) {
	srv := chimevoicetest.New(t, chimevoicetest.Options{Credentials: testCreds})
	nums := srv.Provision(t, srv.Voice, "206", 2, vcProduct)
	u := newUser(t, srv.URL, srv.HTTP.Client())
	u.signIn("test", "test")
	p := u.get("/console/orders")
	mustStatus(t, "orders", p, http.StatusOK, "Successful", "VoiceConnector")
	out, err := srv.Voice.ListPhoneNumberOrders(bg, &chimesdkvoice.ListPhoneNumberOrdersInput{})
	chimevoicetest.Must(t, err, "list orders")
	id := aws.ToString(out.PhoneNumberOrders[0].PhoneNumberOrderId)
	p = u.get("/console/orders/" + id)
	mustStatus(t, "order", p, http.StatusOK, id, nums[0], nums[1], "2 acquired, 0 failed")
	mustStatus(t, "unknown order", u.get("/console/orders/00000000-0000-0000-0000-000000000000"), http.StatusNotFound)
	mustStatus(t, "bad page token", u.get("/console/orders?next=garbage"), http.StatusBadRequest)
}

// TestAccountsIsolated: a session acts for its account only, whatever the
// URL names.
func TestAccountsIsolated(t *testing.T) {
	srv := chimevoicetest.New(t, chimevoicetest.Options{Credentials: testCreds})
	mine := srv.Provision(t, srv.Voice, "206", 1, vcProduct)[0]
	otherVoice, _ := srv.Clients(other.AccessKeyID, other.SecretAccessKey)
	theirs := srv.Provision(t, otherVoice, "425", 1, vcProduct)[0]
	u := newUser(t, srv.URL, srv.HTTP.Client())
	p := u.signIn(other.AccessKeyID, other.SecretAccessKey)
	if got := rows(p); !slices.Equal(got, []string{theirs}) {
		t.Fatalf("other account sees %v", got)
	}
	mustStatus(t, "another account's number", u.get("/console/numbers/"+mine), http.StatusNotFound)
	p = u.action("/console/delete", url.Values{"number": {mine}, "confirm": {"yes"}})
	mustStatus(t, "delete another account's number", p, http.StatusBadRequest, "NotFound")
	if got := status(t, srv, mine); got != vtypes.PhoneNumberStatusUnassigned {
		t.Fatalf("%s is %s", mine, got)
	}
}

func TestStaticAssetsAndAccessibility(t *testing.T) {
	srv := chimevoicetest.New(t, chimevoicetest.Options{Credentials: []sigv4.Credential{sigv4.DevCredential()}})
	srv.Provision(t, srv.Voice, "206", 1, vcProduct)
	u := newUser(t, srv.URL, srv.HTTP.Client())
	for _, f := range []string{"/console/static/console.css", "/console/static/console.js"} {
		if p := u.get(f); p.Status != http.StatusOK || len(p.Body) < 100 {
			t.Fatalf("%s: status %d, %d bytes", f, p.Status, len(p.Body))
		}
	}
	if p := u.get("/console"); p.Status != http.StatusSeeOther {
		t.Fatalf("/console: status %d", p.Status)
	}
	signin := u.get("/console/signin")
	p := u.signIn("test", "test")
	// Landmarks, a skip link, labelled inputs, table headers with scope,
	// live regions for messages.
	for _, pg := range []page{signin, p} {
		for _, s := range []string{`<html lang="en">`, `class="skip-link" href="#main"`, `<main id="main"`, `role="status" aria-live="polite"`, `role="alert"`} {
			if !strings.Contains(pg.Body, s) {
				t.Fatalf("page lacks %q", s)
			}
		}
	}
	for _, s := range []string{`<nav class="sidenav" aria-label="Console">`, `aria-current="page">Phone numbers`, `<th scope="col">Number</th>`, `<th scope="row">`, `<caption>`} {
		if !strings.Contains(p.Body, s) {
			t.Fatalf("inventory lacks %q", s)
		}
	}
	for _, pg := range []page{signin, p, u.get("/console/queue"), u.get("/console/delete?number=%2B12065550100")} {
		checkLabels(t, pg.Body)
	}
}

// checkLabels fails if a visible form control has no <label for> naming it.
func checkLabels(t *testing.T, body string) {
	t.Helper()
	for _, m := range controlTag.FindAllString(body, -1) {
		if strings.Contains(m, `type="hidden"`) || strings.Contains(m, `type="submit"`) {
			continue
		}
		id := idAttr.FindStringSubmatch(m)
		if id == nil || !strings.Contains(body, `<label for="`+id[1]+`"`) {
			t.Fatalf("control without a label: %s", m)
		}
	}
}

var (
	controlTag = regexp.MustCompile(`<(?:input|select|textarea)\b[^>]*>`)
	idAttr     = regexp.MustCompile(`\bid="([^"]+)"`)
)
