// Package metrics exposes chimevoice's figures to Prometheus: requests by
// operation and status code with their latency, counted on the hot path at
// the cost of a map lookup, and the store's figures (numbers by status, the
// Deletion queue, purges, order outcomes, connection pools), read when
// Prometheus scrapes, so that they cost nothing between scrapes.
//
// Every Metrics has its own figures: tests start many servers in one
// process, and a global registry would mix them. The exposition (the
// Prometheus text format, expose.go) and the Go and process figures
// (runtime.go) are written here rather than by the Prometheus client
// library, whose package initialisation alone cost every start of the
// program more than a millisecond; they are the library's, name for name.
package metrics

import (
	"compress/gzip"
	"context"
	"database/sql"
	"log/slog"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

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

// durationBuckets are the upper bounds of the request latency histogram.
var durationBuckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// Metrics holds one server's metrics and serves them.
type Metrics struct {
	store *storeCollector // nil: no store figures
	log   *slog.Logger

	// children caches the (operation, code) series: reads are lock-free
	// and allocation-free; a miss (once per pair) copies the map under mu.
	children atomic.Pointer[map[childKey]child]
	mu       sync.Mutex
	requests map[childKey]*atomic.Uint64 // under mu
	duration map[string]*histogram       // by operation, under mu
	faults   map[string]*atomic.Uint64   // by operation, under mu

	calls callCounters // calls.go
}

type childKey struct {
	op   string
	code int
}

type child struct {
	requests *atomic.Uint64
	duration *histogram
}

// histogram counts observations by bucket, lock-free.
type histogram struct {
	counts  []atomic.Uint64 // per bucket (not cumulative); the last is +Inf
	count   atomic.Uint64
	sumBits atomic.Uint64 // float64 bits
}

func newHistogram() *histogram {
	return &histogram{counts: make([]atomic.Uint64, len(durationBuckets)+1)}
}

func (h *histogram) observe(v float64) {
	i, _ := slices.BinarySearch(durationBuckets, v) // first bound >= v
	h.counts[i].Add(1)
	for {
		old := h.sumBits.Load()
		if h.sumBits.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+v)) {
			break
		}
	}
	h.count.Add(1)
}

// snapshot is the histogram as a series: cumulative bucket counts.
func (h *histogram) snapshot(labels []label) series {
	s := series{labels: labels, bounds: durationBuckets, counts: make([]float64, len(durationBuckets))}
	var cum uint64
	for i := range durationBuckets {
		cum += h.counts[i].Load()
		s.counts[i] = float64(cum)
	}
	s.count = cum + h.counts[len(durationBuckets)].Load()
	s.sum = math.Float64frombits(h.sumBits.Load())
	return s
}

// New returns the metrics of one server reading store figures from src
// (nil: no store figures). Scrape errors are logged to log.
func New(src chimevoice.StatsService, log *slog.Logger) *Metrics {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m := &Metrics{
		log:      log,
		requests: map[childKey]*atomic.Uint64{},
		duration: map[string]*histogram{},
		faults:   map[string]*atomic.Uint64{},
	}
	if src != nil {
		m.store = &storeCollector{src: src, log: log}
	}
	empty := map[childKey]child{}
	m.children.Store(&empty)
	return m
}

// Handler serves the metrics in the Prometheus text format (gzip'd when
// the scraper accepts it, as Prometheus does).
func (m *Metrics) Handler() http.Handler { return http.HandlerFunc(m.serve) }

func (m *Metrics) serve(w http.ResponseWriter, r *http.Request) {
	fams := m.families(r.Context())
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Add("Vary", "Accept-Encoding")
	if !acceptsGzip(r.Header.Get("Accept-Encoding")) {
		if err := writeFamilies(w, fams); err != nil {
			m.log.Warn("metrics: write", "err", err)
		}
		return
	}
	h.Set("Content-Encoding", "gzip")
	zw := gzip.NewWriter(w)
	err := writeFamilies(zw, fams)
	if cerr := zw.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		m.log.Warn("metrics: write", "err", err)
	}
}

func acceptsGzip(accept string) bool {
	for part := range strings.SplitSeq(accept, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			return strings.ReplaceAll(strings.TrimSpace(params), " ", "") != "q=0"
		}
	}
	return false
}

// families is one scrape: the request figures, the store's, the Go
// runtime's and the process's.
func (m *Metrics) families(ctx context.Context) []family {
	req := family{name: Namespace + "_requests_total", help: "API requests answered, by operation and HTTP status code.", typ: typeCounter}
	dur := family{name: Namespace + "_request_duration_seconds", help: "Time from receiving an API request to writing its answer, by operation.", typ: typeHistogram}
	flt := family{name: Namespace + "_faults_injected_total", help: "Fault rules that fired (admin API /_chimevoice/faults), by operation.", typ: typeCounter}
	m.mu.Lock()
	for k, c := range m.requests {
		req.series = append(req.series, series{labels: []label{{"code", strconv.Itoa(k.code)}, {"operation", k.op}}, value: float64(c.Load())})
	}
	for op, h := range m.duration {
		dur.series = append(dur.series, h.snapshot([]label{{"operation", op}}))
	}
	for op, c := range m.faults {
		flt.series = append(flt.series, series{labels: []label{{"operation", op}}, value: float64(c.Load())})
	}
	m.mu.Unlock()
	fams := []family{req, dur, flt}
	fams = append(fams, m.calls.families()...)
	if m.store != nil {
		fams = append(fams, m.store.collect(ctx)...)
	}
	fams = append(fams, goFamilies()...)
	proc, err := processFamilies()
	if err != nil {
		m.log.Warn("metrics: read process figures", "err", err)
	}
	return append(fams, proc...)
}

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
	c.requests.Add(1)
	c.duration.observe(d.Seconds())
}

