package metrics_test

import (
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

func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		metrics.New(nil, nil)
	}
}
