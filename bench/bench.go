// Package bench is chimevoice's load generator, the pgbench of this API: it
// provisions numbers through the API, drives signed requests at a chosen
// concurrency for a duration or a request count, and reports throughput,
// latency percentiles and errors by code. With Baseline it also measures a
// bare net/http server answering the same fixed response under the same
// load, so that chimevoice is compared with the HTTP ceiling of the same
// machine in the same run.
package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chimevoice/chimevoice"
	"github.com/chimevoice/chimevoice/sigv4"
)

// Workloads.
const (
	WorkloadDelete = "delete" // BatchDeletePhoneNumber of Batch numbers per request
	WorkloadGet    = "get"    // GetPhoneNumber
	WorkloadList   = "list"   // ListPhoneNumbers pages of 100
	WorkloadMix    = "mix"    // 60% get, 25% list, 10% delete+restore, 5% search
	// WorkloadDynamoDB loads a DynamoDB emulator (moto_server) with
	// BatchWriteItem of Batch deletes, for comparison.
	WorkloadDynamoDB = "dynamodb"
)

// Delete modes.
const (
	ModeFresh   = "fresh"   // every delete takes numbers never deleted before
	ModeRestore = "restore" // every delete is followed by restores, keeping the pool
)

// Config is one bench run.
type Config struct {
	Endpoint    string // one URL, or several separated by commas: worker i loads endpoint i mod n
	AccessKey   string
	SecretKey   string
	Region      string
	AdminToken  string // for the admin API when the endpoint is not on loopback
	Workload    string
	Mode        string
	Batch       int
	Provision   int // numbers to have in the account before the run (0: what the workload needs)
	Concurrency int
	Duration    time.Duration
	Requests    int // stop after this many requests of the measured operation (0: duration only)
	Baseline    bool
	Progress    io.Writer // live progress line; nil for none
	Terminal    bool      // Progress is a terminal: redraw one line
}

// DefaultConfig is a delete run against a local server.
func DefaultConfig() Config {
	return Config{
		Endpoint: "http://127.0.0.1:8080", AccessKey: "test", SecretKey: "test", Region: "us-east-1",
		Workload: WorkloadDelete, Mode: ModeFresh, Batch: 1, Concurrency: 32, Duration: 10 * time.Second,
	}
}

// Validate checks the configuration.
func (c Config) Validate() error {
	switch {
	case c.Endpoint == "":
		return errors.New("--endpoint is required")
	case !slices.Contains([]string{WorkloadDelete, WorkloadGet, WorkloadList, WorkloadMix, WorkloadDynamoDB}, c.Workload):
		return fmt.Errorf("--workload must be delete, get, list, mix or dynamodb, got %q", c.Workload)
	case c.Workload == WorkloadDynamoDB && c.Batch > 25:
		return fmt.Errorf("--batch must be at most 25 for DynamoDB, got %d", c.Batch)
	case c.Mode != ModeFresh && c.Mode != ModeRestore:
		return fmt.Errorf("--mode must be fresh or restore, got %q", c.Mode)
	case c.Batch < 1 || c.Batch > chimevoice.MaxBatch:
		return fmt.Errorf("--batch must be 1..%d, got %d", chimevoice.MaxBatch, c.Batch)
	case c.Concurrency < 1:
		return fmt.Errorf("--concurrency must be at least 1, got %d", c.Concurrency)
	case c.Duration <= 0 && c.Requests <= 0:
		return errors.New("give --duration or --requests")
	case c.Provision < 0 || c.Requests < 0:
		return errors.New("--provision and --requests must not be negative")
	}
	return nil
}

// Latency holds percentiles of one operation's latencies.
type Latency struct {
	P50, P90, P99, Max time.Duration
}

// MarshalJSON writes durations in milliseconds.
func (l Latency) MarshalJSON() ([]byte, error) {
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	return json.Marshal(map[string]float64{"p50_ms": ms(l.P50), "p90_ms": ms(l.P90), "p99_ms": ms(l.P99), "max_ms": ms(l.Max)})
}

