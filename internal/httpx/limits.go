package httpx

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Limits bound what one client can hold: connections, time and memory.
// The zero value of a field means its default (see DefaultLimits).
type Limits struct {
	// MaxConnections caps the connections open at once. When a new one
	// arrives at the cap, the oldest connection that has not finished
	// sending a request's headers (new, idle or stalled in its headers) is
	// closed to make room, else the one that has been sending its body for
	// longest, if for more than BodyGrace; when every connection is busy
	// otherwise, the new one waits for a slot.
	MaxConnections int
	// BodyGrace is how long a connection may send a body before, at the
	// cap, it may be closed for a new connection.
	BodyGrace time.Duration
	// Malformed, when set, gives the header and body of the answer to a
	// request that net/http cannot parse (a path with a bad percent-escape,
	// a malformed header), instead of its plain-text "400 Bad Request". It
	// receives net/http's status and text. Plain HTTP only: over TLS
	// net/http writes its answer inside the encryption.
	Malformed func(status int, text string) (http.Header, []byte)
	// HeaderTimeout bounds reading a request's headers.
	HeaderTimeout time.Duration
	// BodyTimeout bounds reading a request's body, from the end of its
	// headers (see BodyDeadline).
	BodyTimeout time.Duration
	// IdleTimeout bounds the wait for the next request on a keep-alive
	// connection.
	IdleTimeout time.Duration
	// WriteTimeout bounds each write to a client: a client that stops
	// reading its response is dropped after it, however long the response.
	WriteTimeout time.Duration
	// MaxHeaderBytes bounds a request's headers.
	MaxHeaderBytes int
}

// DefaultLimits are the limits the server runs with unless configured:
// 1,024 connections, 10 s for headers, 30 s for a body, 60 s idle, 30 s per
// write, 64 KiB of headers.
func DefaultLimits() Limits {
	return Limits{
		MaxConnections: 1024,
		HeaderTimeout:  10 * time.Second,
		BodyTimeout:    30 * time.Second,
		IdleTimeout:    60 * time.Second,
		WriteTimeout:   30 * time.Second,
		MaxHeaderBytes: 64 << 10,
		BodyGrace:      2 * time.Second,
	}
}

// FileReserve is how many open files the connection cap leaves for the
// rest of the server (database files and connections, the listener, logs).
const FileReserve = 64

// FitFileLimit lowers max to what the open-file limit leaves after
// FileReserve, so that the cap is reached before accept fails for lack of
// file descriptors. It returns max unchanged when the limit is unknown.
func FitFileLimit(conns int) int {
	if lim := FileLimit(); lim > 0 && lim < uint64(conns)+FileReserve {
		return int(max(int64(lim)-FileReserve, 1))
	}
	return conns
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	orDefault(&l.MaxConnections, d.MaxConnections)
	orDefault(&l.HeaderTimeout, d.HeaderTimeout)
	orDefault(&l.BodyTimeout, d.BodyTimeout)
	orDefault(&l.IdleTimeout, d.IdleTimeout)
	orDefault(&l.WriteTimeout, d.WriteTimeout)
	orDefault(&l.MaxHeaderBytes, d.MaxHeaderBytes)
	orDefault(&l.BodyGrace, d.BodyGrace)
	return l
}

// orDefault sets *v to d unless it is positive.
func orDefault[T int | time.Duration](v *T, d T) {
	if *v <= 0 {
		*v = d
	}
}

// Serve is an http.Server and its listener, both bounded by Limits.
type Serve struct {
	Server   *http.Server
	Listener net.Listener
	conns    *ConnLimiter
}

// NewServer returns a server for h on ln bounded by l: header, idle, body
// and write timeouts, header size, and the connection cap. tlsConfig, when
// not nil, makes it serve HTTPS. errLog receives the server's own errors.
func NewServer(ln net.Listener, h http.Handler, l Limits, tlsConfig *tls.Config, errLog *log.Logger) *Serve {
	l = l.withDefaults()
	cl := NewConnLimiter(ln, l.MaxConnections, l.WriteTimeout)
	cl.bodyGrace = l.BodyGrace
	cl.malformed = l.Malformed
	srv := &http.Server{
		Handler:           BodyDeadline(h, l.BodyTimeout),
		ReadHeaderTimeout: l.HeaderTimeout,
		IdleTimeout:       l.IdleTimeout,
		MaxHeaderBytes:    l.MaxHeaderBytes,
		ConnState:         cl.ConnState,
		ConnContext:       connContext,
		ErrorLog:          errLog,
		TLSConfig:         tlsConfig,
	}
	var served net.Listener = cl
	if tlsConfig != nil {
		served = tls.NewListener(cl, tlsConfig)
	}
	return &Serve{Server: srv, Listener: served, conns: cl}
}

