package metrics_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/chimevoice/chimevoice"
	"github.com/chimevoice/chimevoice/metrics"
)

// The Prometheus client library is the reference these tests hold the
// package to; the program itself does not link it.

func scrape(t *testing.T, h http.Handler, header http.Header) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	maps.Copy(req.Header, header)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("scrape: %d", rec.Code)
	}
	return rec
}

func parse(t *testing.T, body io.Reader) map[string]*dto.MetricFamily {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(body)
	if err != nil {
		t.Fatalf("our exposition does not parse: %v", err)
	}
	return fams
}

func labelNames(m *dto.Metric) []string {
	var names []string
	for _, l := range m.GetLabel() {
		names = append(names, l.GetName())
	}
	return names
}

// TestRuntimeFamiliesAsClientGolang: every family of the library's default
// Go and process collectors is here, with its help text, type and labels,
// and the figures that do not move between two reads are equal.
func TestRuntimeFamiliesAsClientGolang(t *testing.T) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	want, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	rec := scrape(t, metrics.New(nil, nil).Handler(), nil)
	if ct := rec.Header().Get("Content-Type"); ct != "text/plain; version=0.0.4; charset=utf-8; escaping=underscores" {
		t.Errorf("Content-Type %q", ct)
	}
	got := parse(t, rec.Body)
	steady := map[string]bool{
		"go_info": true, "go_gc_gogc_percent": true, "go_gc_gomemlimit_bytes": true, "go_sched_gomaxprocs_threads": true,
		"process_max_fds": true, "process_virtual_memory_max_bytes": true, "process_start_time_seconds": true,
	}
	for _, w := range want {
		g := got[w.GetName()]
		if g == nil {
			t.Errorf("no family %s", w.GetName())
			continue
		}
		if g.GetHelp() != w.GetHelp() || g.GetType() != w.GetType() || len(g.GetMetric()) != len(w.GetMetric()) {
			t.Errorf("%s: help %q type %v, %d series; library: help %q type %v, %d series", w.GetName(),
				g.GetHelp(), g.GetType(), len(g.GetMetric()), w.GetHelp(), w.GetType(), len(w.GetMetric()))
			continue
		}
		if !slices.Equal(labelNames(g.GetMetric()[0]), labelNames(w.GetMetric()[0])) {
			t.Errorf("%s: labels %v, library %v", w.GetName(), labelNames(g.GetMetric()[0]), labelNames(w.GetMetric()[0]))
		}
		if steady[w.GetName()] && g.GetMetric()[0].String() != w.GetMetric()[0].String() {
			t.Errorf("%s: %v, library %v", w.GetName(), g.GetMetric()[0], w.GetMetric()[0])
		}
		if w.GetName() == "go_gc_duration_seconds" && len(g.GetMetric()[0].GetSummary().GetQuantile()) != 5 {
			t.Errorf("go_gc_duration_seconds: %v", g.GetMetric()[0])
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d families, library %d", len(got), len(want))
	}
}

type stats struct {
	st  chimevoice.Stats
	err error
}

func (s stats) Stats(context.Context) (chimevoice.Stats, error) { return s.st, s.err }

