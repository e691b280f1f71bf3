package metrics

import (
	"sync"

	"github.com/chimevoice/chimevoice"
)

// Invocation outcomes, the outcome label of call_invocations_total.
const (
	InvocationAnswered = "answered" // the handler answered (its answer may still be invalid)
	InvocationFailed   = "failed"   // unreachable, a function error, a timeout, an answer too large
)

// callCounters count what the PSTN audio engine does: handler invocations
// by event type and outcome, and ended calls by status. Calls are slow
// (each waits for a handler), so a mutex is cheap enough.
type callCounters struct {
	mu          sync.Mutex
	invocations map[[2]string]uint64 // event type, outcome
	ended       map[chimevoice.CallStatus]uint64
}

// Invoked counts one invocation attempt of an event (pstn.Observer): err is
// nil when the handler answered.
func (m *Metrics) Invoked(eventType string, err error) {
	outcome := InvocationAnswered
	if err != nil {
		outcome = InvocationFailed
	}
	c := &m.calls
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.invocations == nil {
		c.invocations = map[[2]string]uint64{}
	}
	c.invocations[[2]string{eventType, outcome}]++
}

// CallEnded counts a call that ended (pstn.Observer).
func (m *Metrics) CallEnded(status chimevoice.CallStatus) {
	c := &m.calls
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ended == nil {
		c.ended = map[chimevoice.CallStatus]uint64{}
	}
	c.ended[status]++
}

// families are the call figures of one scrape (a family without series,
// before the first call, is not written).
func (c *callCounters) families() []family {
	inv := family{name: Namespace + "_call_invocations_total", typ: typeCounter,
		help: "Invocations of SIP media application handlers, by event type and outcome (answered, failed)."}
	ended := family{name: Namespace + "_calls_ended_total", typ: typeCounter,
		help: "Calls (PSTN audio transactions) that ended, by status (Completed, Failed)."}
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, n := range c.invocations {
		inv.series = append(inv.series, series{labels: []label{{"event", k[0]}, {"outcome", k[1]}}, value: float64(n)})
	}
	for s, n := range c.ended {
		ended.series = append(ended.series, series{labels: []label{{"status", string(s)}}, value: float64(n)})
	}
	return []family{inv, ended}
}
