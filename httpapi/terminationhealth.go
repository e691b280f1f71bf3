package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"time"

	"github.com/chimevoice/chimevoice"
)

// terminationPingInterval is how often the modeled SIP infrastructure of a
// Voice Connector sends a SIP OPTIONS ping.
const terminationPingInterval = 30 * time.Second

// registerTerminationHealth registers GetVoiceConnectorTerminationHealth,
// which reads the Voice Connector settings and the service clock.
func (s *Server) registerTerminationHealth() {
	if s.svc.Settings == nil || s.svc.Admin == nil {
		return
	}
	s.handle("GetVoiceConnectorTerminationHealth", s.getTerminationHealth)
}

// getTerminationHealth answers from the Voice Connector's termination
// configuration, deterministically: a Voice Connector with termination
// enabled and an allowed CIDR block is pinged every 30 seconds from the
// first usable address of its first block, so the last ping is the service
// clock rounded down to 30 seconds. Without termination, or with it
// disabled, nothing pings it: NotFound.
func (s *Server) getTerminationHealth(ctx context.Context, c *call) (any, error) {
	id := c.str("VoiceConnectorId")
	body, err := s.svc.Settings.GetSettings(ctx, c.caller, chimevoice.KindVoiceConnector, id, "VoiceConnectorTermination")
	if err != nil {
		return nil, err
	}
	if body == nil {
		return nil, chimevoice.Errorf(chimevoice.CodeNotFound, "The Voice Connector %s has no termination configuration, so no SIP OPTIONS ping was received (PutVoiceConnectorTermination).", id)
	}
	var term struct {
		Disabled        bool
		CidrAllowedList []string
	}
	if err := json.Unmarshal(body, &term); err != nil {
		return nil, fmt.Errorf("decode termination of %s: %w", id, err)
	}
	if term.Disabled || len(term.CidrAllowedList) == 0 {
		return nil, chimevoice.Errorf(chimevoice.CodeNotFound, "Termination of the Voice Connector %s is disabled or allows no CIDR block, so no SIP OPTIONS ping was received.", id)
	}
	source, err := firstHost(term.CidrAllowedList[0])
	if err != nil {
		return nil, chimevoice.Errorf(chimevoice.CodeNotFound, "Termination of the Voice Connector %s: its first allowed CIDR block %q is not valid, so no SIP OPTIONS ping was received.", id, term.CidrAllowedList[0])
	}
	now, err := s.svc.Admin.Now(ctx)
	if err != nil {
		return nil, err
	}
	return map[string]any{"TerminationHealth": map[string]any{"Timestamp": Time(now.Truncate(terminationPingInterval)), "Source": source}}, nil
}

// firstHost is the first usable address of a CIDR block (the address
// itself for a /32 or /31).
func firstHost(cidr string) (string, error) {
	p, err := netip.ParsePrefix(cidr)
	if err != nil {
		return "", err
	}
	a := p.Masked().Addr()
	if p.Bits() < a.BitLen()-1 {
		a = a.Next()
	}
	return a.String(), nil
}
