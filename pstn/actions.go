package pstn

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/chimevoice/chimevoice"
)

// Durations on the service clock. The PSTN audio service plays real audio;
// chimevoice has none, so each medium lasts a fixed, documented time.
const (
	// AudioDuration is how long one playback of an audio file lasts
	// (PlayAudio, the prompts of PlayAudioAndGetDigits): chimevoice does
	// not fetch S3 objects, so it cannot know the file's length.
	AudioDuration = 3 * time.Second
	// SpeechBase and SpeechPerChar make the length of synthesized speech:
	// SpeechBase + SpeechPerChar per character of the text, SSML tags
	// removed (about 16 characters a second, a natural speaking rate).
	SpeechBase    = 500 * time.Millisecond
	SpeechPerChar = 60 * time.Millisecond
	// DigitInterval is the time between two key presses of a scripted caller.
	DigitInterval = 300 * time.Millisecond
	// CommaPause is the pause a comma makes in SendDigits (documented: 0.5 s).
	CommaPause = 500 * time.Millisecond
	// DefaultRecordDuration is how long RecordAudio records without a
	// DurationInSeconds (chimevoice detects no silence: there is no audio).
	DefaultRecordDuration = 10 * time.Second
	// UnansweredTimeout ends an inbound call that the application neither
	// answers nor acts on (documented: "the call attempt times out after
	// 30 seconds").
	UnansweredTimeout = 30 * time.Second
	// OutboundNoAnswerTimeout is how long an outbound call rings a callee
	// that does not answer before it ends with SIP 480.
	OutboundNoAnswerTimeout = 30 * time.Second
)

// Error types of ACTION_FAILED, as the action pages name them.
const (
	errInvalidParameter = "InvalidActionParameter"
	errMissingParameter = "MissingRequiredActionParameter"
	errSystem           = "SystemException"
	errNotAnswered      = "CallNotAnswered"
	errInvalidDigits    = "InvalidDigitsReceived"
)

type kind int

const (
	kindSupported   kind = iota
	kindUnsupported      // a documented action needing a service chimevoice lacks
)

// actionKinds lists every action type a response may hold.
var actionKinds = map[string]kind{
	"Answer": kindSupported, "Hangup": kindSupported, "Pause": kindSupported,
	"PlayAudio": kindSupported, "PlayAudioAndGetDigits": kindSupported,
	"Speak": kindSupported, "SpeakAndGetDigits": kindSupported,
	"ReceiveDigits": kindSupported, "SendDigits": kindSupported, "RecordAudio": kindSupported,
	"CallAndBridge": kindSupported, "VoiceFocus": kindSupported,
	"StartCallRecording": kindSupported, "StopCallRecording": kindSupported,
	"PauseCallRecording": kindSupported, "ResumeCallRecording": kindSupported,

	"JoinChimeMeeting": kindUnsupported, "ModifyChimeMeetingAttendees": kindUnsupported,
	"StartBotConversation": kindUnsupported, "StartVoiceToneAnalysis": kindUnsupported,
	"StopVoiceToneAnalysis": kindUnsupported, "StartSpeakerSearch": kindUnsupported,
	"StopSpeakerSearch": kindUnsupported,
}

// interruptible lists the actions an update interrupts (documented:
// PlayAudio, RecordAudio and Pause); others run to their end first.
var interruptible = map[string]bool{"PlayAudio": true, "RecordAudio": true, "Pause": true}

// answers lists the actions that answer an inbound call that has not been
// answered yet (media needs an answered call).
var answers = map[string]bool{
	"Answer": true, "PlayAudio": true, "PlayAudioAndGetDigits": true, "Speak": true, "SpeakAndGetDigits": true,
	"ReceiveDigits": true, "SendDigits": true, "RecordAudio": true, "StartCallRecording": true,
}

