package pstn

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// Invocation event types, as the PSTN audio service names them.
const (
	evNewInbound          = "NEW_INBOUND_CALL"
	evNewOutbound         = "NEW_OUTBOUND_CALL"
	evRinging             = "RINGING"
	evCallAnswered        = "CALL_ANSWERED"
	evActionSuccessful    = "ACTION_SUCCESSFUL"
	evActionFailed        = "ACTION_FAILED"
	evActionInterrupted   = "ACTION_INTERRUPTED"
	evInvalidResponse     = "INVALID_LAMBDA_RESPONSE"
	evDigitsReceived      = "DIGITS_RECEIVED"
	evCallUpdate          = "CALL_UPDATE_REQUESTED"
	evHangup              = "HANGUP"
	schemaVersion         = "1.0"
	maxInvocationsPerCall = 1000
	maxActionsPerResponse = 10
	maxAttributes         = 100
	maxAttributesBytes    = 20 << 10
)

// event is an invocation event.
type event struct {
	SchemaVersion       string         `json:"SchemaVersion"`
	Sequence            int            `json:"Sequence"`
	InvocationEventType string         `json:"InvocationEventType"`
	ActionData          map[string]any `json:"ActionData,omitempty"`
	CallDetails         callDetails    `json:"CallDetails"`
	// ErrorType and ErrorMessage are set on INVALID_LAMBDA_RESPONSE.
	ErrorType    string `json:"ErrorType,omitempty"`
	ErrorMessage string `json:"ErrorMessage,omitempty"`
}

type callDetails struct {
	TransactionID         string            `json:"TransactionId"`
	TransactionAttributes map[string]any    `json:"TransactionAttributes,omitempty"`
	AwsAccountID          string            `json:"AwsAccountId"`
	AwsRegion             string            `json:"AwsRegion"`
	SipRuleID             string            `json:"SipRuleId,omitempty"`
	SipMediaApplicationID string            `json:"SipMediaApplicationId"`
	Participants          []participantJSON `json:"Participants"`
}

type participantJSON struct {
	CallID                  string `json:"CallId"`
	ParticipantTag          string `json:"ParticipantTag"`
	To                      string `json:"To"`
	From                    string `json:"From"`
	Direction               string `json:"Direction"`
	StartTimeInMilliseconds string `json:"StartTimeInMilliseconds"`
	Status                  string `json:"Status"`
}

func (r *run) details() callDetails {
	d := callDetails{
		TransactionID: r.c.TransactionID, TransactionAttributes: r.st.Attrs,
		AwsAccountID: r.c.AccountID, AwsRegion: r.c.Region, SipRuleID: r.c.SipRuleID,
		SipMediaApplicationID: r.c.SipMediaApplicationID, Participants: []participantJSON{},
	}
	for _, p := range r.c.Participants {
		d.Participants = append(d.Participants, participantJSON{
			CallID: p.CallID, ParticipantTag: string(p.Tag), To: p.To, From: p.From, Direction: string(p.Direction),
			StartTimeInMilliseconds: strconv.FormatInt(p.StartTime.UnixMilli(), 10), Status: string(p.Status),
		})
	}
	return d
}

// actionRef is an action of a response: its type and parameters as the
// handler wrote them (numbers kept as written).
type actionRef struct {
	Type   string         `json:"Type"`
	Params map[string]any `json:"Parameters,omitempty"`
}

// response is a handler's answer, once it has been checked.
type response struct {
	actions []actionRef
	attrs   map[string]any
	hasAttr bool
}

// responseError is why an answer is not a valid response: it becomes an
// INVALID_LAMBDA_RESPONSE event with this ErrorType and ErrorMessage.
type responseError struct{ typ, msg string }

func (e *responseError) Error() string { return e.typ + ": " + e.msg }

