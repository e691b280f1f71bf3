package pstn

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/chimevoice/chimevoice"
)

// Call phases.
const (
	phaseRinging = "ringing" // an outbound call's LEG-A rings; actions wait
	phaseActive  = "active"
	phaseEnded   = "ended"
)

// Call recording states.
const (
	recRunning = "recording"
	recPaused  = "paused"
)

// state is the engine's state of a call, kept in Call.State.
type state struct {
	Function    string         `json:"function"`
	Seq         int            `json:"seq"`         // Sequence of the last event
	Invocations int            `json:"invocations"` // events sent
	TSeq        int            `json:"tseq"`        // Seq of the last transcript entry
	Attrs       map[string]any `json:"attrs,omitempty"`
	Pending     []actionRef    `json:"pending,omitempty"`
	Current     *running       `json:"current,omitempty"`
	Answered    bool           `json:"answered"`
	Phase       string         `json:"phase"`
	RingUntil   time.Time      `json:"ringUntil"`
	RingOutcome string         `json:"ringOutcome,omitempty"`
	Digits      string         `json:"digits"` // script digits not pressed yet
	Listen      *listener      `json:"listen,omitempty"`
	Recording   string         `json:"recording,omitempty"`
	HungUp      bool           `json:"hungUp"`  // the scripted hangup happened
	Invalid     int            `json:"invalid"` // consecutive invalid responses
	// At is the time of the last thing that happened on the call: a timer
	// that became due in the past (the unanswered-call timeout once the
	// call goes idle late) fires now, never back in time.
	At time.Time `json:"at"`
}

// listener is an armed ReceiveDigits action.
type listener struct {
	Params  map[string]any `json:"params"`
	Leg     string         `json:"leg"`
	Regex   string         `json:"regex"`
	Between int            `json:"between"` // ms
	Chunk   string         `json:"chunk"`   // the digits the caller presses next
	FireAt  time.Time      `json:"fireAt"`
}

func decodeState(b []byte) (*state, error) {
	var st state
	if err := useNumber(b, &st); err != nil {
		return nil, fmt.Errorf("decode call state: %w", err)
	}
	return &st, nil
}

// run is one piece of work on a call: it changes the call and its state
// and collects the transcript entries to store with them.
type run struct {
	e *Engine
	// ctx is not canceled with the request that started the work: a call
	// reaches a consistent state even when its requester goes away.
	ctx     context.Context
	c       *chimevoice.Call
	st      *state
	entries []chimevoice.TranscriptEntry
}

func (r *run) add(t time.Time, k chimevoice.TranscriptKind, body json.RawMessage) {
	r.st.TSeq++
	r.entries = append(r.entries, chimevoice.TranscriptEntry{Seq: r.st.TSeq, At: t, Kind: k, Body: body})
}

func (r *run) note(t time.Time, format string, args ...any) {
	r.add(t, chimevoice.TranscriptNote, jsonString(fmt.Sprintf(format, args...)))
}

func (r *run) encode() error {
	b, err := json.Marshal(r.st)
	if err != nil {
		return fmt.Errorf("encode call state: %w", err)
	}
	r.c.State = b
	r.c.UpdatedAt = r.e.now()
	if r.c.UpdatedAt.Before(r.c.CreatedAt) {
		r.c.UpdatedAt = r.c.CreatedAt
	}
	return nil
}

func (r *run) create() error {
	if err := r.encode(); err != nil {
		return err
	}
	r.c.Version = 1
	if err := r.e.store.CreateCall(r.ctx, r.c, r.entries); err != nil {
		return fmt.Errorf("store call: %w", err)
	}
	r.c.Transcript = r.entries
	return nil
}

func (r *run) save() error {
	if err := r.encode(); err != nil {
		return err
	}
	r.c.Version++
	if err := r.e.store.SaveCall(r.ctx, r.c, r.entries); err != nil {
		return err
	}
	r.c.Transcript = append(r.c.Transcript, r.entries...)
	r.entries = nil
	return nil
}

func (r *run) inProgress() bool { return r.c.Status == chimevoice.CallInProgress }

// invoke sends an event of type typ and returns the handler's answer; false
// when the handler could not be invoked (the call has then ended).
func (r *run) invoke(t time.Time, typ string, actionData map[string]any) ([]byte, bool) {
	return r.send(t, event{InvocationEventType: typ, ActionData: actionData})
}

