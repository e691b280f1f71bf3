package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	vtypes "github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"

	"github.com/chimevoice/chimevoice"
	"github.com/chimevoice/chimevoice/chimevoicetest"
	"github.com/chimevoice/chimevoice/lambdainvoke/lambdatest"
)

func TestLambdaFlags(t *testing.T) {
	env := map[string]string{"AWS_ENDPOINT_URL_LAMBDA": "http://127.0.0.1:3001"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	parse := func(args ...string) (Config, error) {
		c := DefaultConfig()
		return c, c.Parse(args, lookup, io.Discard)
	}
	c, err := parse()
	if err != nil || c.LambdaEndpoint != "http://127.0.0.1:3001" {
		t.Fatalf("from AWS_ENDPOINT_URL_LAMBDA: %q %v", c.LambdaEndpoint, err)
	}
	env["CHIMEVOICE_LAMBDA_ENDPOINT"] = "http://127.0.0.1:3002"
	if c, err = parse(); err != nil || c.LambdaEndpoint != "http://127.0.0.1:3002" {
		t.Fatalf("CHIMEVOICE_LAMBDA_ENDPOINT does not win: %q %v", c.LambdaEndpoint, err)
	}
	c, err = parse("--lambda-endpoint", "http://127.0.0.1:3003", "--lambda-url", "example=http://127.0.0.1:9000/,*=http://127.0.0.1:9001/")
	if err != nil || c.LambdaEndpoint != "http://127.0.0.1:3003" {
		t.Fatalf("the flag does not win: %q %v", c.LambdaEndpoint, err)
	}
	lc, err := c.lambda()
	if err != nil || lc.Endpoint != "http://127.0.0.1:3003" || lc.URLs["example"] != "http://127.0.0.1:9000/" || lc.URLs["*"] != "http://127.0.0.1:9001/" {
		t.Fatalf("invoker config %+v %v", lc, err)
	}
	for _, args := range [][]string{
		{"--lambda-endpoint", "ftp://127.0.0.1"},
		{"--lambda-endpoint", "127.0.0.1:3001"},
		{"--lambda-url", "example"},
		{"--lambda-url", "example=127.0.0.1:9000"},
	} {
		if _, err := parse(args...); err == nil || !strings.Contains(err.Error(), "--lambda") {
			t.Errorf("%v: %v, want an error naming the flag", args, err)
		}
	}
}

// dialInNumber orders a SipMediaApplicationDialIn number through the API
// and completes the order with a clock move.
func dialInNumber(t *testing.T, base string, v *chimesdkvoice.Client) string {
	t.Helper()
	ctx := context.Background()
	found, err := v.SearchAvailablePhoneNumbers(ctx, &chimesdkvoice.SearchAvailablePhoneNumbersInput{AreaCode: aws.String("206"), MaxResults: aws.Int32(1)})
	chimevoicetest.Must(t, err, "search")
	_, err = v.CreatePhoneNumberOrder(ctx, &chimesdkvoice.CreatePhoneNumberOrderInput{ProductType: vtypes.PhoneNumberProductTypeSipMediaApplicationDialIn, E164PhoneNumbers: found.E164PhoneNumbers})
	chimevoicetest.Must(t, err, "order")
	if code, body, err := admin(ctx, http.DefaultClient, http.MethodPost, base+"/_chimevoice/clock", map[string]string{"Advance": "0s"}); err != nil || code != http.StatusOK {
		t.Fatalf("complete the order: %d %s %v", code, body, err)
	}
	return found.E164PhoneNumbers[0]
}

func placeCall(t *testing.T, base, from, to, digits string) chimevoice.Call {
	t.Helper()
	code, body, err := admin(context.Background(), http.DefaultClient, http.MethodPost, base+"/_chimevoice/calls", map[string]string{"From": from, "To": to, "Digits": digits})
	if err != nil || code != http.StatusCreated {
		t.Fatalf("place call: %d %s %v", code, body, err)
	}
	var c chimevoice.Call
	chimevoicetest.Must(t, json.Unmarshal(body, &c), "decode call")
	return c
}

func getCall(t *testing.T, base, id string) chimevoice.Call {
	t.Helper()
	code, body, err := admin(context.Background(), http.DefaultClient, http.MethodGet, base+"/_chimevoice/calls/"+id, nil)
	if err != nil || code != http.StatusOK {
		t.Fatalf("get call: %d %s %v", code, body, err)
	}
	var c chimevoice.Call
	chimevoicetest.Must(t, json.Unmarshal(body, &c), "decode call")
	return c
}

// TestServeRunsCalls: a chimevoice process finds the handler's Lambda
// endpoint in AWS_ENDPOINT_URL_LAMBDA, and a clock move through the admin
// API runs the call to its end.
func TestServeRunsCalls(t *testing.T) {
	lambda := lambdatest.Start(t, lambdatest.RepoFile("examples/calls/handler.py"))
	t.Setenv("AWS_ENDPOINT_URL_LAMBDA", lambda.URL)
	p := startProcess(t, "--data", ":memory:")
	v := voiceClient(p.URL, "test", "test", http.DefaultClient)
	number := dialInNumber(t, p.URL, v)
	chimevoicetest.RouteToHandler(t, v, chimevoicetest.ExampleHandlerARN, number)
	c := placeCall(t, p.URL, "+15105550101", number, "2")
	if code, body, err := admin(context.Background(), http.DefaultClient, http.MethodPost, p.URL+"/_chimevoice/clock", map[string]string{"Advance": "1m"}); err != nil || code != http.StatusOK {
		t.Fatalf("advance: %d %s %v", code, body, err)
	}
	if got := getCall(t, p.URL, c.TransactionID); got.Status != chimevoice.CallCompleted {
		t.Fatalf("call after a minute: %s %q", got.Status, got.EndReason)
	}
	if got, want := lambdatest.Summary(lambda.Events(t)), []string{"1 NEW_INBOUND_CALL", "2 ACTION_SUCCESSFUL SpeakAndGetDigits digits=2", "3 HANGUP Hangup LEG-A code=0"}; !slices.Equal(got, want) {
		t.Fatalf("events %v, want %v", got, want)
	}
}

// TestWorkerRunsCalls: without any clock move through the admin API, the
// background worker runs the calls' due timers as the (base) clock passes.
func TestWorkerRunsCalls(t *testing.T) {
	lambda := lambdatest.Start(t, lambdatest.RepoFile("examples/calls/handler.py"))
	cfg := DefaultConfig()
	cfg.Listen = "127.0.0.1:0"
	cfg.Data = ":memory:"
	cfg.LambdaEndpoint = lambda.URL
	cfg.WorkerInterval = 10 * time.Millisecond
	m := NewMain(cfg)
	clock := chimevoicetest.NewClock(chimevoicetest.Epoch)
	m.Clock = clock
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	v := voiceClient(m.URL(), "test", "test", http.DefaultClient)
	number := dialInNumber(t, m.URL(), v)
	chimevoicetest.RouteToHandler(t, v, chimevoicetest.ExampleHandlerARN, number)
	c := placeCall(t, m.URL(), "+15105550101", number, "2")
	clock.Add(time.Minute) // the base clock passes; nobody calls the admin API
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for getCall(t, m.URL(), c.TransactionID).Status != chimevoice.CallCompleted {
		select {
		case <-deadline.C:
			t.Fatalf("the worker did not run the call within 10 s; events %v", lambdatest.Summary(lambda.Events(t)))
		case <-tick.C:
		}
	}
}
