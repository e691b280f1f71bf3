package chimevoice

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// CallStatus is where a call (a PSTN audio transaction) is in its life.
type CallStatus string

// Call statuses. A call is InProgress from the moment it is placed until
// every leg is disconnected; it is then Completed, or Failed when it ended
// because something went wrong (nothing routed it, its handler could not be
// invoked, the callee of an outbound call did not answer).
const (
	CallInProgress CallStatus = "InProgress"
	CallCompleted  CallStatus = "Completed"
	CallFailed     CallStatus = "Failed"
)

// ParticipantTag names a leg of a call, as the PSTN audio events do.
type ParticipantTag string

// Participant tags.
const (
	LegA ParticipantTag = "LEG-A"
	LegB ParticipantTag = "LEG-B"
)

// CallDirection is the direction of a leg: Inbound is a call made to the
// PSTN audio service, Outbound one made by it.
type CallDirection string

// Call directions.
const (
	Inbound  CallDirection = "Inbound"
	Outbound CallDirection = "Outbound"
)

// ParticipantStatus is whether a leg is on the call.
type ParticipantStatus string

// Participant statuses.
const (
	ParticipantConnected    ParticipantStatus = "Connected"
	ParticipantDisconnected ParticipantStatus = "Disconnected"
)

// Participant is one leg of a call.
type Participant struct {
	CallID    string            `json:"CallId"`
	Tag       ParticipantTag    `json:"ParticipantTag"`
	To        string            `json:"To"`
	From      string            `json:"From"`
	Direction CallDirection     `json:"Direction"`
	StartTime time.Time         `json:"StartTime"`
	Status    ParticipantStatus `json:"Status"`
}

// TranscriptKind says what a transcript entry records.
type TranscriptKind string

// Transcript entry kinds.
const (
	// TranscriptEventSent is an invocation event sent to the handler (Body
	// is the event JSON exactly as sent).
	TranscriptEventSent TranscriptKind = "EventSent"
	// TranscriptResponseReceived is the handler's answer (Body is the
	// response body as received, or a JSON string holding it when it was
	// not JSON).
	TranscriptResponseReceived TranscriptKind = "ResponseReceived"
	// TranscriptNote is what chimevoice did or saw that the handler was not
	// told in an event: routing, an invocation failure, an action's start,
	// the caller pressing digits (Body is a JSON string).
	TranscriptNote TranscriptKind = "Note"
)

// TranscriptEntry is one line of a call's record, on the service clock.
type TranscriptEntry struct {
	Seq  int             `json:"Seq"` // 1, 2, ... in the order things happened
	At   time.Time       `json:"At"`
	Kind TranscriptKind  `json:"Kind"`
	Body json.RawMessage `json:"Body"`
}

// CalleeBehavior is what the party the PSTN audio service dials does: the
// callee of an outbound call (CreateSipMediaApplicationCall) or of a
// CallAndBridge action.
type CalleeBehavior string

// Callee behaviors.
const (
	CalleeAnswers  CalleeBehavior = "Answer"
	CalleeBusy     CalleeBehavior = "Busy"
	CalleeNoAnswer CalleeBehavior = "NoAnswer"
)

// Script defaults and bounds.
const (
	// DefaultRingTime is how long a dialed callee rings before answering.
	DefaultRingTime = 2 * time.Second
	// MaxScriptDigits bounds CallScript.Digits.
	MaxScriptDigits = 256
	// MaxScriptDuration bounds the durations of a script.
	MaxScriptDuration = 24 * time.Hour
)

// CallScript is what the simulated people on a call do, since no person is
// there: the digits the caller presses when asked, when they hang up, and
// how a callee that the service dials answers.
type CallScript struct {
	// Digits are pressed, in order, whenever an action collects digits
	// (PlayAudioAndGetDigits, SpeakAndGetDigits, ReceiveDigits): each
	// collecting action takes digits up to and including a terminator, or
	// up to its maximum. "" presses nothing.
	Digits string
	// HangupAfter is when the caller hangs up, measured from the start of
	// the call; 0 means the caller stays on the line until the application
	// hangs up.
	HangupAfter time.Duration
	// Callee is what a dialed callee does ("" is Answer).
	Callee CalleeBehavior
	// RingTime is how long a dialed callee rings before answering (0 is
	// DefaultRingTime). It does not apply to Busy.
	RingTime time.Duration
}

