package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/chimevoice/chimevoice"
	"github.com/chimevoice/chimevoice/model"
)

// setting is one sub-configuration of a Voice Connector or SIP media
// application, served by Put<op>, Get<op> and (where the models have it)
// Delete<op>. chimevoice validates it against the model, stores it and
// returns it; it does not act on it.
type setting struct {
	op     string // operation name without Put/Get/Delete
	member string // the output member (and, unless doc is set, the input member) holding it
	// doc builds the stored document from the Put input; nil takes the
	// input member of the same name.
	doc func(in model.Input) any
}

var voiceConnectorSettings = []setting{
	{op: "VoiceConnectorOrigination", member: "Origination"},
	{op: "VoiceConnectorTermination", member: "Termination"},
	{op: "VoiceConnectorStreamingConfiguration", member: "StreamingConfiguration"},
	{op: "VoiceConnectorLoggingConfiguration", member: "LoggingConfiguration"},
	{op: "VoiceConnectorEmergencyCallingConfiguration", member: "EmergencyCallingConfiguration"},
	// VoiceConnectorProxy: proxy.go (same document, validated).
	{op: "VoiceConnectorExternalSystemsConfiguration", member: "ExternalSystemsConfiguration", doc: func(in model.Input) any {
		return pick(in, map[string]string{"SessionBorderControllerTypes": "", "ContactCenterSystemTypes": ""})
	}},
}

var sipMediaApplicationSettings = []setting{
	{op: "SipMediaApplicationLoggingConfiguration", member: "SipMediaApplicationLoggingConfiguration"},
	{op: "SipMediaApplicationAlexaSkillConfiguration", member: "SipMediaApplicationAlexaSkillConfiguration"},
}

// pick copies the input members named by the keys of names, renamed to
// the values that are not "".
func pick(in model.Input, names map[string]string) map[string]any {
	out := map[string]any{}
	for from, to := range names {
		if v, ok := in[from]; ok {
			if to == "" {
				to = from
			}
			out[to] = v
		}
	}
	return out
}

// registerSettings registers the Put, Get and Delete operations of every
// sub-configuration, and the termination credentials.
func (s *Server) registerSettings() {
	for _, st := range voiceConnectorSettings {
		s.registerSetting(chimevoice.KindVoiceConnector, "VoiceConnectorId", st)
	}
	for _, st := range sipMediaApplicationSettings {
		s.registerSetting(chimevoice.KindSipMediaApplication, "SipMediaApplicationId", st)
	}
	s.handle("PutVoiceConnectorTerminationCredentials", s.terminationCredentials(addUsernames))
	s.handle("DeleteVoiceConnectorTerminationCredentials", s.terminationCredentials(removeUsernames))
	s.handle("ListVoiceConnectorTerminationCredentials", op(s.listTerminationCredentials))
}

func (s *Server) registerSetting(kind chimevoice.ResourceKind, idMember string, st setting) {
	svc := s.svc.Settings
	s.handle("Put"+st.op, func(ctx context.Context, c *call) (any, error) {
		var doc any = c.in[st.member]
		if st.doc != nil {
			doc = st.doc(c.in)
		}
		body, err := json.Marshal(doc)
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", st.op, err)
		}
		if _, err := svc.UpdateSettings(ctx, c.caller, kind, c.str(idMember), st.op, func([]byte) ([]byte, error) { return body, nil }); err != nil {
			return nil, err
		}
		return map[string]any{st.member: json.RawMessage(body)}, nil
	})
	s.handle("Get"+st.op, func(ctx context.Context, c *call) (any, error) {
		body, err := svc.GetSettings(ctx, c.caller, kind, c.str(idMember), st.op)
		if err != nil {
			return nil, err
		}
		out := map[string]any{}
		if body != nil {
			out[st.member] = json.RawMessage(body)
		}
		return out, nil
	})
	if s.api.Operation("Delete"+st.op) != nil {
		s.handle("Delete"+st.op, func(ctx context.Context, c *call) (any, error) {
			_, err := svc.UpdateSettings(ctx, c.caller, kind, c.str(idMember), st.op, func([]byte) ([]byte, error) { return nil, nil })
			return nil, err
		})
	}
}

// terminationCredentialsDoc is where the usernames of a Voice Connector's
// termination credentials are kept (passwords are not kept: the API never
// returns them).
const terminationCredentialsDoc = "VoiceConnectorTerminationCredentials"

func usernames(body []byte) ([]string, error) {
	var names []string
	if body == nil {
		return names, nil
	}
	if err := json.Unmarshal(body, &names); err != nil {
		return nil, fmt.Errorf("decode termination credentials: %w", err)
	}
	return names, nil
}

func addUsernames(have, names []string) []string {
	for _, n := range names {
		if !slices.Contains(have, n) {
			have = append(have, n)
		}
	}
	return have
}

func removeUsernames(have, names []string) []string {
	return slices.DeleteFunc(have, func(n string) bool { return slices.Contains(names, n) })
}

// terminationCredentials serves Put and Delete of termination credentials,
// which add or remove usernames.
func (s *Server) terminationCredentials(change func(have, names []string) []string) handler {
	return op(func(ctx context.Context, c chimevoice.Caller, in struct {
		VoiceConnectorId string
		Credentials      []struct{ Username string }
		Usernames        []string
	}) (any, error) {
		names := in.Usernames
		for i, cr := range in.Credentials {
			if cr.Username == "" {
				return nil, chimevoice.FieldErrorf(fmt.Sprintf("Credentials[%d].Username", i), "the username is required.")
			}
			names = append(names, cr.Username)
		}
		_, err := s.svc.Settings.UpdateSettings(ctx, c, chimevoice.KindVoiceConnector, in.VoiceConnectorId, terminationCredentialsDoc, func(old []byte) ([]byte, error) {
			have, err := usernames(old)
			if err != nil {
				return nil, err
			}
			return json.Marshal(change(have, names))
		})
		return nil, err
	})
}

func (s *Server) listTerminationCredentials(ctx context.Context, c chimevoice.Caller, in struct{ VoiceConnectorId string }) (any, error) {
	body, err := s.svc.Settings.GetSettings(ctx, c, chimevoice.KindVoiceConnector, in.VoiceConnectorId, terminationCredentialsDoc)
	if err != nil {
		return nil, err
	}
	names, err := usernames(body)
	if err != nil {
		return nil, err
	}
	if names == nil {
		names = []string{}
	}
	return struct{ Usernames []string }{names}, nil
}