func (r *run) send(t time.Time, ev event) ([]byte, bool) {
	if !r.inProgress() {
		return nil, false
	}
	if r.st.Invocations >= maxInvocationsPerCall {
		r.end(t, chimevoice.CallFailed, fmt.Sprintf("the handler was invoked %d times, the most for one call", maxInvocationsPerCall))
		return nil, false
	}
	r.st.Seq++
	r.st.Invocations++
	ev.SchemaVersion, ev.Sequence, ev.CallDetails = schemaVersion, r.st.Seq, r.details()
	b, err := json.Marshal(ev)
	if err != nil {
		r.end(t, chimevoice.CallFailed, "could not encode an event: "+err.Error())
		return nil, false
	}
	r.add(t, chimevoice.TranscriptEventSent, b)
	var last error
	for attempt := 1; attempt <= r.e.opts.Attempts; attempt++ {
		resp, err := r.e.invoker.Invoke(r.ctx, r.st.Function, b)
		r.e.opts.Observer.Invoked(ev.InvocationEventType, err)
		if err == nil {
			body := json.RawMessage(resp)
			if !json.Valid(resp) {
				body = jsonString(string(resp))
			}
			r.add(t, chimevoice.TranscriptResponseReceived, body)
			return resp, true
		}
		last = err
		r.note(t, "invocation %d of %d of %s (Sequence %d) failed: %v", attempt, r.e.opts.Attempts, ev.InvocationEventType, ev.Sequence, err)
		r.e.log.Warn("handler invocation failed", "transaction", r.c.TransactionID, "event", ev.InvocationEventType, "attempt", attempt, "err", err)
		if r.ctx.Err() != nil {
			break
		}
	}
	r.end(t, chimevoice.CallFailed, fmt.Sprintf("the handler could not be invoked (%v); the call ended with SIP 480 Unavailable", last))
	return nil, false
}

// Ways to treat a handler's answer.
const (
	respondNormal = iota // run the actions it returns
	respondUpdate        // the same, interrupting an interruptible action first
	respondIgnore        // the event is informational: its answer is ignored
)

// respond acts on a handler's answer to an event sent at t.
func (r *run) respond(t time.Time, body []byte, mode int) {
	if !r.inProgress() {
		return
	}
	if mode == respondIgnore {
		return
	}
	resp, rerr := parseResponse(body)
	if rerr != nil {
		r.note(t, "invalid response: %s", rerr)
		if r.st.Invalid > 0 {
			r.st.Invalid = 0
			r.end(t, chimevoice.CallFailed, "the handler answered INVALID_LAMBDA_RESPONSE with another invalid response")
			return
		}
		r.st.Invalid++
		if body, ok := r.send(t, event{InvocationEventType: evInvalidResponse, ErrorType: rerr.typ, ErrorMessage: rerr.msg}); ok {
			r.respond(t, body, mode)
		}
		return
	}
	r.st.Invalid = 0
	if resp.hasAttr {
		if len(resp.attrs) == 0 {
			r.st.Attrs = nil
		} else {
			r.st.Attrs = resp.attrs
		}
	}
	if len(resp.actions) == 0 {
		return
	}
	if cur := r.st.Current; mode == respondUpdate && cur != nil && interruptible[cur.Type] {
		r.st.Current = nil
		r.flushNotes(cur, t)
		r.note(t, "%s on %s interrupted by the update", cur.Type, cur.Leg)
		if body, ok := r.invoke(t, evActionInterrupted, cur.actionData(false)); ok {
			r.respond(t, body, respondIgnore)
		}
		if !r.inProgress() {
			return
		}
	}
	r.st.Pending = resp.actions
	r.startNext(t)
}

// startNext starts the next pending action if the call is idle.
func (r *run) startNext(t time.Time) {
	for r.inProgress() && r.st.Phase == phaseActive && r.st.Current == nil && len(r.st.Pending) > 0 {
		ref := r.st.Pending[0]
		r.st.Pending = r.st.Pending[1:]
		a := r.begin(ref, t)
		r.st.Current = a
		if a.ErrType == "" && answers[a.Type] && !r.st.Answered {
			if legA := r.c.Leg(chimevoice.LegA); legA != nil && legA.Direction == chimevoice.Inbound {
				r.st.Answered = true
				r.note(t, "LEG-A answered by %s", a.Type)
			}
		}
		if a.Until.After(t) {
			r.note(t, "%s on %s runs until %s", a.Type, a.Leg, a.Until.Format(time.RFC3339Nano))
			return
		}
		r.finish(t)
	}
}

