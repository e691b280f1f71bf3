package httpapi_test

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	vtypes "github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"

	"github.com/chimevoice/chimevoice"
	"github.com/chimevoice/chimevoice/chimevoicetest"
	"github.com/chimevoice/chimevoice/lambdainvoke"
	"github.com/chimevoice/chimevoice/lambdainvoke/lambdatest"
)

const (
	pstnCaller = "+15105550101"
	bridgeTo   = "+12065550199"
	brokenARN  = "arn:aws:lambda:us-east-1:000000000000:function:broken"
)

// callsEnv is a server whose SIP media application runs the shipped
// example handler behind the shipped Lambda Invoke API runner.
type callsEnv struct {
	srv    *chimevoicetest.Server
	lambda *lambdatest.Server
	sma    string
	number string // routed to sma by a SIP rule
	from   string // the account's other SipMediaApplicationDialIn number
}

func newCallsEnv(t *testing.T, b chimevoicetest.Backend, lambda lambdainvoke.Config, handler *lambdatest.Server) *callsEnv {
	t.Helper()
	srv := chimevoicetest.New(t, chimevoicetest.Options{Backend: b, Lambda: lambda})
	sma := createSMA(t, srv.Voice, "calls").SipMediaApplicationId
	nums := srv.Provision(t, srv.Voice, "206", 2, smaProduct)
	createRule(t, srv, &chimesdkvoice.CreateSipRuleInput{Name: aws.String("line"), TriggerType: vtypes.SipRuleTriggerTypeToPhoneNumber,
		TriggerValue: aws.String(nums[0]), TargetApplications: target(sma, 1)})
	return &callsEnv{srv: srv, lambda: handler, sma: aws.ToString(sma), number: nums[0], from: nums[1]}
}

// place dials the env's number through the admin API and returns the call.
func (e *callsEnv) place(t *testing.T, body map[string]string) *chimevoice.Call {
	t.Helper()
	var c chimevoice.Call
	if code := e.srv.Admin(t, http.MethodPost, "/_chimevoice/calls", body, &c); code != http.StatusCreated {
		t.Fatalf("place call %v: status %d", body, code)
	}
	return &c
}

func (e *callsEnv) call(t *testing.T, id string) *chimevoice.Call {
	t.Helper()
	var c chimevoice.Call
	if code := e.srv.Admin(t, http.MethodGet, "/_chimevoice/calls/"+id, nil, &c); code != http.StatusOK {
		t.Fatalf("get call %s: status %d", id, code)
	}
	return &c
}