// MarshalJSON writes the script as DecodeCallScript reads it: durations as
// Go durations ("20s"), zero fields left out.
func (s CallScript) MarshalJSON() ([]byte, error) {
	var b struct {
		Digits      string `json:"Digits,omitempty"`
		HangupAfter string `json:"HangupAfter,omitempty"`
		Callee      string `json:"Callee,omitempty"`
		RingTime    string `json:"RingTime,omitempty"`
	}
	b.Digits, b.Callee = s.Digits, string(s.Callee)
	if s.HangupAfter != 0 {
		b.HangupAfter = s.HangupAfter.String()
	}
	if s.RingTime != 0 {
		b.RingTime = s.RingTime.String()
	}
	return json.Marshal(b)
}

// UnmarshalJSON reads what MarshalJSON writes (it does not validate: see
// DecodeCallScript for request bodies).
func (s *CallScript) UnmarshalJSON(data []byte) error {
	var b callBody
	if err := decodeStrict(data, &b); err != nil {
		return err
	}
	v, err := b.script()
	*s = v
	return err
}

// Validate checks the script; errors name the field.
func (s CallScript) Validate() error {
	if len(s.Digits) > MaxScriptDigits {
		return FieldErrorf("Digits", "at most %d digits, got %d.", MaxScriptDigits, len(s.Digits))
	}
	for i, r := range s.Digits {
		if !strings.ContainsRune("0123456789*#ABCD", r) {
			return FieldErrorf("Digits", "character %d (%q) is not a DTMF digit (0-9, *, #, A-D).", i, r)
		}
	}
	if s.HangupAfter < 0 || s.HangupAfter > MaxScriptDuration {
		return FieldErrorf("HangupAfter", "must be between 0 and %s.", MaxScriptDuration)
	}
	if s.RingTime < 0 || s.RingTime > MaxScriptDuration {
		return FieldErrorf("RingTime", "must be between 0 and %s.", MaxScriptDuration)
	}
	switch s.Callee {
	case "", CalleeAnswers, CalleeBusy, CalleeNoAnswer:
	default:
		return FieldErrorf("Callee", "%q is not one of Answer, Busy, NoAnswer.", s.Callee)
	}
	return nil
}

// Call is one PSTN audio transaction: the legs, what the application did,
// and the transcript of every event sent and response received.
//
// Its JSON (for the admin API) leaves out the engine's State and Version.
type Call struct {
	TransactionID         string        `json:"TransactionId"`
	AccountID             string        `json:"AwsAccountId"`
	Region                string        `json:"AwsRegion"`
	SipMediaApplicationID string        `json:"SipMediaApplicationId"`
	SipRuleID             string        `json:"SipRuleId,omitempty"` // "" for outbound calls
	Participants          []Participant `json:"Participants"`
	Status                CallStatus    `json:"Status"`
	// EndReason says why a call ended ("" while in progress), e.g.
	// "Hangup by LEG-A (SipResponseCode 0)".
	EndReason string     `json:"EndReason,omitempty"`
	Script    CallScript `json:"Script"`
	CreatedAt time.Time  `json:"CreatedAt"`
	UpdatedAt time.Time  `json:"UpdatedAt"`
	EndedAt   time.Time  `json:"EndedAt,omitzero"` // zero while in progress
	// DueAt is when the call's next timer fires on the service clock (zero
	// when none is set: the call waits for the handler or an update).
	DueAt time.Time `json:"NextTimerAt,omitzero"`
	// State is the engine's state of the call (its pending actions, the
	// event sequence, digits and timers) as an opaque JSON document that
	// the store keeps and gives back unchanged.
	State json.RawMessage `json:"-"`
	// Version counts the stored changes of the call (1 when created); a
	// store refuses to save over a version it no longer holds.
	Version int `json:"-"`
	// Transcript is ordered by Seq. GetCall fills it; ListCalls leaves it nil.
	Transcript []TranscriptEntry `json:"Transcript,omitempty"`
}

// Leg returns the participant with the tag, or nil.
func (c *Call) Leg(tag ParticipantTag) *Participant {
	for i := range c.Participants {
		if c.Participants[i].Tag == tag {
			return &c.Participants[i]
		}
	}
	return nil
}

// MaxCallArguments bounds the ArgumentsMap, SipHeaders and Arguments maps of
// Create/UpdateSipMediaApplicationCall (the models' max of 20 entries).
const MaxCallArguments = 20

