package console

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// signinData fills the sign-in page.
type signinData struct {
	Token      string // the sign-in form's CSRF token
	AccessKey  string // echoed after a failure; the secret never is
	Account    string
	AdminToken bool // the admin-token form is offered only when a token is configured
}

func (c *Console) signinPage(w http.ResponseWriter, r *http.Request) {
	notice := ""
	if r.URL.Query().Has("signedout") {
		notice = "You have signed out."
	}
	c.renderSignin(w, r, http.StatusOK, notice, "")
}

// renderSignin shows the sign-in page with a fresh form token.
func (c *Console) renderSignin(w http.ResponseWriter, r *http.Request, status int, notice, errMsg string) {
	d := signinData{Token: c.guard.issue(w, r, c.secure(r)), AdminToken: c.opts.AdminToken != ""}
	if r.Method == http.MethodPost {
		d.AccessKey = strings.TrimSpace(r.PostFormValue("access_key"))
		d.Account = strings.TrimSpace(r.PostFormValue("account"))
	}
	c.render(w, &request{Request: r}, status, "signin", view{Title: "Sign in", Notice: notice, Error: errMsg, Data: d})
}

// signin checks an access key and secret from the credentials file, or
// the admin token and an account ID, and starts a session. Failures say
// what to fix but never which of key and secret was wrong.
func (c *Console) signin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		c.renderSignin(w, r, http.StatusBadRequest, "", "The sign-in form could not be read.")
		return
	}
	if !c.guard.check(r, r.PostFormValue("csrf")) {
		c.renderSignin(w, r, http.StatusForbidden, "", "The sign-in form expired or did not come from this console (CSRF check): sign in again on this page.")
		return
	}
	// Throttled per access key and per client address, before any secret
	// is compared (throttle.go).
	bucketKey := adminBucket
	if r.PostFormValue("method") != "admin" {
		bucketKey = ""
		if k := strings.TrimSpace(r.PostFormValue("access_key")); c.creds[k] != nil {
			bucketKey = k
		}
	}
	addr := clientAddr(r, c.opts.TrustForwarded)
	if d := c.throttle.check(bucketKey, addr); d > 0 {
		secs := int((d + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		c.log.Warn("console sign-in throttled", "access_key", bucketKey, "client", addr)
		c.renderSignin(w, r, http.StatusTooManyRequests, "", fmt.Sprintf("Too many failed sign-ins for this access key or from this address: wait %d seconds, then try again.", secs))
		return
	}
	fail := func(status int, msg string) {
		if status == http.StatusUnauthorized {
			c.throttle.failed(bucketKey, addr)
		}
		c.renderSignin(w, r, status, "", msg)
	}
	var s *session
	var err error
	switch r.PostFormValue("method") {
	case "admin":
		token, account := r.PostFormValue("admin_token"), strings.TrimSpace(r.PostFormValue("account"))
		if c.opts.AdminToken == "" {
			c.renderSignin(w, r, http.StatusBadRequest, "", "Admin sign-in is off: start chimevoice with --admin-token to use it.")
			return
		}
		if subtle.ConstantTimeCompare([]byte(token), []byte(c.opts.AdminToken)) != 1 {
			fail(http.StatusUnauthorized, "The admin token is not correct.")
			return
		}
		if !isAccountID(account) {
			c.renderSignin(w, r, http.StatusBadRequest, "", "Account ID: enter the 12 digits of the account to manage, e.g. 000000000000.")
			return
		}
		s, err = c.sessions.create(r.Context(), account, adminPrincipal, nil)
	default:
		key, secret := strings.TrimSpace(r.PostFormValue("access_key")), r.PostFormValue("secret")
		if key == "" || secret == "" {
			c.renderSignin(w, r, http.StatusBadRequest, "", "Enter both the access key ID and the secret access key.")
			return
		}
		cred, ok := c.creds[key]
		want := dummySecret
		if ok {
			want = cred.SecretAccessKey
		}
		// Compared in constant time, and compared even for an unknown key,
		// so that timing tells nothing about keys or secrets.
		if subtle.ConstantTimeCompare([]byte(secret), []byte(want)) != 1 || !ok {
			fail(http.StatusUnauthorized, "The access key ID or the secret access key is not correct.")
			return
		}
		s, err = c.sessions.create(r.Context(), cred.AccountID, cred.AccessKeyID, cred)
	}
	if err != nil {
		c.log.Error("console sign-in: store the session", "err", err)
		c.renderSignin(w, r, http.StatusServiceUnavailable, "", "The session could not be stored (the database is unavailable): try again in a moment.")
		return
	}
	if old := c.session(r); old != nil {
		c.sessions.delete(r.Context(), old) // signing in again ends the session it replaces
	}
	c.setCookie(w, r, sessionCookie, s.id, Prefix, 0)
	c.setCookie(w, r, signinCookie, "", Prefix+"/signin", -1)
	c.log.Info("console sign-in", "account", s.account, "principal", s.principal)
	http.Redirect(w, r, Prefix+"/numbers", http.StatusSeeOther)
}

// dummySecret is what a secret is compared with when the access key is unknown.
const dummySecret = "chimevoice-console-no-such-access-key"

func (c *Console) signout(w http.ResponseWriter, r *request) {
	if err := c.sessions.delete(r.Context(), r.s); err != nil {
		c.log.Error("console sign-out", "err", err)
	}
	c.setCookie(w, r.Request, sessionCookie, "", Prefix, -1)
	http.Redirect(w, r.Request, Prefix+"/signin?signedout", http.StatusSeeOther)
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, ch := range s {
		if ch < '0' || ch > '9' {
			return false
		}
	}
	return true
}
