"""A SIP media application handler, written the way the Amazon Chime SDK
developer guide's examples write them: it answers, speaks a greeting, asks
for a digit, then bridges the caller to BRIDGE_TO (1) or hangs up (2).

It runs unchanged on AWS Lambda, under `sam local start-lambda`, LocalStack,
the Lambda Runtime Interface Emulator, or chimevoice's
lambda_invoke_server.py.
"""

import json
import os

BRIDGE_TO = os.environ.get("BRIDGE_TO", "+12065550199")


def handler(event, context):
    print("Request: " + json.dumps(event))
    event_type = event["InvocationEventType"]
    participants = event["CallDetails"]["Participants"]
    leg_a = next(p for p in participants if p["ParticipantTag"] == "LEG-A")
    call_id = leg_a["CallId"]

    if event_type == "NEW_INBOUND_CALL":
        return response(answer(call_id), speak(call_id, "Welcome to the example line."), menu(call_id))

    if event_type in ("NEW_OUTBOUND_CALL", "RINGING"):
        return response()

    if event_type == "CALL_ANSWERED":
        return response(speak(call_id, "Hello, this is a call from the example application."), menu(call_id))

    if event_type == "ACTION_SUCCESSFUL":
        action = event["ActionData"]
        if action["Type"] == "SpeakAndGetDigits":
            if action.get("ReceivedDigits") == "1":
                # The caller ID of the bridged leg: the number that was
                # called on inbound calls, the application's own number on
                # outbound ones.
                caller_id = leg_a["To"] if leg_a["Direction"] == "Inbound" else leg_a["From"]
                return response(call_and_bridge(caller_id, BRIDGE_TO))
            return response(speak(call_id, "Goodbye."), hangup(call_id))
        return response()

    if event_type == "ACTION_FAILED":
        return response(speak(call_id, "Sorry, that did not work. Goodbye."), hangup(call_id))

    if event_type == "CALL_UPDATE_REQUESTED":
        arguments = event["ActionData"]["Parameters"]["Arguments"]
        return response(speak(call_id, arguments.get("Message", "You have an update.")))

    if event_type == "HANGUP":
        # When one leg of a bridged call hangs up, hang up the other one.
        others = [p for p in participants if p["Status"] == "Connected"]
        return response(*[hangup(p["CallId"]) for p in others])

    return response()


def response(*actions):
    r = {"SchemaVersion": "1.0", "Actions": list(actions)}
    print("Response: " + json.dumps(r))
    return r


def answer(call_id):
    return {"Type": "Answer", "Parameters": {"CallId": call_id}}


def speak(call_id, text):
    return {"Type": "Speak", "Parameters": {"CallId": call_id, "Text": text, "Engine": "neural", "VoiceId": "Joanna"}}


def menu(call_id):
    return {
        "Type": "SpeakAndGetDigits",
        "Parameters": {
            "CallId": call_id,
            "InputDigitsRegex": "^[12]$",
            "SpeechParameters": {"Text": "Press 1 to be connected, or 2 to hang up, then press pound."},
            "FailureSpeechParameters": {"Text": "Sorry, I did not get that."},
            "MinNumberOfDigits": 1,
            "MaxNumberOfDigits": 1,
            "TerminatorDigits": ["#"],
            "InBetweenDigitsDurationInMilliseconds": 3000,
            "Repeat": 2,
            "RepeatDurationInMilliseconds": 5000,
        },
    }


def call_and_bridge(caller_id, to):
    return {
        "Type": "CallAndBridge",
        "Parameters": {
            "CallTimeoutSeconds": 30,
            "CallerIdNumber": caller_id,
            "Endpoints": [{"BridgeEndpointType": "PSTN", "Uri": to}],
        },
    }


def hangup(call_id):
    return {"Type": "Hangup", "Parameters": {"CallId": call_id, "SipResponseCode": "0"}}
