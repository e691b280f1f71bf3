// Package metrics exposes chimevoice's figures to Prometheus: requests by
// operation and status code with their latency, counted on the hot path at
// the cost of a map lookup, and the store's figures (numbers by status, the
// Deletion queue, purges, order outcomes, connection pools), read when
// Prometheus scrapes, so that they cost nothing between scrapes.
//
// Every Metrics has its own registry: tests start many servers in one
// process, and a global registry would mix their figures.
package metrics

import (
	"context"
	"database/sql"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/chimevoice/chimevoice"
)

// Namespace prefixes every chimevoice metric.
const Namespace = "chimevoice"

// UnknownOperation labels requests that failed before an operation was
// known (a bad signature, a path no model has).
const UnknownOperation = "unknown"

// scrapeTimeout bounds the store query of one scrape: a slow database must
// not hold Prometheus (whose default scrape timeout is 10 s).
const scrapeTimeout = 5 * time.Second

// Metrics holds one server's metrics and serves them.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	faults   *prometheus.CounterVec
	handler  http.Handler

	// children caches the (operation, code) series: reads are lock-free
	// and allocation-free; a miss (once per pair) copies the map under mu.
	children atomic.Pointer[map[childKey]child]
	mu       sync.Mutex
}

type childKey struct {
	op   string
	code int
}

type child struct {
	requests prometheus.Counter
	duration prometheus.Observer
}

// New returns the metrics of one server reading store figures from src
// (nil: no store figures). Scrape errors are logged to log.
func New(src chimevoice.StatsService, log *slog.Logger) *Metrics {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: "requests_total",
			Help: "API requests answered, by operation and HTTP status code.",
		}, []string{"operation", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: Namespace, Name: "request_duration_seconds",
			Help:    "Time from receiving an API request to writing its answer, by operation.",
			Buckets: []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10},
		}, []string{"operation"}),
		faults: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: "faults_injected_total",
			Help: "Fault rules that fired (admin API /_chimevoice/faults), by operation.",
		}, []string{"operation"}),
	}
	empty := map[childKey]child{}
	m.children.Store(&empty)
	m.reg.MustRegister(m.requests, m.duration, m.faults,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	if src != nil {
		m.reg.MustRegister(&storeCollector{src: src, log: log})
	}
	m.handler = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorLog:      slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		ErrorHandling: promhttp.ContinueOnError,
	})
	return m
}

// Registry is the registry the metrics are in, for callers that add their own.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler { return m.handler }

// ObserveRequest counts one answered API request. op "" counts as
// UnknownOperation.
func (m *Metrics) ObserveRequest(op string, code int, d time.Duration) {
	if op == "" {
		op = UnknownOperation
	}
	c, ok := (*m.children.Load())[childKey{op, code}]
	if !ok {
		c = m.add(childKey{op, code})
	}
	c.requests.Inc()
	c.duration.Observe(d.Seconds())
}

// add creates the series of k and publishes a copy of the cache with it.
func (m *Metrics) add(k childKey) child {
	m.mu.Lock()
	defer m.mu.Unlock()
	old := *m.children.Load()
	if c, ok := old[k]; ok {
		return c
	}
	c := child{
		requests: m.requests.WithLabelValues(k.op, strconv.Itoa(k.code)),
		duration: m.duration.WithLabelValues(k.op),
	}
	next := make(map[childKey]child, len(old)+1)
	for key, v := range old {
		next[key] = v
	}
	next[k] = c
	m.children.Store(&next)
	return c
}

// FaultInjected counts a fault rule firing on op.
func (m *Metrics) FaultInjected(op string) { m.faults.WithLabelValues(op).Inc() }

// storeCollector reads the store's figures at scrape time.
type storeCollector struct {
	src chimevoice.StatsService
	log *slog.Logger
}

func desc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc(prometheus.BuildFQName(Namespace, "", name), help, labels, nil)
}

var (
	descUp          = desc("store_up", "1 if the store answered the scrape's query, 0 if not (its other figures are then missing).")
	descNumbers     = desc("phone_numbers", "Phone numbers of every account, by status.", "status")
	descQueue       = desc("deletion_queue_numbers", "Numbers in the Deletion queue (status DeleteInProgress).")
	descQueueAge    = desc("deletion_queue_oldest_age_seconds", "Age on the service clock of the oldest entry of the Deletion queue; 0 when it is empty.")
	descPurged      = desc("purged_numbers_total", "Numbers this process removed for good from the Deletion queue.")
	descOrders      = desc("orders_completed_total", "Phone number orders this process completed, by outcome.", "status")
	descOpen        = desc("store_open_connections", "Open database connections, in use or idle.", "pool")
	descInUse       = desc("store_in_use_connections", "Database connections in use.", "pool")
	descIdle        = desc("store_idle_connections", "Idle database connections.", "pool")
	descMaxOpen     = desc("store_max_open_connections", "Most database connections the pool opens (0: unlimited).", "pool")
	descWaitCount   = desc("store_wait_count_total", "Times a caller waited for a database connection.", "pool")
	descWaitSeconds = desc("store_wait_duration_seconds_total", "Time callers waited for a database connection.", "pool")
)

var allDescs = []*prometheus.Desc{descUp, descNumbers, descQueue, descQueueAge, descPurged, descOrders, descOpen, descInUse, descIdle, descMaxOpen, descWaitCount, descWaitSeconds}

// Describe implements prometheus.Collector.
func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range allDescs {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	st, err := c.src.Stats(ctx)
	// Counters and pool figures come from the process: report them even
	// when the database does not answer.
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	counter := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, labels...)
	}
	counter(descPurged, float64(st.Purged))
	for status, n := range st.OrdersCompleted {
		counter(descOrders, float64(n), string(status))
	}
	for _, p := range []struct {
		name string
		s    *sql.DBStats
	}{{"read", &st.Read}, {"write", &st.Write}} {
		gauge(descOpen, float64(p.s.OpenConnections), p.name)
		gauge(descInUse, float64(p.s.InUse), p.name)
		gauge(descIdle, float64(p.s.Idle), p.name)
		gauge(descMaxOpen, float64(p.s.MaxOpenConnections), p.name)
		counter(descWaitCount, float64(p.s.WaitCount), p.name)
		counter(descWaitSeconds, p.s.WaitDuration.Seconds(), p.name)
	}
	if err != nil {
		c.log.Warn("metrics: read store figures", "err", err)
		gauge(descUp, 0)
		return
	}
	gauge(descUp, 1)
	for status, n := range st.Numbers {
		gauge(descNumbers, float64(n), string(status))
	}
	gauge(descQueue, float64(st.Numbers[chimevoice.StatusDeleteInProgress]))
	age := 0.0
	if !st.OldestQueued.IsZero() {
		age = max(0, st.Now.Sub(st.OldestQueued).Seconds())
	}
	gauge(descQueueAge, age)
}
