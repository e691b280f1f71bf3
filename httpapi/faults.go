package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chimevoice/chimevoice"
)

// FaultRule is one rule of fault injection, set through the admin API
// /_chimevoice/faults so that users can test their retry logic. A rule
// that fires on a request waits LatencyMs, then answers Error (before any
// store call, so that an injected failure never changes anything), or, on
// a batch operation, fails a share of the items with ItemError and hands
// only the others to the store.
type FaultRule struct {
	// Operation is the operation name the rule applies to, or "*" for all.
	Operation string
	// Probability that the rule fires on a matching request (0 to 1; default 1).
	Probability *float64 `json:",omitempty"`
	// Error is the exception shape to answer, e.g. ThrottledClientException.
	Error string `json:",omitempty"`
	// Message replaces the default message of Error or ItemError.
	Message string `json:",omitempty"`
	// Count is how many times at most the rule fires (default: unlimited).
	Count *int64 `json:",omitempty"`
	// LatencyMs is added before the request is handled (0 to 60000).
	LatencyMs int64 `json:",omitempty"`
	// ItemError is the per-item ErrorCode (e.g. ServiceFailure) with which a
	// batch operation fails a share of its items.
	ItemError string `json:",omitempty"`
	// ItemProbability is the share of items ItemError fails (0 to 1; default 1).
	ItemProbability *float64 `json:",omitempty"`
	// Fired is how many times the rule fired (GET reports it; POST ignores it,
	// so that a GET's answer can be posted back).
	Fired int64
}

// Bounds of fault rules.
const (
	maxFaultRules   = 100
	maxFaultLatency = 60000 // ms
	maxFaultMessage = 1024
)

// itemFaultOps are the batch operations whose handlers split off
// injected item faults (splitItemFaults). A handler that reports
// PhoneNumberErrors adds its operation here when it calls splitItemFaults.
var itemFaultOps = map[string]bool{
	"BatchDeletePhoneNumber": true,
	"BatchUpdatePhoneNumber": true,
}

// faults holds a server's rules. The hot path reads one atomic flag when
// there are none.
type faults struct {
	active atomic.Bool
	mu     sync.Mutex
	rules  []*faultRule
	rng    *rand.Rand
}

type faultRule struct {
	FaultRule
	index int
	code  chimevoice.Code // of Error
	item  chimevoice.Code // of ItemError
}

// firing is what a fired rule does to one request.
type firing struct {
	rule    int
	latency time.Duration
	err     error
	item    *itemFault
}

type itemFault struct {
	code    chimevoice.Code
	message string
	p       float64
}

type itemFaultKey struct{}

// fire picks the first matching rule that fires for op, if any.
func (f *faults) fire(op string) (firing, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.rules {
		if r.Operation != "*" && r.Operation != op {
			continue
		}
		if r.ItemError != "" && !itemFaultOps[op] {
			continue // per-item rules apply to batch operations only
		}
		if r.Count != nil && r.Fired >= *r.Count {
			continue
		}
		if p := prob(r.Probability); p < 1 && f.rng.Float64() >= p {
			continue
		}
		r.Fired++
		fi := firing{rule: r.index, latency: time.Duration(r.LatencyMs) * time.Millisecond}
		if r.Error != "" {
			msg := r.Message
			if msg == "" {
				msg = fmt.Sprintf("Fault injected by chimevoice (rule %d): %s.", r.index, r.Error)
			}
			fi.err = chimevoice.Errorf(r.code, "%s", msg)
		}
		if r.ItemError != "" {
			msg := r.Message
			if msg == "" {
				msg = fmt.Sprintf("Fault injected by chimevoice (rule %d): %s.", r.index, r.ItemError)
			}
			fi.item = &itemFault{code: r.item, message: msg, p: prob(r.ItemProbability)}
		}
		return fi, true
	}
	return firing{}, false
}

// roll returns, for n items, which fail with probability p.
func (f *faults) roll(n int, p float64) []bool {
	out := make([]bool, n)
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range out {
		out[i] = p >= 1 || f.rng.Float64() < p
	}
	return out
}

func prob(p *float64) float64 {
	if p == nil {
		return 1
	}
	return *p
}

// injectFault applies the fault rules to a request for op, after it was
// authenticated and validated and before its handler runs: it waits the
// latency (giving up when the client does), then returns the injected
// error, or a context that carries a per-item fault for the handler.
func (s *Server) injectFault(ctx context.Context, op string) (context.Context, error) {
	if !s.faults.active.Load() {
		return ctx, nil
	}
	fi, ok := s.faults.fire(op)
	if !ok {
		return ctx, nil
	}
	if m := s.opts.Metrics; m != nil {
		m.FaultInjected(op)
	}
	if fi.latency > 0 {
		t := time.NewTimer(fi.latency)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx, ctx.Err()
		}
	}
	if fi.err != nil {
		return ctx, fi.err
	}
	if fi.item != nil {
		ctx = context.WithValue(ctx, itemFaultKey{}, fi.item)
	}
	return ctx, nil
}

