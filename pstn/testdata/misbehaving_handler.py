"""A handler that misbehaves in the way the number called asks, for the
engine's failure-path tests."""

RAISES = "+12065550001"      # every invocation raises (a function error)
BAD_ACTION = "+12065550002"  # answers with an action type that does not exist
BAD_JSON = "+12065550003"    # answers with something that is not a response


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
    return None
