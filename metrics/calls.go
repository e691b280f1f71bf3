package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/chimevoice/chimevoice"
)

// callMetrics count what the PSTN audio engine does: handler invocations by
// event type and outcome, and ended calls by status.
type callMetrics struct {
	invocations *prometheus.CounterVec
	ended       *prometheus.CounterVec
}

// Invocation outcomes.
const (
	InvocationAnswered = "answered" // the handler answered (its answer may still be invalid)
	InvocationFailed   = "failed"   // unreachable, a function error, a timeout, an answer too large
)

func newCallMetrics(reg *prometheus.Registry) *callMetrics {
	c := &callMetrics{
		invocations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: "call_invocations_total",
			Help: "Invocations of SIP media application handlers, by event type and outcome (answered, failed).",
		}, []string{"event", "outcome"}),
		ended: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: "calls_ended_total",
			Help: "Calls (PSTN audio transactions) that ended, by status (Completed, Failed).",
		}, []string{"status"}),
	}
	// Both statuses are present from the start, so that a rate over them
	// is defined before the first call ends.
	for _, s := range []chimevoice.CallStatus{chimevoice.CallCompleted, chimevoice.CallFailed} {
		c.ended.WithLabelValues(string(s))
	}
	reg.MustRegister(c.invocations, c.ended)
	return c
}

// Invoked counts one invocation attempt of an event (pstn.Observer): err is
// nil when the handler answered.
func (m *Metrics) Invoked(eventType string, err error) {
	outcome := InvocationAnswered
	if err != nil {
		outcome = InvocationFailed
	}
	m.calls.invocations.WithLabelValues(eventType, outcome).Inc()
}

// CallEnded counts a call that ended (pstn.Observer).
func (m *Metrics) CallEnded(status chimevoice.CallStatus) {
	m.calls.ended.WithLabelValues(string(status)).Inc()
}