// OpResult is what one operation did during a run.
type OpResult struct {
	Operation  string         `json:"operation"`
	Requests   int            `json:"requests"`
	PerSecond  float64        `json:"requests_per_second"`
	Items      int            `json:"items,omitempty"` // numbers deleted
	ItemsPerS  float64        `json:"items_per_second,omitempty"`
	Latency    Latency        `json:"latency"`
	Errors     map[string]int `json:"errors"`
	latencies  []time.Duration
	errorCount int
}

// Result is one target's run.
type Result struct {
	Target      string        `json:"target"`
	Endpoints   int           `json:"endpoints"`
	Workload    string        `json:"workload"`
	Mode        string        `json:"mode,omitempty"`
	Batch       int           `json:"batch"`
	Concurrency int           `json:"concurrency"`
	Elapsed     time.Duration `json:"elapsed_ns"`
	Operations  []*OpResult   `json:"operations"`
	Note        string        `json:"note,omitempty"`
}

// Primary is the measured operation of the workload.
func (r *Result) Primary() *OpResult {
	want := map[string]string{WorkloadDelete: "BatchDeletePhoneNumber", WorkloadGet: "GetPhoneNumber", WorkloadList: "ListPhoneNumbers", WorkloadDynamoDB: "BatchWriteItem"}[r.Workload]
	var total *OpResult
	for _, op := range r.Operations {
		if op.Operation == want {
			return op
		}
		if op.Operation == "all" {
			total = op
		}
	}
	return total
}

// Report is a bench run: chimevoice, and the baseline when asked for.
type Report struct {
	Chimevoice *Result `json:"chimevoice"`
	Baseline   *Result `json:"baseline,omitempty"`
	// Ratio is chimevoice's throughput of the measured operation over the
	// baseline's, in the same run.
	Ratio float64 `json:"ratio,omitempty"`
}

// Run provisions numbers, runs the workload against the endpoint and, with
// Baseline, against a bare net/http server in this process.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	service := sigv4.Service
	if cfg.Workload == WorkloadDynamoDB {
		service = "dynamodb"
	}
	var clients []*client
	for _, e := range strings.Split(cfg.Endpoint, ",") {
		c := newClient(cfg, strings.TrimSpace(e), service)
		defer c.http.CloseIdleConnections()
		clients = append(clients, c)
	}
	c := clients[0]
	need := cfg.Provision
	if need == 0 {
		need = cfg.needed()
	}
	var nums []string
	var err error
	if cfg.Workload == WorkloadDynamoDB {
		// Keys to delete; DynamoDB deletes of absent keys succeed too.
		if err := c.createDynamoTable(ctx); err != nil {
			return nil, err
		}
		for i := range need {
			nums = append(nums, fmt.Sprintf("+1206%07d", 2000000+i))
		}
	} else if nums, err = c.provision(ctx, need); err != nil {
		return nil, fmt.Errorf("provision %d numbers: %w", need, err)
	}
	rep := &Report{}
	target := "chimevoice"
	if cfg.Workload == WorkloadDynamoDB {
		target = "DynamoDB endpoint " + cfg.Endpoint
	}
	if rep.Chimevoice, err = runLoad(ctx, cfg, clients, target, nums, false); err != nil {
		return nil, err
	}
	if !cfg.Baseline {
		return rep, nil
	}
	base, stop, err := startBaseline()
	if err != nil {
		return nil, err
	}
	defer stop()
	bc := newClient(cfg, base, service)
	defer bc.http.CloseIdleConnections()
	// The baseline deletes nothing, so it may reuse the numbers: it must run
	// as long as chimevoice did, not stop when they are used up.
	if rep.Baseline, err = runLoad(ctx, cfg, []*client{bc}, "baseline (bare net/http)", nums, true); err != nil {
		return nil, err
	}
	if p, b := rep.Chimevoice.Primary(), rep.Baseline.Primary(); p != nil && b != nil && b.PerSecond > 0 {
		rep.Ratio = p.PerSecond / b.PerSecond
	}
	return rep, nil
}