// TestExpositionAsClientGolang: the request, fault and store families are
// written line for line as the library wrote them for the same figures.
func TestExpositionAsClientGolang(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	for _, src := range []stats{
		{st: chimevoice.Stats{
			Numbers:         map[chimevoice.Status]int64{chimevoice.StatusUnassigned: 7, chimevoice.StatusDeleteInProgress: 2},
			OrdersCompleted: map[chimevoice.OrderStatus]int64{chimevoice.OrderSuccessful: 3},
			Purged:          5, Now: now, OldestQueued: now.Add(-90 * time.Minute),
		}},
		{err: errors.New("database is down")},
	} {
		ours := metrics.New(src, nil)
		ref := newReference(src)
		for _, o := range []struct {
			op   string
			code int
			d    time.Duration
		}{{"GetPhoneNumber", 200, 300 * time.Microsecond}, {"GetPhoneNumber", 200, 7 * time.Millisecond}, {"GetPhoneNumber", 404, 2 * time.Second},
			{"", 401, time.Millisecond}, {"BatchDeletePhoneNumber", 200, 20 * time.Second}, {`Odd"op\name`, 500, 0}} {
			ours.ObserveRequest(o.op, o.code, o.d)
			ref.observe(o.op, o.code, o.d)
		}
		ours.FaultInjected("GetPhoneNumber")
		ours.FaultInjected("GetPhoneNumber")
		ref.faults.WithLabelValues("GetPhoneNumber").Add(2)
		ours.Invoked("NEW_INBOUND_CALL", nil)
		ours.Invoked("NEW_INBOUND_CALL", errors.New("connection refused"))
		ours.Invoked("HANGUP", nil)
		ours.CallEnded(chimevoice.CallFailed)
		ref.invocations.WithLabelValues("NEW_INBOUND_CALL", metrics.InvocationAnswered).Inc()
		ref.invocations.WithLabelValues("NEW_INBOUND_CALL", metrics.InvocationFailed).Inc()
		ref.invocations.WithLabelValues("HANGUP", metrics.InvocationAnswered).Inc()
		ref.ended.WithLabelValues(string(chimevoice.CallFailed)).Inc()

		want := ref.text(t)
		got := chimevoiceLines(scrape(t, ours.Handler(), nil).Body.String())
		if got != want {
			t.Errorf("exposition differs from the library's (store err %v)\n--- ours\n%s\n--- library\n%s", src.err, got, want)
		}
	}
}

// TestScrapeGzip: a scraper that accepts gzip gets it, as from the library.
func TestScrapeGzip(t *testing.T) {
	m := metrics.New(nil, nil)
	m.ObserveRequest("GetPhoneNumber", 200, time.Millisecond)
	rec := scrape(t, m.Handler(), http.Header{"Accept-Encoding": {"gzip"}})
	if rec.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding %q", rec.Header().Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	if fams := parse(t, zr); fams["chimevoice_requests_total"] == nil || fams["go_goroutines"] == nil {
		t.Errorf("gzip'd scrape lacks families: %v", slices.Collect(maps.Keys(fams)))
	}
}

// chimevoiceLines keeps the chimevoice_ lines of an exposition.
func chimevoiceLines(text string) string {
	var b strings.Builder
	for line := range strings.Lines(text) {
		if strings.Contains(line, " chimevoice_") || strings.HasPrefix(line, "chimevoice_") {
			b.WriteString(line)
		}
	}
	return b.String()
}

// reference is the package as it was written with the library.
type reference struct {
	reg              *prometheus.Registry
	requests, faults *prometheus.CounterVec
	invocations      *prometheus.CounterVec // calls.go
	ended            *prometheus.CounterVec
	duration         *prometheus.HistogramVec
}

func newReference(src chimevoice.StatsService) *reference {
	r := &reference{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "chimevoice", Name: "requests_total",
			Help: "API requests answered, by operation and HTTP status code."}, []string{"operation", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: "chimevoice", Name: "request_duration_seconds",
			Help:    "Time from receiving an API request to writing its answer, by operation.",
			Buckets: []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}}, []string{"operation"}),
		faults: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "chimevoice", Name: "faults_injected_total",
			Help: "Fault rules that fired (admin API /_chimevoice/faults), by operation."}, []string{"operation"}),
	}
	r.invocations = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "chimevoice", Name: "call_invocations_total",
		Help: "Invocations of SIP media application handlers, by event type and outcome (answered, failed)."}, []string{"event", "outcome"})
	r.ended = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "chimevoice", Name: "calls_ended_total",
		Help: "Calls (PSTN audio transactions) that ended, by status (Completed, Failed)."}, []string{"status"})
	r.reg.MustRegister(r.requests, r.duration, r.faults, r.invocations, r.ended, &refStore{src: src})
	return r
}