// running is the action a call is running.
type running struct {
	Type   string         `json:"type"`
	Params map[string]any `json:"params"`
	Leg    string         `json:"leg,omitempty"`
	Start  time.Time      `json:"start"`
	Until  time.Time      `json:"until"`
	// Data holds the ActionData fields added on success (ReceivedDigits, ...).
	Data map[string]any `json:"data,omitempty"`
	// ErrType and ErrMsg, when set, make the action fail at Until.
	ErrType string `json:"errType,omitempty"`
	ErrMsg  string `json:"errMsg,omitempty"`
	// Bridge is the leg a CallAndBridge connects at Until.
	Bridge *chimevoice.Participant `json:"bridge,omitempty"`
	// Listen arms ReceiveDigits at Until.
	Listen bool `json:"listen,omitempty"`
	// Notes are transcript notes of things the action foresaw (the
	// caller's key presses), written once their time has come.
	Notes []timedNote `json:"notes,omitempty"`
}

type timedNote struct {
	At   time.Time `json:"at"`
	Text string    `json:"text"`
}

func (a *running) later(t time.Time, format string, args ...any) {
	a.Notes = append(a.Notes, timedNote{At: t, Text: fmt.Sprintf(format, args...)})
}

// flushNotes writes the action's notes due by t.
func (r *run) flushNotes(a *running, t time.Time) {
	for _, n := range a.Notes {
		if !n.At.After(t) {
			r.add(n.At, chimevoice.TranscriptNote, jsonString(n.Text))
		}
	}
	a.Notes = nil
}

func (a *running) fail(typ, format string, args ...any) *running {
	a.ErrType, a.ErrMsg = typ, fmt.Sprintf(format, args...)
	return a
}

// actionData is the ActionData of an event about the action.
func (a *running) actionData(withError bool) map[string]any {
	d := map[string]any{"Type": a.Type, "Parameters": a.Params}
	for k, v := range a.Data {
		d[k] = v
	}
	if withError && a.ErrType != "" {
		d["ErrorType"], d["ErrorMessage"] = a.ErrType, a.ErrMsg
	}
	return d
}

