package metrics_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chimevoice/chimevoice/metrics"
)

// TestObserveRequestAllocatesNothing guards the hot path: once an
// (operation, code) pair has been seen, counting a request allocates nothing.
func TestObserveRequestAllocatesNothing(t *testing.T) {
	m := metrics.New(nil, nil)
	m.ObserveRequest("GetPhoneNumber", 200, time.Millisecond)
	m.ObserveRequest("", 401, time.Millisecond)
	allocs := testing.AllocsPerRun(1000, func() {
		m.ObserveRequest("GetPhoneNumber", 200, time.Millisecond)
		m.ObserveRequest("", 401, time.Millisecond)
	})
	if allocs != 0 {
		t.Fatalf("%.1f allocations per request", allocs)
	}
}

func BenchmarkObserveRequest(b *testing.B) {
	m := metrics.New(nil, nil)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m.ObserveRequest("BatchDeletePhoneNumber", 200, time.Millisecond)
		}
	})
}

// TestRuntimeCollectorsOnFirstUse: the Go and process collectors, registered
// on first use of the registry rather than in New, are in every scrape.
func TestRuntimeCollectorsOnFirstUse(t *testing.T) {
	m := metrics.New(nil, nil)
	m.ObserveRequest("GetPhoneNumber", 200, time.Millisecond)
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	for _, name := range []string{"go_goroutines ", "process_start_time_seconds ", `chimevoice_requests_total{code="200",operation="GetPhoneNumber"} 1`} {
		if !strings.Contains(rec.Body.String(), name) {
			t.Errorf("no %s in:\n%s", name, rec.Body.String())
		}
	}
	families, err := metrics.New(nil, nil).Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range families {
		found = found || f.GetName() == "go_goroutines"
	}
	if !found {
		t.Error("Registry().Gather() has no go_goroutines")
	}
}

func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		metrics.New(nil, nil)
	}
}
