package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
)

// status runs the command line as main does and returns its exit status,
// stdout and stderr.
func status(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errw bytes.Buffer
	err := run(context.Background(), args, &out, &errw)
	return exitCode(err, &errw), out.String(), errw.String()
}

func TestHelpForEveryCommandExitsZero(t *testing.T) {
	for _, args := range [][]string{
		{"--help"}, {"-h"}, {"help"}, {"serve", "--help"}, {"serve", "-h"},
		{"bench", "--help"}, {"migrate", "--help"}, {"healthcheck", "--help"}, {"version", "--help"},
		{"pool", "--help"}, {"pool", "help"}, {"pool", "import", "--help"}, {"pool", "clear", "-h"},
		{"pool", "status", "--help"}, {"pool", "sample", "--help"},
		{"state", "--help"}, {"state", "export", "--help"}, {"state", "import", "-h"}, {"state", "reset", "--help"},
		{"help", "pool"}, {"help", "serve"}, {"help", "bench"},
	} {
		code, out, errw := status(t, args...)
		if code != 0 || !strings.Contains(out, "Usage") && !strings.Contains(out, "chimevoice") || errw != "" {
			t.Errorf("%v: exit %d\nstdout: %s\nstderr: %s", args, code, out, errw)
		}
	}
	_, top, _ := status(t, "--help")
	for _, want := range []string{"serve", "healthcheck", "state", "pool", "migrate", "bench", "version", "CHIMEVOICE_", "--deletion-retention", "$CHIMEVOICE_DEV", "--state"} {
		if !strings.Contains(top, want) {
			t.Errorf("top-level help lacks %q:\n%s", want, top)
		}
	}
}

func TestBadCommandLinesExitTwo(t *testing.T) {
	for _, args := range [][]string{
		{"frobnicate"}, {"--no-such-flag"}, {"serve", "extra"}, {"--deletion-retention", "soon"},
		{"--dev=maybe"}, {"--log-format", "xml"}, {"bench", "--no-such-flag"}, {"bench", "extra"},
		{"pool", "frob"}, {"pool", "import"}, {"pool", "sample", "--count", "0"},
		{"state", "frob"}, {"state", "import"}, {"migrate", "--nope"}, {"healthcheck", "extra"}, {"version", "extra"},
	} {
		code, _, errw := status(t, args...)
		if code != 2 || !strings.Contains(errw, "Usage") && !strings.Contains(errw, "chimevoice help") {
			t.Errorf("%v: exit %d, stderr:\n%s", args, code, errw)
		}
	}
	t.Setenv("CHIMEVOICE_ORDER_LATENCY", "soon")
	if code, _, errw := status(t, "serve"); code != 2 || !strings.Contains(errw, "CHIMEVOICE_ORDER_LATENCY") {
		t.Errorf("bad environment value: exit %d %s", code, errw)
	}
}

func TestVersionFlag(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"-version"}, {"version"}} {
		if code, out, _ := status(t, args...); code != 0 || !strings.HasPrefix(out, "chimevoice 0.") {
			t.Errorf("%v: exit %d %q", args, code, out)
		}
	}
}

func TestDurationFlagsTakeDays(t *testing.T) {
	cfg := DefaultConfig()
	env := func(k string) (string, bool) { return "1d12h", k == "CHIMEVOICE_ORDER_LATENCY" }
	if err := cfg.Parse([]string{"--deletion-retention", "7d", "--request-timeout=1.5d"}, env, io.Discard); err != nil {
		t.Fatal(err)
	}
	if cfg.DeletionRetention != 7*24*time.Hour || cfg.OrderLatency != 36*time.Hour || cfg.RequestTimeout != 36*time.Hour {
		t.Fatalf("%+v", cfg)
	}
}

func TestEmulatorMode(t *testing.T) {
	dir := t.TempDir()
	creds := writeFile(t, dir, "credentials.yaml", "credentials:\n  - access_key_id: AKIAOPERATOR\n    secret_access_key: s3cret\n    account_id: \"111111111111\"\n")
	missing := filepath.Join(dir, "absent.yaml")
	for _, c := range []struct {
		name string
		cfg  Config
		want bool
	}{
		{"default", Config{}, false},
		{"on", Config{Dev: devOn, Credentials: creds}, true},
		{"auto, nothing", Config{Dev: devAuto}, true},
		{"auto, missing file", Config{Dev: devAuto, Credentials: missing}, true},
		{"auto, mounted file", Config{Dev: devAuto, Credentials: creds}, false},
		{"auto, admin token", Config{Dev: devAuto, Credentials: missing, AdminToken: "t"}, false},
	} {
		cfg := c.cfg
		got, why, err := cfg.emulator()
		if err != nil || got != c.want || got != (why != "") {
			t.Errorf("%s: %v %q %v", c.name, got, why, err)
		}
		if c.name == "auto, missing file" && cfg.Credentials != "" {
			t.Errorf("%s: still reads %s", c.name, cfg.Credentials)
		}
	}

	// Beyond loopback, the secure default refuses; the emulator serves.
	public := func(c *Config) (*Main, error) {
		c.Listen, c.Data = "0.0.0.0:0", ":memory:"
		m := NewMain(*c)
		err := m.Run(context.Background())
		if err == nil {
			t.Cleanup(func() { m.Close() })
		}
		return m, err
	}
	if _, err := public(&Config{LogFormat: "text", LogLevel: "info", DeletionRetention: time.Hour}); err == nil || !strings.Contains(err.Error(), "--dev") {
		t.Fatalf("secure default on 0.0.0.0: %v", err)
	}
	m, err := public(&Config{Dev: devAuto, Credentials: missing, DeletionRetention: time.Hour})
	if err != nil {
		t.Fatalf("emulator on 0.0.0.0: %v", err)
	}
	var out bytes.Buffer
	m.printStart(context.Background(), &out)
	if !strings.Contains(out.String(), "DEVELOPMENT EMULATOR") || !strings.Contains(out.String(), "a new, empty store") {
		t.Fatalf("start-up message:\n%s", out.String())
	}
}