// begin starts an action at t: it checks the parameters as the PSTN audio
// service does and works out when the action ends and how. Nothing about
// the call changes until the action ends (see finish), except the script's
// digits, which the action consumes.
func (r *run) begin(ref actionRef, t time.Time) *running {
	a := &running{Type: ref.Type, Params: ref.Params, Start: t, Until: t}
	p := params(ref.Params)
	if actionKinds[ref.Type] == kindUnsupported {
		return a.fail(errSystem, "chimevoice does not emulate the service %s needs (Amazon Chime SDK meetings, Amazon Lex, voice analytics); the action cannot run.", ref.Type)
	}
	leg, bad := r.resolveLeg(p, requiresCallID[ref.Type])
	if bad != "" {
		return a.fail(errInvalidParameter, "%s", bad)
	}
	a.Leg = string(leg.Tag)
	if _, ok := p["CallId"]; !ok && ref.Type != "CallAndBridge" {
		p["CallId"] = leg.CallID // the events echo the leg the action ran on
	}
	switch ref.Type {
	case "Answer":
		if leg.Direction != chimevoice.Inbound {
			return a.fail(errInvalidParameter, "Answer applies to an inbound call leg; %s is outbound.", leg.Tag)
		}
	case "Hangup":
		code, ok, err := p.integer("SipResponseCode")
		if err != "" {
			return a.fail(errInvalidParameter, "SipResponseCode parameter value is invalid.")
		}
		if ok && code != 0 && code != 480 && code != 486 {
			return a.fail(errInvalidParameter, "SipResponseCode parameter value is invalid: allowed values are 0, 480 and 486.")
		}
	case "Pause":
		d, ok, err := p.integer("DurationInMilliseconds")
		if !ok {
			return a.fail(errMissingParameter, "DurationInMilliseconds is a required parameter.")
		}
		if err != "" || d <= 0 {
			return a.fail(errInvalidParameter, "DurationInMilliseconds parameter value is invalid.")
		}
		a.Until = t.Add(time.Duration(d) * time.Millisecond)
	case "PlayAudio":
		if msg := checkAudio(p, "AudioSource", true); msg != "" {
			return a.fail("InvalidAudioSource", "%s", msg)
		}
		n, err := p.positive("Repeat", 1)
		if err != "" {
			return a.fail(errInvalidParameter, "Repeat parameter value is invalid.")
		}
		if msg := checkDigitSet(p, "PlaybackTerminators"); msg != "" {
			return a.fail(errInvalidParameter, "%s", msg)
		}
		a.Until = t.Add(time.Duration(n) * AudioDuration)
	case "Speak":
		dur, typ, msg := checkSpeech(p)
		if msg != "" {
			return a.fail(typ, "%s", msg)
		}
		a.Until = t.Add(dur)
	case "PlayAudioAndGetDigits", "SpeakAndGetDigits":
		return r.beginGetDigits(a, p, t)
	case "ReceiveDigits":
		if _, msg := p.regex("InputDigitsRegex", true); msg != "" {
			return a.fail(errInvalidParameter, "%s", msg)
		}
		for _, k := range []string{"InBetweenDigitsDurationInMilliseconds", "FlushDigitsDurationInMilliseconds"} {
			v, ok, err := p.integer(k)
			if !ok {
				return a.fail(errMissingParameter, "%s is a required parameter.", k)
			}
			if err != "" || v <= 0 {
				return a.fail(errInvalidParameter, "%s parameter value is invalid.", k)
			}
		}
		a.Data = map[string]any{"ReceivedDigits": ""}
		a.Listen = true
	case "SendDigits":
		digits, ok := p.str("Digits")
		if !ok || digits == "" {
			return a.fail(errMissingParameter, "Digits is a required parameter.")
		}
		if len(digits) > 50 || strings.Trim(digits, "0123456789*#ABCD,") != "" {
			return a.fail(errInvalidParameter, "Digits parameter value is invalid: up to 50 of 0-9, *, #, A-D and comma.")
		}
		tone, _, err := p.integer("ToneDurationInMilliseconds")
		if err != "" || (tone != 0 && (tone < 50 || tone > 24000)) {
			return a.fail(errInvalidParameter, "ToneDuration parameter value is invalid.")
		}
		if tone == 0 {
			tone = 250
		}
		commas := strings.Count(digits, ",")
		a.Until = t.Add(time.Duration(len(digits)-commas)*time.Duration(tone)*time.Millisecond + time.Duration(commas)*CommaPause)
	case "RecordAudio":
		return r.beginRecord(a, p, t)
	case "CallAndBridge":
		return r.beginBridge(a, p, leg, t)
	case "VoiceFocus":
		if _, ok := p["Enable"].(bool); !ok {
			return a.fail(errInvalidParameter, "Enable parameter value is invalid: true or false is required.")
		}
		if !r.st.Answered {
			return a.fail(errNotAnswered, "Call not answered")
		}
	case "StartCallRecording":
		track, _ := p.str("Track")
		if track != "BOTH" && track != "INCOMING" && track != "OUTGOING" {
			return a.fail(errInvalidParameter, "Track parameter value is invalid: BOTH, INCOMING or OUTGOING.")
		}
		dest, _ := p["Destination"].(map[string]any)
		typ, _ := dest["Type"].(string)
		loc, _ := dest["Location"].(string)
		if typ != "S3" || loc == "" {
			return a.fail(errInvalidParameter, "Destination parameter value is invalid: Type S3 and a Location are required.")
		}
		if r.st.Recording != "" {
			return a.fail(errInvalidParameter, "A call recording is already running on this call.")
		}
		a.Data = map[string]any{"CallRecordingDestination": map[string]any{"Type": "S3",
			"Location": strings.TrimRight(loc, "/") + "/" + t.UTC().Format("2006/01/02/20060102-150405") + "_" + r.c.TransactionID + "_" + leg.CallID + ".wav"}}
	case "StopCallRecording", "PauseCallRecording", "ResumeCallRecording":
		want := map[string]string{"StopCallRecording": "", "PauseCallRecording": recRunning, "ResumeCallRecording": recPaused}[ref.Type]
		if r.st.Recording == "" || (want != "" && r.st.Recording != want) {
			return a.fail(errInvalidParameter, "%s: no call recording in the state this action needs (recording is %q).", ref.Type, orNone(r.st.Recording))
		}
	}
	return a
}

func orNone(s string) string {
	if s == "" {
		return "not started"
	}
	return s
}

// requiresCallID lists the actions whose pages make CallId required.
var requiresCallID = map[string]bool{
	"Speak": true, "SpeakAndGetDigits": true, "SendDigits": true,
	"StartCallRecording": true, "StopCallRecording": true, "PauseCallRecording": true, "ResumeCallRecording": true,
}

