package lambdainvoke_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chimevoice/chimevoice/lambdainvoke"
	"github.com/chimevoice/chimevoice/lambdainvoke/lambdatest"
)

const arn = "arn:aws:lambda:eu-west-1:111111111111:function:my-handler"

// TestLambdaAPIRequest checks the request an invocation makes: path,
// headers and a SigV4 signature for service lambda in the ARN's region.
func TestLambdaAPIRequest(t *testing.T) {
	var got *http.Request
	var body string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got, body = r, string(b)
		w.Write([]byte(`{"SchemaVersion":"1.0","Actions":[]}`))
	}))
	defer srv.Close()
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	inv, err := lambdainvoke.New(lambdainvoke.Config{Endpoint: srv.URL + "/", Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	out, err := inv.Invoke(context.Background(), arn, []byte(`{"Sequence":1}`))
	if err != nil || string(out) != `{"SchemaVersion":"1.0","Actions":[]}` {
		t.Fatalf("Invoke: %q, %v", out, err)
	}
	if got.Method != http.MethodPost || got.URL.EscapedPath() != "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aeu-west-1%3A111111111111%3Afunction%3Amy-handler/invocations" {
		t.Fatalf("request %s %s", got.Method, got.URL.EscapedPath())
	}
	if body != `{"Sequence":1}` || got.Header.Get("X-Amz-Invocation-Type") != "RequestResponse" || got.Header.Get("X-Amz-Date") != "20261130T120000Z" {
		t.Fatalf("body %q headers %v", body, got.Header)
	}
	if a := got.Header.Get("Authorization"); !strings.HasPrefix(a, "AWS4-HMAC-SHA256 Credential=test/20261130/eu-west-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=") {
		t.Fatalf("Authorization %q", a)
	}
}

// TestPythonServer invokes the example handler through the shipped Lambda
// Invoke API server, by name and by ARN, and sees a raised exception come
// back as a function error.
func TestPythonServer(t *testing.T) {
	srv := lambdatest.Start(t, lambdatest.RepoFile("pstn/testdata/misbehaving_handler.py"))
	inv, err := lambdainvoke.New(lambdainvoke.Config{Endpoint: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	event := func(to string) []byte {
		return []byte(`{"InvocationEventType":"NEW_INBOUND_CALL","CallDetails":{"Participants":[{"CallId":"c1","To":"` + to + `"}]}}`)
	}
	for _, fn := range []string{"my-handler", arn} {
		out, err := inv.Invoke(context.Background(), fn, event("+12065550002"))
		if err != nil || !strings.Contains(string(out), `"Dance"`) {
			t.Fatalf("%s: %s, %v", fn, out, err)
		}
	}
	_, err = inv.Invoke(context.Background(), arn, event("+12065550001"))
	var fe *lambdainvoke.FunctionError
	if !errors.As(err, &fe) || fe.Kind != "Unhandled" || !strings.Contains(string(fe.Payload), `"errorType": "RuntimeError"`) {
		t.Fatalf("raising handler: %v", err)
	}
	if n := len(srv.Events(t)); n != 3 {
		t.Fatalf("server saw %d events, want 3", n)
	}

	// The same server as a plain handler URL: errors are HTTP 500.
	plain, err := lambdainvoke.New(lambdainvoke.Config{URLs: map[string]string{"my-handler": srv.URL + "/"}})
	if err != nil {
		t.Fatal(err)
	}
	if out, err := plain.Invoke(context.Background(), arn, event("+12065550002")); err != nil || !strings.Contains(string(out), `"Dance"`) {
		t.Fatalf("URL by function name of the ARN: %s, %v", out, err)
	}
	_, err = plain.Invoke(context.Background(), arn, event("+12065550001"))
	if !errors.As(err, &fe) || fe.Kind != "HTTP 500" {
		t.Fatalf("URL handler error: %v", err)
	}
	if _, err := plain.Invoke(context.Background(), "other", event("+1")); !errors.Is(err, lambdainvoke.ErrNoEndpoint) {
		t.Fatalf("unmapped function without endpoint: %v", err)
	}
}

// TestBounds: a slow handler times out, a large answer is refused, a
// refusal of the Lambda API is an invocation error.
func TestBounds(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.Contains(r.URL.Path, "slow"):
			select {
			case <-release:
			case <-r.Context().Done():
			}
		case strings.Contains(r.URL.Path, "big"):
			w.Write([]byte(strings.Repeat("x", 2000)))
		default:
			w.Header().Set("X-Amzn-ErrorType", "ResourceNotFoundException")
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"Type":"User","message":"Function not found"}`))
		}
	}))
	defer srv.Close()
	defer close(release)
	inv, err := lambdainvoke.New(lambdainvoke.Config{Endpoint: srv.URL, Timeout: 50 * time.Millisecond, MaxResponseBytes: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var ie *lambdainvoke.InvokeError
	if _, err := inv.Invoke(context.Background(), "slow", nil); !errors.As(err, &ie) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("slow: %v", err)
	}
	if _, err := inv.Invoke(context.Background(), "big", nil); !errors.As(err, &ie) || !strings.Contains(err.Error(), "larger than 1000 bytes") {
		t.Fatalf("big: %v", err)
	}
	if _, err := inv.Invoke(context.Background(), "missing", nil); !errors.As(err, &ie) || ie.Status != 404 || !strings.Contains(err.Error(), "Function not found") {
		t.Fatalf("missing: %v", err)
	}
	for _, bad := range []lambdainvoke.Config{{Endpoint: "localhost:3001"}, {URLs: map[string]string{"f": "ftp://x"}}} {
		if _, err := lambdainvoke.New(bad); err == nil {
			t.Fatalf("%+v accepted", bad)
		}
	}
	m, err := lambdainvoke.ParseURLMap("a=http://127.0.0.1:1/x?y=1, arn:aws:lambda:us-east-1:1:function:b=http://h/")
	if err != nil || m["a"] != "http://127.0.0.1:1/x?y=1" || m["arn:aws:lambda:us-east-1:1:function:b"] != "http://h/" {
		t.Fatalf("ParseURLMap: %v, %v", m, err)
	}
	if _, err := lambdainvoke.ParseURLMap("nourl"); err == nil {
		t.Fatal("ParseURLMap accepted an item without =")
	}
}

// TestNodeServer: the Node runner answers like the Python one, and a
// handler that throws is a function error.
func TestNodeServer(t *testing.T) {
	srv := lambdatest.StartNode(t, lambdatest.RepoFile("examples/calls/node/handler.mjs"))
	inv, err := lambdainvoke.New(lambdainvoke.Config{Endpoint: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	out, err := inv.Invoke(context.Background(), arn, []byte(`{"InvocationEventType":"NEW_INBOUND_CALL","CallDetails":{"Participants":[{"CallId":"c1","ParticipantTag":"LEG-A"}]}}`))
	if err != nil || !strings.Contains(string(out), `{"Type":"Answer","Parameters":{"CallId":"c1"}}`) {
		t.Fatalf("invoke: %s, %v", out, err)
	}
	_, err = inv.Invoke(context.Background(), arn, []byte(`{}`))
	var fe *lambdainvoke.FunctionError
	if !errors.As(err, &fe) || fe.Kind != "Unhandled" || !strings.Contains(string(fe.Payload), `"errorType":"TypeError"`) {
		t.Fatalf("throwing handler: %v", err)
	}
	if n := len(srv.Events(t)); n != 2 {
		t.Fatalf("server saw %d events, want 2", n)
	}
}