// Run serves until the server is shut down.
func (s *Serve) Run() error { return s.Server.Serve(s.Listener) }

// Open is the number of connections open now.
func (s *Serve) Open() int { return s.conns.Open() }

// BodyDeadline gives the reading of each request body a deadline of d from
// the end of the request's headers; the deadline is lifted once the body has
// been read to its end, so that a handler that then works for longer is not
// cut off. A client that stalls in its body is answered with a read error
// and its connection closed.
func BodyDeadline(h http.Handler, d time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength == 0 || r.Body == nil || r.Body == http.NoBody {
			h.ServeHTTP(w, r)
			return
		}
		rc := http.NewResponseController(w)
		lc, _ := r.Context().Value(connKey{}).(*limitedConn)
		if err := rc.SetReadDeadline(time.Now().Add(d)); err == nil {
			r.Body = &deadlineBody{ReadCloser: r.Body, rc: rc, lc: lc}
		}
		if lc != nil {
			lc.bodySince.Store(time.Now().UnixNano())
			defer lc.bodySince.Store(0)
		}
		h.ServeHTTP(w, r)
	})
}

// deadlineBody lifts the read deadline when the body reaches its end.
type deadlineBody struct {
	io.ReadCloser
	rc   *http.ResponseController
	lc   *limitedConn // nil when not served through a ConnLimiter
	done bool
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if errors.Is(err, io.EOF) && !b.done {
		b.done = true
		_ = b.rc.SetReadDeadline(time.Time{})
		if b.lc != nil {
			b.lc.bodySince.Store(0)
		}
	}
	return n, err
}

// ConnLimiter is a listener that caps the connections open at once (see
// Limits.MaxConnections) and gives each write a deadline.
type ConnLimiter struct {
	net.Listener
	max          int
	writeTimeout time.Duration
	bodyGrace    time.Duration
	malformed    func(status int, text string) (http.Header, []byte)

	mu     sync.Mutex
	cond   *sync.Cond
	conns  map[*limitedConn]struct{}
	open   int
	closed bool
}

// NewConnLimiter wraps ln.
func NewConnLimiter(ln net.Listener, max int, writeTimeout time.Duration) *ConnLimiter {
	l := &ConnLimiter{Listener: ln, max: max, writeTimeout: writeTimeout, bodyGrace: DefaultLimits().BodyGrace, conns: map[*limitedConn]struct{}{}}
	l.cond = sync.NewCond(&l.mu)
	return l
}

// Connection states as ConnState reports them; a connection is evictable
// until its request's headers have been read.
const (
	connWaiting int32 = iota // new or idle: no request headers read yet
	connBusy                 // in a request
)

type limitedConn struct {
	net.Conn
	l            *ConnLimiter
	writeTimeout time.Duration
	born         time.Time
	state        atomic.Int32
	bodySince    atomic.Int64 // UnixNano since when it sends a body; 0 when not
	once         sync.Once
}

func (c *limitedConn) Write(p []byte) (int, error) {
	if c.writeTimeout > 0 {
		_ = c.Conn.SetWriteDeadline(time.Now().Add(c.writeTimeout))
	}
	if c.l.malformed != nil {
		if status, text, ok := parseServerError(p); ok {
			_, err := c.Conn.Write(rewriteServerError(status, text, c.l.malformed))
			return len(p), err
		}
	}
	return c.Conn.Write(p)
}

// serverErrorHeaders are the headers net/http writes, and only it, after
// the status line when it answers a request it could not parse. A
// handler's answer never has them in this order right after the status
// line: net/http writes a handler's headers sorted, Connection first.
const serverErrorHeaders = "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"

// parseServerError recognizes net/http's own answer to an unparsable
// request, written in one piece, and returns its status and text.
func parseServerError(p []byte) (status int, text string, ok bool) {
	const proto = "HTTP/1.1 "
	if len(p) > 1024 || !bytes.HasPrefix(p, []byte(proto)) {
		return 0, "", false
	}
	line := bytes.IndexByte(p, '\r')
	if line < len(proto)+3 || !bytes.HasPrefix(p[line:], []byte(serverErrorHeaders)) {
		return 0, "", false
	}
	status, err := strconv.Atoi(string(p[len(proto) : len(proto)+3]))
	if err != nil || status < 400 {
		return 0, "", false
	}
	return status, string(p[line+len(serverErrorHeaders):]), true
}

