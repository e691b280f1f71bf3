// Package lambdatest runs a SIP media application handler behind a real
// Lambda Invoke API for tests: it starts the repository's
// examples/calls/lambda_invoke_server.py (Python handlers) or
// examples/calls/node/lambda_invoke_server.mjs (Node.js handlers) as a
// process on a free port, stops it when the test ends, and reads back every
// event the handler received.
package lambdatest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Server is a running lambda_invoke_server.py.
type Server struct {
	// URL is the Lambda endpoint: http://127.0.0.1:PORT.
	URL    string
	events string
	stderr *bytes.Buffer
}

// RepoFile returns the path of a file of the repository, given relative to its root.
func RepoFile(rel string) string {
	_, self, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(self), "..", "..", filepath.FromSlash(rel))
}

// Start runs a Python handler (a .py file, or file.py:function) behind the
// Lambda Invoke API. Without python3 the test is skipped.
func Start(t testing.TB, handler string, env ...string) *Server {
	t.Helper()
	return start(t, "python3", "examples/calls/lambda_invoke_server.py", handler, env)
}

// StartNode runs a Node.js handler (a .mjs file, or file.mjs:export) behind
// the Lambda Invoke API. Without node the test is skipped.
func StartNode(t testing.TB, handler string, env ...string) *Server {
	t.Helper()
	return start(t, "node", "examples/calls/node/lambda_invoke_server.mjs", handler, env)
}

func start(t testing.TB, interpreter, server, handler string, env []string) *Server {
	t.Helper()
	bin, err := exec.LookPath(interpreter)
	if err != nil {
		t.Skipf("%s is not installed: the handler tests need it", interpreter)
	}
	events := filepath.Join(t.TempDir(), "events.jsonl")
	cmd := exec.Command(bin, RepoFile(server), "--handler", handler, "--port", "0", "--events", events)
	cmd.Env = append(os.Environ(), env...)
	s := &Server{events: events, stderr: &bytes.Buffer{}}
	cmd.Stderr = s.stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatalf("lambda server: %v", err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start lambda server: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("lambda server log:\n%s", s.stderr)
		}
	})
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "listening on "); ok {
				line <- u
				break
			}
		}
		io.Copy(io.Discard, out) // never let a full pipe block the server
	}()
	select {
	case s.URL = <-line:
	case <-time.After(30 * time.Second):
		t.Fatalf("lambda server did not start: %s", s.stderr)
	}
	return s
}

// Events returns every event the handler received so far, in order.
func (s *Server) Events(t testing.TB) []map[string]any {
	t.Helper()
	b, err := os.ReadFile(s.events)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatalf("read events: %v", err)
	}
	var out []map[string]any
	for line := range strings.SplitSeq(strings.TrimSpace(string(b)), "\n") {
		if line == "" {
			continue
		}
		var ev map[string]any
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("event %q: %v", line, err)
		}
		out = append(out, ev)
	}
	return out
}

// Summary describes events one a line, "Sequence TYPE [ActionData.Type]
// [detail]", the form tests compare against.
func Summary(events []map[string]any) []string {
	var out []string
	for _, ev := range events {
		s := strings.TrimSpace(jsonNum(ev["Sequence"]) + " " + str(ev["InvocationEventType"]))
		if ad, ok := ev["ActionData"].(map[string]any); ok {
			s += " " + str(ad["Type"])
			if d, ok := ad["ReceivedDigits"]; ok {
				s += " digits=" + str(d)
			}
			if e, ok := ad["ErrorType"]; ok {
				s += " error=" + str(e)
			}
			if p, ok := ad["Parameters"].(map[string]any); ok && str(ad["Type"]) == "Hangup" {
				s += " " + str(p["ParticipantTag"]) + " code=" + jsonNum(p["SipResponseCode"])
			}
		}
		if e, ok := ev["ErrorType"]; ok {
			s += " error=" + str(e)
		}
		out = append(out, s)
	}
	return out
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func jsonNum(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