func (e *callsEnv) wantEvents(t *testing.T, want ...string) {
	t.Helper()
	if got := lambdatest.Summary(e.lambda.Events(t)); !slices.Equal(got, want) {
		t.Fatalf("events the handler received:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func jsonOf(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	chimevoicetest.Must(t, err, "marshal")
	return string(b)
}

// TestCallsEndToEnd: an inbound call placed through the admin API and an
// outbound call placed with the Go SDK, handled by the shipped Python
// handler behind the shipped Lambda Invoke API runner, on every backend.
func TestCallsEndToEnd(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, b chimevoicetest.Backend) {
		lambda := lambdatest.Start(t, lambdatest.RepoFile("examples/calls/handler.py"), "BRIDGE_TO="+bridgeTo)
		e := newCallsEnv(t, b, lambdainvoke.Config{Endpoint: lambda.URL}, lambda)

		// Inbound: the caller presses 1, is bridged, hangs up after 20 s.
		c := e.place(t, map[string]string{"From": pstnCaller, "To": e.number, "Digits": "1", "HangupAfter": "20s"})
		if c.Status != chimevoice.CallInProgress || c.SipMediaApplicationID != e.sma || c.DueAt.IsZero() || len(c.Transcript) == 0 {
			t.Fatalf("placed call: %+v", c)
		}
		e.wantEvents(t, "1 NEW_INBOUND_CALL")
		e.srv.Advance(t, time.Minute)
		e.wantEvents(t, "1 NEW_INBOUND_CALL", "2 ACTION_SUCCESSFUL SpeakAndGetDigits digits=1", "3 ACTION_SUCCESSFUL CallAndBridge",
			"4 HANGUP Hangup LEG-A code=0", "5 HANGUP Hangup LEG-B code=0")
		got := e.call(t, c.TransactionID)
		if got.Status != chimevoice.CallCompleted || !got.EndedAt.Equal(got.CreatedAt.Add(20*time.Second)) || len(got.Participants) != 2 ||
			got.Participants[1].To != bridgeTo || got.Participants[1].From != e.number {
			t.Fatalf("call after a minute: %s %q ended %s, %+v", got.Status, got.EndReason, got.EndedAt, got.Participants)
		}
		rule := got.SipRuleID
		want := lambdatest.BridgeTranscript(lambdatest.BridgeCall{Start: got.CreatedAt, Caller: pstnCaller, Number: e.number, BridgeTo: bridgeTo,
			SipRuleID: rule, SipMediaApplicationID: e.sma, Function: lambdaARN})
		if tr := lambdatest.Transcript(got, got.CreatedAt); !slices.Equal(tr, want) {
			t.Fatalf("transcript:\n  %s\nwant:\n  %s", strings.Join(tr, "\n  "), strings.Join(want, "\n  "))
		}
		// The transcript holds the events exactly as the handler received them.
		if a, b := jsonOf(t, lambdatest.SentEvents(t, got)), jsonOf(t, lambda.Events(t)); a != b {
			t.Fatalf("recorded events differ from those received:\n%s\n%s", a, b)
		}
		first := lambda.Events(t)[0]["CallDetails"].(map[string]any)
		if first["TransactionId"] != c.TransactionID || first["AwsAccountId"] != "000000000000" || first["SipRuleId"] != rule ||
			first["SipMediaApplicationId"] != e.sma || first["AwsRegion"] != "us-east-1" {
			t.Fatalf("CallDetails %v", first)
		}
		inbound := len(lambda.Events(t))

		// Outbound, through the Go SDK: the callee answers after the
		// default 2 s; an update arrives during the greeting.
		out, err := e.srv.Voice.CreateSipMediaApplicationCall(bg, &chimesdkvoice.CreateSipMediaApplicationCallInput{
			SipMediaApplicationId: aws.String(e.sma), FromPhoneNumber: aws.String(e.from), ToPhoneNumber: aws.String(pstnCaller),
			ArgumentsMap: map[string]string{"Name": "Ada"},
		})
		chimevoicetest.Must(t, err, "CreateSipMediaApplicationCall")
		id := aws.ToString(out.SipMediaApplicationCall.TransactionId)
		if !guidPattern.MatchString(id) {
			t.Fatalf("TransactionId %q is not a GUID", id)
		}
		outEvents := func() []string { return lambdatest.Summary(lambda.Events(t)[inbound:]) }
		if got := outEvents(); !slices.Equal(got, []string{"1 NEW_OUTBOUND_CALL CallCreateRequest", "2 RINGING"}) {
			t.Fatalf("outbound events %v", got)
		}
		args := lambda.Events(t)[inbound]["ActionData"].(map[string]any)["Parameters"].(map[string]any)["Arguments"].(map[string]any)
		if args["Name"] != "Ada" {
			t.Fatalf("NEW_OUTBOUND_CALL arguments %v", args)
		}
		e.srv.Advance(t, 2*time.Second)
		up, err := e.srv.Voice.UpdateSipMediaApplicationCall(bg, &chimesdkvoice.UpdateSipMediaApplicationCallInput{
			SipMediaApplicationId: aws.String(e.sma), TransactionId: aws.String(id), Arguments: map[string]string{"Message": "Your table is ready."},
		})
		chimevoicetest.Must(t, err, "UpdateSipMediaApplicationCall")
		if aws.ToString(up.SipMediaApplicationCall.TransactionId) != id {
			t.Fatalf("update answered %+v", up.SipMediaApplicationCall)
		}
		e.srv.Advance(t, time.Minute)
		if got, want := outEvents(), []string{"1 NEW_OUTBOUND_CALL CallCreateRequest", "2 RINGING", "3 CALL_ANSWERED",
			"4 CALL_UPDATE_REQUESTED CallUpdateRequest", "5 ACTION_SUCCESSFUL Speak"}; !slices.Equal(got, want) {
			t.Fatalf("outbound events:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
		}
		oc := e.call(t, id)
		if oc.Status != chimevoice.CallInProgress || oc.SipRuleID != "" || oc.Participants[0].Direction != chimevoice.Outbound ||
			oc.Participants[0].From != e.from || oc.Participants[0].To != pstnCaller {
			t.Fatalf("outbound call %+v", oc)
		}
		if a, b := jsonOf(t, lambdatest.SentEvents(t, oc)), jsonOf(t, lambda.Events(t)[inbound:]); a != b {
			t.Fatalf("recorded outbound events differ from those received:\n%s\n%s", a, b)
		}

		// The admin API sets what the callee of outbound calls does.
		var script chimevoice.CallScript
		if code := e.srv.Admin(t, http.MethodPut, "/_chimevoice/outbound-callee", map[string]string{"Callee": "Busy"}, &script); code != http.StatusOK || script.Callee != chimevoice.CalleeBusy {
			t.Fatalf("set the outbound callee: %d %+v", code, script)
		}
		busy, err := e.srv.Voice.CreateSipMediaApplicationCall(bg, &chimesdkvoice.CreateSipMediaApplicationCallInput{
			SipMediaApplicationId: aws.String(e.sma), FromPhoneNumber: aws.String(e.from), ToPhoneNumber: aws.String(pstnCaller)})
		chimevoicetest.Must(t, err, "busy call")
		if bc := e.call(t, aws.ToString(busy.SipMediaApplicationCall.TransactionId)); bc.Status != chimevoice.CallFailed || !strings.Contains(bc.EndReason, "busy (SIP 486)") {
			t.Fatalf("busy callee: %s %q", bc.Status, bc.EndReason)
		}
		if code := e.srv.Admin(t, http.MethodPut, "/_chimevoice/outbound-callee", map[string]string{"Callee": "Maybe"}, nil); code != http.StatusBadRequest {
			t.Fatalf("bad callee: status %d", code)
		}
		if code := e.srv.Admin(t, http.MethodGet, "/_chimevoice/outbound-callee", nil, &script); code != http.StatusOK || script.Callee != chimevoice.CalleeBusy {
			t.Fatalf("a refused script changed the callee: %d %+v", code, script)
		}

		// The list: newest first, without transcripts; filters.
		var list struct {
			Calls     []chimevoice.Call
			NextToken string
		}
		if code := e.srv.Admin(t, http.MethodGet, "/_chimevoice/calls?MaxResults=2", nil, &list); code != http.StatusOK || len(list.Calls) != 2 ||
			list.NextToken == "" || list.Calls[0].TransactionID != aws.ToString(busy.SipMediaApplicationCall.TransactionId) || list.Calls[0].Transcript != nil {
			t.Fatalf("list: %d %+v", code, list)
		}
		next := list.NextToken
		list.Calls, list.NextToken = nil, ""
		if code := e.srv.Admin(t, http.MethodGet, "/_chimevoice/calls?MaxResults=2&NextToken="+next, nil, &list); code != http.StatusOK ||
			len(list.Calls) != 1 || list.Calls[0].TransactionID != c.TransactionID || list.NextToken != "" {
			t.Fatalf("second page: %d %+v", code, list)
		}
		list.Calls = nil
		if code := e.srv.Admin(t, http.MethodGet, "/_chimevoice/calls?Status=Completed&AccountId=000000000000", nil, &list); code != http.StatusOK ||
			len(list.Calls) != 1 || list.Calls[0].TransactionID != c.TransactionID {
			t.Fatalf("completed calls: %d %+v", code, list)
		}
		for _, q := range []string{"Status=Ringing", "MaxResults=0", "MaxResults=101", "NextToken=garbage"} {
			if code := e.srv.Admin(t, http.MethodGet, "/_chimevoice/calls?"+q, nil, nil); code != http.StatusBadRequest {
				t.Errorf("list ?%s: status %d, want 400", q, code)
			}
		}

		// Metrics count invocations and ended calls by outcome.
		metrics := scrape(t, e.srv)
		for _, line := range []string{
			`chimevoice_calls_ended_total{status="Completed"} 1`,
			`chimevoice_calls_ended_total{status="Failed"} 1`,
			`chimevoice_call_invocations_total{event="NEW_INBOUND_CALL",outcome="answered"} 1`,
			`chimevoice_call_invocations_total{event="HANGUP",outcome="answered"} 3`,
			`chimevoice_requests_total{code="201",operation="CreateSipMediaApplicationCall"} 2`,
			`chimevoice_requests_total{code="202",operation="UpdateSipMediaApplicationCall"} 1`,
		} {
			if !strings.Contains(metrics, line+"\n") {
				t.Errorf("metrics lack %s", line)
			}
		}
	})
}

func scrape(t *testing.T, srv *chimevoicetest.Server) string {
	t.Helper()
	resp, err := srv.HTTP.Client().Get(srv.URL + "/metrics")
	chimevoicetest.Must(t, err, "scrape")
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	chimevoicetest.Must(t, err, "read metrics")
	return string(b)
}

// TestCallFailuresThroughHTTP: every refusal of the two operations and of
// the admin API, and the failures of handlers, as a client sees them.
func TestCallFailuresThroughHTTP(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, b chimevoicetest.Backend) {
		lambda := lambdatest.Start(t, lambdatest.RepoFile("examples/calls/handler.py"))
		broken := lambdatest.Start(t, lambdatest.RepoFile("httpapi/testdata/raising_handler.py"))
		e := newCallsEnv(t, b, lambdainvoke.Config{Endpoint: lambda.URL, URLs: map[string]string{
			brokenARN: broken.URL + "/"}}, lambda)
		v := e.srv.Voice
		vcNumber := e.srv.Provision(t, v, "425", 1, vcProduct)[0]
		create := func(sma, from string) error {
			_, err := v.CreateSipMediaApplicationCall(bg, &chimesdkvoice.CreateSipMediaApplicationCallInput{
				SipMediaApplicationId: aws.String(sma), FromPhoneNumber: aws.String(from), ToPhoneNumber: aws.String(pstnCaller)})
			return err
		}
		wantAPIError(t, create("5a1e1d0c-5b4f-4e54-9c2c-1c6a6f0b8a01", e.from), 404, "NotFoundException", "5a1e1d0c-5b4f-4e54-9c2c-1c6a6f0b8a01")
		wantAPIError(t, create(e.sma, "+15105550123"), 400, "BadRequestException", "FromPhoneNumber")
		wantAPIError(t, create(e.sma, vcNumber), 400, "BadRequestException", "FromPhoneNumber")
		otherVoice, _ := e.srv.Clients(otherAccount.AccessKeyID, otherAccount.SecretAccessKey)
		_, err := otherVoice.CreateSipMediaApplicationCall(bg, &chimesdkvoice.CreateSipMediaApplicationCallInput{
			SipMediaApplicationId: aws.String(e.sma), FromPhoneNumber: aws.String(e.from), ToPhoneNumber: aws.String(pstnCaller)})
		if err == nil {
			t.Fatal("another account placed a call from this account's application")
		}
		_, err = v.UpdateSipMediaApplicationCall(bg, &chimesdkvoice.UpdateSipMediaApplicationCallInput{SipMediaApplicationId: aws.String(e.sma),
			TransactionId: aws.String("00000000-0000-4000-8000-999999999999"), Arguments: map[string]string{}})
		wantAPIError(t, err, 404, "NotFoundException", "00000000-0000-4000-8000-999999999999")
		var list struct{ Calls []chimevoice.Call }
		if e.srv.Admin(t, http.MethodGet, "/_chimevoice/calls", nil, &list); len(list.Calls) != 0 || len(lambda.Events(t)) != 0 {
			t.Fatalf("refused requests left %d calls and %d events", len(list.Calls), len(lambda.Events(t)))
		}

		// An ended call cannot be updated.
		c := e.place(t, map[string]string{"From": pstnCaller, "To": e.number, "Digits": "2"})
		e.srv.Advance(t, time.Minute)
		if got := e.call(t, c.TransactionID); got.Status != chimevoice.CallCompleted {
			t.Fatalf("call: %s %q", got.Status, got.EndReason)
		}
		_, err = v.UpdateSipMediaApplicationCall(bg, &chimesdkvoice.UpdateSipMediaApplicationCallInput{SipMediaApplicationId: aws.String(e.sma),
			TransactionId: aws.String(c.TransactionID), Arguments: map[string]string{"Message": "late"}})
		wantAPIError(t, err, 404, "NotFoundException", "has ended")
		e.wantEvents(t, "1 NEW_INBOUND_CALL", "2 ACTION_SUCCESSFUL SpeakAndGetDigits digits=2", "3 HANGUP Hangup LEG-A code=0")

		// A number no SIP rule routes: 404, the failed call recorded and named.
		resp := adminRaw(t, e.srv, http.MethodPost, "/_chimevoice/calls", `{"From": "+15105550101", "To": "`+e.from+`"}`)
		if resp.Status != http.StatusNotFound || resp.Header.Get("X-Amzn-ErrorType") != "NotFoundException" || resp.Header.Get("Location") == "" {
			t.Fatalf("unrouted call: %d %s %s", resp.Status, resp.Header, resp.Body)
		}
		failed := e.call(t, strings.TrimPrefix(resp.Header.Get("Location"), "/_chimevoice/calls/"))
		if failed.Status != chimevoice.CallFailed || !strings.Contains(failed.EndReason, "no SIP rule routes the call") ||
			!strings.Contains(string(resp.Body), failed.TransactionID) {
			t.Fatalf("unrouted call recorded as %s %q; answer %s", failed.Status, failed.EndReason, resp.Body)
		}

		// Bad bodies: 400 naming the field, nothing placed.
		for body, field := range map[string]string{
			`{"To": "` + e.number + `"}`:                                                "From",
			`{"From": "+1", "To": "` + e.number + `"}`:                                  "From",
			`{"From": "+15105550101", "To": "x"}`:                                       "To",
			`{"From": "+15105550101", "To": "` + e.number + `", "Digits": "12x"}`:       "Digits",
			`{"From": "+15105550101", "To": "` + e.number + `", "HangupAfter": "soon"}`: "HangupAfter",
			`{"From": "+15105550101", "To": "` + e.number + `", "Callee": "Maybe"}`:     "Callee",
			`{"From": "+15105550101", "To": "` + e.number + `", "Colour": "red"}`:       "Colour",
			`not json`: "JSON",
		} {
			resp := adminRaw(t, e.srv, http.MethodPost, "/_chimevoice/calls", body)
			if resp.Status != http.StatusBadRequest || !strings.Contains(string(resp.Body), field) {
				t.Errorf("POST %s: %d %s, want 400 naming %s", body, resp.Status, resp.Body, field)
			}
		}
		if code := e.srv.Admin(t, http.MethodGet, "/_chimevoice/calls", nil, &list); code != http.StatusOK || len(list.Calls) != 2 {
			t.Fatalf("bad bodies placed calls: %d calls", len(list.Calls))
		}
		if code := e.srv.Admin(t, http.MethodGet, "/_chimevoice/calls/00000000-0000-4000-8000-999999999999", nil, nil); code != http.StatusNotFound {
			t.Fatalf("unknown call: status %d", code)
		}

		// A handler that raises: tried twice, then the call ends with SIP 480.
		raises := e.srv.Provision(t, v, "312", 1, smaProduct)[0]
		chimevoicetest.RouteToHandler(t, v, brokenARN, raises)
		bc := e.place(t, map[string]string{"From": pstnCaller, "To": raises})
		if bc.Status != chimevoice.CallFailed || !strings.Contains(bc.EndReason, "the handler is broken") || !strings.Contains(bc.EndReason, "SIP 480") {
			t.Fatalf("raising handler: %s %q", bc.Status, bc.EndReason)
		}
		if got := lambdatest.Summary(broken.Events(t)); !slices.Equal(got, []string{"1 NEW_INBOUND_CALL", "1 NEW_INBOUND_CALL"}) {
			t.Fatalf("the raising handler received %v, want the event twice", got)
		}
		metrics := scrape(t, e.srv)
		if !strings.Contains(metrics, `chimevoice_call_invocations_total{event="NEW_INBOUND_CALL",outcome="failed"} 2`+"\n") {
			t.Errorf("metrics lack the failed invocations:\n%s", metrics)
		}
	})
}