// needed is how many numbers a workload needs when the user did not say.
func (c Config) needed() int {
	switch {
	case c.Workload == WorkloadDelete && c.Mode == ModeFresh:
		if c.Requests > 0 {
			return c.Requests * c.Batch
		}
		return min(1_000_000, max(10_000, 20*c.Batch*c.Concurrency))
	case c.Workload == WorkloadDelete || c.Workload == WorkloadMix:
		return max(1000, c.Batch*c.Concurrency*2)
	default:
		return 1000
	}
}

// client sends signed requests to one endpoint.
type client struct {
	cfg    Config
	base   string
	host   string
	http   *http.Client
	signer *sigv4.Signer
}

func newClient(cfg Config, base, service string) *client {
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        max(cfg.Concurrency, provisionWorkers) * 2,
		MaxIdleConnsPerHost: max(cfg.Concurrency, provisionWorkers) * 2,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	host := strings.TrimPrefix(strings.TrimPrefix(base, "http://"), "https://")
	host, _, _ = strings.Cut(host, "/")
	return &client{cfg: cfg, base: strings.TrimRight(base, "/"), host: host, http: &http.Client{Transport: tr, Timeout: 60 * time.Second}, signer: sigv4.NewServiceSigner(cfg.AccessKey, cfg.SecretKey, cfg.Region, service)}
}

// answer is one response: status, AWS error shape, body.
type answer struct {
	status int
	code   string // X-Amzn-ErrorType, or a transport error class
	body   []byte
}

func (c *client) do(ctx context.Context, method, path string, body []byte) answer {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return answer{code: "ClientError"}
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	c.signer.Sign(req, body, time.Now())
	return c.send(ctx, req)
}

// send sends a signed request and reads the answer.
func (c *client) send(ctx context.Context, req *http.Request) answer {
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return answer{code: "Canceled"}
		}
		return answer{code: "TransportError"}
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		if ctx.Err() != nil {
			return answer{code: "Canceled"}
		}
		return answer{status: resp.StatusCode, code: "TransportError"}
	}
	a := answer{status: resp.StatusCode, body: data}
	if resp.StatusCode >= 300 {
		a.code, _, _ = strings.Cut(resp.Header.Get("X-Amzn-ErrorType"), ":")
		if a.code == "" {
			a.code = fmt.Sprintf("HTTP%d", resp.StatusCode)
		}
	}
	return a
}

func (c *client) admin(ctx context.Context, method, path string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	if c.cfg.AdminToken != "" {
		req.Header.Set("Authorization", "Bearer "+c.cfg.AdminToken)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		data, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, data)
	}
	return nil
}

// runLoad runs the workload against one target.
func runLoad(ctx context.Context, cfg Config, clients []*client, target string, nums []string, reuse bool) (*Result, error) {
	w := newWorkload(cfg, nums, reuse)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if cfg.Duration > 0 {
		var stop context.CancelFunc
		ctx, stop = context.WithTimeout(ctx, cfg.Duration)
		defer stop()
	}
	recs := make([]*recorder, cfg.Concurrency)
	var measured atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for i := range recs {
		recs[i] = newRecorder()
		wg.Add(1)
		go func(r *recorder, seed uint64, c *client) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, 7))
			for ctx.Err() == nil {
				if !w.step(ctx, c, r, rng, &measured) {
					return
				}
				if cfg.Requests > 0 && measured.Load() >= int64(cfg.Requests) {
					cancel()
					return
				}
			}
		}(recs[i], uint64(i), clients[i%len(clients)])
	}
	done, progressDone := make(chan struct{}), make(chan struct{})
	if cfg.Progress != nil {
		go func() { progress(cfg, target, start, &measured, done); close(progressDone) }()
	} else {
		close(progressDone)
	}
	wg.Wait()
	close(done)
	<-progressDone
	elapsed := time.Since(start)
	res := &Result{Target: target, Endpoints: len(clients), Workload: cfg.Workload, Batch: cfg.Batch, Concurrency: cfg.Concurrency, Elapsed: elapsed, Note: w.note()}
	if cfg.Workload == WorkloadDelete {
		res.Mode = cfg.Mode
	}
	res.Operations = merge(recs, elapsed, cfg.Workload == WorkloadMix)
	return res, nil
}

