// Package testserver runs a real chimevoice server for a Go test, from any
// module: the chimevoice binary as a process, or its container image, with
// a throwaway store on a free port, stopped when the test ends.
//
//	func TestDeletionQueue(t *testing.T) {
//		srv := testserver.Start(t, testserver.Options{})
//		voice := srv.Voice()                  // aws-sdk-go-v2 chimesdkvoice client
//		...
//		srv.AdvanceClock(t, "7d")             // purge the Deletion queue
//	}
//
// The server comes from, in this order: Options.Binary, $CHIMEVOICE_BIN,
// Options.Image or $CHIMEVOICE_IMAGE (Docker or Podman), chimevoice on
// PATH, and last a build of cmd/chimevoice from the chimevoice module that
// the test's module requires (go build, once per test binary, into the
// user cache directory).
//
// Inside the chimevoice module, chimevoicetest runs the handler in process
// with a manual clock instead.
package testserver

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
)

// Options configure a server.
type Options struct {
	// Binary is the chimevoice binary (default $CHIMEVOICE_BIN, then PATH,
	// then a build from the required module).
	Binary string
	// Image runs the server from this container image instead (default
	// $CHIMEVOICE_IMAGE when no binary is named); Engine is "docker" or
	// "podman" (default $CHIMEVOICE_CONTAINER_ENGINE, then whichever is on
	// PATH).
	Image  string
	Engine string
	// Args are extra serve flags, e.g. "--deletion-retention", "2d".
	Args []string
	// StartTimeout bounds the start (default 30 s).
	StartTimeout time.Duration
}

// Server is a running chimevoice.
type Server struct {
	// URL is the endpoint, e.g. http://127.0.0.1:41234.
	URL string
}

// How to get a server, for the error when none is found.
const howToGetIt = `no chimevoice found. Give the test a server in one of these ways:
  - CHIMEVOICE_BIN=/path/to/chimevoice (go build -o ... ./cmd/chimevoice in a clone)
  - chimevoice on PATH (go install ./cmd/chimevoice in a clone)
  - CHIMEVOICE_IMAGE=chimevoice (docker build -t chimevoice . in a clone), with Docker or Podman
  - require github.com/chimevoice/chimevoice in go.mod (with a replace directive to a clone
    until the module is published): the helper then builds cmd/chimevoice itself`

// Start starts a server for the test and stops it when the test ends.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	if o.StartTimeout == 0 {
		o.StartTimeout = 30 * time.Second
	}
	bin := o.Binary
	if bin == "" {
		bin = os.Getenv("CHIMEVOICE_BIN")
	}
	if bin == "" {
		image := o.Image
		if image == "" {
			image = os.Getenv("CHIMEVOICE_IMAGE")
		}
		if image != "" {
			return startContainer(t, o, image)
		}
		var err error
		if bin, err = findBinary(); err != nil {
			t.Fatalf("testserver: %v", err)
		}
	}
	return startProcess(t, o, bin)
}

var listening = regexp.MustCompile(`listening on (http://\S+)`)

func startProcess(t testing.TB, o Options, bin string) *Server {
	t.Helper()
	args := append([]string{"serve", "--listen", "127.0.0.1:0", "--data", ":memory:", "--log-level", "warn"}, o.Args...)
	cmd := exec.Command(bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatalf("testserver: %v", err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("testserver: start %s: %v\n%s", bin, err, howToGetIt)
	}
	exited := make(chan struct{})
	url := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				url <- m[1]
				break
			}
		}
		io.Copy(io.Discard, stdout)
		cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	})
	select {
	case u := <-url:
		return &Server{URL: u}
	case <-exited:
		t.Fatalf("testserver: chimevoice exited before listening:\n%s", stderr.String())
	case <-time.After(o.StartTimeout):
		t.Fatalf("testserver: chimevoice did not listen within %s", o.StartTimeout)
	}
	return nil
}

