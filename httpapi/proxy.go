package httpapi

import (
	"context"

	"github.com/chimevoice/chimevoice"
)

// registerProxy registers the proxy operations, deprecated by AWS on
// 2026-04-07 and still served, when their service is set.
func (s *Server) registerProxy() {
	if s.svc.Proxy == nil {
		return
	}
	s.handle("PutVoiceConnectorProxy", op(s.putVoiceConnectorProxy))
	s.handle("GetVoiceConnectorProxy", s.getVoiceConnectorProxy)
	s.handle("DeleteVoiceConnectorProxy", deleter("VoiceConnectorId", s.svc.Proxy.DeleteVoiceConnectorProxy))
	s.handle("CreateProxySession", op(s.createProxySession))
	s.handle("GetProxySession", s.getProxySession)
	s.handle("ListProxySessions", op(s.listProxySessions))
	s.handle("UpdateProxySession", op(s.updateProxySession))
	s.handle("DeleteProxySession", s.deleteProxySession)
}

type proxyOut struct {
	DefaultSessionExpiryMinutes int
	Disabled                    bool
	FallBackPhoneNumber         string `json:",omitempty"`
	PhoneNumberCountries        []string
}

func proxyOutput(p *chimevoice.Proxy) any {
	countries := p.PhoneNumberCountries
	if countries == nil {
		countries = []string{}
	}
	return struct{ Proxy proxyOut }{proxyOut{p.DefaultSessionExpiryMinutes, p.Disabled, p.FallBackPhoneNumber, countries}}
}

type putVoiceConnectorProxyIn struct {
	VoiceConnectorId            string
	DefaultSessionExpiryMinutes int
	PhoneNumberPoolCountries    []string
	FallBackPhoneNumber         string
	Disabled                    bool
}

func (s *Server) putVoiceConnectorProxy(ctx context.Context, c chimevoice.Caller, in putVoiceConnectorProxyIn) (any, error) {
	return out(proxyOutput)(s.svc.Proxy.PutVoiceConnectorProxy(ctx, c, in.VoiceConnectorId, chimevoice.Proxy{
		DefaultSessionExpiryMinutes: in.DefaultSessionExpiryMinutes, PhoneNumberCountries: in.PhoneNumberPoolCountries,
		FallBackPhoneNumber: in.FallBackPhoneNumber, Disabled: in.Disabled,
	}))
}

func (s *Server) getVoiceConnectorProxy(ctx context.Context, c *call) (any, error) {
	p, err := s.svc.Proxy.GetVoiceConnectorProxy(ctx, c.caller, c.str("VoiceConnectorId"))
	if err != nil {
		return nil, err
	}
	if p == nil {
		return struct{}{}, nil
	}
	return proxyOutput(p), nil
}

type geoMatchParamsIO struct {
	Country  string
	AreaCode string
}

type participantOut struct {
	PhoneNumber      string
	ProxyPhoneNumber string
}

type proxySessionOut struct {
	VoiceConnectorId        string
	ProxySessionId          string
	Name                    string `json:",omitempty"`
	Status                  string
	ExpiryMinutes           int `json:",omitempty"`
	Capabilities            []string
	CreatedTimestamp        *Time
	UpdatedTimestamp        *Time
	EndedTimestamp          *Time `json:",omitempty"`
	Participants            []participantOut
	NumberSelectionBehavior string            `json:",omitempty"`
	GeoMatchLevel           string            `json:",omitempty"`
	GeoMatchParams          *geoMatchParamsIO `json:",omitempty"`
}

func proxySession(p *chimevoice.ProxySession) proxySessionOut {
	out := proxySessionOut{
		VoiceConnectorId: p.VoiceConnectorID, ProxySessionId: p.ID, Name: p.Name, Status: string(p.Status), ExpiryMinutes: p.ExpiryMinutes,
		Capabilities: p.Capabilities, CreatedTimestamp: timePtr(p.CreatedAt), UpdatedTimestamp: timePtr(p.UpdatedAt), EndedTimestamp: timePtr(p.EndedAt),
		Participants:            convert(p.Participants, func(pp chimevoice.ProxyParticipant) participantOut { return participantOut(pp) }),
		NumberSelectionBehavior: p.NumberSelectionBehavior, GeoMatchLevel: p.GeoMatchLevel,
	}
	if p.GeoMatchCountry != "" {
		out.GeoMatchParams = &geoMatchParamsIO{p.GeoMatchCountry, p.GeoMatchAreaCode}
	}
	return out
}

func proxySessionOutput(p *chimevoice.ProxySession) any {
	return struct{ ProxySession proxySessionOut }{proxySession(p)}
}

type createProxySessionIn struct {
	VoiceConnectorId        string
	ParticipantPhoneNumbers []string
	Name                    string
	ExpiryMinutes           int
	Capabilities            []string
	NumberSelectionBehavior string
	GeoMatchLevel           string
	GeoMatchParams          geoMatchParamsIO
}

func (s *Server) createProxySession(ctx context.Context, c chimevoice.Caller, in createProxySessionIn) (any, error) {
	return out(proxySessionOutput)(s.svc.Proxy.CreateProxySession(ctx, c, chimevoice.CreateProxySessionRequest{
		VoiceConnectorID: in.VoiceConnectorId, Participants: in.ParticipantPhoneNumbers, Name: in.Name, ExpiryMinutes: in.ExpiryMinutes,
		Capabilities: in.Capabilities, NumberSelectionBehavior: in.NumberSelectionBehavior, GeoMatchLevel: in.GeoMatchLevel,
		GeoMatchCountry: in.GeoMatchParams.Country, GeoMatchAreaCode: in.GeoMatchParams.AreaCode,
	}))
}

func (s *Server) getProxySession(ctx context.Context, c *call) (any, error) {
	return out(proxySessionOutput)(s.svc.Proxy.GetProxySession(ctx, c.caller, c.str("VoiceConnectorId"), c.str("ProxySessionId")))
}

type listProxySessionsIn struct {
	VoiceConnectorId string
	Status           string
	MaxResults       int
	NextToken        string
}

func (s *Server) listProxySessions(ctx context.Context, c chimevoice.Caller, in listProxySessionsIn) (any, error) {
	return page("ProxySessions", proxySession)(s.svc.Proxy.ListProxySessions(ctx, c, in.VoiceConnectorId, chimevoice.ProxySessionFilter{
		Status: chimevoice.ProxySessionStatus(in.Status), Page: chimevoice.Page{Limit: in.MaxResults, NextToken: in.NextToken},
	}))
}

type updateProxySessionIn struct {
	VoiceConnectorId string
	ProxySessionId   string
	Capabilities     []string
	ExpiryMinutes    int
}

func (s *Server) updateProxySession(ctx context.Context, c chimevoice.Caller, in updateProxySessionIn) (any, error) {
	return out(proxySessionOutput)(s.svc.Proxy.UpdateProxySession(ctx, c, in.VoiceConnectorId, in.ProxySessionId, in.Capabilities, in.ExpiryMinutes))
}

func (s *Server) deleteProxySession(ctx context.Context, c *call) (any, error) {
	return nil, s.svc.Proxy.DeleteProxySession(ctx, c.caller, c.str("VoiceConnectorId"), c.str("ProxySessionId"))
}