// finish ends the current action at t and tells the handler when the list
// is done or the action failed.
func (r *run) finish(t time.Time) {
	a := r.st.Current
	r.st.Current = nil
	r.flushNotes(a, t)
	if a.ErrType != "" {
		r.st.Pending = nil
		r.note(t, "%s failed: %s: %s", a.Type, a.ErrType, a.ErrMsg)
		if body, ok := r.invoke(t, evActionFailed, a.actionData(true)); ok {
			r.respond(t, body, respondNormal)
		}
		return
	}
	switch a.Type {
	case "Hangup":
		r.hangupLeg(t, chimevoice.ParticipantTag(a.Leg), a.Params, "the application")
		return
	case "CallAndBridge":
		r.c.Participants = append(r.c.Participants, *a.Bridge)
		r.note(t, "LEG-B %s answered; bridged with LEG-A", a.Bridge.To)
		r.st.Answered = true
	case "StartCallRecording", "ResumeCallRecording":
		r.st.Recording = recRunning
	case "PauseCallRecording":
		r.st.Recording = recPaused
	case "StopCallRecording":
		r.st.Recording = ""
	case "ReceiveDigits":
		re, _ := params(a.Params).regex("InputDigitsRegex", true)
		between, _, _ := params(a.Params).integer("InBetweenDigitsDurationInMilliseconds")
		r.st.Listen = &listener{Params: a.Params, Leg: a.Leg, Regex: re.String(), Between: between}
		r.arm(t)
	}
	if len(r.st.Pending) > 0 {
		r.startNext(t)
		return
	}
	if body, ok := r.invoke(t, evActionSuccessful, a.actionData(false)); ok {
		r.respond(t, body, respondNormal)
	}
}

const byCaller = "the caller"

// hangupLeg disconnects a leg and sends HANGUP. When no leg is left the
// answer is ignored and the call ends; otherwise its actions run.
func (r *run) hangupLeg(t time.Time, tag chimevoice.ParticipantTag, p map[string]any, by string) {
	leg := r.c.Leg(tag)
	code, _, _ := params(p).integer("SipResponseCode")
	leg.Status = chimevoice.ParticipantDisconnected
	if tag == chimevoice.LegA && by == byCaller {
		r.st.Pending = nil // the caller is gone: what was planned for them is moot
	}
	if r.st.Listen != nil && r.st.Listen.Leg == string(tag) {
		r.st.Listen = nil
	}
	r.note(t, "%s hung up by %s (SipResponseCode %d)", tag, by, code)
	data := map[string]any{"Type": "Hangup", "Parameters": map[string]any{"SipResponseCode": code, "CallId": leg.CallID, "ParticipantTag": string(tag)}}
	last := true
	for _, p := range r.c.Participants {
		last = last && p.Status == chimevoice.ParticipantDisconnected
	}
	body, ok := r.invoke(t, evHangup, data)
	if !ok {
		return
	}
	if last {
		r.end(t, chimevoice.CallCompleted, fmt.Sprintf("%s hung up by %s (SipResponseCode %d)", tag, by, code))
		return
	}
	r.respond(t, body, respondNormal)
}

// arm makes the armed ReceiveDigits hear the caller's next digits.
func (r *run) arm(t time.Time) {
	l := r.st.Listen
	l.Chunk = r.takeDigits("#", len(r.st.Digits))
	if l.Chunk == "" {
		l.FireAt = time.Time{}
		return
	}
	l.FireAt = t.Add(time.Duration(len(l.Chunk))*DigitInterval + time.Duration(l.Between)*time.Millisecond)
}

func (r *run) fireListener(t time.Time) {
	l := r.st.Listen
	re, _ := params(map[string]any{"r": l.Regex}).regex("r", true)
	if chunk := l.Chunk; re != nil && re.MatchString(chunk) {
		r.note(t, "the caller pressed %q, which matches %s", chunk, l.Regex)
		r.arm(t)
		data := map[string]any{"Type": "ReceiveDigits", "Parameters": l.Params, "ReceivedDigits": chunk}
		if body, ok := r.invoke(t, evDigitsReceived, data); ok {
			r.respond(t, body, respondNormal)
		}
		return
	}
	r.note(t, "the caller pressed %q, which does not match %s: discarded", l.Chunk, l.Regex)
	r.arm(t)
}

// Timers, in the order they win ties.
const (
	timerAction     = "action"
	timerListen     = "listen"
	timerRing       = "ring"
	timerUnanswered = "unanswered"
	timerHangup     = "hangup"
)

