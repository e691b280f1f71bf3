package pstn_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chimevoice/chimevoice"
	"github.com/chimevoice/chimevoice/lambdainvoke"
	"github.com/chimevoice/chimevoice/lambdainvoke/lambdatest"
	"github.com/chimevoice/chimevoice/pstn"
)

const (
	account  = "111111111111"
	smaID    = "5a1e1d0c-5b4f-4e54-9c2c-1c6a6f0b8a01"
	ruleID   = "7d0e8f2a-2f0b-4d6c-8a53-7f0f3c1e9b02"
	function = "arn:aws:lambda:us-east-1:111111111111:function:example-handler"
	smaNum   = "+12065550100" // the application's number
	caller   = "+15105550101"
	bridgeTo = "+12065550199"
)

var epoch = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

// clock is a manual clock, in milliseconds since the Unix epoch.
type clock struct{ ms atomic.Int64 }

func (c *clock) Now() time.Time          { return time.UnixMilli(c.ms.Load()).UTC() }
func (c *clock) advance(d time.Duration) { c.ms.Add(d.Milliseconds()) }

// router routes every number in numbers to the one application.
type router struct {
	numbers map[string]bool
	owned   map[string]bool // SipMediaApplicationDialIn numbers of the account
}

func (r *router) RouteInbound(ctx context.Context, to, host string) (pstn.Route, error) {
	if host != "" || !r.numbers[to] {
		return pstn.Route{}, chimevoice.Errorf(chimevoice.CodeNotFound, "No SIP rule routes calls to %s.", to)
	}
	return pstn.Route{AccountID: account, Region: "us-east-1", SipRuleID: ruleID, SipMediaApplicationID: smaID, Function: function}, nil
}

func (r *router) SipMediaApplication(ctx context.Context, c chimevoice.Caller, id string) (pstn.Route, error) {
	if c.AccountID != account || id != smaID {
		return pstn.Route{}, chimevoice.Errorf(chimevoice.CodeNotFound, "The SIP media application %s was not found.", id)
	}
	return pstn.Route{AccountID: account, Region: "us-east-1", SipMediaApplicationID: smaID, Function: function}, nil
}

func (r *router) CheckFromNumber(ctx context.Context, c chimevoice.Caller, e164 string) error {
	if c.AccountID != account || !r.owned[e164] {
		return chimevoice.Errorf(chimevoice.CodeBadRequest, "FromPhoneNumber: %s is not a SipMediaApplicationDialIn number of the account.", e164)
	}
	return nil
}

// observer records what the engine reports.
type observer struct {
	mu    sync.Mutex
	calls []string
}

func (o *observer) Invoked(ev string, err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.calls = append(o.calls, fmt.Sprintf("invoked %s ok=%t", ev, err == nil))
}

func (o *observer) CallEnded(s chimevoice.CallStatus) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.calls = append(o.calls, "ended "+string(s))
}

type env struct {
	t      *testing.T
	obs    *observer
	clock  *clock
	store  *memStore
	engine *pstn.Engine
	lambda *lambdatest.Server
}

// newEnv runs handler (a file of the repository) behind a real Lambda
// Invoke API process and an engine that invokes it.
func newEnv(t *testing.T, handler string, numbers ...string) *env {
	t.Helper()
	srv := lambdatest.Start(t, lambdatest.RepoFile(handler), "BRIDGE_TO="+bridgeTo)
	return newEnvAt(t, srv, srv.URL, numbers...)
}

