package console_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	vtypes "github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"

	"github.com/chimevoice/chimevoice"
	"github.com/chimevoice/chimevoice/chimevoicetest"
	"github.com/chimevoice/chimevoice/lambdainvoke"
	"github.com/chimevoice/chimevoice/lambdainvoke/lambdatest"
	"github.com/chimevoice/chimevoice/sigv4"
)

// TestCallsPages: a call handled by the example handler is listed on the
// Calls page and shown with its transcript; other accounts do not see it.
func TestCallsPages(t *testing.T) {
	lambda := lambdatest.Start(t, lambdatest.RepoFile("examples/calls/handler.py"))
	numbersOnly := sigv4.Credential{AccessKeyID: "AKIANUMBERS", SecretAccessKey: "numbers-secret", AccountID: "000000000000", Allow: []string{"ListPhoneNumbers"}}
	srv := chimevoicetest.New(t, chimevoicetest.Options{Credentials: append(slices.Clone(testCreds), numbersOnly), Lambda: lambdainvoke.Config{Endpoint: lambda.URL}})
	number := srv.Provision(t, srv.Voice, "206", 1, vtypes.PhoneNumberProductTypeSipMediaApplicationDialIn)[0]
	chimevoicetest.RouteToHandler(t, srv.Voice, chimevoicetest.ExampleHandlerARN, number)
	var c chimevoice.Call
	if code := srv.Admin(t, http.MethodPost, "/_chimevoice/calls", map[string]string{"From": "+15105550101", "To": number, "Digits": "2"}, &c); code != http.StatusCreated {
		t.Fatalf("place call: %d", code)
	}
	srv.Advance(t, time.Minute)

	u := newUser(t, srv.URL, srv.HTTP.Client())
	u.signIn("test", "test")
	p := u.get("/console/calls")
	mustStatus(t, "calls", p, http.StatusOK, c.TransactionID, "Inbound", "+15105550101", number, "Completed")
	p = u.get("/console/calls/" + c.TransactionID)
	mustStatus(t, "call", p, http.StatusOK, c.TransactionID, "LEG-A hung up by the application", "routed by SIP rule",
		"NEW_INBOUND_CALL", "ACTION_SUCCESSFUL", "HANGUP", "Goodbye.", "ResponseReceived")
	if !strings.Contains(p.Body, `aria-current="page">Calls`) {
		t.Fatal("the Calls item of the navigation is not current")
	}
	mustStatus(t, "unknown call", u.get("/console/calls/00000000-0000-4000-8000-000000000000"), http.StatusNotFound)
	mustStatus(t, "bad page token", u.get("/console/calls?next=garbage"), http.StatusBadRequest)

	o := newUser(t, srv.URL, srv.HTTP.Client())
	o.signIn(other.AccessKeyID, other.SecretAccessKey)
	if p := o.get("/console/calls"); p.Status != http.StatusOK || strings.Contains(p.Body, c.TransactionID) || !strings.Contains(p.Body, "No calls.") {
		t.Fatalf("another account's Calls page: %d, lists the call: %t", p.Status, strings.Contains(p.Body, c.TransactionID))
	}
	mustStatus(t, "another account's call", o.get("/console/calls/"+c.TransactionID), http.StatusNotFound)

	// A key whose allow list lacks the operations sees neither page.
	n := newUser(t, srv.URL, srv.HTTP.Client())
	n.signIn(numbersOnly.AccessKeyID, numbersOnly.SecretAccessKey)
	mustStatus(t, "calls without ListSipMediaApplications", n.get("/console/calls"), http.StatusForbidden, "ListSipMediaApplications")
	mustStatus(t, "a call without GetSipMediaApplication", n.get("/console/calls/"+c.TransactionID), http.StatusForbidden, "GetSipMediaApplication")
}