// resolveLeg finds the leg an action runs on: its CallId, else its
// ParticipantTag, else LEG-A. The leg must be connected.
func (r *run) resolveLeg(p params, needCallID bool) (*chimevoice.Participant, string) {
	if v, ok := p["CallId"]; ok {
		id, _ := v.(string)
		for i := range r.c.Participants {
			if pt := &r.c.Participants[i]; pt.CallID == id && id != "" {
				if pt.Status != chimevoice.ParticipantConnected {
					return nil, "CallId parameter for action is invalid: the leg is disconnected."
				}
				return pt, ""
			}
		}
		return nil, "CallId parameter for action is invalid."
	}
	if needCallID {
		return nil, "CallId parameter for action is invalid: CallId is required."
	}
	tag := chimevoice.LegA
	if v, ok := p["ParticipantTag"]; ok {
		s, _ := v.(string)
		if s != string(chimevoice.LegA) && s != string(chimevoice.LegB) {
			return nil, "ParticipantTag parameter for action is invalid."
		}
		tag = chimevoice.ParticipantTag(s)
	}
	pt := r.c.Leg(tag)
	if pt == nil || pt.Status != chimevoice.ParticipantConnected {
		return nil, fmt.Sprintf("ParticipantTag parameter for action is invalid: %s is not connected.", tag)
	}
	return pt, ""
}

// beginGetDigits runs the prompts and collects the script's digits for
// PlayAudioAndGetDigits and SpeakAndGetDigits, attempt by attempt.
func (r *run) beginGetDigits(a *running, p params, t time.Time) *running {
	var prompt, failPrompt time.Duration
	if a.Type == "PlayAudioAndGetDigits" {
		if msg := checkAudio(p, "AudioSource", true); msg != "" {
			return a.fail("InvalidAudioSource", "%s", msg)
		}
		if msg := checkAudio(p, "FailureAudioSource", false); msg != "" {
			return a.fail("InvalidAudioSource", "%s", msg)
		}
		prompt = AudioDuration
		if _, ok := p["FailureAudioSource"]; ok {
			failPrompt = AudioDuration
		}
	} else {
		sp, _ := p["SpeechParameters"].(map[string]any)
		d, typ, msg := checkSpeech(params(sp))
		if sp == nil {
			typ, msg = errMissingParameter, "SpeechParameters.Text is a required parameter."
		}
		if msg != "" {
			return a.fail(typ, "%s", msg)
		}
		prompt = d
		if fp, ok := p["FailureSpeechParameters"].(map[string]any); ok {
			d, typ, msg := checkSpeech(params(fp))
			if msg != "" {
				return a.fail(typ, "FailureSpeechParameters: %s", msg)
			}
			failPrompt = d
		}
	}
	re, msg := p.regex("InputDigitsRegex", false)
	if msg != "" {
		return a.fail(errInvalidParameter, "%s", msg)
	}
	minD, _, err1 := p.integer("MinNumberOfDigits")
	maxD, okMax, err2 := p.integer("MaxNumberOfDigits")
	if !okMax {
		maxD = 128
	}
	if err1 != "" || err2 != "" || minD < 0 || maxD < 1 || (okMax && maxD < minD) {
		return a.fail(errInvalidParameter, "MinNumberOfDigits or MaxNumberOfDigits parameter value is invalid.")
	}
	terms := "#"
	if v, ok := p["TerminatorDigits"]; ok {
		list, ok := v.([]any)
		terms = ""
		for _, d := range list {
			s, _ := d.(string)
			if len(s) != 1 || !strings.Contains("0123456789#*", s) {
				ok = false
			}
			terms += s
		}
		if !ok {
			return a.fail(errInvalidParameter, "TerminatorDigits parameter value is invalid.")
		}
	}
	repeatDur, okRD, err3 := p.integer("RepeatDurationInMilliseconds")
	if !okRD {
		return a.fail(errMissingParameter, "RepeatDurationInMilliseconds is a required parameter.")
	}
	repeat, err4 := p.positive("Repeat", 1)
	between, okB, err5 := p.integer("InBetweenDigitsDurationInMilliseconds")
	if !okB {
		between = repeatDur
	}
	if err3 != "" || err4 != "" || err5 != "" || repeatDur <= 0 || between <= 0 {
		return a.fail(errInvalidParameter, "Repeat, RepeatDurationInMilliseconds or InBetweenDigitsDurationInMilliseconds parameter value is invalid.")
	}
	for attempt := 1; attempt <= repeat; attempt++ {
		t = t.Add(prompt)
		chunk := r.takeDigits(terms, maxD)
		if chunk == "" {
			t = t.Add(time.Duration(repeatDur) * time.Millisecond)
			a.later(t, "%s attempt %d of %d: no digits pressed", a.Type, attempt, repeat)
		} else {
			t = t.Add(time.Duration(len(chunk)) * DigitInterval)
			got := chunk
			if strings.ContainsRune(terms, rune(chunk[len(chunk)-1])) {
				got = chunk[:len(chunk)-1]
			} else if len(chunk) < maxD {
				t = t.Add(time.Duration(between) * time.Millisecond)
			}
			if len(got) >= minD && (re == nil || re.MatchString(got)) {
				a.later(t, "%s attempt %d of %d: the caller pressed %q", a.Type, attempt, repeat, chunk)
				a.Until = t
				a.Data = map[string]any{"ReceivedDigits": got}
				return a
			}
			a.later(t, "%s attempt %d of %d: the caller pressed %q, which does not match", a.Type, attempt, repeat, chunk)
		}
		if attempt < repeat {
			t = t.Add(failPrompt)
		}
	}
	a.Until = t
	return a.fail(errInvalidDigits, "No valid digits were received after %d attempts.", repeat)
}

