"""A handler that misbehaves in the way the number called asks, for the
engine's failure-path tests."""

RAISES = "+12065550001"      # every invocation raises (a function error)
BAD_ACTION = "+12065550002"  # answers with an action type that does not exist
BAD_JSON = "+12065550003"    # answers with something that is not a response
PAUSE = "+12065550004"       # pauses for a minute; an update hangs up
LISTEN = "+12065550005"      # listens for digits with ReceiveDigits
UNSUPPORTED = "+12065550006" # asks for a meeting chimevoice does not have
SILENT = "+12065550007"      # never answers the call
TOO_MANY = "+12065550008"    # answers with eleven actions
PAUSE_ONLY = "+12065550009"  # pauses for a minute without answering, then does nothing


def handler(event, context):
    kind = event["InvocationEventType"]
    leg_a = event["CallDetails"]["Participants"][0]
    to, call_id = leg_a["To"], leg_a["CallId"]
    if to == RAISES:
        raise RuntimeError("the handler is broken")
    if to == BAD_ACTION:
        if kind == "NEW_INBOUND_CALL":
            return {"SchemaVersion": "1.0", "Actions": [{"Type": "Dance", "Parameters": {"CallId": call_id}}]}
        if kind == "INVALID_LAMBDA_RESPONSE":
            # A known action with a missing required parameter: ACTION_FAILED.
            return {"SchemaVersion": "1.0", "Actions": [{"Type": "Speak", "Parameters": {"CallId": call_id}}]}
        if kind == "ACTION_FAILED":
            return {"SchemaVersion": "1.0", "Actions": [{"Type": "Hangup", "Parameters": {"SipResponseCode": "0"}}]}
        return None
    if to == BAD_JSON:
        return "this is not a response"
    if to == PAUSE:
        if kind == "NEW_INBOUND_CALL":
            return actions({"Type": "Answer"}, {"Type": "Pause", "Parameters": {"DurationInMilliseconds": "60000"}})
        if kind == "CALL_UPDATE_REQUESTED":
            return actions({"Type": "Hangup"})
        if kind == "ACTION_INTERRUPTED":
            return actions({"Type": "Speak", "Parameters": {"CallId": call_id, "Text": "ignored"}})
        return None
    if to == LISTEN:
        if kind == "NEW_INBOUND_CALL":
            r = actions({"Type": "Answer"}, {"Type": "ReceiveDigits", "Parameters": {
                "InputDigitsRegex": "^\\d{2}#$", "InBetweenDigitsDurationInMilliseconds": 1000,
                "FlushDigitsDurationInMilliseconds": 10000}})
            r["TransactionAttributes"] = {"step": "listening"}
            return r
        if kind == "DIGITS_RECEIVED":
            attrs = event["CallDetails"].get("TransactionAttributes", {})
            if attrs.get("step") != "listening":
                raise ValueError("TransactionAttributes were not kept: %r" % attrs)
            return actions({"Type": "Hangup"})
        return None
    if to == UNSUPPORTED:
        if kind == "NEW_INBOUND_CALL":
            return actions({"Type": "Answer"}, {"Type": "JoinChimeMeeting", "Parameters": {"JoinToken": "t"}})
        return None
    if to == PAUSE_ONLY:
        if kind == "NEW_INBOUND_CALL":
            return actions({"Type": "Pause", "Parameters": {"DurationInMilliseconds": 60000}})
        return None
    if to == TOO_MANY:
        if kind == "NEW_INBOUND_CALL":
            return actions(*[{"Type": "Speak", "Parameters": {"CallId": call_id, "Text": "hi"}}] * 11)
        return None
    return None


def actions(*acts):
    return {"SchemaVersion": "1.0", "Actions": list(acts)}
