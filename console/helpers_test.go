package console_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	vtypes "github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"

	"github.com/chimevoice/chimevoice/chimevoicetest"
	"github.com/chimevoice/chimevoice/sigv4"
)

var (
	bg        = context.Background()
	vcProduct = vtypes.PhoneNumberProductTypeVoiceConnector
	readOnly  = sigv4.Credential{AccessKeyID: "AKIAREADONLY", SecretAccessKey: "read-only-secret", AccountID: "000000000000", Allow: []string{"Get*", "List*", "Search*"}}
	other     = sigv4.Credential{AccessKeyID: "AKIAOTHER", SecretAccessKey: "other-secret", AccountID: "222222222222"}
	testCreds = []sigv4.Credential{sigv4.DevCredential(), readOnly, other}
)

// page is a console answer: the status, the headers and the body with
// HTML entities decoded, so tests can look for "+1206..." as people read it.
type page struct {
	Status int
	Header http.Header
	Body   string
}

// user is a browser without JavaScript: a cookie jar, no redirect
// following (tests check each step).
type user struct {
	t      testing.TB
	base   string
	client *http.Client
	csrf   string // the session's CSRF token, from the last page that had one
}

func newUser(t testing.TB, base string, hc *http.Client) *user {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{
		Transport:     hc.Transport,
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return &user{t: t, base: base, client: client}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (u *user) do(req *http.Request) page {
	u.t.Helper()
	resp, err := u.client.Do(req)
	if err != nil {
		u.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		u.t.Fatalf("%s %s: read: %v", req.Method, req.URL, err)
	}
	body := string(b)
	if m := csrfField.FindStringSubmatch(body); m != nil && !strings.Contains(req.URL.Path, "signin") {
		u.csrf = m[1]
	}
	return page{Status: resp.StatusCode, Header: resp.Header, Body: html.UnescapeString(body)}
}

func (u *user) get(path string) page {
	u.t.Helper()
	req, err := http.NewRequest(http.MethodGet, u.base+path, nil)
	if err != nil {
		u.t.Fatal(err)
	}
	return u.do(req)
}

// post submits a form as a browser does.
func (u *user) post(path string, form url.Values) page {
	u.t.Helper()
	req, err := http.NewRequest(http.MethodPost, u.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		u.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return u.do(req)
}

// action posts a form with the session's CSRF token.
func (u *user) action(path string, form url.Values) page {
	u.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", u.csrf)
	return u.post(path, form)
}

// signinForm loads the sign-in page and returns its form token.
func (u *user) signinForm() string {
	u.t.Helper()
	p := u.get("/console/signin")
	if p.Status != http.StatusOK {
		u.t.Fatalf("sign-in page: status %d", p.Status)
	}
	m := csrfField.FindStringSubmatch(p.Body)
	if m == nil {
		u.t.Fatalf("sign-in page has no csrf field:\n%s", p.Body)
	}
	return m[1]
}

// signIn signs in with an access key and loads the inventory.
func (u *user) signIn(key, secret string) page {
	u.t.Helper()
	p := u.post("/console/signin", url.Values{"csrf": {u.signinForm()}, "method": {"key"}, "access_key": {key}, "secret": {secret}})
	if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/console/numbers" {
		u.t.Fatalf("sign in as %s: status %d, location %q\n%s", key, p.Status, p.Header.Get("Location"), p.Body)
	}
	return u.get("/console/numbers")
}

// mustStatus fails unless the page has the status and contains every string.
func mustStatus(t testing.TB, what string, p page, status int, contains ...string) {
	t.Helper()
	if p.Status != status {
		t.Fatalf("%s: status %d, want %d\n%s", what, p.Status, status, mainOf(p.Body))
	}
	for _, s := range contains {
		if !strings.Contains(p.Body, s) {
			t.Fatalf("%s: page lacks %q\n%s", what, s, mainOf(p.Body))
		}
	}
}

// mainOf is the <main> of a page, for failure messages.
func mainOf(body string) string {
	if i := strings.Index(body, "<main"); i >= 0 {
		body = body[i:]
	}
	if len(body) > 4000 {
		body = body[:4000]
	}
	return body
}

var rowNumber = regexp.MustCompile(`<th scope="row"><a href="/console/numbers/[^"]+">(\+\d+)</a></th>`)

// rows lists the numbers of a page's table, in order.
func rows(p page) []string {
	var out []string
	for _, m := range rowNumber.FindAllStringSubmatch(p.Body, -1) {
		out = append(out, m[1])
	}
	return out
}

var nextLink = regexp.MustCompile(`<a href="([^"]+)" rel="next">`)

// next returns the page's "Next page" link, or "".
func next(p page) string {
	if m := nextLink.FindStringSubmatch(p.Body); m != nil {
		return m[1]
	}
	return ""
}

// status reads a number's status through the API.
func status(t testing.TB, srv *chimevoicetest.Server, e164 string) vtypes.PhoneNumberStatus {
	t.Helper()
	out, err := srv.Voice.GetPhoneNumber(bg, &chimesdkvoice.GetPhoneNumberInput{PhoneNumberId: aws.String(e164)})
	chimevoicetest.Must(t, err, "get %s", e164)
	return out.PhoneNumber.Status
}

func cookie(p page, name string) *http.Cookie {
	for _, c := range (&http.Response{Header: p.Header}).Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}