// InboundCallRequest dials one of the inventory's numbers from outside, as
// a PSTN caller would (the admin API's POST /_chimevoice/calls).
type InboundCallRequest struct {
	From string // E.164, the caller
	To   string // E.164 number routed by a ToPhoneNumber SIP rule, or ...
	// RequestURIHost, when set, routes the call as it arrives on a Voice
	// Connector: by the SIP rule whose RequestUriHostname trigger is this
	// host instead of by To.
	RequestURIHost string
	Script         CallScript
}

// Validate checks the request; errors name the field.
func (r *InboundCallRequest) Validate() error {
	if err := checkE164("From", r.From); err != nil {
		return err
	}
	if err := checkE164("To", r.To); err != nil {
		return err
	}
	if len(r.RequestURIHost) > 253 {
		return FieldErrorf("RequestUriHost", "at most 253 characters.")
	}
	return r.Script.Validate()
}

// CreateCallRequest is a CreateSipMediaApplicationCall request.
type CreateCallRequest struct {
	SipMediaApplicationID string
	FromPhoneNumber       string
	ToPhoneNumber         string
	SipHeaders            map[string]string
	ArgumentsMap          map[string]string
	// Script is what the callee does (chimevoice's addition; the admin API
	// sets the default).
	Script CallScript
}

// Validate checks the request against the model; errors name the field.
func (r *CreateCallRequest) Validate() error {
	if r.SipMediaApplicationID == "" {
		return FieldErrorf("SipMediaApplicationId", "must not be empty.")
	}
	if err := checkE164("FromPhoneNumber", r.FromPhoneNumber); err != nil {
		return err
	}
	if err := checkE164("ToPhoneNumber", r.ToPhoneNumber); err != nil {
		return err
	}
	if err := checkCallMap("SipHeaders", r.SipHeaders); err != nil {
		return err
	}
	if err := checkCallMap("ArgumentsMap", r.ArgumentsMap); err != nil {
		return err
	}
	return r.Script.Validate()
}

// UpdateCallRequest is an UpdateSipMediaApplicationCall request.
type UpdateCallRequest struct {
	SipMediaApplicationID string
	TransactionID         string
	Arguments             map[string]string
}

// Validate checks the request against the model; errors name the field.
func (r *UpdateCallRequest) Validate() error {
	if r.SipMediaApplicationID == "" {
		return FieldErrorf("SipMediaApplicationId", "must not be empty.")
	}
	if r.TransactionID == "" {
		return FieldErrorf("TransactionId", "must not be empty.")
	}
	if r.Arguments == nil {
		return FieldErrorf("Arguments", "is required.")
	}
	return checkCallMap("Arguments", r.Arguments)
}

// checkE164 accepts what the models' E164PhoneNumber pattern accepts
// (the + is optional); Normalize adds it.
func checkE164(field, v string) error {
	if _, ok := ParseID(v); !ok || strings.Contains(v, "%") {
		return FieldErrorf(field, "%q is not an E.164 phone number (+ and 2 to 15 digits).", v)
	}
	return nil
}

// e164 returns v with its + (v has passed checkE164).
func e164(v string) string {
	e, _ := ParseID(v)
	return e
}

// Normalize returns the request with its numbers in E.164 form with a +.
func (r InboundCallRequest) Normalize() InboundCallRequest {
	r.From, r.To = e164(r.From), e164(r.To)
	return r
}

// Normalize returns the request with its numbers in E.164 form with a +.
func (r CreateCallRequest) Normalize() CreateCallRequest {
	r.FromPhoneNumber, r.ToPhoneNumber = e164(r.FromPhoneNumber), e164(r.ToPhoneNumber)
	return r
}

func checkCallMap(field string, m map[string]string) error {
	if len(m) > MaxCallArguments {
		return FieldErrorf(field, "at most %d entries, got %d.", MaxCallArguments, len(m))
	}
	for k := range m {
		if k == "" {
			return FieldErrorf(field, "keys must not be empty.")
		}
	}
	return nil
}

// CallFilter selects calls for ListCalls. Zero fields do not filter.
type CallFilter struct {
	AccountID string
	Status    CallStatus
	Limit     int    // 1..100; 0 is 100
	After     string // keyset cursor: the NextToken of the previous page
}