// add creates the series of k and publishes a copy of the cache with it.
func (m *Metrics) add(k childKey) child {
	m.mu.Lock()
	defer m.mu.Unlock()
	old := *m.children.Load()
	if c, ok := old[k]; ok {
		return c
	}
	h := m.duration[k.op]
	if h == nil {
		h = newHistogram()
		m.duration[k.op] = h
	}
	c := child{requests: new(atomic.Uint64), duration: h}
	m.requests[k] = c.requests
	next := make(map[childKey]child, len(old)+1)
	for key, v := range old {
		next[key] = v
	}
	next[k] = c
	m.children.Store(&next)
	return c
}

// FaultInjected counts a fault rule firing on op.
func (m *Metrics) FaultInjected(op string) {
	m.mu.Lock()
	c := m.faults[op]
	if c == nil {
		c = new(atomic.Uint64)
		m.faults[op] = c
	}
	m.mu.Unlock()
	c.Add(1)
}

// desc is a store family's name, help and labels.
type desc struct {
	name, help, typ string
	labels          []string
}

func storeDesc(name, typ, help string, labels ...string) desc {
	return desc{name: Namespace + "_" + name, help: help, typ: typ, labels: labels}
}

var (
	descUp          = storeDesc("store_up", typeGauge, "1 if the store answered the scrape's query, 0 if not (its other figures are then missing).")
	descNumbers     = storeDesc("phone_numbers", typeGauge, "Phone numbers of every account, by status.", "status")
	descQueue       = storeDesc("deletion_queue_numbers", typeGauge, "Numbers in the Deletion queue (status DeleteInProgress).")
	descQueueAge    = storeDesc("deletion_queue_oldest_age_seconds", typeGauge, "Age on the service clock of the oldest entry of the Deletion queue; 0 when it is empty.")
	descPurged      = storeDesc("purged_numbers_total", typeCounter, "Numbers this process removed for good from the Deletion queue.")
	descOrders      = storeDesc("orders_completed_total", typeCounter, "Phone number orders this process completed, by outcome.", "status")
	descOpen        = storeDesc("store_open_connections", typeGauge, "Open database connections, in use or idle.", "pool")
	descInUse       = storeDesc("store_in_use_connections", typeGauge, "Database connections in use.", "pool")
	descIdle        = storeDesc("store_idle_connections", typeGauge, "Idle database connections.", "pool")
	descMaxOpen     = storeDesc("store_max_open_connections", typeGauge, "Most database connections the pool opens (0: unlimited).", "pool")
	descWaitCount   = storeDesc("store_wait_count_total", typeCounter, "Times a caller waited for a database connection.", "pool")
	descWaitSeconds = storeDesc("store_wait_duration_seconds_total", typeCounter, "Time callers waited for a database connection.", "pool")
)

// storeCollector reads the store's figures at scrape time.
type storeCollector struct {
	src chimevoice.StatsService
	log *slog.Logger
}

// collect reads the store's figures.
func (c *storeCollector) collect(ctx context.Context) []family {
	ctx, cancel := context.WithTimeout(ctx, scrapeTimeout)
	defer cancel()
	st, err := c.src.Stats(ctx)
	byName := map[string]*family{}
	var order []string
	add := func(d desc, v float64, labelValues ...string) {
		f := byName[d.name]
		if f == nil {
			f = &family{name: d.name, help: d.help, typ: d.typ}
			byName[d.name] = f
			order = append(order, d.name)
		}
		s := series{value: v}
		for i, name := range d.labels {
			s.labels = append(s.labels, label{name, labelValues[i]})
		}
		f.series = append(f.series, s)
	}
	// Counters and pool figures come from the process: report them even
	// when the database does not answer.
	add(descPurged, float64(st.Purged))
	for status, n := range st.OrdersCompleted {
		add(descOrders, float64(n), string(status))
	}
	for _, p := range []struct {
		name string
		s    *sql.DBStats
	}{{"read", &st.Read}, {"write", &st.Write}} {
		add(descOpen, float64(p.s.OpenConnections), p.name)
		add(descInUse, float64(p.s.InUse), p.name)
		add(descIdle, float64(p.s.Idle), p.name)
		add(descMaxOpen, float64(p.s.MaxOpenConnections), p.name)
		add(descWaitCount, float64(p.s.WaitCount), p.name)
		add(descWaitSeconds, p.s.WaitDuration.Seconds(), p.name)
	}
	if err != nil {
		c.log.Warn("metrics: read store figures", "err", err)
		add(descUp, 0)
	} else {
		add(descUp, 1)
		for status, n := range st.Numbers {
			add(descNumbers, float64(n), string(status))
		}
		add(descQueue, float64(st.Numbers[chimevoice.StatusDeleteInProgress]))
		age := 0.0
		if !st.OldestQueued.IsZero() {
			age = max(0, st.Now.Sub(st.OldestQueued).Seconds())
		}
		add(descQueueAge, age)
	}
	fams := make([]family, 0, len(order))
	for _, name := range order {
		fams = append(fams, *byName[name])
	}
	return fams
}