// takeDigits takes the caller's next key presses from the script: up to and
// including the first terminator, or max digits.
func (r *run) takeDigits(terms string, max int) string {
	d := r.st.Digits
	n := 0
	for n < len(d) && n < max {
		n++
		if strings.ContainsRune(terms, rune(d[n-1])) {
			break
		}
	}
	r.st.Digits = d[n:]
	return d[:n]
}

func (r *run) beginRecord(a *running, p params, t time.Time) *running {
	dest, _ := p["RecordingDestination"].(map[string]any)
	typ, _ := dest["Type"].(string)
	bucket, _ := dest["BucketName"].(string)
	if typ != "S3" || bucket == "" {
		return a.fail(errInvalidParameter, "RecordingDestination parameter value is invalid.")
	}
	if msg := checkDigitSet(p, "RecordingTerminators"); msg != "" {
		return a.fail(errInvalidParameter, "%s", msg)
	}
	if _, ok := p["RecordingTerminators"]; !ok {
		return a.fail(errMissingParameter, "RecordingTerminators is a required parameter.")
	}
	d, ok, err := p.integer("DurationInSeconds")
	if err != "" || (ok && d <= 0) {
		return a.fail(errInvalidParameter, "DurationInSeconds parameter value is invalid.")
	}
	for _, k := range []string{"SilenceDurationInSeconds", "SilenceThreshold"} {
		if v, ok, err := p.integer(k); err != "" || (ok && (v < 1 || v > 1000)) {
			return a.fail(errInvalidParameter, "%s parameter value is invalid.", k)
		}
	}
	dur := DefaultRecordDuration
	if ok {
		dur = time.Duration(d) * time.Second
	}
	prefix, _ := dest["Prefix"].(string)
	a.Until = t.Add(dur)
	a.Data = map[string]any{"RecordingDestination": map[string]any{"Type": "S3", "BucketName": bucket,
		"Key": prefix + r.c.TransactionID + "-" + strconv.FormatInt(millis(t), 10) + ".wav"}}
	return a
}