// rewriteServerError writes the answer of status with the header and body
// that fn gives.
func rewriteServerError(status int, text string, fn func(int, string) (http.Header, []byte)) []byte {
	h, body := fn(status, text)
	var b bytes.Buffer
	fmt.Fprintf(&b, "HTTP/1.1 %d %s\r\n", status, http.StatusText(status))
	h = h.Clone()
	if h == nil {
		h = http.Header{}
	}
	h.Set("Connection", "close")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Write(&b)
	b.WriteString("\r\n")
	b.Write(body)
	return b.Bytes()
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.l.release(c) })
	return err
}

// Accept implements net.Listener. At the cap it first closes the oldest
// connection still waiting to send its headers; if there is none it waits
// until a connection closes.
func (l *ConnLimiter) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	lc := &limitedConn{Conn: c, l: l, writeTimeout: l.writeTimeout, born: time.Now()}
	l.mu.Lock()
	for l.open >= l.max {
		if l.closed {
			l.mu.Unlock()
			c.Close()
			return nil, net.ErrClosed
		}
		if victim := l.victim(); victim != nil {
			delete(l.conns, victim)
			l.open--
			l.mu.Unlock()
			victim.once.Do(func() {}) // released here, not again by Close
			victim.Conn.Close()
			l.mu.Lock()
			continue
		}
		// Body senders become evictable as they pass BodyGrace: look again.
		t := time.AfterFunc(l.bodyGrace/4+time.Millisecond, l.wake)
		l.cond.Wait()
		t.Stop()
	}
	l.open++
	l.conns[lc] = struct{}{}
	l.mu.Unlock()
	return lc, nil
}

// Close implements net.Listener; an Accept waiting for a slot returns.
func (l *ConnLimiter) Close() error {
	l.mu.Lock()
	l.closed = true
	l.cond.Broadcast()
	l.mu.Unlock()
	return l.Listener.Close()
}

// victim is the connection to close for a new one: the oldest that is not
// in a request, else the one sending a body for longest if for more than
// bodyGrace, else nil. l.mu is held.
func (l *ConnLimiter) victim() *limitedConn {
	var old, slow *limitedConn
	var slowSince int64
	graceEnd := time.Now().Add(-l.bodyGrace).UnixNano()
	for c := range l.conns {
		if c.state.Load() == connWaiting {
			if old == nil || c.born.Before(old.born) {
				old = c
			}
			continue
		}
		if since := c.bodySince.Load(); since != 0 && since < graceEnd && (slow == nil || since < slowSince) {
			slow, slowSince = c, since
		}
	}
	if old != nil {
		return old
	}
	return slow
}

func (l *ConnLimiter) release(c *limitedConn) {
	l.mu.Lock()
	if _, ok := l.conns[c]; ok {
		delete(l.conns, c)
		l.open--
		l.cond.Signal()
	}
	l.mu.Unlock()
}

// ConnState is the http.Server hook that tells the limiter which
// connections are in a request.
func (l *ConnLimiter) ConnState(c net.Conn, state http.ConnState) {
	if tc, ok := c.(*tls.Conn); ok {
		c = tc.NetConn()
	}
	lc, ok := c.(*limitedConn)
	if !ok {
		return
	}
	switch state {
	case http.StateActive, http.StateHijacked:
		lc.state.Store(connBusy)
	case http.StateIdle, http.StateNew:
		lc.state.Store(connWaiting)
		l.wake()
	case http.StateClosed:
		lc.once.Do(func() { l.release(lc) })
	}
}

type connKey struct{}

// connContext lets a handler reach its connection (see Evictable).
func connContext(ctx context.Context, c net.Conn) context.Context {
	if tc, ok := c.(*tls.Conn); ok {
		c = tc.NetConn()
	}
	if lc, ok := c.(*limitedConn); ok {
		return context.WithValue(ctx, connKey{}, lc)
	}
	return ctx
}

// Evictable marks the connection of the request of ctx as one the limiter
// may close to make room, as if it had not sent a request: for a request
// that is being refused and whose body is only drained so that the client
// reads the refusal. The mark lasts until the connection's next request.
func Evictable(ctx context.Context) {
	if lc, ok := ctx.Value(connKey{}).(*limitedConn); ok {
		lc.state.Store(connWaiting)
		lc.l.wake()
	}
}

// wake lets an Accept waiting at the cap look again for a connection to close.
func (l *ConnLimiter) wake() {
	l.mu.Lock()
	l.cond.Signal()
	l.mu.Unlock()
}

// Open is the number of connections open now.
func (l *ConnLimiter) Open() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.open
}