func progress(cfg Config, target string, start time.Time, n *atomic.Int64, done chan struct{}) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	last, lastAt := int64(0), start
	for {
		select {
		case <-done:
			if cfg.Terminal {
				fmt.Fprint(cfg.Progress, "\r\033[K")
			}
			return
		case now := <-t.C:
			cur := n.Load()
			rate := float64(cur-last) / now.Sub(lastAt).Seconds()
			last, lastAt = cur, now
			line := fmt.Sprintf("%s: %5.1fs  %d requests  %.0f/s", target, now.Sub(start).Seconds(), cur, rate)
			if cfg.Terminal {
				fmt.Fprintf(cfg.Progress, "\r\033[K%s", line)
			} else {
				fmt.Fprintln(cfg.Progress, line)
			}
		}
	}
}

// recorder collects one worker's latencies and errors per operation.
type recorder struct {
	ops    map[string]*OpResult
	worker *worker // the workload's per-goroutine state
}

func newRecorder() *recorder { return &recorder{ops: map[string]*OpResult{}} }

func (r *recorder) record(op string, d time.Duration, a answer, items int) {
	o := r.ops[op]
	if o == nil {
		o = &OpResult{Operation: op, Errors: map[string]int{}}
		r.ops[op] = o
	}
	o.Requests++
	o.latencies = append(o.latencies, d)
	if a.code != "" {
		o.Errors[a.code]++
		o.errorCount++
		return
	}
	o.Items += items
}

func merge(recs []*recorder, elapsed time.Duration, withTotal bool) []*OpResult {
	byOp := map[string]*OpResult{}
	var names []string
	for _, r := range recs {
		for name, o := range r.ops {
			m := byOp[name]
			if m == nil {
				m = &OpResult{Operation: name, Errors: map[string]int{}}
				byOp[name] = m
				names = append(names, name)
			}
			m.Requests += o.Requests
			m.Items += o.Items
			m.latencies = append(m.latencies, o.latencies...)
			for k, v := range o.Errors {
				m.Errors[k] += v
			}
		}
	}
	slices.Sort(names)
	out := make([]*OpResult, 0, len(names)+1)
	all := &OpResult{Operation: "all", Errors: map[string]int{}}
	for _, name := range names {
		o := byOp[name]
		all.Requests += o.Requests
		all.latencies = append(all.latencies, o.latencies...)
		for k, v := range o.Errors {
			all.Errors[k] += v
		}
		finish(o, elapsed)
		out = append(out, o)
	}
	if withTotal {
		finish(all, elapsed)
		out = append(out, all)
	}
	return out
}

func finish(o *OpResult, elapsed time.Duration) {
	slices.Sort(o.latencies)
	pct := func(p float64) time.Duration {
		if len(o.latencies) == 0 {
			return 0
		}
		return o.latencies[min(len(o.latencies)-1, int(p*float64(len(o.latencies))))]
	}
	o.Latency = Latency{P50: pct(0.50), P90: pct(0.90), P99: pct(0.99), Max: pct(1)}
	o.PerSecond = float64(o.Requests) / elapsed.Seconds()
	o.ItemsPerS = float64(o.Items) / elapsed.Seconds()
	o.latencies = nil
}

// startBaseline starts the HTTP ceiling: a bare net/http server that
// decodes the JSON body and writes a fixed answer, with none of
// chimevoice's work (no signature, no validation, no database).
func startBaseline() (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("baseline: %w", err)
	}
	fixedPost := []byte(`{"PhoneNumberErrors":[]}`)
	fixedGet := []byte(`{"PhoneNumber":{"PhoneNumberId":"%2B12065550100","E164PhoneNumber":"+12065550100","Status":"Unassigned"}}`)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if len(body) > 0 {
			var v any
			_ = json.Unmarshal(body, &v)
		}
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodGet {
			w.Write(fixedGet)
			return
		}
		w.Write(fixedPost)
	})}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}
