// Package pstn is chimevoice's PSTN audio service: the call engine that runs
// calls through SIP media applications. Each call is a state machine driven
// by the service clock. It sends the application's handler (a Lambda
// function) the documented invocation events, runs the actions the handler
// answers with, and records every event and response in the call's
// transcript.
//
// The engine does no routing, storage or invocation of its own: it takes a
// Router (SIP rules and SIP media applications), a Store (calls and
// transcripts), an Invoker (the Lambda Invoke API) and the service clock.
// Timers are "due at" times on that clock, checked by RunDue; nothing
// sleeps. docs/calls.md describes the model and every choice the AWS
// documentation leaves open.
package pstn

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/chimevoice/chimevoice"
)

// Invoker invokes a handler function with an event and returns its answer.
// Any error (unreachable, function error, timeout, answer too large) is a
// failed invocation.
type Invoker interface {
	Invoke(ctx context.Context, function string, event []byte) ([]byte, error)
}

// Route is where a call goes: the SIP media application, the rule that
// chose it (for inbound calls) and its handler function.
type Route struct {
	AccountID             string
	Region                string // the SIP media application's AwsRegion
	SipRuleID             string // "" for outbound calls
	SipMediaApplicationID string
	Function              string // the endpoint's Lambda function ARN
}

// Router finds where calls go; the server implements it over the store.
// Errors are *chimevoice.Error values.
type Router interface {
	// RouteInbound finds the SIP media application for a call to the
	// number to, or, when requestURIHost is not "", for a call arriving on
	// the Voice Connector with that outbound host name: the enabled SIP
	// rule with that trigger, its target of lowest priority. NotFound when
	// nothing routes the call.
	RouteInbound(ctx context.Context, to, requestURIHost string) (Route, error)
	// SipMediaApplication returns the route of an application of the
	// caller's account (NotFound otherwise).
	SipMediaApplication(ctx context.Context, c chimevoice.Caller, smaID string) (Route, error)
	// CheckFromNumber reports whether e164 is a number of the account with
	// the SipMediaApplicationDialIn product type (BadRequest otherwise,
	// with a message that names the problem).
	CheckFromNumber(ctx context.Context, c chimevoice.Caller, e164 string) error
}

// Store keeps calls and their transcripts. Implementations: sqlstore (SQLite
// and PostgreSQL) and, for the engine's tests, an in-memory one.
type Store interface {
	// CreateCall stores a new call (Version 1) with its transcript entries.
	CreateCall(ctx context.Context, c *chimevoice.Call, entries []chimevoice.TranscriptEntry) error
	// SaveCall stores the call's new state and appends entries to its
	// transcript, if the stored call still has version c.Version-1
	// (Conflict otherwise: another process moved the call first).
	SaveCall(ctx context.Context, c *chimevoice.Call, entries []chimevoice.TranscriptEntry) error
	// GetCall returns a call with its transcript (NotFound if unknown).
	GetCall(ctx context.Context, transactionID string) (*chimevoice.Call, error)
	// ListCalls returns a page of calls newest first, without transcripts.
	ListCalls(ctx context.Context, f chimevoice.CallFilter) ([]*chimevoice.Call, string, error)
	// ClaimDueCalls returns up to limit in-progress calls whose DueAt is
	// not after now and that no process has claimed (or whose claim ended),
	// and claims them until now+lease: several processes running due
	// timers at once each run a call once. SaveCall releases the claim.
	ClaimDueCalls(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]string, error)
}

// Options tunes the engine. Zero values take the defaults.
type Options struct {
	// Attempts is how many times one event is sent before the call is
	// ended as unreachable (default 2: the PSTN audio service retries a
	// failed invocation once).
	Attempts int
	// Logger receives one line per ended call and per failed invocation.
	Logger *slog.Logger
	// NewID makes transaction and call IDs (default: random UUIDs).
	NewID func() string
	// Observer, when set, is told of every invocation and every call that
	// ends (for metrics). It must not block.
	Observer Observer
}

// Observer is told what the engine does.
type Observer interface {
	// Invoked reports one invocation attempt of an event: err is nil when
	// the handler answered.
	Invoked(eventType string, err error)
	// CallEnded reports a call that ended, with its status.
	CallEnded(status chimevoice.CallStatus)
}

type noObserver struct{}

func (noObserver) Invoked(string, error)           {}
func (noObserver) CallEnded(chimevoice.CallStatus) {}

// Engine runs calls. It implements chimevoice.CallService.
type Engine struct {
	router  Router
	store   Store
	invoker Invoker
	clock   chimevoice.Clock
	opts    Options
	log     *slog.Logger

	mu       sync.Mutex
	locks    map[string]*callLock
	outbound chimevoice.CallScript // the callee's script of outbound calls without one
}

type callLock struct {
	mu   sync.Mutex
	refs int
}

var _ chimevoice.CallService = (*Engine)(nil)

