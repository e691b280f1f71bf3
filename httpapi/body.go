package httpapi

import (
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/chimevoice/chimevoice"
	"github.com/chimevoice/chimevoice/internal/httpx"
	"github.com/chimevoice/chimevoice/model"
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
	tooLarge := chimevoice.Errorf(chimevoice.CodeBadRequest, "The request body is larger than the limit of %d bytes.", limit)
	if r.ContentLength > limit {
		refuseBody(w, r, maxDrain)
		return nil, tooLarge
	}
	// The buffer grows with what actually arrives: a client that declares
	// a megabyte and stalls holds only what it sent (at most twice that).
	size := 512
	if r.ContentLength > 0 {
		size = int(min(r.ContentLength+1, 64<<10))
	}
	body, err := readAtMost(r.Body, make([]byte, 0, size), limit+1)
	if int64(len(body)) > limit {
		refuseBody(w, r, maxDrain)
		return nil, tooLarge
	}
	if err != nil {
		w.Header().Set("Connection", "close")
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return nil, chimevoice.Errorf(chimevoice.CodeBadRequest, "The request body was not received in time.")
		}
		return nil, chimevoice.Errorf(chimevoice.CodeBadRequest, "The request body could not be read: %s.", model.Clip(err.Error()))
	}
	return body, nil
}

// readAtMost appends up to n bytes of rd to buf, growing it (by doubling)
// never beyond n bytes.
func readAtMost(rd io.Reader, buf []byte, n int64) ([]byte, error) {
	if rd == nil {
		return buf, nil
	}
	lr := io.LimitedReader{R: rd, N: n - int64(len(buf))}
	for {
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), max(min(2*int64(cap(buf)), n), int64(len(buf))+1))
			copy(grown, buf)
			buf = grown
		}
		m, err := lr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
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
