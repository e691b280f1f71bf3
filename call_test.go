package chimevoice_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chimevoice/chimevoice"
)

func TestDecodeInboundCall(t *testing.T) {
	r, err := chimevoice.DecodeInboundCall([]byte(`{"From":"+15105550101","To":"+12065550100","Digits":"1#","HangupAfter":"20s","Callee":"Busy","RingTime":"1.5s"}`))
	if err != nil {
		t.Fatal(err)
	}
	want := chimevoice.InboundCallRequest{From: "+15105550101", To: "+12065550100",
		Script: chimevoice.CallScript{Digits: "1#", HangupAfter: 20 * time.Second, Callee: chimevoice.CalleeBusy, RingTime: 1500 * time.Millisecond}}
	if r != want {
		t.Fatalf("got %+v, want %+v", r, want)
	}
	for body, field := range map[string]string{
		`{"To":"+12065550100"}`:                                            "From",
		`{"From":"+15105550101"}`:                                          "To",
		`{"From":"+15105550101","To":"+1206-555"}`:                         "To",
		`{"From":"+15105550101","To":"+12065550100","Digits":"x"}`:         "Digits",
		`{"From":"+15105550101","To":"+12065550100","HangupAfter":"soon"}`: "HangupAfter",
		`{"From":"+15105550101","To":"+12065550100","HangupAfter":"-1s"}`:  "HangupAfter",
		`{"From":"+15105550101","To":"+12065550100","RingTime":5}`:         "RingTime",
		`{"From":"+15105550101","To":"+12065550100","Callee":"Maybe"}`:     "Callee",
		`{"From":"+15105550101","To":"+12065550100","Extra":1}`:            "Extra",
		`[1]`: "JSON object",
	} {
		_, err := chimevoice.DecodeInboundCall([]byte(body))
		if chimevoice.ErrorCode(err) != chimevoice.CodeBadRequest || !strings.Contains(chimevoice.ErrorMessage(err), field) {
			t.Errorf("%s: %v, want BadRequest naming %s", body, err, field)
		}
		if f := chimevoice.ErrorField(err); f != field && field != "JSON object" {
			t.Errorf("%s: Field %q, want %q", body, f, field)
		}
	}
	if r, err := chimevoice.DecodeInboundCall([]byte(`{"From":"15105550101","To":"+12065550100"}`)); err != nil || r.Normalize().From != "+15105550101" {
		t.Fatalf("From without +: %+v, %v", r, err)
	}
	s, err := chimevoice.DecodeCallScript([]byte(`{"Callee":"NoAnswer"}`))
	if err != nil || s != (chimevoice.CallScript{Callee: chimevoice.CalleeNoAnswer}) {
		t.Fatalf("script: %+v, %v", s, err)
	}
	if _, err := chimevoice.DecodeCallScript([]byte(`{"From":"+15105550101"}`)); chimevoice.ErrorCode(err) != chimevoice.CodeBadRequest {
		t.Fatalf("script with From: %v", err)
	}
}

func TestCallJSON(t *testing.T) {
	at := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	c := chimevoice.Call{TransactionID: "tx", AccountID: "111111111111", Region: "us-east-1", SipMediaApplicationID: "sma",
		Status: chimevoice.CallInProgress, Script: chimevoice.CallScript{Digits: "1#", HangupAfter: 20 * time.Second},
		CreatedAt: at, UpdatedAt: at, State: []byte(`{"secret":1}`), Version: 3,
		Participants: []chimevoice.Participant{{CallID: "c1", Tag: chimevoice.LegA, To: "+12065550100", From: "+15105550101",
			Direction: chimevoice.Inbound, StartTime: at, Status: chimevoice.ParticipantConnected}}}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"TransactionId":"tx","AwsAccountId":"111111111111","AwsRegion":"us-east-1","SipMediaApplicationId":"sma",` +
		`"Participants":[{"CallId":"c1","ParticipantTag":"LEG-A","To":"+12065550100","From":"+15105550101","Direction":"Inbound","StartTime":"2026-11-22T10:00:00Z","Status":"Connected"}],` +
		`"Status":"InProgress","Script":{"Digits":"1#","HangupAfter":"20s"},"CreatedAt":"2026-11-22T10:00:00Z","UpdatedAt":"2026-11-22T10:00:00Z"}`
	if string(b) != want {
		t.Fatalf("JSON\n got %s\nwant %s", b, want)
	}
	var back chimevoice.Call
	if err := json.Unmarshal(b, &back); err != nil || back.Script != c.Script || back.Participants[0] != c.Participants[0] {
		t.Fatalf("round trip: %+v, %v", back, err)
	}
}
