package bench

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// workload hands out the requests of a run.
type workload struct {
	cfg       Config
	nums      []string
	next      atomic.Int64 // fresh deletes: index of the next unused number
	exhausted atomic.Bool
	slot      atomic.Int64 // hands each worker its own numbers to delete and restore
	reuse     bool         // fresh deletes wrap around instead of stopping
}

func newWorkload(cfg Config, nums []string, reuse bool) *workload {
	return &workload{cfg: cfg, nums: nums, reuse: reuse}
}

func (w *workload) note() string {
	if w.exhausted.Load() {
		return "stopped early: every provisioned number was deleted (provision more with --provision)"
	}
	return ""
}

// worker is one load goroutine's state.
type worker struct {
	rec   *recorder
	rng   *rand.Rand
	own   []string // numbers only this worker deletes and restores
	token string   // list cursor
}

// step sends the next request(s) and reports whether to go on.
func (w *workload) step(ctx context.Context, c *client, r *recorder, rng *rand.Rand, measured *atomic.Int64) bool {
	wk := r.worker
	if wk == nil {
		wk = &worker{rec: r, rng: rng}
		if w.cfg.Workload == WorkloadMix || w.cfg.Mode == ModeRestore {
			i := int(w.slot.Add(1) - 1)
			lo := i * w.cfg.Batch
			if hi := lo + w.cfg.Batch; hi <= len(w.nums) {
				wk.own = w.nums[lo:hi]
			}
		}
		r.worker = wk
	}
	switch w.cfg.Workload {
	case WorkloadDynamoDB:
		end := w.next.Add(int64(w.cfg.Batch))
		end = end%int64(len(w.nums)-w.cfg.Batch+1) + int64(w.cfg.Batch)
		w.dynamoDelete(ctx, c, wk, w.nums[end-int64(w.cfg.Batch):end])
		measured.Add(1)
	case WorkloadDelete:
		if w.cfg.Mode == ModeRestore {
			if wk.own == nil {
				w.exhausted.Store(true)
				return false
			}
			w.deleteRestore(ctx, c, wk, measured)
			return true
		}
		end := w.next.Add(int64(w.cfg.Batch))
		if w.reuse {
			end = end%int64(len(w.nums)-w.cfg.Batch+1) + int64(w.cfg.Batch)
		} else if end > int64(len(w.nums)) {
			w.exhausted.Store(true)
			return false
		}
		w.delete(ctx, c, wk, w.nums[end-int64(w.cfg.Batch):end])
		measured.Add(1)
	case WorkloadGet:
		w.get(ctx, c, wk)
		measured.Add(1)
	case WorkloadList:
		w.list(ctx, c, wk)
		measured.Add(1)
	case WorkloadMix:
		switch p := wk.rng.IntN(100); {
		case p < 60:
			w.get(ctx, c, wk)
			measured.Add(1)
		case p < 85:
			w.list(ctx, c, wk)
			measured.Add(1)
		case p < 95 && wk.own != nil:
			w.deleteRestore(ctx, c, wk, measured)
		default:
			w.search(ctx, c, wk)
			measured.Add(1)
		}
	}
	return true
}

func (w *workload) timed(ctx context.Context, c *client, wk *worker, op, method, path string, body []byte, items int) answer {
	start := time.Now()
	a := c.do(ctx, method, path, body)
	if a.code == "Canceled" {
		return a // the run ended mid-request: not a result
	}
	if a.code == "" && op == "BatchDeletePhoneNumber" && !strings.Contains(string(a.body), `"PhoneNumberErrors":[]`) {
		a.code = "PhoneNumberErrors"
	}
	wk.rec.record(op, time.Since(start), a, items)
	return a
}

func deleteBody(nums []string) []byte {
	var b strings.Builder
	b.WriteString(`{"PhoneNumberIds":[`)
	for i, n := range nums {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"` + n + `"`)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

func (w *workload) delete(ctx context.Context, c *client, wk *worker, nums []string) {
	w.timed(ctx, c, wk, "BatchDeletePhoneNumber", http.MethodPost, "/phone-numbers?operation=batch-delete", deleteBody(nums), len(nums))
}

func pathID(e164 string) string { return "/phone-numbers/%2B" + strings.TrimPrefix(e164, "+") }

// deleteRestore deletes the worker's own numbers and restores them, so the
// pool never runs out; only the delete counts towards the measured total.
func (w *workload) deleteRestore(ctx context.Context, c *client, wk *worker, measured *atomic.Int64) {
	w.delete(ctx, c, wk, wk.own)
	measured.Add(1)
	for _, n := range wk.own {
		if ctx.Err() != nil {
			return
		}
		w.timed(ctx, c, wk, "RestorePhoneNumber", http.MethodPost, pathID(n)+"?operation=restore", nil, 0)
	}
}

func (w *workload) get(ctx context.Context, c *client, wk *worker) {
	n := w.nums[wk.rng.IntN(len(w.nums))]
	w.timed(ctx, c, wk, "GetPhoneNumber", http.MethodGet, pathID(n), nil, 0)
}

func (w *workload) list(ctx context.Context, c *client, wk *worker) {
	path := "/phone-numbers?max-results=100"
	if wk.token != "" {
		path += "&next-token=" + url.QueryEscape(wk.token)
	}
	a := w.timed(ctx, c, wk, "ListPhoneNumbers", http.MethodGet, path, nil, 0)
	var page struct{ NextToken string }
	if a.code == "" {
		_ = json.Unmarshal(a.body, &page)
	}
	wk.token = page.NextToken
}

func (w *workload) search(ctx context.Context, c *client, wk *worker) {
	w.timed(ctx, c, wk, "SearchAvailablePhoneNumbers", http.MethodGet, "/search?type=phone-numbers&area-code=503&max-results=10", nil, 0)
}
