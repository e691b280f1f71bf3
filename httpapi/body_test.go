package httpapi

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chimevoice/chimevoice"
)

// TestBodyBudget: bodies are charged to the budget as they arrive; one that
// does not fit is refused with ServiceUnavailable, and what was charged
// comes back.
func TestBodyBudget(t *testing.T) {
	budget := newBodyBudget(100 << 10)
	read := func(n int, chunked bool) ([]byte, int64, error) {
		var body io.Reader = bytes.NewReader(bytes.Repeat([]byte("x"), n))
		if chunked {
			body = io.MultiReader(body)
		}
		r := httptest.NewRequest(http.MethodPost, "/", body)
		if chunked {
			r.ContentLength = -1
		}
		return readBodyBudget(httptest.NewRecorder(), r, MaxBodyBytes, budget)
	}
	for _, chunked := range []bool{false, true} {
		body, held, err := read(90<<10, chunked)
		if err != nil || len(body) != 90<<10 || held < 90<<10 || held > 90<<10+bodyChunk {
			t.Fatalf("chunked=%v: 90 KiB within a 100 KiB budget: %d bytes, %d held, %v", chunked, len(body), held, err)
		}
		// While it is held, another 90 KiB does not fit.
		if _, _, err := read(90<<10, chunked); chimevoice.ErrorCode(err) != chimevoice.CodeServiceUnavailable || !strings.Contains(err.Error(), "too many request bodies") {
			t.Fatalf("chunked=%v: over the budget: %v", chunked, err)
		}
		budget.give(held)
		if left := budget.left.Load(); left != 100<<10 {
			t.Fatalf("chunked=%v: %d bytes left after giving back, want all", chunked, left)
		}
	}
	// Requests without a body charge nothing.
	if _, held, err := readBodyBudget(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil), MaxBodyBytes, budget); held != 0 || err != nil {
		t.Fatalf("no body: %d held, %v", held, err)
	}
}