// New returns an engine. clock is the service clock.
func New(router Router, store Store, invoker Invoker, clock chimevoice.Clock, opts Options) *Engine {
	if opts.Attempts <= 0 {
		opts.Attempts = 2
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.NewID == nil {
		opts.NewID = uuid.NewString
	}
	if opts.Observer == nil {
		opts.Observer = noObserver{}
	}
	return &Engine{router: router, store: store, invoker: invoker, clock: clock, opts: opts, log: opts.Logger, locks: map[string]*callLock{}}
}

// lock serializes the work on one call within this process; the store's
// version check catches other processes.
func (e *Engine) lock(id string) func() {
	e.mu.Lock()
	l := e.locks[id]
	if l == nil {
		l = &callLock{}
		e.locks[id] = l
	}
	l.refs++
	e.mu.Unlock()
	l.mu.Lock()
	return func() {
		l.mu.Unlock()
		e.mu.Lock()
		if l.refs--; l.refs == 0 {
			delete(e.locks, id)
		}
		e.mu.Unlock()
	}
}

func (e *Engine) now() time.Time { return e.clock.Now().UTC().Truncate(time.Millisecond) }

// PlaceInboundCall implements chimevoice.CallService. A call that nothing
// routes is stored as Failed and returned together with the NotFound error.
func (e *Engine) PlaceInboundCall(ctx context.Context, r chimevoice.InboundCallRequest) (*chimevoice.Call, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	r = r.Normalize()
	now := e.now()
	route, rerr := e.router.RouteInbound(ctx, r.To, r.RequestURIHost)
	if rerr != nil && chimevoice.ErrorCode(rerr) != chimevoice.CodeNotFound {
		return nil, fmt.Errorf("route inbound call: %w", rerr)
	}
	r2 := e.newRun(ctx, route, r.Script, chimevoice.Inbound, r.From, r.To, now)
	if r.RequestURIHost != "" {
		r2.note(now, "inbound call from %s to %s on request URI host %s", r.From, r.To, r.RequestURIHost)
	} else {
		r2.note(now, "inbound call from %s to %s", r.From, r.To)
	}
	if rerr != nil {
		r2.end(now, chimevoice.CallFailed, "no SIP rule routes the call: "+chimevoice.ErrorMessage(rerr))
		if err := r2.create(); err != nil {
			return nil, err
		}
		return r2.c, rerr
	}
	r2.note(now, "routed by SIP rule %s to SIP media application %s (handler %s)", route.SipRuleID, route.SipMediaApplicationID, route.Function)
	return r2.place(now, event{InvocationEventType: evNewInbound})
}

// place sends a new call's first events, runs what they start, and stores
// the call.
func (r *run) place(now time.Time, evs ...event) (*chimevoice.Call, error) {
	for _, ev := range evs {
		if body, ok := r.send(now, ev); ok {
			r.respond(now, body, respondNormal)
		}
	}
	r.advance(now)
	if err := r.create(); err != nil {
		return nil, err
	}
	return r.c, nil
}

// newRun makes a new call placed at now with its LEG-A.
func (e *Engine) newRun(ctx context.Context, route Route, script chimevoice.CallScript, dir chimevoice.CallDirection, from, to string, now time.Time) *run {
	c := &chimevoice.Call{
		TransactionID: e.opts.NewID(), AccountID: route.AccountID, Region: route.Region,
		SipMediaApplicationID: route.SipMediaApplicationID, SipRuleID: route.SipRuleID,
		Status: chimevoice.CallInProgress, Script: script, CreatedAt: now, UpdatedAt: now,
		Participants: []chimevoice.Participant{{CallID: e.opts.NewID(), Tag: chimevoice.LegA, To: to, From: from,
			Direction: dir, StartTime: now, Status: chimevoice.ParticipantConnected}},
	}
	return &run{e: e, ctx: context.WithoutCancel(ctx), c: c, st: &state{Function: route.Function, Digits: script.Digits, Phase: phaseActive, At: now}}
}

// OutboundScript returns the script of the callee of outbound calls placed
// without one (CreateSipMediaApplicationCall through the API carries none):
// by default the callee answers after chimevoice.DefaultRingTime and
// presses nothing.
func (e *Engine) OutboundScript() chimevoice.CallScript {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.outbound
}

// SetOutboundScript sets the script OutboundScript returns (the admin API
// sets it; it is kept by this process only).
func (e *Engine) SetOutboundScript(s chimevoice.CallScript) error {
	if err := s.Validate(); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.outbound = s
	return nil
}

// CreateSipMediaApplicationCall implements chimevoice.CallService. A request
// without a script takes OutboundScript.
func (e *Engine) CreateSipMediaApplicationCall(ctx context.Context, c chimevoice.Caller, r chimevoice.CreateCallRequest) (*chimevoice.Call, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	r = r.Normalize()
	if r.Script == (chimevoice.CallScript{}) {
		r.Script = e.OutboundScript()
	}
	route, err := e.router.SipMediaApplication(ctx, c, r.SipMediaApplicationID)
	if err != nil {
		return nil, err
	}
	if err := e.router.CheckFromNumber(ctx, c, r.FromPhoneNumber); err != nil {
		return nil, err
	}
	now := e.now()
	r2 := e.newRun(ctx, route, r.Script, chimevoice.Outbound, r.FromPhoneNumber, r.ToPhoneNumber, now)
	r2.st.Phase = phaseRinging
	r2.st.RingUntil, r2.st.RingOutcome = ringOutcome(now, r.Script, OutboundNoAnswerTimeout)
	r2.note(now, "outbound call from %s to %s by SIP media application %s (handler %s); the callee will %s", r.FromPhoneNumber, r.ToPhoneNumber, route.SipMediaApplicationID, route.Function, describeOutcome(r2.st.RingOutcome, r2.st.RingUntil.Sub(now)))
	params := map[string]any{"Arguments": nonNil(r.ArgumentsMap)}
	if len(r.SipHeaders) > 0 {
		params["SipHeaders"] = r.SipHeaders
	}
	return r2.place(now, event{InvocationEventType: evNewOutbound, ActionData: map[string]any{"Type": "CallCreateRequest", "Parameters": params}},
		event{InvocationEventType: evRinging})
}

// UpdateSipMediaApplicationCall implements chimevoice.CallService.
func (e *Engine) UpdateSipMediaApplicationCall(ctx context.Context, c chimevoice.Caller, r chimevoice.UpdateCallRequest) (*chimevoice.Call, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	unlock := e.lock(r.TransactionID)
	defer unlock()
	r2, err := e.load(ctx, r.TransactionID)
	if err != nil && chimevoice.ErrorCode(err) != chimevoice.CodeNotFound {
		return nil, err
	}
	if err != nil || r2.c.AccountID != c.AccountID || r2.c.SipMediaApplicationID != r.SipMediaApplicationID || r2.c.Status != chimevoice.CallInProgress {
		return nil, chimevoice.Errorf(chimevoice.CodeNotFound, "The call %s of SIP media application %s was not found or has ended.", r.TransactionID, r.SipMediaApplicationID)
	}
	now := e.now()
	r2.advance(now) // timers that were due before the update come first
	r2.st.At = now
	if r2.c.Status == chimevoice.CallInProgress {
		if body, ok := r2.invoke(now, evCallUpdate, map[string]any{"Type": "CallUpdateRequest", "Parameters": map[string]any{"Arguments": r.Arguments}}); ok {
			r2.respond(now, body, respondUpdate)
		}
		r2.advance(now)
	}
	if err := r2.save(); err != nil {
		return nil, err
	}
	return r2.c, nil
}

// GetCall implements chimevoice.CallService.
func (e *Engine) GetCall(ctx context.Context, transactionID string) (*chimevoice.Call, error) {
	return e.store.GetCall(ctx, transactionID)
}

// ListCalls implements chimevoice.CallService.
func (e *Engine) ListCalls(ctx context.Context, f chimevoice.CallFilter) ([]*chimevoice.Call, string, error) {
	return e.store.ListCalls(ctx, f)
}

// dueBatch is how many due calls RunDue claims at once.
const dueBatch = 100

// ClaimLease is how long RunDue holds the calls it runs: longer than running
// a call's due timers takes (each invocation is bounded by the invoker's
// timeout), short enough that a process that died holding a call delays it
// little.
const ClaimLease = time.Minute

// RunDue implements chimevoice.CallService: it advances every call whose
// next timer is due, each to the current service time.
func (e *Engine) RunDue(ctx context.Context) error {
	now := e.now()
	seen := map[string]bool{}
	for {
		ids, err := e.store.ClaimDueCalls(ctx, now, ClaimLease, dueBatch)
		if err != nil {
			return fmt.Errorf("list due calls: %w", err)
		}
		progressed := false
		for _, id := range ids {
			if seen[id] {
				continue // still due after a run: a conflict; leave it for the next RunDue
			}
			seen[id] = true
			progressed = true
			if err := e.runOne(ctx, id, now); err != nil {
				return err
			}
		}
		if len(ids) < dueBatch || !progressed {
			return nil
		}
	}
}

func (e *Engine) runOne(ctx context.Context, id string, now time.Time) error {
	unlock := e.lock(id)
	defer unlock()
	r, err := e.load(ctx, id)
	if err != nil {
		return fmt.Errorf("run call %s: %w", id, err)
	}
	if r.c.Status != chimevoice.CallInProgress {
		return nil
	}
	r.advance(now)
	err = r.save()
	if chimevoice.ErrorCode(err) == chimevoice.CodeConflict {
		e.log.Warn("call moved by another process; its timers run there", "transaction", id)
		return nil
	}
	return err
}

func (e *Engine) load(ctx context.Context, id string) (*run, error) {
	c, err := e.store.GetCall(ctx, id)
	if err != nil {
		return nil, err
	}
	st, err := decodeState(c.State)
	if err != nil {
		return nil, fmt.Errorf("call %s: %w", id, err)
	}
	return &run{e: e, ctx: context.WithoutCancel(ctx), c: c, st: st}, nil
}

func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