func (r *run) beginBridge(a *running, p params, legA *chimevoice.Participant, t time.Time) *running {
	if r.c.Leg(chimevoice.LegB) != nil {
		return a.fail(errInvalidParameter, "The call already has a LEG-B.")
	}
	timeout, ok, err := p.integer("CallTimeoutSeconds")
	if !ok {
		timeout = 30
	}
	if err != "" || timeout < 1 || timeout > 120 {
		return a.fail(errInvalidParameter, "CallTimeoutSeconds parameter value is invalid: between 1 and 120.")
	}
	callerID, _ := p.str("CallerIdNumber")
	if callerID == "" {
		return a.fail(errMissingParameter, "CallerIdNumber is a required parameter.")
	}
	if e, ok := chimevoice.ParseID(callerID); !ok || e != callerID {
		return a.fail(errInvalidParameter, "CallerIdNumber parameter value is invalid: an E.164 number is required.")
	}
	if callerID != legA.From && callerID != legA.To {
		if err := r.e.router.CheckFromNumber(r.ctx, chimevoice.Caller{AccountID: r.c.AccountID, Region: r.c.Region}, callerID); err != nil {
			return a.fail(errInvalidParameter, "CallerIdNumber parameter value is invalid: it must be a number of the account or the From number of LEG-A.")
		}
	}
	eps, _ := p["Endpoints"].([]any)
	if len(eps) != 1 {
		return a.fail(errInvalidParameter, "Endpoints parameter value is invalid: exactly one endpoint is required.")
	}
	ep, _ := eps[0].(map[string]any)
	typ, _ := ep["BridgeEndpointType"].(string)
	uri, _ := ep["Uri"].(string)
	switch typ {
	case "PSTN":
		if e, ok := chimevoice.ParseID(uri); !ok || e != uri {
			return a.fail(errInvalidParameter, "Endpoints[0].Uri parameter value is invalid: an E.164 number is required for PSTN.")
		}
		if _, ok := p["SipHeaders"]; ok {
			return a.fail(errInvalidParameter, "SipHeaders can only be used with the AWS endpoint type.")
		}
	case "AWS":
		arn, _ := ep["Arn"].(string)
		if !strings.HasPrefix(arn, "arn:aws:chime:") || !(strings.Contains(arn, ":vc/") || strings.Contains(arn, ":vcg/")) {
			return a.fail(errInvalidParameter, "Endpoints[0].Arn parameter value is invalid: a Voice Connector or Voice Connector group ARN is required.")
		}
		if len(uri) < 1 || len(uri) > 30 || !uriUser.MatchString(uri) {
			return a.fail(errInvalidParameter, "Endpoints[0].Uri parameter value is invalid.")
		}
	default:
		return a.fail(errInvalidParameter, "Endpoints[0].BridgeEndpointType parameter value is invalid: PSTN or AWS.")
	}
	p["CallId"] = legA.CallID
	until, outcome := ringOutcome(t, r.c.Script, time.Duration(timeout)*time.Second)
	a.Until = until
	switch outcome {
	case outcomeAnswer:
		a.Bridge = &chimevoice.Participant{CallID: r.e.opts.NewID(), Tag: chimevoice.LegB, To: uri, From: callerID,
			Direction: chimevoice.Outbound, StartTime: until, Status: chimevoice.ParticipantConnected}
		r.note(t, "dialing %s for LEG-B; the callee will answer after %s", uri, until.Sub(t))
	case outcomeBusy:
		r.note(t, "dialing %s for LEG-B; the callee is busy (SIP 486)", uri)
		return a.fail(errNotAnswered, "Call not answered: the callee is busy (SIP 486)")
	default:
		r.note(t, "dialing %s for LEG-B; the callee does not answer within %d s", uri, timeout)
		return a.fail(errNotAnswered, "Call not answered")
	}
	return a
}

var uriUser = regexp.MustCompile(`^[a-zA-Z0-9&=+$/%\-_!~*().]+$`)

// Ring outcomes of a dialed callee.
const (
	outcomeAnswer   = "answer"
	outcomeBusy     = "busy"
	outcomeNoAnswer = "noanswer"
)

// ringOutcome is when and how a callee dialed at t ends ringing: answered
// after the script's ring time, busy at once, or unanswered at timeout.
func ringOutcome(t time.Time, s chimevoice.CallScript, timeout time.Duration) (time.Time, string) {
	ring := s.RingTime
	if ring == 0 {
		ring = chimevoice.DefaultRingTime
	}
	switch s.Callee {
	case chimevoice.CalleeBusy:
		return t, outcomeBusy
	case chimevoice.CalleeNoAnswer:
		return t.Add(timeout), outcomeNoAnswer
	}
	if ring >= timeout {
		return t.Add(timeout), outcomeNoAnswer
	}
	return t.Add(ring), outcomeAnswer
}

