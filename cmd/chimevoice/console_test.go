package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestMainServesConsole checks the wiring: the console shares the API's
// listener, signs in with the credentials file and shows the configured
// retention.
func TestMainServesConsole(t *testing.T) {
	creds := filepath.Join(t.TempDir(), "credentials.yaml")
	if err := os.WriteFile(creds, []byte(`credentials:
  - access_key_id: AKIACONSOLE
    secret_access_key: console-secret
    account_id: "333333333333"
`), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.Listen = "127.0.0.1:0"
	cfg.Data = ":memory:"
	cfg.Credentials = creds
	cfg.DeletionRetention = 48 * time.Hour
	m := NewMain(cfg)
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })

	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := client.Get(m.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	status, body := get("/console")
	token := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(body)
	if status != http.StatusOK || !strings.Contains(body, "Sign in") || token == nil {
		t.Fatalf("/console: %d, want the sign-in page", status)
	}
	resp, err := client.PostForm(m.URL()+"/console/signin", url.Values{"csrf": {token[1]}, "method": {"key"}, "access_key": {"AKIACONSOLE"}, "secret": {"console-secret"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/console/numbers" {
		t.Fatalf("sign-in: %d at %s", resp.StatusCode, resp.Request.URL.Path)
	}
	status, body = get("/console/queue")
	if status != http.StatusOK || !strings.Contains(body, "333333333333") || !strings.Contains(body, "wait here for 2 days") {
		t.Fatalf("queue: %d, want account 333333333333 and a 2-day retention", status)
	}
	// The API is still served on the same listener.
	if status, _ := get("/_chimevoice/health"); status != http.StatusOK {
		t.Fatalf("health: %d", status)
	}
}