// splitItemFaults takes the items of a batch call that an injected
// per-item fault fails out of items and returns them as PhoneNumberErrors;
// the handler passes only the rest to the store, which never sees the
// failed ones. raw gives the ID an item's error echoes.
func splitItemFaults[T any](ctx context.Context, s *Server, items []T, raw func(T) string) ([]T, []chimevoice.PhoneNumberError) {
	f, _ := ctx.Value(itemFaultKey{}).(*itemFault)
	if f == nil || len(items) == 0 {
		return items, nil
	}
	fail := s.faults.roll(len(items), f.p)
	keep := make([]T, 0, len(items))
	var failed []chimevoice.PhoneNumberError
	for i, it := range items {
		if fail[i] {
			failed = append(failed, chimevoice.PhoneNumberError{PhoneNumberID: raw(it), Code: f.code, Message: f.message})
		} else {
			keep = append(keep, it)
		}
	}
	return keep, failed
}

// set replaces the rules (and the random source, seeded when seed is set).
func (f *faults) set(rules []*faultRule, seed *uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rules = rules
	if seed != nil {
		f.rng = rand.New(rand.NewPCG(*seed, *seed))
	} else if f.rng == nil {
		f.rng = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	f.active.Store(len(rules) > 0)
}

func (f *faults) list() []FaultRule {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]FaultRule, len(f.rules))
	for i, r := range f.rules {
		out[i] = r.FaultRule
	}
	return out
}

func (s *Server) getFaults(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return http.StatusOK, s.faults.list(), nil
}

func (s *Server) deleteFaults(w http.ResponseWriter, r *http.Request) (int, any, error) {
	s.faults.set(nil, nil)
	return http.StatusOK, []FaultRule{}, nil
}

func (s *Server) postFaults(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var seed *uint64
	if v := r.URL.Query().Get("seed"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return 0, nil, chimevoice.FieldErrorf("seed", "%q is not an unsigned integer.", v)
		}
		seed = &n
	}
	body, err := readBody(w, r)
	if err != nil {
		return 0, nil, err
	}
	rules, err := s.parseFaultRules(body)
	if err != nil {
		return 0, nil, err
	}
	s.faults.set(rules, seed)
	return http.StatusOK, s.faults.list(), nil
}

// faultFields are the members a rule may have.
var faultFields = []string{"Operation", "Probability", "Error", "Message", "Count", "LatencyMs", "ItemError", "ItemProbability", "Fired"}

// parseFaultRules decodes and checks a rule list strictly: unknown
// members, wrong types and values out of range are BadRequest naming the
// rule and the member.
func (s *Server) parseFaultRules(body []byte) ([]*faultRule, error) {
	bad := func(format string, args ...any) error {
		return chimevoice.Errorf(chimevoice.CodeBadRequest, format, args...)
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(body, &raws); err != nil {
		return nil, bad("The body must be a JSON array of fault rules: %v.", err)
	}
	if len(raws) > maxFaultRules {
		return nil, bad("At most %d fault rules are allowed, got %d.", maxFaultRules, len(raws))
	}
	rules := make([]*faultRule, 0, len(raws))
	for i, raw := range raws {
		var members map[string]json.RawMessage
		if err := json.Unmarshal(raw, &members); err != nil || members == nil {
			return nil, bad("[%d]: a fault rule must be a JSON object.", i)
		}
		for _, name := range slices.Sorted(maps.Keys(members)) {
			if !slices.Contains(faultFields, name) {
				return nil, bad("[%d].%s: unknown member; a rule has %s.", i, name, strings.Join(faultFields, ", "))
			}
		}
		var fr FaultRule
		dec := json.NewDecoder(bytes.NewReader(raw))
		if err := dec.Decode(&fr); err != nil {
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) {
				return nil, bad("[%d].%s: expected %s, got a JSON %s.", i, te.Field, jsonTypeName(te.Type.String()), te.Value)
			}
			return nil, bad("[%d]: %v.", i, err)
		}
		fr.Fired = 0
		rule, err := s.checkFaultRule(fr)
		var ce *chimevoice.Error
		if errors.As(err, &ce) {
			return nil, chimevoice.FieldErrorf(fmt.Sprintf("[%d].%s", i, ce.Field), "%s", ce.Detail())
		}
		if err != nil {
			return nil, err
		}
		rule.index = i
		rules = append(rules, rule)
	}
	return rules, nil
}