func describeOutcome(o string, after time.Duration) string {
	switch o {
	case outcomeAnswer:
		return "answer after " + after.String()
	case outcomeBusy:
		return "be busy (SIP 486)"
	}
	return "not answer (SIP 480 after " + after.String() + ")"
}

// checkSpeech checks speech parameters and returns the speech's length.
func checkSpeech(p params) (time.Duration, string, string) {
	text, ok := p.str("Text")
	if !ok || text == "" {
		return 0, errMissingParameter, "Text is a required parameter."
	}
	if utf8.RuneCountInString(text) > 1000 {
		return 0, errMissingParameter, "Text is limited to 1,000 characters"
	}
	if v, ok := p["Engine"]; ok && v != "standard" && v != "neural" {
		return 0, errInvalidParameter, "Engine parameter value is invalid: standard or neural."
	}
	if v, ok := p["TextType"]; ok && v != "text" && v != "ssml" {
		return 0, errInvalidParameter, "TextType parameter value is invalid: text or ssml."
	}
	for _, k := range []string{"VoiceId", "LanguageCode"} {
		if v, ok := p[k]; ok {
			if s, _ := v.(string); s == "" {
				return 0, errInvalidParameter, k + " parameter value is invalid."
			}
		}
	}
	spoken := text
	if p["TextType"] == "ssml" {
		spoken = ssmlTag.ReplaceAllString(text, "")
	}
	return SpeechBase + time.Duration(utf8.RuneCountInString(spoken))*SpeechPerChar, "", ""
}

var ssmlTag = regexp.MustCompile(`<[^>]*>`)

// SpeechDuration is how long chimevoice takes to speak plain text.
func SpeechDuration(text string) time.Duration {
	return SpeechBase + time.Duration(utf8.RuneCountInString(text))*SpeechPerChar
}

func checkAudio(p params, key string, required bool) string {
	v, ok := p[key]
	if !ok {
		if required {
			return key + " parameter value is invalid: it is required."
		}
		return ""
	}
	src, _ := v.(map[string]any)
	typ, _ := src["Type"].(string)
	bucket, _ := src["BucketName"].(string)
	k, _ := src["Key"].(string)
	if typ != "S3" || bucket == "" || k == "" {
		return "Audio Source parameter value is invalid."
	}
	return ""
}

func checkDigitSet(p params, key string) string {
	v, ok := p[key]
	if !ok {
		return ""
	}
	list, ok := v.([]any)
	if !ok {
		return key + " parameter value is invalid."
	}
	for _, d := range list {
		s, _ := d.(string)
		if len(s) != 1 || !strings.Contains("0123456789#*", s) {
			return key + " parameter value is invalid."
		}
	}
	return ""
}

// params reads action parameters decoded with UseNumber. Integers may be
// JSON numbers or strings of digits (the documentation's examples use both).
type params map[string]any

func (p params) str(k string) (string, bool) {
	s, ok := p[k].(string)
	return s, ok
}

// integer returns the value of k, whether it is present, and a non-empty
// string when it is present but not an integer.
func (p params) integer(k string) (int, bool, string) {
	v, ok := p[k]
	if !ok {
		return 0, false, ""
	}
	var s string
	switch x := v.(type) {
	case json.Number:
		s = x.String()
	case string:
		s = x
	default:
		return 0, true, "not an integer"
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, true, "not an integer"
	}
	return n, true, ""
}

func (p params) positive(k string, def int) (int, string) {
	n, ok, err := p.integer(k)
	if !ok {
		return def, ""
	}
	if err != "" || n < 1 {
		return 0, "invalid"
	}
	return n, ""
}

func (p params) regex(k string, required bool) (*regexp.Regexp, string) {
	v, ok := p[k]
	if !ok {
		if required {
			return nil, k + " is a required parameter."
		}
		return nil, ""
	}
	s, _ := v.(string)
	re, err := regexp.Compile(s)
	if s == "" || err != nil {
		return nil, k + " parameter value is invalid."
	}
	return re, ""
}