func newEnvAt(t *testing.T, srv *lambdatest.Server, endpoint string, numbers ...string) *env {
	inv, err := lambdainvoke.New(lambdainvoke.Config{Endpoint: endpoint, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	rt := &router{numbers: map[string]bool{smaNum: true}, owned: map[string]bool{smaNum: true}}
	for _, n := range numbers {
		rt.numbers[n] = true
	}
	e := &env{t: t, clock: &clock{}, store: newMemStore(), lambda: srv, obs: &observer{}}
	e.clock.ms.Store(epoch.UnixMilli())
	n := 0
	e.engine = pstn.New(rt, e.store, inv, e.clock, pstn.Options{Observer: e.obs, NewID: func() string {
		n++
		return fmt.Sprintf("00000000-0000-4000-8000-%012d", n)
	}})
	return e
}

func (e *env) advance(d time.Duration) {
	e.t.Helper()
	e.clock.advance(d)
	if err := e.engine.RunDue(context.Background()); err != nil {
		e.t.Fatalf("RunDue: %v", err)
	}
}

func (e *env) call(id string) *chimevoice.Call {
	e.t.Helper()
	c, err := e.engine.GetCall(context.Background(), id)
	if err != nil {
		e.t.Fatalf("GetCall %s: %v", id, err)
	}
	return c
}

func (e *env) wantEvents(want ...string) {
	e.t.Helper()
	got := lambdatest.Summary(e.lambda.Events(e.t))
	if !slices.Equal(got, want) {
		e.t.Fatalf("events the handler received:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// transcript renders a call's transcript one entry a line (lambdatest.Transcript from epoch).
func transcript(c *chimevoice.Call) []string { return lambdatest.Transcript(c, epoch) }

func wantStatus(t *testing.T, c *chimevoice.Call, status chimevoice.CallStatus, reason string) {
	t.Helper()
	if c.Status != status || !strings.Contains(c.EndReason, reason) {
		t.Fatalf("call %s: status %s (%q), want %s containing %q\n%s", c.TransactionID, c.Status, c.EndReason, status, reason, strings.Join(transcript(c), "\n"))
	}
}

// TestInboundBridge: the example handler answers, greets, collects "1",
// bridges; the caller hangs up and the handler hangs up the bridged leg.
func TestInboundBridge(t *testing.T) {
	testInboundBridge(t, newEnv(t, "examples/calls/handler.py"))
}

// TestInboundBridgeNode: the Node.js twin of the example handler, behind
// the Node runner, receives the same events and makes the same transcript.
func TestInboundBridgeNode(t *testing.T) {
	srv := lambdatest.StartNode(t, lambdatest.RepoFile("examples/calls/node/handler.mjs"), "BRIDGE_TO="+bridgeTo)
	testInboundBridge(t, newEnvAt(t, srv, srv.URL))
}

func testInboundBridge(t *testing.T, e *env) {
	ctx := context.Background()
	c, err := e.engine.PlaceInboundCall(ctx, chimevoice.InboundCallRequest{From: caller, To: smaNum,
		Script: chimevoice.CallScript{Digits: "1", HangupAfter: 20 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	e.wantEvents(`1 NEW_INBOUND_CALL`)
	greeting := pstn.SpeechDuration("Welcome to the example line.")
	if want := epoch.Add(greeting); !c.DueAt.Equal(want) {
		t.Fatalf("DueAt %s, want the end of the greeting %s", c.DueAt, want)
	}
	e.advance(greeting - time.Millisecond) // not yet
	e.wantEvents(`1 NEW_INBOUND_CALL`)
	e.advance(10 * time.Second)
	e.wantEvents(`1 NEW_INBOUND_CALL`, `2 ACTION_SUCCESSFUL SpeakAndGetDigits digits=1`, `3 ACTION_SUCCESSFUL CallAndBridge`)
	c = e.call(c.TransactionID)
	if len(c.Participants) != 2 || c.Participants[1].Tag != chimevoice.LegB || c.Participants[1].To != bridgeTo ||
		c.Participants[1].From != smaNum || c.Participants[1].Status != chimevoice.ParticipantConnected {
		t.Fatalf("participants after the bridge: %+v", c.Participants)
	}
	e.advance(time.Minute)
	e.wantEvents(`1 NEW_INBOUND_CALL`, `2 ACTION_SUCCESSFUL SpeakAndGetDigits digits=1`, `3 ACTION_SUCCESSFUL CallAndBridge`,
		`4 HANGUP Hangup LEG-A code=0`, `5 HANGUP Hangup LEG-B code=0`)
	c = e.call(c.TransactionID)
	wantStatus(t, c, chimevoice.CallCompleted, "LEG-B hung up by the application")
	if !c.EndedAt.Equal(epoch.Add(20 * time.Second)) {
		t.Fatalf("EndedAt %s, want 20 s after the start", c.EndedAt)
	}
	want := lambdatest.BridgeTranscript(lambdatest.BridgeCall{Start: epoch, Caller: caller, Number: smaNum, BridgeTo: bridgeTo,
		SipRuleID: ruleID, SipMediaApplicationID: smaID, Function: function})
	if got := transcript(c); !slices.Equal(got, want) {
		t.Fatalf("transcript:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	// The events are those recorded, byte for byte.
	sent := lambdatest.SentEvents(t, c)
	received := e.lambda.Events(t)
	if a, b := mustJSON(t, sent), mustJSON(t, received); a != b {
		t.Fatalf("recorded events differ from received ones:\n%s\n%s", a, b)
	}
	first := received[0]["CallDetails"].(map[string]any)
	if first["TransactionId"] != c.TransactionID || first["AwsAccountId"] != account || first["SipRuleId"] != ruleID ||
		first["SipMediaApplicationId"] != smaID || first["AwsRegion"] != "us-east-1" {
		t.Fatalf("CallDetails: %v", first)
	}
	p := first["Participants"].([]any)[0].(map[string]any)
	if p["ParticipantTag"] != "LEG-A" || p["From"] != caller || p["To"] != smaNum || p["Direction"] != "Inbound" ||
		p["Status"] != "Connected" || p["StartTimeInMilliseconds"] != fmt.Sprint(epoch.UnixMilli()) {
		t.Fatalf("LEG-A: %v", p)
	}
}

func mustJSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestInboundHangupDigit: "2" makes the handler say goodbye and hang up.
func TestInboundHangupDigit(t *testing.T) {
	e := newEnv(t, "examples/calls/handler.py")
	c, err := e.engine.PlaceInboundCall(context.Background(), chimevoice.InboundCallRequest{From: caller, To: smaNum, Script: chimevoice.CallScript{Digits: "2"}})
	if err != nil {
		t.Fatal(err)
	}
	e.advance(time.Minute)
	e.wantEvents(`1 NEW_INBOUND_CALL`, `2 ACTION_SUCCESSFUL SpeakAndGetDigits digits=2`, `3 HANGUP Hangup LEG-A code=0`)
	wantStatus(t, e.call(c.TransactionID), chimevoice.CallCompleted, "LEG-A hung up by the application")
}

// TestInboundNoDigits: the caller presses nothing; both attempts time out
// and the action fails.
func TestInboundNoDigits(t *testing.T) {
	e := newEnv(t, "examples/calls/handler.py")
	c, err := e.engine.PlaceInboundCall(context.Background(), chimevoice.InboundCallRequest{From: caller, To: smaNum})
	if err != nil {
		t.Fatal(err)
	}
	e.advance(time.Minute)
	e.wantEvents(`1 NEW_INBOUND_CALL`, `2 ACTION_FAILED SpeakAndGetDigits error=InvalidDigitsReceived`, `3 HANGUP Hangup LEG-A code=0`)
	wantStatus(t, e.call(c.TransactionID), chimevoice.CallCompleted, "hung up by the application")
}

// TestBridgeBusy: the bridged callee is busy: ACTION_FAILED CallNotAnswered.
func TestBridgeBusy(t *testing.T) {
	e := newEnv(t, "examples/calls/handler.py")
	c, err := e.engine.PlaceInboundCall(context.Background(), chimevoice.InboundCallRequest{From: caller, To: smaNum,
		Script: chimevoice.CallScript{Digits: "1", Callee: chimevoice.CalleeBusy}})
	if err != nil {
		t.Fatal(err)
	}
	e.advance(time.Minute)
	e.wantEvents(`1 NEW_INBOUND_CALL`, `2 ACTION_SUCCESSFUL SpeakAndGetDigits digits=1`, `3 ACTION_FAILED CallAndBridge error=CallNotAnswered`, `4 HANGUP Hangup LEG-A code=0`)
	wantStatus(t, e.call(c.TransactionID), chimevoice.CallCompleted, "")
}

// TestOutboundAndUpdate: CreateSipMediaApplicationCall rings, the callee
// answers, an update arrives while the greeting plays, "2" hangs up.
func TestOutboundAndUpdate(t *testing.T) {
	e := newEnv(t, "examples/calls/handler.py")
	ctx := context.Background()
	me := chimevoice.Caller{AccountID: account, Region: "us-east-1"}
	c, err := e.engine.CreateSipMediaApplicationCall(ctx, me, chimevoice.CreateCallRequest{SipMediaApplicationID: smaID,
		FromPhoneNumber: smaNum, ToPhoneNumber: caller, ArgumentsMap: map[string]string{"Name": "Ada"},
		Script: chimevoice.CallScript{Digits: "2", RingTime: 4 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	e.wantEvents(`1 NEW_OUTBOUND_CALL CallCreateRequest`, `2 RINGING`)
	args := e.lambda.Events(t)[0]["ActionData"].(map[string]any)["Parameters"].(map[string]any)["Arguments"].(map[string]any)
	if args["Name"] != "Ada" {
		t.Fatalf("NEW_OUTBOUND_CALL arguments: %v", args)
	}
	e.advance(4 * time.Second) // answered; the greeting starts
	e.wantEvents(`1 NEW_OUTBOUND_CALL CallCreateRequest`, `2 RINGING`, `3 CALL_ANSWERED`)
	if _, err := e.engine.UpdateSipMediaApplicationCall(ctx, me, chimevoice.UpdateCallRequest{SipMediaApplicationID: smaID,
		TransactionID: c.TransactionID, Arguments: map[string]string{"Message": "Your table is ready."}}); err != nil {
		t.Fatal(err)
	}
	e.advance(time.Minute)
	// Speak is not interruptible: it ends, then the update's Speak replaces
	// the menu, and its end is the end of the list.
	e.wantEvents(`1 NEW_OUTBOUND_CALL CallCreateRequest`, `2 RINGING`, `3 CALL_ANSWERED`, `4 CALL_UPDATE_REQUESTED CallUpdateRequest`, `5 ACTION_SUCCESSFUL Speak`)
	got := e.call(c.TransactionID)
	if got.Status != chimevoice.CallInProgress || got.Participants[0].Direction != chimevoice.Outbound {
		t.Fatalf("call: %+v", got)
	}
	// Unknown and ended calls are NotFound; so is another account's call.
	for name, r := range map[string]chimevoice.UpdateCallRequest{
		"unknown":     {SipMediaApplicationID: smaID, TransactionID: "00000000-0000-4000-8000-999999999999", Arguments: map[string]string{}},
		"another app": {SipMediaApplicationID: "other", TransactionID: c.TransactionID, Arguments: map[string]string{}},
	} {
		if _, err := e.engine.UpdateSipMediaApplicationCall(ctx, me, r); chimevoice.ErrorCode(err) != chimevoice.CodeNotFound {
			t.Fatalf("%s: got %v, want NotFound", name, err)
		}
	}
	if _, err := e.engine.UpdateSipMediaApplicationCall(ctx, chimevoice.Caller{AccountID: "222222222222"}, chimevoice.UpdateCallRequest{
		SipMediaApplicationID: smaID, TransactionID: c.TransactionID, Arguments: map[string]string{}}); chimevoice.ErrorCode(err) != chimevoice.CodeNotFound {
		t.Fatalf("another account: got %v, want NotFound", err)
	}
	n := len(e.lambda.Events(t))
	if _, err := e.engine.UpdateSipMediaApplicationCall(ctx, me, chimevoice.UpdateCallRequest{SipMediaApplicationID: smaID,
		TransactionID: c.TransactionID, Arguments: map[string]string{strings.Repeat("k", 1): "v", "": "x"}}); chimevoice.ErrorCode(err) != chimevoice.CodeBadRequest {
		t.Fatalf("empty key: got %v, want BadRequest", err)
	}
	if len(e.lambda.Events(t)) != n {
		t.Fatal("a refused update reached the handler")
	}
}

// TestOutboundCalleeOutcomes: busy and unanswered callees end the call.
func TestOutboundCalleeOutcomes(t *testing.T) {
	e := newEnv(t, "examples/calls/handler.py")
	me := chimevoice.Caller{AccountID: account, Region: "us-east-1"}
	busy, err := e.engine.CreateSipMediaApplicationCall(context.Background(), me, chimevoice.CreateCallRequest{SipMediaApplicationID: smaID,
		FromPhoneNumber: smaNum, ToPhoneNumber: caller, Script: chimevoice.CallScript{Callee: chimevoice.CalleeBusy}})
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, e.call(busy.TransactionID), chimevoice.CallFailed, "busy (SIP 486)")
	// The default script of outbound calls without one.
	if err := e.engine.SetOutboundScript(chimevoice.CallScript{Callee: "Maybe"}); chimevoice.ErrorCode(err) != chimevoice.CodeBadRequest {
		t.Fatalf("bad default script: %v", err)
	}
	if err := e.engine.SetOutboundScript(chimevoice.CallScript{Callee: chimevoice.CalleeNoAnswer}); err != nil {
		t.Fatal(err)
	}
	none, err := e.engine.CreateSipMediaApplicationCall(context.Background(), me, chimevoice.CreateCallRequest{SipMediaApplicationID: smaID,
		FromPhoneNumber: smaNum, ToPhoneNumber: caller})
	if err != nil {
		t.Fatal(err)
	}
	e.advance(pstn.OutboundNoAnswerTimeout - time.Millisecond)
	if got := e.call(none.TransactionID); got.Status != chimevoice.CallInProgress {
		t.Fatalf("ended before the timeout: %s", got.EndReason)
	}
	e.advance(time.Millisecond)
	wantStatus(t, e.call(none.TransactionID), chimevoice.CallFailed, "did not answer (SIP 480)")
	e.wantEvents(`1 NEW_OUTBOUND_CALL CallCreateRequest`, `2 RINGING`, `3 HANGUP Hangup LEG-A code=486`,
		`1 NEW_OUTBOUND_CALL CallCreateRequest`, `2 RINGING`, `3 HANGUP Hangup LEG-A code=480`)

	// Refused requests change nothing and reach no handler.
	for name, tc := range map[string]struct {
		r    chimevoice.CreateCallRequest
		code chimevoice.Code
		msg  string
	}{
		"unknown application": {chimevoice.CreateCallRequest{SipMediaApplicationID: "nope", FromPhoneNumber: smaNum, ToPhoneNumber: caller}, chimevoice.CodeNotFound, "nope"},
		"number not owned":    {chimevoice.CreateCallRequest{SipMediaApplicationID: smaID, FromPhoneNumber: caller, ToPhoneNumber: smaNum}, chimevoice.CodeBadRequest, "FromPhoneNumber"},
		"bad To":              {chimevoice.CreateCallRequest{SipMediaApplicationID: smaID, FromPhoneNumber: smaNum, ToPhoneNumber: "+1206-555"}, chimevoice.CodeBadRequest, "ToPhoneNumber"},
		"bad script":          {chimevoice.CreateCallRequest{SipMediaApplicationID: smaID, FromPhoneNumber: smaNum, ToPhoneNumber: caller, Script: chimevoice.CallScript{Digits: "1x"}}, chimevoice.CodeBadRequest, "Digits"},
	} {
		_, err := e.engine.CreateSipMediaApplicationCall(context.Background(), me, tc.r)
		if chimevoice.ErrorCode(err) != tc.code || !strings.Contains(chimevoice.ErrorMessage(err), tc.msg) {
			t.Fatalf("%s: got %v, want %s naming %s", name, err, tc.code, tc.msg)
		}
	}
	if calls, _, _ := e.engine.ListCalls(context.Background(), chimevoice.CallFilter{}); len(calls) != 2 {
		t.Fatalf("%d calls stored, want 2", len(calls))
	}
}

// TestNoSipRule: a number nothing routes is recorded as a failed call.
func TestNoSipRule(t *testing.T) {
	e := newEnv(t, "examples/calls/handler.py")
	c, err := e.engine.PlaceInboundCall(context.Background(), chimevoice.InboundCallRequest{From: caller, To: "+12065550999"})
	if chimevoice.ErrorCode(err) != chimevoice.CodeNotFound || c == nil {
		t.Fatalf("got %v, %v; want the failed call and NotFound", c, err)
	}
	got := e.call(c.TransactionID)
	wantStatus(t, got, chimevoice.CallFailed, "no SIP rule routes the call")
	if got.Participants[0].Status != chimevoice.ParticipantDisconnected {
		t.Fatalf("LEG-A still connected")
	}
	e.wantEvents()
	if _, err := e.engine.PlaceInboundCall(context.Background(), chimevoice.InboundCallRequest{From: "nope", To: smaNum}); chimevoice.ErrorCode(err) != chimevoice.CodeBadRequest ||
		!strings.Contains(chimevoice.ErrorMessage(err), "From") {
		t.Fatalf("bad From: %v", err)
	}
}

// TestHandlerUnreachable: nothing listens at the Lambda endpoint; the
// event is tried twice and the call ends with SIP 480.
func TestHandlerUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	e := newEnvAt(t, nil, "http://"+addr)
	c, err := e.engine.PlaceInboundCall(context.Background(), chimevoice.InboundCallRequest{From: caller, To: smaNum})
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, c, chimevoice.CallFailed, "SIP 480 Unavailable")
	if want := []string{"invoked NEW_INBOUND_CALL ok=false", "invoked NEW_INBOUND_CALL ok=false", "ended Failed"}; !slices.Equal(e.obs.calls, want) {
		t.Fatalf("observed %v, want %v", e.obs.calls, want)
	}
	got := transcript(e.call(c.TransactionID))
	if len(got) != 6 || !strings.Contains(got[3], "invocation 1 of 2 of NEW_INBOUND_CALL (Sequence 1) failed") ||
		!strings.Contains(got[4], "invocation 2 of 2") || !strings.Contains(got[3], "connection refused") {
		t.Fatalf("transcript:\n%s", strings.Join(got, "\n"))
	}
}

// TestHandlerFailures: a handler that raises, one that answers an unknown
// action, one that answers nonsense.
func TestHandlerFailures(t *testing.T) {
	const raises, badAction, badJSON = "+12065550001", "+12065550002", "+12065550003"
	e := newEnv(t, "pstn/testdata/misbehaving_handler.py", raises, badAction, badJSON)
	ctx := context.Background()

	c, err := e.engine.PlaceInboundCall(ctx, chimevoice.InboundCallRequest{From: caller, To: raises})
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, c, chimevoice.CallFailed, "function "+function+" failed (Unhandled)")
	if !strings.Contains(c.EndReason, "the handler is broken") {
		t.Fatalf("reason %q does not carry the error message", c.EndReason)
	}
	e.wantEvents(`1 NEW_INBOUND_CALL`, `1 NEW_INBOUND_CALL`) // tried twice

	c, err = e.engine.PlaceInboundCall(ctx, chimevoice.InboundCallRequest{From: caller, To: badAction})
	if err != nil {
		t.Fatal(err)
	}
	e.advance(time.Second)
	e.wantEvents(`1 NEW_INBOUND_CALL`, `1 NEW_INBOUND_CALL`,
		`1 NEW_INBOUND_CALL`, `2 INVALID_LAMBDA_RESPONSE error=InvalidActionType`,
		`3 ACTION_FAILED Speak error=MissingRequiredActionParameter`, `4 HANGUP Hangup LEG-A code=0`)
	ev := e.lambda.Events(t)[3]
	if msg, _ := ev["ErrorMessage"].(string); !strings.Contains(msg, `"Dance"`) {
		t.Fatalf("INVALID_LAMBDA_RESPONSE message %q does not name the action", msg)
	}
	wantStatus(t, e.call(c.TransactionID), chimevoice.CallCompleted, "LEG-A hung up by the application")

	c, err = e.engine.PlaceInboundCall(ctx, chimevoice.InboundCallRequest{From: caller, To: badJSON})
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, c, chimevoice.CallFailed, "another invalid response")
	evs := lambdatest.Summary(e.lambda.Events(t))
	if got := evs[len(evs)-2:]; !slices.Equal(got, []string{`1 NEW_INBOUND_CALL`, `2 INVALID_LAMBDA_RESPONSE error=InvalidResponseFormat`}) {
		t.Fatalf("events: %v", got)
	}
}

// TestHandlerScenarios: interruption by an update, ReceiveDigits with
// TransactionAttributes, an action chimevoice cannot run, an unanswered
// call, a response with too many actions.
func TestHandlerScenarios(t *testing.T) {
	const pause, listen, unsupported, silent, tooMany, pauseOnly = "+12065550004", "+12065550005", "+12065550006", "+12065550007", "+12065550008", "+12065550009"
	e := newEnv(t, "pstn/testdata/misbehaving_handler.py", pause, listen, unsupported, silent, tooMany, pauseOnly)
	ctx := context.Background()
	me := chimevoice.Caller{AccountID: account}
	place := func(to string, s chimevoice.CallScript) *chimevoice.Call {
		t.Helper()
		c, err := e.engine.PlaceInboundCall(ctx, chimevoice.InboundCallRequest{From: caller, To: to, Script: s})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	last := func(n int) []string {
		t.Helper()
		evs := lambdatest.Summary(e.lambda.Events(t))
		return evs[len(evs)-n:]
	}

	c := place(pause, chimevoice.CallScript{})
	e.advance(10 * time.Second)
	if _, err := e.engine.UpdateSipMediaApplicationCall(ctx, me, chimevoice.UpdateCallRequest{SipMediaApplicationID: smaID, TransactionID: c.TransactionID, Arguments: map[string]string{}}); err != nil {
		t.Fatal(err)
	}
	if got := last(4); !slices.Equal(got, []string{`1 NEW_INBOUND_CALL`, `2 CALL_UPDATE_REQUESTED CallUpdateRequest`, `3 ACTION_INTERRUPTED Pause`, `4 HANGUP Hangup LEG-A code=0`}) {
		t.Fatalf("pause: %v", got)
	}
	got := e.call(c.TransactionID)
	wantStatus(t, got, chimevoice.CallCompleted, "LEG-A hung up by the application")
	if !got.EndedAt.Equal(epoch.Add(10 * time.Second)) {
		t.Fatalf("ended at %s, want when the update came", got.EndedAt)
	}
	if _, err := e.engine.UpdateSipMediaApplicationCall(ctx, me, chimevoice.UpdateCallRequest{SipMediaApplicationID: smaID, TransactionID: c.TransactionID, Arguments: map[string]string{}}); chimevoice.ErrorCode(err) != chimevoice.CodeNotFound {
		t.Fatalf("update of an ended call: %v", err)
	}

	c = place(listen, chimevoice.CallScript{Digits: "5#42#"})
	e.advance(time.Minute)
	if got := last(4); !slices.Equal(got, []string{`1 NEW_INBOUND_CALL`, `2 ACTION_SUCCESSFUL ReceiveDigits digits=`, `3 DIGITS_RECEIVED ReceiveDigits digits=42#`, `4 HANGUP Hangup LEG-A code=0`}) {
		t.Fatalf("listen: %v", got)
	}
	got = e.call(c.TransactionID)
	wantStatus(t, got, chimevoice.CallCompleted, "")
	// "5#" does not match ^\d{2}#$ and is discarded; "42#" is pressed from
	// 2 x 300 ms + 1 s after the listener armed, and takes 3 x 300 ms + 1 s.
	if want := c.CreatedAt.Add(2*pstn.DigitInterval + time.Second + 3*pstn.DigitInterval + time.Second); !got.EndedAt.Equal(want) {
		t.Fatalf("ended at %s, want %s", got.EndedAt, want)
	}

	c = place(unsupported, chimevoice.CallScript{HangupAfter: 5 * time.Second})
	e.advance(time.Minute)
	if got := last(3); !slices.Equal(got, []string{`1 NEW_INBOUND_CALL`, `2 ACTION_FAILED JoinChimeMeeting error=SystemException`, `3 HANGUP Hangup LEG-A code=0`}) {
		t.Fatalf("unsupported: %v", got)
	}
	wantStatus(t, e.call(c.TransactionID), chimevoice.CallCompleted, "LEG-A hung up by the caller")

	c = place(silent, chimevoice.CallScript{})
	e.advance(pstn.UnansweredTimeout - time.Millisecond)
	if got := e.call(c.TransactionID); got.Status != chimevoice.CallInProgress {
		t.Fatalf("unanswered call ended early: %s", got.EndReason)
	}
	e.advance(time.Millisecond)
	if got := last(2); !slices.Equal(got, []string{`1 NEW_INBOUND_CALL`, `2 HANGUP Hangup LEG-A code=480`}) {
		t.Fatalf("silent: %v", got)
	}
	wantStatus(t, e.call(c.TransactionID), chimevoice.CallFailed, "not answered within 30s")

	// A Pause does not answer; once it ends the 30 s are long past, and the
	// call ends then, not back in time.
	c = place(pauseOnly, chimevoice.CallScript{})
	e.advance(2 * time.Minute)
	if got := last(3); !slices.Equal(got, []string{`1 NEW_INBOUND_CALL`, `2 ACTION_SUCCESSFUL Pause`, `3 HANGUP Hangup LEG-A code=480`}) {
		t.Fatalf("pause only: %v", got)
	}
	got = e.call(c.TransactionID)
	wantStatus(t, got, chimevoice.CallFailed, "not answered")
	if want := c.CreatedAt.Add(time.Minute); !got.EndedAt.Equal(want) {
		t.Fatalf("ended at %s, want %s", got.EndedAt, want)
	}
	for i, en := range got.Transcript[1:] {
		if en.At.Before(got.Transcript[i].At) {
			t.Fatalf("transcript goes back in time at %d:\n%s", i+1, strings.Join(transcript(got), "\n"))
		}
	}

	c = place(tooMany, chimevoice.CallScript{HangupAfter: time.Second})
	e.advance(time.Minute)
	if got := last(3); !slices.Equal(got, []string{`1 NEW_INBOUND_CALL`, `2 INVALID_LAMBDA_RESPONSE error=TooManyActions`, `3 HANGUP Hangup LEG-A code=0`}) {
		t.Fatalf("too many: %v", got)
	}
}