func startContainer(t testing.TB, o Options, image string) *Server {
	t.Helper()
	engine := o.Engine
	if engine == "" {
		engine = os.Getenv("CHIMEVOICE_CONTAINER_ENGINE")
	}
	if engine == "" {
		for _, e := range []string{"docker", "podman"} {
			if _, err := exec.LookPath(e); err == nil {
				engine = e
				break
			}
		}
	}
	if engine == "" {
		t.Fatalf("testserver: CHIMEVOICE_IMAGE is set but neither docker nor podman is on PATH")
	}
	args := append([]string{"run", "-d", "-p", "127.0.0.1::8080", "-e", "CHIMEVOICE_DATA=:memory:", image, "serve"}, o.Args...)
	out, err := exec.Command(engine, args...).Output()
	if err != nil {
		t.Fatalf("testserver: %s run %s: %v %s", engine, image, err, stderrOf(err))
	}
	id := strings.TrimSpace(string(out))
	t.Cleanup(func() { exec.Command(engine, "rm", "-f", "-v", id).Run() })
	out, err = exec.Command(engine, "port", id, "8080").Output()
	if err != nil {
		t.Fatalf("testserver: %s port: %v %s", engine, err, stderrOf(err))
	}
	first := strings.Fields(string(out))
	if len(first) == 0 {
		t.Fatalf("testserver: %s port printed nothing", engine)
	}
	s := &Server{URL: "http://127.0.0.1:" + first[0][strings.LastIndex(first[0], ":")+1:]}
	deadline := time.Now().Add(o.StartTimeout)
	for {
		resp, err := http.Get(s.URL + "/_chimevoice/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s
			}
		}
		if time.Now().After(deadline) {
			logs, _ := exec.Command(engine, "logs", id).CombinedOutput()
			t.Fatalf("testserver: the container never became healthy:\n%s", logs)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func stderrOf(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return string(ee.Stderr)
	}
	return ""
}

var (
	buildOnce sync.Once
	buildBin  string
	buildErr  error
)

// findBinary looks for chimevoice on PATH, then builds cmd/chimevoice from
// the chimevoice module the test's module requires, once per test binary.
func findBinary() (string, error) {
	if p, err := exec.LookPath("chimevoice"); err == nil {
		return p, nil
	}
	buildOnce.Do(func() { buildBin, buildErr = build() })
	return buildBin, buildErr
}

func build() (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/chimevoice/chimevoice").Output()
	dir := strings.TrimSpace(string(out))
	if err != nil || dir == "" {
		return "", errors.New(howToGetIt)
	}
	// One binary per module directory in the user's cache directory (as Go
	// keeps its build cache), replaced at each build, which Go's build
	// cache makes cheap: nothing piles up.
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	sum := sha256.Sum256([]byte(dir))
	cache := filepath.Join(base, "chimevoice-testserver", hex.EncodeToString(sum[:6]))
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(cache, "build-*")
	if err != nil {
		return "", err
	}
	tmp.Close()
	cmd := exec.Command("go", "build", "-o", tmp.Name(), "./cmd/chimevoice")
	cmd.Dir = dir // the chimevoice module's own go.mod and go.sum
	if out, err := cmd.CombinedOutput(); err != nil {
		os.Remove(tmp.Name())
		return "", fmt.Errorf("build chimevoice in %s: %v\n%s\n%s", dir, err, out, howToGetIt)
	}
	bin := filepath.Join(cache, "chimevoice")
	if err := os.Rename(tmp.Name(), bin); err != nil { // atomic: test binaries may build at once
		os.Remove(tmp.Name())
		return "", err
	}
	return bin, nil
}

// Credentials are those of the development credential test/test.
func (s *Server) credentials() aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider("test", "test", "")
}

// Voice returns a chime-sdk-voice client on the server (test/test, us-east-1).
func (s *Server) Voice(optFns ...func(*chimesdkvoice.Options)) *chimesdkvoice.Client {
	return chimesdkvoice.New(chimesdkvoice.Options{Region: "us-east-1", BaseEndpoint: aws.String(s.URL), Credentials: s.credentials()}, optFns...)
}

// Chime returns a legacy chime client on the server.
func (s *Server) Chime(optFns ...func(*chime.Options)) *chime.Client {
	return chime.New(chime.Options{Region: "us-east-1", BaseEndpoint: aws.String(s.URL), Credentials: s.credentials()}, optFns...)
}

// Admin calls the admin API (path under /_chimevoice/) with a JSON body
// (nil for none) and decodes the answer into out (nil to drop it). A
// status other than 200 fails the test.
func (s *Server) Admin(t testing.TB, method, path string, body, out any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		data, ok := body.([]byte)
		if !ok {
			var err error
			if data, err = json.Marshal(body); err != nil {
				t.Fatalf("testserver: %s %s: %v", method, path, err)
			}
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, s.URL+path, rd)
	if err != nil {
		t.Fatalf("testserver: %v", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("testserver: %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("testserver: %s %s: %d %s %v", method, path, resp.StatusCode, data, err)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("testserver: %s %s: decode %s: %v", method, path, data, err)
		}
	}
}

// AdvanceClock moves the service clock forward ("7d", "168h", "0s") and
// runs the work that became due (purges, order completions); it returns
// the new service time.
func (s *Server) AdvanceClock(t testing.TB, d string) time.Time {
	t.Helper()
	var out struct{ Now time.Time }
	s.Admin(t, http.MethodPost, "/_chimevoice/clock", map[string]string{"Advance": d}, &out)
	return out.Now
}

// Now returns the service clock.
func (s *Server) Now(t testing.TB) time.Time {
	t.Helper()
	var out struct{ Now time.Time }
	s.Admin(t, http.MethodGet, "/_chimevoice/clock", nil, &out)
	return out.Now
}

// Reset empties every account.
func (s *Server) Reset(t testing.TB) {
	t.Helper()
	s.Admin(t, http.MethodPost, "/_chimevoice/reset", nil, nil)
}

// LoadState replaces the whole state with a snapshot (JSON, as
// `chimevoice state export` writes it), validated, all or nothing.
func (s *Server) LoadState(t testing.TB, snapshot []byte) {
	t.Helper()
	s.Admin(t, http.MethodPost, "/_chimevoice/state", snapshot, nil)
}

// Faults sets fault injection rules (see docs/operations.md), e.g.
// []map[string]any{{"Operation": "BatchDeletePhoneNumber", "Error": "ThrottledClientException", "Count": 2}};
// nil clears them.
func (s *Server) Faults(t testing.TB, rules any) {
	t.Helper()
	if rules == nil {
		s.Admin(t, http.MethodDelete, "/_chimevoice/faults", nil, nil)
		return
	}
	s.Admin(t, http.MethodPost, "/_chimevoice/faults", rules, nil)
}
