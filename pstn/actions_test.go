package pstn_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chimevoice/chimevoice"
	"github.com/chimevoice/chimevoice/pstn"
)

// funcInvoker answers events with a Go function: the validation tests
// below check the engine's rules action by action, hundreds of times, where
// a process per case would only add time (the Python runner is tested in
// engine_test.go).
type funcInvoker struct {
	mu     sync.Mutex
	events []map[string]any
	answer func(ev map[string]any) string
}

func (f *funcInvoker) Invoke(ctx context.Context, function string, event []byte) ([]byte, error) {
	var ev map[string]any
	if err := json.Unmarshal(event, &ev); err != nil {
		return nil, err
	}
	f.mu.Lock()
	f.events = append(f.events, ev)
	f.mu.Unlock()
	return []byte(f.answer(ev)), nil
}

// runAction places a call whose handler answers NEW_INBOUND_CALL with
// Answer and the action, then hangs up; it returns the ActionData of the
// ACTION_SUCCESSFUL or ACTION_FAILED event about the action.
func runAction(t *testing.T, action string, script chimevoice.CallScript) (string, map[string]any) {
	t.Helper()
	inv := &funcInvoker{answer: func(ev map[string]any) string {
		switch ev["InvocationEventType"] {
		case "NEW_INBOUND_CALL":
			// {callId} stands for LEG-A's CallId, which the handler learns from the event.
			legA := ev["CallDetails"].(map[string]any)["Participants"].([]any)[0].(map[string]any)
			return `{"SchemaVersion":"1.0","Actions":[{"Type":"Answer"},` + strings.ReplaceAll(action, "{callId}", legA["CallId"].(string)) + `]}`
		case "ACTION_SUCCESSFUL", "ACTION_FAILED", "HANGUP":
			var hangups []string
			for _, p := range ev["CallDetails"].(map[string]any)["Participants"].([]any) {
				if p := p.(map[string]any); p["Status"] == "Connected" {
					hangups = append(hangups, `{"Type":"Hangup","Parameters":{"CallId":"`+p["CallId"].(string)+`"}}`)
				}
			}
			return `{"SchemaVersion":"1.0","Actions":[` + strings.Join(hangups, ",") + `]}`
		}
		return ""
	}}
	rt := &router{numbers: map[string]bool{smaNum: true}, owned: map[string]bool{smaNum: true, "+12065550111": true}}
	clk := &clock{}
	clk.ms.Store(epoch.UnixMilli())
	eng := pstn.New(rt, newMemStore(), inv, clk, pstn.Options{})
	c, err := eng.PlaceInboundCall(context.Background(), chimevoice.InboundCallRequest{From: caller, To: smaNum, Script: script})
	if err != nil {
		t.Fatal(err)
	}
	clk.advance(10 * time.Minute)
	if err := eng.RunDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got, _ := eng.GetCall(context.Background(), c.TransactionID); got.Status != chimevoice.CallCompleted {
		t.Fatalf("%s: call %s (%s)", action, got.Status, got.EndReason)
	}
	for _, ev := range inv.events {
		if k := ev["InvocationEventType"]; k == "ACTION_SUCCESSFUL" || k == "ACTION_FAILED" {
			return k.(string), ev["ActionData"].(map[string]any)
		}
	}
	t.Fatalf("%s: no ACTION_SUCCESSFUL or ACTION_FAILED among %d events", action, len(inv.events))
	return "", nil
}