// CallService places and runs calls through the PSTN audio service. Errors
// are *Error values.
type CallService interface {
	// PlaceInboundCall dials a number from outside and runs the call until
	// it waits for the service clock. A call that nothing routes is
	// recorded as Failed and returned with NotFound.
	PlaceInboundCall(ctx context.Context, r InboundCallRequest) (*Call, error)
	// CreateSipMediaApplicationCall places an outbound call for the
	// caller's account from one of its SipMediaApplicationDialIn numbers.
	CreateSipMediaApplicationCall(ctx context.Context, c Caller, r CreateCallRequest) (*Call, error)
	// UpdateSipMediaApplicationCall sends CALL_UPDATE_REQUESTED to the
	// handler of an in-progress call; NotFound for an unknown or ended call.
	UpdateSipMediaApplicationCall(ctx context.Context, c Caller, r UpdateCallRequest) (*Call, error)
	// GetCall returns a call with its transcript, or NotFound.
	GetCall(ctx context.Context, transactionID string) (*Call, error)
	// ListCalls returns a page of calls, newest first, and the next page's token.
	ListCalls(ctx context.Context, f CallFilter) ([]*Call, string, error)
	// RunDue advances every call whose next timer is due on the service clock.
	RunDue(ctx context.Context) error
}

// callBody is the JSON of the admin API's POST /_chimevoice/calls: the
// request's fields and its script's, side by side, durations as Go
// durations ("20s", "1m30s").
type callBody struct {
	From           *string `json:"From"`
	To             *string `json:"To"`
	RequestURIHost *string `json:"RequestUriHost"`
	Digits         *string `json:"Digits"`
	HangupAfter    *string `json:"HangupAfter"`
	Callee         *string `json:"Callee"`
	RingTime       *string `json:"RingTime"`
}

// DecodeInboundCall decodes and validates the body of POST /_chimevoice/calls:
//
//	{"From": "+15105550101", "To": "+12065550100", "RequestUriHost": "...",
//	 "Digits": "1#", "HangupAfter": "20s", "Callee": "Answer", "RingTime": "2s"}
//
// From and To are required; unknown fields are refused. Errors are
// BadRequest and name the field.
func DecodeInboundCall(body []byte) (InboundCallRequest, error) {
	var b callBody
	if err := decodeStrict(body, &b); err != nil {
		return InboundCallRequest{}, err
	}
	var r InboundCallRequest
	for _, f := range []struct {
		name string
		v    *string
		dst  *string
	}{{"From", b.From, &r.From}, {"To", b.To, &r.To}, {"RequestUriHost", b.RequestURIHost, &r.RequestURIHost}} {
		if f.v != nil {
			*f.dst = *f.v
		} else if f.name != "RequestUriHost" {
			return r, FieldErrorf(f.name, "is required.")
		}
	}
	var err error
	if r.Script, err = b.script(); err != nil {
		return r, err
	}
	return r, r.Validate()
}

// DecodeCallScript decodes and validates a script alone (the body that sets
// the default script of outbound calls): {"Digits", "HangupAfter",
// "Callee", "RingTime"}, each optional.
func DecodeCallScript(body []byte) (CallScript, error) {
	var b callBody
	if err := decodeStrict(body, &b); err != nil {
		return CallScript{}, err
	}
	if b.From != nil || b.To != nil || b.RequestURIHost != nil {
		return CallScript{}, Errorf(CodeBadRequest, "a script has only Digits, HangupAfter, Callee and RingTime.")
	}
	s, err := b.script()
	if err != nil {
		return s, err
	}
	return s, s.Validate()
}

func (b *callBody) script() (CallScript, error) {
	var s CallScript
	if b.Digits != nil {
		s.Digits = *b.Digits
	}
	if b.Callee != nil {
		s.Callee = CalleeBehavior(*b.Callee)
	}
	for _, f := range []struct {
		name string
		v    *string
		dst  *time.Duration
	}{{"HangupAfter", b.HangupAfter, &s.HangupAfter}, {"RingTime", b.RingTime, &s.RingTime}} {
		if f.v == nil {
			continue
		}
		d, err := time.ParseDuration(*f.v)
		if err != nil {
			return s, FieldErrorf(f.name, "%q is not a duration (e.g. \"20s\", \"1m30s\").", *f.v)
		}
		*f.dst = d
	}
	return s, nil
}

func decodeStrict(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return FieldErrorf(te.Field, "must be a string.")
		}
		if name, ok := strings.CutPrefix(err.Error(), `json: unknown field "`); ok {
			return FieldErrorf(strings.TrimSuffix(name, `"`), "is not a field of this request.")
		}
		return Errorf(CodeBadRequest, "The body is not a valid JSON object: %v.", err)
	}
	if dec.More() {
		return Errorf(CodeBadRequest, "The body has data after its JSON object.")
	}
	return nil
}
