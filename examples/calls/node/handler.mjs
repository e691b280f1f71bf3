// A SIP media application handler in Node.js, the twin of ../handler.py:
// it answers, speaks a greeting, asks for a digit, then bridges the caller
// to BRIDGE_TO (1) or hangs up (2). It runs unchanged on AWS Lambda
// (nodejs20.x) and under lambda_invoke_server.mjs.
const BRIDGE_TO = process.env.BRIDGE_TO || "+12065550199";

export const handler = async (event, context) => {
  console.log("Request: " + JSON.stringify(event));
  const participants = event.CallDetails.Participants;
  const legA = participants.find((p) => p.ParticipantTag === "LEG-A");
  const callId = legA.CallId;

  switch (event.InvocationEventType) {
    case "NEW_INBOUND_CALL":
      return response(answer(callId), speak(callId, "Welcome to the example line."), menu(callId));
    case "NEW_OUTBOUND_CALL":
    case "RINGING":
      return response();
    case "CALL_ANSWERED":
      return response(speak(callId, "Hello, this is a call from the example application."), menu(callId));
    case "ACTION_SUCCESSFUL": {
      const action = event.ActionData;
      if (action.Type === "SpeakAndGetDigits") {
        if (action.ReceivedDigits === "1") {
          const callerId = legA.Direction === "Inbound" ? legA.To : legA.From;
          return response(callAndBridge(callerId, BRIDGE_TO));
        }
        return response(speak(callId, "Goodbye."), hangup(callId));
      }
      return response();
    }
    case "ACTION_FAILED":
      return response(speak(callId, "Sorry, that did not work. Goodbye."), hangup(callId));
    case "CALL_UPDATE_REQUESTED":
      return response(speak(callId, event.ActionData.Parameters.Arguments.Message ?? "You have an update."));
    case "HANGUP":
      return response(...participants.filter((p) => p.Status === "Connected").map((p) => hangup(p.CallId)));
    default:
      return response();
  }
};

const response = (...actions) => {
  const r = { SchemaVersion: "1.0", Actions: actions };
  console.log("Response: " + JSON.stringify(r));
  return r;
};

const answer = (callId) => ({ Type: "Answer", Parameters: { CallId: callId } });

const speak = (callId, text) => ({
  Type: "Speak",
  Parameters: { CallId: callId, Text: text, Engine: "neural", VoiceId: "Joanna" },
});

const menu = (callId) => ({
  Type: "SpeakAndGetDigits",
  Parameters: {
    CallId: callId,
    InputDigitsRegex: "^[12]$",
    SpeechParameters: { Text: "Press 1 to be connected, or 2 to hang up, then press pound." },
    FailureSpeechParameters: { Text: "Sorry, I did not get that." },
    MinNumberOfDigits: 1,
    MaxNumberOfDigits: 1,
    TerminatorDigits: ["#"],
    InBetweenDigitsDurationInMilliseconds: 3000,
    Repeat: 2,
    RepeatDurationInMilliseconds: 5000,
  },
});

const callAndBridge = (callerId, to) => ({
  Type: "CallAndBridge",
  Parameters: { CallTimeoutSeconds: 30, CallerIdNumber: callerId, Endpoints: [{ BridgeEndpointType: "PSTN", Uri: to }] },
});

const hangup = (callId) => ({ Type: "Hangup", Parameters: { CallId: callId, SipResponseCode: "0" } });
