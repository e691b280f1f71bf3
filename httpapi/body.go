package httpapi

import (
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/chimevoice/chimevoice"
	"github.com/chimevoice/chimevoice/internal/httpx"
)

// Draining a refused body: the server reads and discards what the client
// is still sending before it answers, so that the client reads the error
// instead of a connection reset. The drain is bounded in bytes and time;
// past either bound the connection is closed after the answer.
const (
	// maxDrain is how much of a refused body is drained.
	maxDrain = 8 << 20
	// drainTimeout bounds the time spent draining one body.
	drainTimeout = 5 * time.Second
)

// readBody reads the whole body, refusing more than MaxBodyBytes before
// reading it when the length is declared.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	return readBodyLimit(w, r, MaxBodyBytes)
}

// readBodyLimit is readBody with another limit. A body over the limit is
// drained (refuseBody) and refused with a BadRequest naming the limit.
func readBodyLimit(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	body, _, err := readBodyBudget(w, r, limit, nil)
	return body, err
}

// readBodyBudget is readBodyLimit charging the buffer to budget (when not
// nil); it returns how much it charged, for the caller to give back. A body
// that does not fit in what is left of the budget is drained and refused
// with ServiceUnavailable, which SDKs retry.
func readBodyBudget(w http.ResponseWriter, r *http.Request, limit int64, budget *bodyBudget) ([]byte, int64, error) {
	tooLarge := func() error {
		return chimevoice.Errorf(chimevoice.CodeBadRequest, "The request body is larger than the limit of %d bytes.", limit)
	}
	if r.ContentLength > limit {
		refuseBody(w, r, maxDrain)
		return nil, 0, tooLarge()
	}
	if r.ContentLength == 0 || r.Body == nil || r.Body == http.NoBody {
		return nil, 0, nil
	}
	// The buffer grows with what actually arrives: a client that declares
	// a megabyte and stalls holds only what it sent (at most twice that).
	size := int64(512)
	if r.ContentLength > 0 {
		size = min(r.ContentLength+1, 64<<10)
	}
	body, held, err := readAtMost(r.Body, size, limit+1, budget)
	switch {
	case errors.Is(err, errBudget):
		budget.give(held)
		refuseBody(w, r, maxDrain)
		w.Header().Set("Retry-After", "1")
		return nil, 0, chimevoice.Errorf(chimevoice.CodeServiceUnavailable, "The server is receiving too many request bodies at once: retry shortly.")
	case int64(len(body)) > limit:
		budget.give(held)
		refuseBody(w, r, maxDrain)
		return nil, 0, tooLarge()
	case err != nil:
		budget.give(held)
		w.Header().Set("Connection", "close")
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return nil, 0, chimevoice.Errorf(chimevoice.CodeBadRequest, "The request body was not received in time.")
		}
		return nil, 0, chimevoice.Errorf(chimevoice.CodeBadRequest, "The request body could not be read: %s.", chimevoice.Clip(err.Error()))
	}
	return body, held, nil
}

var errBudget = errors.New("body budget exhausted")

// bodyBudget bounds the bytes of request bodies held before their
// signature has been checked: clients that know an access key ID but not
// its secret cannot make the server hold more than this, however many
// connections they open. A nil budget charges nothing.
type bodyBudget struct{ left atomic.Int64 }

func newBodyBudget(n int64) *bodyBudget {
	b := &bodyBudget{}
	b.left.Store(n)
	return b
}

// take charges n bytes, or reports false when fewer are left.
func (b *bodyBudget) take(n int64) bool {
	if b == nil {
		return true
	}
	for {
		cur := b.left.Load()
		if cur < n {
			return false
		}
		if b.left.CompareAndSwap(cur, cur-n) {
			return true
		}
	}
}

// give returns n charged bytes.
func (b *bodyBudget) give(n int64) {
	if b != nil && n > 0 {
		b.left.Add(n)
	}
}

// bodyChunk is the unit a body is received in: a client that stalls holds
// what it sent rounded up to it, with no buffer doubling behind it.
const bodyChunk = 32 << 10

// readAtMost reads up to n bytes of rd, in chunks of at most bodyChunk
// (the first of size bytes), joined into one buffer at the end, charging
// every allocation to budget. It returns the bytes read and what it
// charged (also on error).
func readAtMost(rd io.Reader, size, n int64, budget *bodyBudget) ([]byte, int64, error) {
	var chunks [][]byte
	var held, total int64
	lr := io.LimitedReader{R: rd, N: n}
	for {
		if len(chunks) == 0 || len(chunks[len(chunks)-1]) == cap(chunks[len(chunks)-1]) {
			c := min(size, bodyChunk)
			if len(chunks) > 0 {
				c = bodyChunk
			}
			if !budget.take(c) {
				return nil, held, errBudget
			}
			held += c
			chunks = append(chunks, make([]byte, 0, c))
		}
		last := chunks[len(chunks)-1]
		m, err := lr.Read(last[len(last):cap(last)])
		chunks[len(chunks)-1] = last[:len(last)+m]
		total += int64(m)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, held, err
		}
	}
	if len(chunks) == 1 {
		return chunks[0], held, nil
	}
	// The joined body (no larger than the chunks) stays charged as the
	// chunks were, until the caller gives it back.
	body := make([]byte, 0, total)
	for _, c := range chunks {
		body = append(body, c...)
	}
	return body, held, nil
}

// refuseBody prepares the answer to a request whose body will not be used:
// it discards up to max bytes of what the client still sends, for at most
// drainTimeout, and asks for the connection to be closed when the body was
// not drained to its end. A client that asked to be told before sending
// (Expect: 100-continue) and was not told has sent nothing: it gets the
// answer at once.
func refuseBody(w http.ResponseWriter, r *http.Request, max int64) {
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		return
	}
	if strings.EqualFold(r.Header.Get("Expect"), "100-continue") || r.ContentLength > max {
		w.Header().Set("Connection", "close")
		return
	}
	// A connection that only drains may be closed to make room for others.
	httpx.Evictable(r.Context())
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Now().Add(drainTimeout))
	n, err := io.CopyN(io.Discard, r.Body, max+1)
	if err != io.EOF || n > max {
		w.Header().Set("Connection", "close")
	}
}