// TestActionValidation: each action's parameters are checked as its page
// says, and a bad one fails with the documented error type.
func TestActionValidation(t *testing.T) {
	for _, tc := range []struct {
		action, errType string // errType "": the action succeeds
	}{
		{`{"Type":"Pause","Parameters":{"DurationInMilliseconds":"1500"}}`, ""},
		{`{"Type":"Pause","Parameters":{}}`, "MissingRequiredActionParameter"},
		{`{"Type":"Pause","Parameters":{"DurationInMilliseconds":0}}`, "InvalidActionParameter"},
		{`{"Type":"Pause","Parameters":{"DurationInMilliseconds":"soon"}}`, "InvalidActionParameter"},
		{`{"Type":"Pause","Parameters":{"DurationInMilliseconds":10,"CallId":"nope"}}`, "InvalidActionParameter"},
		{`{"Type":"Pause","Parameters":{"DurationInMilliseconds":10,"ParticipantTag":"LEG-B"}}`, "InvalidActionParameter"},
		{`{"Type":"Pause","Parameters":{"DurationInMilliseconds":10,"ParticipantTag":"LEG-C"}}`, "InvalidActionParameter"},
		{`{"Type":"Speak","Parameters":{"Text":"hi"}}`, "InvalidActionParameter"}, // CallId is required
		{`{"Type":"PlayAudio","Parameters":{"AudioSource":{"Type":"S3","BucketName":"b","Key":"k.wav"},"Repeat":2}}`, ""},
		{`{"Type":"PlayAudio","Parameters":{"AudioSource":{"Type":"HTTP","BucketName":"b","Key":"k.wav"}}}`, "InvalidAudioSource"},
		{`{"Type":"PlayAudio","Parameters":{"AudioSource":{"Type":"S3","BucketName":"b","Key":"k.wav"},"PlaybackTerminators":["x"]}}`, "InvalidActionParameter"},
		{`{"Type":"SendDigits","Parameters":{"CallId":"LEGA","Digits":"1"}}`, "InvalidActionParameter"},
		{`{"Type":"RecordAudio","Parameters":{"RecordingDestination":{"Type":"S3","BucketName":"b","Prefix":"p/"},"RecordingTerminators":["#"],"DurationInSeconds":"5"}}`, ""},
		{`{"Type":"RecordAudio","Parameters":{"RecordingDestination":{"Type":"S3"},"RecordingTerminators":["#"]}}`, "InvalidActionParameter"},
		{`{"Type":"RecordAudio","Parameters":{"RecordingDestination":{"Type":"S3","BucketName":"b"}}}`, "MissingRequiredActionParameter"},
		{`{"Type":"RecordAudio","Parameters":{"RecordingDestination":{"Type":"S3","BucketName":"b"},"RecordingTerminators":["#"],"SilenceThreshold":1001}}`, "InvalidActionParameter"},
		{`{"Type":"VoiceFocus","Parameters":{"Enable":true}}`, ""},
		{`{"Type":"VoiceFocus","Parameters":{"Enable":"yes"}}`, "InvalidActionParameter"},
		{`{"Type":"Hangup","Parameters":{"SipResponseCode":"404"}}`, "InvalidActionParameter"},
		{`{"Type":"ReceiveDigits","Parameters":{"InputDigitsRegex":"(","InBetweenDigitsDurationInMilliseconds":1,"FlushDigitsDurationInMilliseconds":1}}`, "InvalidActionParameter"},
		{`{"Type":"ReceiveDigits","Parameters":{"InputDigitsRegex":"^1$","InBetweenDigitsDurationInMilliseconds":1}}`, "MissingRequiredActionParameter"},
		{`{"Type":"CallAndBridge","Parameters":{"CallerIdNumber":"+12065550100","Endpoints":[{"BridgeEndpointType":"PSTN","Uri":"+12065550199"}]}}`, ""},
		{`{"Type":"CallAndBridge","Parameters":{"CallerIdNumber":"+12065550111","Endpoints":[{"BridgeEndpointType":"AWS","Arn":"arn:aws:chime:us-east-1:111111111111:vc/abcdefg1hijklm2nopq3rs","Uri":"5550"}],"SipHeaders":{"x-Floor":"3"}}}`, ""},
		{`{"Type":"CallAndBridge","Parameters":{"CallerIdNumber":"+14155550100","Endpoints":[{"BridgeEndpointType":"PSTN","Uri":"+12065550199"}]}}`, "InvalidActionParameter"},
		{`{"Type":"CallAndBridge","Parameters":{"Endpoints":[{"BridgeEndpointType":"PSTN","Uri":"+12065550199"}]}}`, "MissingRequiredActionParameter"},
		{`{"Type":"CallAndBridge","Parameters":{"CallerIdNumber":"+12065550100","CallTimeoutSeconds":121,"Endpoints":[{"BridgeEndpointType":"PSTN","Uri":"+12065550199"}]}}`, "InvalidActionParameter"},
		{`{"Type":"CallAndBridge","Parameters":{"CallerIdNumber":"+12065550100","Endpoints":[]}}`, "InvalidActionParameter"},
		{`{"Type":"CallAndBridge","Parameters":{"CallerIdNumber":"+12065550100","Endpoints":[{"BridgeEndpointType":"PSTN","Uri":"5550"}]}}`, "InvalidActionParameter"},
		{`{"Type":"CallAndBridge","Parameters":{"CallerIdNumber":"+12065550100","Endpoints":[{"BridgeEndpointType":"PSTN","Uri":"+12065550199"}],"SipHeaders":{"x":"y"}}}`, "InvalidActionParameter"},
		{`{"Type":"CallAndBridge","Parameters":{"CallerIdNumber":"+12065550100","Endpoints":[{"BridgeEndpointType":"AWS","Arn":"arn:aws:chime:us-east-1:1:sma/x","Uri":"5550"}]}}`, "InvalidActionParameter"},
		{`{"Type":"Speak","Parameters":{"CallId":"{callId}","Text":"hi","Engine":"neural","TextType":"ssml"}}`, ""},
		{`{"Type":"Speak","Parameters":{"CallId":"{callId}","Text":"hi","Engine":"turbo"}}`, "InvalidActionParameter"},
		{`{"Type":"Speak","Parameters":{"CallId":"{callId}","Text":"` + strings.Repeat("a", 1001) + `"}}`, "MissingRequiredActionParameter"},
		{`{"Type":"SendDigits","Parameters":{"CallId":"{callId}","Digits":"12,#A"}}`, ""},
		{`{"Type":"SendDigits","Parameters":{"CallId":"{callId}","Digits":"12x"}}`, "InvalidActionParameter"},
		{`{"Type":"SendDigits","Parameters":{"CallId":"{callId}","Digits":"1","ToneDurationInMilliseconds":20000000}}`, "InvalidActionParameter"},
		{`{"Type":"StopCallRecording","Parameters":{"CallId":"{callId}"}}`, "InvalidActionParameter"},
		{`{"Type":"StartCallRecording","Parameters":{"CallId":"{callId}","Track":"BOTH","Destination":{"Type":"S3","Location":"bucket/calls"}}},
			{"Type":"PauseCallRecording","Parameters":{"CallId":"{callId}"}},{"Type":"ResumeCallRecording","Parameters":{"CallId":"{callId}"}},
			{"Type":"StopCallRecording","Parameters":{"CallId":"{callId}"}}`, ""},
		{`{"Type":"StartCallRecording","Parameters":{"CallId":"{callId}","Track":"BOTH","Destination":{"Type":"S3","Location":"bucket/calls"}}},
			{"Type":"ResumeCallRecording","Parameters":{"CallId":"{callId}"}}`, "InvalidActionParameter"},
		{`{"Type":"StartCallRecording","Parameters":{"CallId":"{callId}","Track":"ALL","Destination":{"Type":"S3","Location":"bucket"}}}`, "InvalidActionParameter"},
		{`{"Type":"SpeakAndGetDigits","Parameters":{"CallId":"{callId}","SpeechParameters":{"Text":"hi"}}}`, "MissingRequiredActionParameter"},
		{`{"Type":"SpeakAndGetDigits","Parameters":{"CallId":"{callId}","RepeatDurationInMilliseconds":1000}}`, "MissingRequiredActionParameter"},
		{`{"Type":"PlayAudioAndGetDigits","Parameters":{"AudioSource":{"Type":"S3","BucketName":"b"},"RepeatDurationInMilliseconds":1000}}`, "InvalidAudioSource"},
		{`{"Type":"PlayAudioAndGetDigits","Parameters":{"AudioSource":{"Type":"S3","BucketName":"b","Key":"k"},"RepeatDurationInMilliseconds":1000,"TerminatorDigits":["##"]}}`, "InvalidActionParameter"},
		{`{"Type":"PlayAudioAndGetDigits","Parameters":{"AudioSource":{"Type":"S3","BucketName":"b","Key":"k"},"RepeatDurationInMilliseconds":1000,"MinNumberOfDigits":3,"MaxNumberOfDigits":2}}`, "InvalidActionParameter"},
		{`{"Type":"StartBotConversation","Parameters":{}}`, "SystemException"},
	} {
		action := tc.action
		kind, data := runAction(t, action, chimevoice.CallScript{})
		want := "ACTION_SUCCESSFUL"
		if tc.errType != "" {
			want = "ACTION_FAILED"
		}
		if kind != want || fmt.Sprint(data["ErrorType"]) != fmt.Sprint(orNil(tc.errType)) {
			t.Errorf("%s: %s %v, want %s %s", tc.action, kind, data, want, tc.errType)
		}
	}
}

func orNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}
