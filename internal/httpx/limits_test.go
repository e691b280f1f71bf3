package httpx

import (
	"bufio"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// serve runs h on loopback with l and returns the address.
func serve(t *testing.T, h http.Handler, l Limits) (string, *Serve) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := NewServer(ln, h, l, nil, log.New(io.Discard, "", 0))
	go s.Run()
	t.Cleanup(func() { s.Server.Close() })
	return ln.Addr().String(), s
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// get sends a GET on c and returns the status line.
func get(t *testing.T, c net.Conn) string {
	t.Helper()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	io.Copy(io.Discard, resp.Body)
	return resp.Status
}

func TestCapEvictsConnectionsNotInARequest(t *testing.T) {
	addr, s := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}), Limits{MaxConnections: 3})
	// Three connections that never finish their headers fill the cap.
	var stalled []net.Conn
	for range 3 {
		c := dial(t, addr)
		io.WriteString(c, "GET / HTTP/1.1\r\nHost")
		stalled = append(stalled, c)
	}
	// A fourth is served, the oldest stalled one closed for it.
	if got := get(t, dial(t, addr)); got != "200 OK" {
		t.Fatalf("status %s", got)
	}
	stalled[0].SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := stalled[0].Read(make([]byte, 1)); err == nil {
		t.Fatal("the oldest stalled connection is still open")
	} else if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatal("the oldest stalled connection was not closed")
	}
	if n := s.Open(); n > 3 {
		t.Fatalf("%d connections open, cap 3", n)
	}
}

func TestCapWaitsForBusyConnections(t *testing.T) {
	release := make(chan struct{})
	entered := make(chan struct{}, 4)
	addr, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		if r.URL.Path == "/block" {
			<-release
		}
	}), Limits{MaxConnections: 2})
	for range 2 {
		c := dial(t, addr)
		io.WriteString(c, "GET /block HTTP/1.1\r\nHost: x\r\n\r\n")
		<-entered
	}
	// Both slots are in a request: a third connection waits for one.
	third := dial(t, addr)
	done := make(chan string, 1)
	go func() {
		third.SetDeadline(time.Now().Add(10 * time.Second))
		io.WriteString(third, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(third), nil)
		if err != nil {
			done <- err.Error()
			return
		}
		done <- resp.Status
	}()
	select {
	case got := <-done:
		t.Fatalf("served over the cap: %s", got)
	case <-entered:
		t.Fatal("handler entered over the cap")
	default:
	}
	close(release)
	if got := <-done; got != "200 OK" {
		t.Fatalf("status %s", got)
	}
}

func TestBodyDeadline(t *testing.T) {
	got := make(chan error, 2)
	addr, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := io.ReadAll(r.Body)
		got <- err
	}), Limits{BodyTimeout: 100 * time.Millisecond})
	c := dial(t, addr)
	io.WriteString(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345")
	if err := <-got; !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("stalled body: %v", err)
	}
	// A body read to its end lifts the deadline: the handler may then
	// take longer than it without its connection being cut.
	slow := make(chan struct{})
	addr2, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		<-slow
		io.WriteString(w, "done")
	}), Limits{BodyTimeout: 50 * time.Millisecond})
	c2 := dial(t, addr2)
	io.WriteString(c2, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok")
	// Wait past the body deadline on the client's side, by a read that
	// times out, then let the handler answer.
	c2.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	if _, err := c2.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("early answer: %v", err)
	}
	close(slow)
	c2.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c2), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	if string(b) != "done" {
		t.Fatalf("body %q", b)
	}
}

func TestWriteTimeoutDropsClientsThatDoNotRead(t *testing.T) {
	got := make(chan error, 1)
	addr, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		chunk := []byte(strings.Repeat("x", 64<<10))
		for {
			if _, err := w.Write(chunk); err != nil {
				got <- err
				return
			}
		}
	}), Limits{WriteTimeout: 100 * time.Millisecond})
	c := dial(t, addr)
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	select {
	case err := <-got:
		if err == nil {
			t.Fatal("no error")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a client that does not read held the handler for 10 s")
	}
}

func TestFitFileLimit(t *testing.T) {
	lim := FileLimit()
	if lim == 0 || lim > 1<<20 {
		t.Skipf("open-file limit %d", lim)
	}
	if got := FitFileLimit(int(lim)); got != int(lim)-FileReserve {
		t.Fatalf("FitFileLimit(%d) = %d, want %d", lim, got, int(lim)-FileReserve)
	}
	if got := FitFileLimit(10); got != 10 {
		t.Fatalf("FitFileLimit(10) = %d", got)
	}
}

// TestMalformedRewritesOnlyNetHTTPsOwnAnswers: net/http's answer to an
// unparsable request is replaced; a handler's plain-text 400 is not.
func TestMalformedRewritesOnlyNetHTTPsOwnAnswers(t *testing.T) {
	addr, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close")
		http.Error(w, "400 Bad Request", http.StatusBadRequest)
	}), Limits{Malformed: func(status int, text string) (http.Header, []byte) {
		return http.Header{"X-Rewritten": {"yes"}}, []byte(text)
	}})
	for _, tc := range []struct {
		request   string
		rewritten bool
	}{
		{"GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n", true},
		{"GET / HTTP/1.1\r\nHost: x\r\n\r\n", false},
	} {
		c := dial(t, addr)
		c.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(c, tc.request)
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		if got := resp.Header.Get("X-Rewritten") == "yes"; got != tc.rewritten || resp.StatusCode != 400 {
			t.Fatalf("%q: status %d, rewritten %v, body %q", tc.request, resp.StatusCode, got, body)
		}
	}
}