// parseResponse checks a handler's answer. An empty body, JSON null, {} and
// an empty or null Actions list are all "no actions" (the application keeps
// its current ones).
func parseResponse(body []byte) (response, *responseError) {
	var out response
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || string(trimmed) == "null" {
		return out, nil
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.UseNumber()
	var top map[string]json.RawMessage
	if err := dec.Decode(&top); err != nil {
		return out, &responseError{"InvalidResponseFormat", fmt.Sprintf("The response is not a JSON object: %v.", err)}
	}
	if dec.More() {
		return out, &responseError{"InvalidResponseFormat", "The response has data after its JSON object."}
	}
	for k := range top {
		switch k {
		case "SchemaVersion", "Actions", "TransactionAttributes":
		default:
			return out, &responseError{"InvalidResponseFormat", fmt.Sprintf("Unknown response field %q (expected SchemaVersion, Actions, TransactionAttributes).", k)}
		}
	}
	if raw, ok := top["SchemaVersion"]; ok {
		var v string
		if err := json.Unmarshal(raw, &v); err != nil || v != schemaVersion {
			return out, &responseError{"InvalidSchemaVersion", fmt.Sprintf("SchemaVersion must be %q, got %s.", schemaVersion, clip(string(raw)))}
		}
	}
	if raw, ok := top["TransactionAttributes"]; ok && string(raw) != "null" {
		var attrs map[string]any
		if err := useNumber(raw, &attrs); err != nil {
			return out, &responseError{"TransactionAttributesInvalidFormat", "TransactionAttributes must be a JSON object of key/value pairs."}
		}
		if len(attrs) > maxAttributes {
			return out, &responseError{"TransactionAttributesInvalidMapSize", fmt.Sprintf("Transaction Attributes has too many mappings. Maximum number of mappings is %d", maxAttributes)}
		}
		if len(raw) > maxAttributesBytes {
			return out, &responseError{"TransactionAttributesInvalidPayloadSize", fmt.Sprintf("Transaction Attributes payload is larger than %d bytes.", maxAttributesBytes)}
		}
		out.attrs, out.hasAttr = attrs, true
	}
	raw, ok := top["Actions"]
	if !ok || string(raw) == "null" {
		return out, nil
	}
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		return out, &responseError{"InvalidResponseFormat", "Actions must be a JSON array of actions."}
	}
	if len(list) > maxActionsPerResponse {
		return out, &responseError{"TooManyActions", fmt.Sprintf("A response may hold at most %d actions, got %d.", maxActionsPerResponse, len(list))}
	}
	for i, a := range list {
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(a, &fields); err != nil {
			return out, &responseError{"InvalidActionFormat", fmt.Sprintf("Actions[%d] is not a JSON object.", i)}
		}
		var ref actionRef
		if err := json.Unmarshal(fields["Type"], &ref.Type); err != nil || ref.Type == "" {
			return out, &responseError{"InvalidActionFormat", fmt.Sprintf("Actions[%d].Type must be a non-empty string.", i)}
		}
		for k := range fields {
			if k != "Type" && k != "Parameters" {
				return out, &responseError{"InvalidActionFormat", fmt.Sprintf("Actions[%d] has an unknown field %q (expected Type and Parameters).", i, k)}
			}
		}
		if p, ok := fields["Parameters"]; ok && string(p) != "null" {
			if err := useNumber(p, &ref.Params); err != nil {
				return out, &responseError{"InvalidActionFormat", fmt.Sprintf("Actions[%d].Parameters must be a JSON object.", i)}
			}
		}
		if _, known := actionKinds[ref.Type]; !known {
			return out, &responseError{"InvalidActionType", fmt.Sprintf("Actions[%d].Type %q is not an action of the PSTN audio service.", i, clip(ref.Type))}
		}
		if ref.Params == nil {
			ref.Params = map[string]any{}
		}
		out.actions = append(out.actions, ref)
	}
	return out, nil
}

func useNumber(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	return dec.Decode(v)
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

func millis(t time.Time) int64 { return t.UnixMilli() }

// jsonString returns s as a JSON string (for note entries).
func jsonString(s string) json.RawMessage {
	b, _ := json.Marshal(s)
	return b
}