// checkFaultRule checks one rule; the error names the member (Field).
func (s *Server) checkFaultRule(fr FaultRule) (*faultRule, error) {
	r := &faultRule{FaultRule: fr}
	switch {
	case fr.Operation == "":
		return nil, chimevoice.FieldErrorf("Operation", "required: an operation name, or \"*\" for all")
	case fr.Operation == "*":
	case s.api.Operation(fr.Operation) == nil:
		return nil, chimevoice.FieldErrorf("Operation", "%q is not an operation of chime-sdk-voice or chime", fr.Operation)
	case !s.Supported(fr.Operation):
		return nil, chimevoice.FieldErrorf("Operation", "%s is not an operation chimevoice serves", fr.Operation)
	}
	for _, p := range []struct {
		name string
		v    *float64
	}{{"Probability", fr.Probability}, {"ItemProbability", fr.ItemProbability}} {
		if p.v != nil && (*p.v < 0 || *p.v > 1) {
			return nil, chimevoice.FieldErrorf(p.name, "%g is not between 0 and 1", *p.v)
		}
	}
	if fr.Count != nil && *fr.Count < 1 {
		return nil, chimevoice.FieldErrorf("Count", "%d is not at least 1 (leave it out for no limit)", *fr.Count)
	}
	if fr.LatencyMs < 0 || fr.LatencyMs > maxFaultLatency {
		return nil, chimevoice.FieldErrorf("LatencyMs", "%d is not between 0 and %d", fr.LatencyMs, maxFaultLatency)
	}
	if len(fr.Message) > maxFaultMessage {
		return nil, chimevoice.FieldErrorf("Message", "longer than %d bytes", maxFaultMessage)
	}
	if fr.Error != "" {
		code, ok := codeOfShape(fr.Error)
		if !ok {
			return nil, chimevoice.FieldErrorf("Error", "%q is not an error shape; use one of %s", fr.Error, strings.Join(errorShapes(), ", "))
		}
		r.code = code
	}
	if fr.ItemError != "" {
		code := chimevoice.Code(fr.ItemError)
		if _, ok := errorTable[code]; !ok {
			return nil, chimevoice.FieldErrorf("ItemError", "%q is not an error code; use one of %s", fr.ItemError, strings.Join(errorCodes(), ", "))
		}
		if fr.Operation != "*" && !itemFaultOps[fr.Operation] {
			return nil, chimevoice.FieldErrorf("ItemError", "%s has no per-item errors; per-item faults apply to %s", fr.Operation, strings.Join(slices.Sorted(maps.Keys(itemFaultOps)), ", "))
		}
		r.item = code
	}
	switch {
	case fr.Error != "" && fr.ItemError != "":
		return nil, chimevoice.FieldErrorf("ItemError", "give Error or ItemError, not both")
	case fr.ItemProbability != nil && fr.ItemError == "":
		return nil, chimevoice.FieldErrorf("ItemProbability", "needs ItemError")
	case fr.Message != "" && fr.Error == "" && fr.ItemError == "":
		return nil, chimevoice.FieldErrorf("Message", "needs Error or ItemError")
	case fr.Error == "" && fr.ItemError == "" && fr.LatencyMs == 0:
		return nil, chimevoice.FieldErrorf("Error", "a rule needs Error, ItemError or LatencyMs")
	}
	return r, nil
}

// codeOfShape returns the error code that answers with exception shape
// shape: the one whose name the shape's name starts with
// (ThrottledClientException: Throttled), so that aliases sharing a shape
// (PreconditionFailed is a BadRequestException) never win.
func codeOfShape(shape string) (chimevoice.Code, bool) {
	for code, kind := range errorTable {
		if kind.shape == shape && strings.HasPrefix(shape, string(code)) {
			return code, true
		}
	}
	return "", false
}

func errorShapes() []string {
	var out []string
	for code, kind := range errorTable {
		if strings.HasPrefix(kind.shape, string(code)) {
			out = append(out, kind.shape)
		}
	}
	sort.Strings(out)
	return out
}

func errorCodes() []string {
	var out []string
	for code := range errorTable {
		out = append(out, string(code))
	}
	sort.Strings(out)
	return out
}

// jsonTypeName names a Go type of FaultRule as JSON does.
func jsonTypeName(goType string) string {
	switch strings.TrimPrefix(goType, "*") {
	case "string":
		return "a string"
	case "float64":
		return "a number"
	case "int64":
		return "an integer"
	}
	return goType
}