func TestStateFlagImportsIntoAnEmptyStoreOnly(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "chimevoice.db")
	// A fixture whose clock is years ahead, as a test that moved it leaves it.
	fixture := writeFile(t, dir, "fixture.json", strings.Replace(snapshot, `"Now": "2026-11-22T10:00:00.000Z"`, `"Now": "2030-01-01T00:00:00.000Z"`, 1))
	m := startMain(t, func(c *Config) { c.Data, c.State = db, fixture })
	client := voiceClient(m.URL(), "test", "test", http.DefaultClient)
	ctx := context.Background()
	if _, err := client.GetPhoneNumber(ctx, &chimesdkvoice.GetPhoneNumberInput{PhoneNumberId: aws.String("+12067301307")}); err != nil {
		t.Fatalf("the --state number: %v", err)
	}
	if _, err := client.DeletePhoneNumber(ctx, &chimesdkvoice.DeletePhoneNumberInput{PhoneNumberId: aws.String("+12067301307")}); err != nil {
		t.Fatal(err)
	}
	closeMain(t, m)

	// A restart on the same store keeps what it holds: no second import.
	m = startMain(t, func(c *Config) { c.Data, c.State = db, fixture })
	client = voiceClient(m.URL(), "test", "test", http.DefaultClient)
	got, err := client.GetPhoneNumber(ctx, &chimesdkvoice.GetPhoneNumberInput{PhoneNumberId: aws.String("+12067301307")})
	if err != nil || got.PhoneNumber.Status != "DeleteInProgress" {
		t.Fatalf("after a restart with --state: %v %v", got, err)
	}
	var out bytes.Buffer
	m.printStart(ctx, &out)
	if !strings.Contains(out.String(), "resuming a store with 1 phone numbers (1 in the Deletion queue)") || !strings.Contains(out.String(), "service clock 2030-01-01T00:00:") || !strings.Contains(out.String(), "ahead of real time") {
		t.Fatalf("start-up message on a resumed store:\n%s", out.String())
	}

	// A bad snapshot stops the start, and imports nothing.
	bad := writeFile(t, dir, "bad.json", strings.Replace(snapshot, `"Unassigned"`, `"Lost"`, 1))
	empty := filepath.Join(dir, "empty.db")
	cfg := DefaultConfig()
	cfg.Listen, cfg.Data, cfg.State = "127.0.0.1:0", empty, bad
	if err := NewMain(cfg).Run(ctx); err == nil || !strings.Contains(err.Error(), `PhoneNumbers[0].Status: "Lost"`) {
		t.Fatalf("bad --state: %v", err)
	}
	if o, _ := mustRun(t, "state", "export", "--data", empty); !strings.Contains(o, `"PhoneNumbers": []`) {
		t.Fatalf("a refused --state left:\n%s", o)
	}
	cfg.State = filepath.Join(dir, "missing.json")
	if err := NewMain(cfg).Run(ctx); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing --state: %v", err)
	}
}

func TestHealthcheckCommand(t *testing.T) {
	m := startMain(t, nil)
	if code, out, errw := status(t, "healthcheck", "--url", m.URL()); code != 0 || !strings.Contains(out, `"status":"ok"`) {
		t.Fatalf("healthy server: exit %d %s %s", code, out, errw)
	}
	t.Setenv("CHIMEVOICE_LISTEN", "0.0.0.0:"+strings.Split(m.Addr(), ":")[1])
	if code, _, errw := status(t, "healthcheck"); code != 0 {
		t.Fatalf("healthcheck from CHIMEVOICE_LISTEN: exit %d %s", code, errw)
	}
	closeMain(t, m)
	if code, _, _ := status(t, "healthcheck", "--url", m.URL(), "--timeout", "2s"); code != 1 {
		t.Fatalf("stopped server: exit %d", code)
	}
	for listen, want := range map[string]string{
		"":               "http://127.0.0.1:8080",
		"0.0.0.0:8080":   "http://127.0.0.1:8080",
		":9000":          "http://127.0.0.1:9000",
		"[::]:8080":      "http://127.0.0.1:8080",
		"[::1]:8080":     "http://[::1]:8080",
		"10.0.0.5:8080":  "http://10.0.0.5:8080",
		"localhost:8080": "http://127.0.0.1:8080",
	} {
		if got := defaultHealthURL(listen); got != want {
			t.Errorf("defaultHealthURL(%q) = %q, want %q", listen, got, want)
		}
	}
}

func TestRootSendsBrowsersToTheConsole(t *testing.T) {
	m := startMain(t, nil)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest(http.MethodGet, m.URL()+"/", nil)
	req.Header.Set("Accept", "text/html,application/xhtml+xml")
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/console" {
		t.Fatalf("browser at /: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, err = http.Get(m.URL() + "/") // not a browser: the API's answer
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusSeeOther || resp.StatusCode < 400 {
		t.Fatalf("API client at /: %d", resp.StatusCode)
	}
}

// closeMain stops m before the test ends (its cleanup then has nothing to do).
func closeMain(t *testing.T, m *Main) {
	t.Helper()
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	m.srv = nil
}