func (r *reference) observe(op string, code int, d time.Duration) {
	if op == "" {
		op = metrics.UnknownOperation
	}
	r.requests.WithLabelValues(op, strconv.Itoa(code)).Inc()
	r.duration.WithLabelValues(op).Observe(d.Seconds())
}

func (r *reference) text(t *testing.T) string {
	t.Helper()
	fams, err := r.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	for _, f := range fams {
		if _, err := expfmt.MetricFamilyToText(&b, f); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

// refStore is the store collector as it was written with the library.
type refStore struct{ src chimevoice.StatsService }

func refDesc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc("chimevoice_"+name, help, labels, nil)
}

var (
	rUp          = refDesc("store_up", "1 if the store answered the scrape's query, 0 if not (its other figures are then missing).")
	rNumbers     = refDesc("phone_numbers", "Phone numbers of every account, by status.", "status")
	rQueue       = refDesc("deletion_queue_numbers", "Numbers in the Deletion queue (status DeleteInProgress).")
	rQueueAge    = refDesc("deletion_queue_oldest_age_seconds", "Age on the service clock of the oldest entry of the Deletion queue; 0 when it is empty.")
	rPurged      = refDesc("purged_numbers_total", "Numbers this process removed for good from the Deletion queue.")
	rOrders      = refDesc("orders_completed_total", "Phone number orders this process completed, by outcome.", "status")
	rOpen        = refDesc("store_open_connections", "Open database connections, in use or idle.", "pool")
	rInUse       = refDesc("store_in_use_connections", "Database connections in use.", "pool")
	rIdle        = refDesc("store_idle_connections", "Idle database connections.", "pool")
	rMaxOpen     = refDesc("store_max_open_connections", "Most database connections the pool opens (0: unlimited).", "pool")
	rWaitCount   = refDesc("store_wait_count_total", "Times a caller waited for a database connection.", "pool")
	rWaitSeconds = refDesc("store_wait_duration_seconds_total", "Time callers waited for a database connection.", "pool")
)

func (c *refStore) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{rUp, rNumbers, rQueue, rQueueAge, rPurged, rOrders, rOpen, rInUse, rIdle, rMaxOpen, rWaitCount, rWaitSeconds} {
		ch <- d
	}
}

func (c *refStore) Collect(ch chan<- prometheus.Metric) {
	st, err := c.src.Stats(context.Background())
	gauge := func(d *prometheus.Desc, v float64, l ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, l...)
	}
	counter := func(d *prometheus.Desc, v float64, l ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, l...)
	}
	counter(rPurged, float64(st.Purged))
	for status, n := range st.OrdersCompleted {
		counter(rOrders, float64(n), string(status))
	}
	for _, p := range []struct {
		name  string
		open  int
		inUse int
		idle  int
		max   int
		wait  int64
		waitD time.Duration
	}{{"read", st.Read.OpenConnections, st.Read.InUse, st.Read.Idle, st.Read.MaxOpenConnections, st.Read.WaitCount, st.Read.WaitDuration},
		{"write", st.Write.OpenConnections, st.Write.InUse, st.Write.Idle, st.Write.MaxOpenConnections, st.Write.WaitCount, st.Write.WaitDuration}} {
		gauge(rOpen, float64(p.open), p.name)
		gauge(rInUse, float64(p.inUse), p.name)
		gauge(rIdle, float64(p.idle), p.name)
		gauge(rMaxOpen, float64(p.max), p.name)
		counter(rWaitCount, float64(p.wait), p.name)
		counter(rWaitSeconds, p.waitD.Seconds(), p.name)
	}
	if err != nil {
		gauge(rUp, 0)
		return
	}
	gauge(rUp, 1)
	for status, n := range st.Numbers {
		gauge(rNumbers, float64(n), string(status))
	}
	gauge(rQueue, float64(st.Numbers[chimevoice.StatusDeleteInProgress]))
	age := 0.0
	if !st.OldestQueued.IsZero() {
		age = max(0, st.Now.Sub(st.OldestQueued).Seconds())
	}
	gauge(rQueueAge, age)
}
