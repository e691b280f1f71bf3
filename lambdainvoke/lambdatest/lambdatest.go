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
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/chimevoice/chimevoice"
	"github.com/chimevoice/chimevoice/pstn"
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

// Transcript renders a call's transcript one entry a line, the form tests
// compare against: the time since start, the kind, and the event type of an
// event sent or the text of a note. An entry out of sequence is marked "!!".
func Transcript(c *chimevoice.Call, start time.Time) []string {
	var out []string
	for i, en := range c.Transcript {
		if en.Seq != i+1 {
			out = append(out, fmt.Sprintf("!! entry %d has Seq %d", i, en.Seq))
		}
		line := fmt.Sprintf("%s %s", en.At.Sub(start), en.Kind)
		switch en.Kind {
		case chimevoice.TranscriptEventSent:
			var ev struct{ InvocationEventType string }
			json.Unmarshal(en.Body, &ev)
			line += " " + ev.InvocationEventType
		case chimevoice.TranscriptNote:
			var s string
			json.Unmarshal(en.Body, &s)
			line += " " + s
		}
		out = append(out, line)
	}
	return out
}

// SentEvents returns the events a call's transcript recorded as sent, to
// compare with those the handler received (Events).
func SentEvents(t testing.TB, c *chimevoice.Call) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, en := range c.Transcript {
		if en.Kind == chimevoice.TranscriptEventSent {
			var ev map[string]any
			if err := json.Unmarshal(en.Body, &ev); err != nil {
				t.Fatalf("event %s: %v", en.Body, err)
			}
			out = append(out, ev)
		}
	}
	return out
}

// BridgeCall names the parts of an inbound call that the example handler
// (examples/calls/handler.py and its Node twin) bridges: the caller presses
// 1, the callee at BridgeTo answers after the default ring, the caller
// hangs up 20 s after the start.
type BridgeCall struct {
	Start                            time.Time
	Caller, Number, BridgeTo         string
	SipRuleID, SipMediaApplicationID string
	Function                         string
}

// BridgeTranscript is the transcript chimevoice records for that call, in
// the form of Transcript.
func BridgeTranscript(b BridgeCall) []string {
	greeting := pstn.SpeechDuration("Welcome to the example line.")
	menu := pstn.SpeechDuration("Press 1 to be connected, or 2 to hang up, then press pound.")
	digits := greeting + menu + pstn.DigitInterval
	bridged := digits + chimevoice.DefaultRingTime
	at := func(d time.Duration) string { return b.Start.Add(d).Format(time.RFC3339Nano) }
	return []string{
		"0s Note inbound call from " + b.Caller + " to " + b.Number,
		"0s Note routed by SIP rule " + b.SipRuleID + " to SIP media application " + b.SipMediaApplicationID + " (handler " + b.Function + ")",
		"0s EventSent NEW_INBOUND_CALL",
		"0s ResponseReceived",
		"0s Note LEG-A answered by Answer",
		fmt.Sprintf("0s Note Speak on LEG-A runs until %s", at(greeting)),
		fmt.Sprintf("%s Note SpeakAndGetDigits on LEG-A runs until %s", greeting, at(digits)),
		fmt.Sprintf("%s Note SpeakAndGetDigits attempt 1 of 2: the caller pressed \"1\"", digits),
		fmt.Sprintf("%s EventSent ACTION_SUCCESSFUL", digits),
		fmt.Sprintf("%s ResponseReceived", digits),
		fmt.Sprintf("%s Note dialing %s for LEG-B; the callee will answer after 2s", digits, b.BridgeTo),
		fmt.Sprintf("%s Note CallAndBridge on LEG-A runs until %s", digits, at(bridged)),
		fmt.Sprintf("%s Note LEG-B %s answered; bridged with LEG-A", bridged, b.BridgeTo),
		fmt.Sprintf("%s EventSent ACTION_SUCCESSFUL", bridged),
		fmt.Sprintf("%s ResponseReceived", bridged),
		"20s Note LEG-A hung up by the caller (SipResponseCode 0)",
		"20s EventSent HANGUP",
		"20s ResponseReceived",
		"20s Note LEG-B hung up by the application (SipResponseCode 0)",
		"20s EventSent HANGUP",
		"20s ResponseReceived",
		"20s Note call ended (Completed): LEG-B hung up by the application (SipResponseCode 0)",
	}
}