// TestCallHandlerUnreachable: nothing listens at the Lambda endpoint; the
// call placed through the admin API ends with SIP 480, both attempts noted.
func TestCallHandlerUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	chimevoicetest.Must(t, err, "listen")
	addr := l.Addr().String()
	l.Close()
	e := newCallsEnv(t, chimevoicetest.SQLite(), lambdainvoke.Config{Endpoint: "http://" + addr}, nil)
	c := e.place(t, map[string]string{"From": pstnCaller, "To": e.number})
	got := e.call(t, c.TransactionID)
	tr := strings.Join(lambdatest.Transcript(got, got.CreatedAt), "\n")
	if got.Status != chimevoice.CallFailed || !strings.Contains(got.EndReason, "SIP 480 Unavailable") ||
		!strings.Contains(tr, "invocation 1 of 2 of NEW_INBOUND_CALL (Sequence 1) failed") || !strings.Contains(tr, "invocation 2 of 2") ||
		!strings.Contains(tr, "connection refused") {
		t.Fatalf("call %s %q:\n%s", got.Status, got.EndReason, tr)
	}
}

// TestCreateSipMediaApplicationCallWithBoto3 places the outbound call with
// boto3's create_sip_media_application_call (the shipped
// examples/calls/place_outbound_call.py).
func TestCreateSipMediaApplicationCallWithBoto3(t *testing.T) {
	if err := exec.Command("python3", "-c", "import boto3").Run(); err != nil {
		t.Skip("python3 with boto3 is not installed")
	}
	lambda := lambdatest.Start(t, lambdatest.RepoFile("examples/calls/handler.py"))
	e := newCallsEnv(t, chimevoicetest.SQLite(), lambdainvoke.Config{Endpoint: lambda.URL}, lambda)
	if code := e.srv.Admin(t, http.MethodPut, "/_chimevoice/outbound-callee", map[string]string{"Digits": "2", "RingTime": "3s"}, nil); code != http.StatusOK {
		t.Fatalf("set the outbound callee: %d", code)
	}
	cmd := exec.Command("python3", lambdatest.RepoFile("examples/calls/place_outbound_call.py"), "--endpoint", e.srv.URL,
		"--sma", e.sma, "--from", e.from, "--to", pstnCaller, "--arg", "Name=Ada")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("boto3: %v\n%s", err, out)
	}
	id := strings.TrimSpace(string(out))
	e.wantEvents(t, "1 NEW_OUTBOUND_CALL CallCreateRequest", "2 RINGING")
	e.srv.Advance(t, time.Minute)
	e.wantEvents(t, "1 NEW_OUTBOUND_CALL CallCreateRequest", "2 RINGING", "3 CALL_ANSWERED",
		"4 ACTION_SUCCESSFUL SpeakAndGetDigits digits=2", "5 HANGUP Hangup LEG-A code=0")
	got := e.call(t, id)
	if got.Status != chimevoice.CallCompleted || got.Participants[0].From != e.from || got.Script.RingTime != 3*time.Second {
		t.Fatalf("call %s %q %+v", got.Status, got.EndReason, got)
	}
	if a, b := jsonOf(t, lambdatest.SentEvents(t, got)), jsonOf(t, lambda.Events(t)); a != b {
		t.Fatalf("recorded events differ from those received:\n%s\n%s", a, b)
	}
	args := lambda.Events(t)[0]["ActionData"].(map[string]any)["Parameters"].(map[string]any)["Arguments"].(map[string]any)
	if args["Name"] != "Ada" {
		t.Fatalf("arguments %v", args)
	}
}

// adminRaw sends a raw body to the admin API.
func adminRaw(t *testing.T, srv *chimevoicetest.Server, method, path, body string) chimevoicetest.Response {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	chimevoicetest.Must(t, err, "request")
	return srv.Send(t, req)
}
