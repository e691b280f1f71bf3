package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
)

// execMainEnv, set to 1, makes the test binary run the chimevoice command
// instead of the tests: process tests start real server processes from the
// binary that is already built, rather than building another one.
const execMainEnv = "CHIMEVOICE_TEST_EXEC_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(execMainEnv) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// process is a chimevoice server process started by a test.
type process struct {
	URL    string
	cmd    *exec.Cmd
	stderr *lockedBuffer
	addr   chan string
	exited chan struct{}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var listeningRE = regexp.MustCompile(`listening on (https?://[0-9.]+:[0-9]+)`)

// startProcess runs `chimevoice serve --listen 127.0.0.1:0 args...` and
// returns once it prints its address. The process is stopped (SIGTERM, then
// SIGKILL) when the test ends, and its log is shown if the test failed.
func startProcess(t *testing.T, args ...string) *process {
	t.Helper()
	p := launch(t, args...)
	p.waitListening(t)
	return p
}

// launch starts the process without waiting for it to listen, so that a
// test can start several at the same moment.
func launch(t *testing.T, args ...string) *process {
	t.Helper()
	return launchEnv(t, os.Environ(), args...)
}

// launchEnv is launch with the process's environment.
func launchEnv(t *testing.T, env []string, args ...string) *process {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"serve", "--listen", "127.0.0.1:0", "--log-level", "warn"}, args...)...)
	cmd.Env = append(slices.Clone(env), execMainEnv+"=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatalf("stdout pipe: %v", err)
	}
	p := &process{cmd: cmd, stderr: &lockedBuffer{}, addr: make(chan string, 1), exited: make(chan struct{})}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start chimevoice: %v", err)
	}
	go func() { cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-p.exited
		}
		if t.Failed() {
			t.Logf("log of chimevoice %s:\n%s", p.URL, p.stderr)
		}
	})
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := listeningRE.FindStringSubmatch(sc.Text()); m != nil {
				p.addr <- m[1]
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	return p
}

// waitListening waits until the process prints its address.
func (p *process) waitListening(t *testing.T) {
	t.Helper()
	select {
	case p.URL = <-p.addr:
	case <-p.exited:
		t.Fatalf("chimevoice exited before listening: %s", p.stderr)
	case <-time.After(30 * time.Second):
		t.Fatalf("chimevoice did not start within 30 s: %s", p.stderr)
	}
}

// statusCounter counts HTTP responses by class, so a test can assert that
// no request ever got a 5xx it was not meant to.
type statusCounter struct {
	next          http.RoundTripper
	ok, c4xx, c5x atomic.Int64
	c503          atomic.Int64
}

func (c *statusCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(r)
	if err != nil {
		return resp, err
	}
	switch {
	case resp.StatusCode == http.StatusServiceUnavailable:
		c.c503.Add(1)
	case resp.StatusCode >= 500:
		c.c5x.Add(1)
	case resp.StatusCode >= 400:
		c.c4xx.Add(1)
	default:
		c.ok.Add(1)
	}
	return resp, err
}

// voiceClient returns a chime-sdk-voice client for url that signs with the
// key and makes exactly one attempt per call.
func voiceClient(url, key, secret string, hc *http.Client) *chimesdkvoice.Client {
	return chimesdkvoice.New(chimesdkvoice.Options{
		Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider(key, secret, ""),
		BaseEndpoint: aws.String(url), RetryMaxAttempts: 1, HTTPClient: hc,
	})
}

// admin calls the admin API of url and returns the status code.
func admin(ctx context.Context, hc *http.Client, method, url string, body any) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return 0, nil, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp.StatusCode, data, err
}

// writeCredentials writes a credentials file with one key per account
// ("key-<account>", secret "secret") and returns its path.
func writeCredentials(t *testing.T, accounts ...string) string {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("credentials:\n")
	for _, a := range accounts {
		fmt.Fprintf(&b, "  - access_key_id: key-%s\n    secret_access_key: secret\n    account_id: %q\n", a, a)
	}
	path := filepath.Join(t.TempDir(), "credentials.yaml")
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatalf("write credentials: %v", err)
	}
	return path
}

// TestServeGCPercent: serve runs with GOGC=200 unless the environment sets
// GOGC, as the runtime's own gauge on /metrics shows.
func TestServeGCPercent(t *testing.T) {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GOGC=") {
			env = append(env, kv)
		}
	}
	for _, tc := range []struct {
		env  []string
		want string
	}{
		{env, "go_gc_gogc_percent 200\n"},
		{append(slices.Clone(env), "GOGC=50"), "go_gc_gogc_percent 50\n"},
	} {
		p := launchEnv(t, tc.env, "--data", ":memory:")
		p.waitListening(t)
		resp, err := http.Get(p.URL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !bytes.Contains(body, []byte(tc.want)) {
			t.Fatalf("/metrics has no %q (GOGC set in the environment: %v)", strings.TrimSpace(tc.want), len(tc.env) > len(env))
		}
	}
}