func (r *run) nextTimer() (time.Time, string) {
	var at time.Time
	var which string
	consider := func(t time.Time, k string) {
		if !t.IsZero() && (which == "" || t.Before(at)) {
			at, which = t, k
		}
	}
	if r.st.Current != nil {
		consider(r.st.Current.Until, timerAction)
	}
	if r.st.Listen != nil {
		consider(r.st.Listen.FireAt, timerListen)
	}
	if r.st.Phase == phaseRinging {
		consider(r.st.RingUntil, timerRing)
	}
	legA := r.c.Leg(chimevoice.LegA)
	if r.st.Phase == phaseActive && !r.st.Answered && legA.Direction == chimevoice.Inbound && r.st.Current == nil && len(r.st.Pending) == 0 {
		consider(r.c.CreatedAt.Add(UnansweredTimeout), timerUnanswered)
	}
	if h := r.c.Script.HangupAfter; h > 0 && !r.st.HungUp && r.st.Phase == phaseActive && legA.Status == chimevoice.ParticipantConnected {
		consider(r.c.CreatedAt.Add(h), timerHangup)
	}
	return at, which
}

// advance fires every timer due at or before now, in time order.
func (r *run) advance(now time.Time) {
	for r.inProgress() {
		t, which := r.nextTimer()
		if which != "" && t.Before(r.st.At) {
			t = r.st.At
		}
		if which == "" || t.After(now) {
			r.c.DueAt = t
			return
		}
		r.st.At = t
		switch which {
		case timerAction:
			r.finish(t)
		case timerListen:
			r.fireListener(t)
		case timerRing:
			r.ringEnd(t)
		case timerUnanswered:
			r.note(t, "the application did not answer within %s", UnansweredTimeout)
			legA := r.c.Leg(chimevoice.LegA)
			legA.Status = chimevoice.ParticipantDisconnected
			data := map[string]any{"Type": "Hangup", "Parameters": map[string]any{"SipResponseCode": 480, "CallId": legA.CallID, "ParticipantTag": string(chimevoice.LegA)}}
			if _, ok := r.invoke(t, evHangup, data); ok {
				r.end(t, chimevoice.CallFailed, fmt.Sprintf("not answered within %s (SIP 480)", UnansweredTimeout))
			}
		case timerHangup:
			r.callerHangup(t)
		}
	}
	r.c.DueAt = time.Time{}
}

// callerHangup is the scripted person on LEG-A hanging up.
func (r *run) callerHangup(t time.Time) {
	r.st.HungUp = true
	if cur := r.st.Current; cur != nil && (cur.Leg == string(chimevoice.LegA) || r.c.Leg(chimevoice.LegB) == nil) {
		r.st.Current = nil
		r.flushNotes(cur, t)
		r.note(t, "%s on %s stopped: the caller hung up", cur.Type, cur.Leg)
	}
	r.hangupLeg(t, chimevoice.LegA, map[string]any{"SipResponseCode": json.Number("0")}, byCaller)
}

// ringEnd is an outbound call's callee answering, or not.
func (r *run) ringEnd(t time.Time) {
	legA := r.c.Leg(chimevoice.LegA)
	switch r.st.RingOutcome {
	case outcomeAnswer:
		r.st.Phase, r.st.Answered = phaseActive, true
		r.note(t, "LEG-A %s answered", legA.To)
		if body, ok := r.invoke(t, evCallAnswered, nil); ok {
			r.respond(t, body, respondNormal)
		}
		r.startNext(t)
		return
	}
	code := 480
	if r.st.RingOutcome == outcomeBusy {
		code = 486
	}
	r.st.Phase = phaseActive
	legA.Status = chimevoice.ParticipantDisconnected
	r.note(t, "LEG-A %s did not answer (SIP %d)", legA.To, code)
	data := map[string]any{"Type": "Hangup", "Parameters": map[string]any{"SipResponseCode": code, "CallId": legA.CallID, "ParticipantTag": string(chimevoice.LegA)}}
	if _, ok := r.invoke(t, evHangup, data); ok {
		reason := "the callee did not answer (SIP 480)"
		if code == 486 {
			reason = "the callee was busy (SIP 486)"
		}
		r.end(t, chimevoice.CallFailed, reason)
	}
}

// end ends the call at t.
func (r *run) end(t time.Time, status chimevoice.CallStatus, reason string) {
	if !r.inProgress() {
		return
	}
	for i := range r.c.Participants {
		r.c.Participants[i].Status = chimevoice.ParticipantDisconnected
	}
	r.c.Status, r.c.EndReason, r.c.EndedAt, r.c.DueAt = status, reason, t, time.Time{}
	r.st.Current, r.st.Pending, r.st.Listen, r.st.Phase = nil, nil, nil, phaseEnded
	r.note(t, "call ended (%s): %s", status, reason)
	r.e.log.Info("call ended", "transaction", r.c.TransactionID, "status", status, "reason", reason)
	r.e.opts.Observer.CallEnded(status)
}
