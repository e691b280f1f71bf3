package httpapi

import (
	"context"

	"github.com/chimevoice/chimevoice"
)

// registerGlobalSettings registers the global settings operations when
// their service is set.
func (s *Server) registerGlobalSettings() {
	if s.svc.GlobalSettings == nil {
		return
	}
	s.handle("GetGlobalSettings", s.getGlobalSettings)
	s.handle("UpdateGlobalSettings", op(s.updateGlobalSettings))
}

type cdrSettingsOut struct {
	CdrBucket string `json:",omitempty"`
}

// getGlobalSettings answers both models: VoiceConnector, and the legacy
// API's BusinessCalling when it was set.
func (s *Server) getGlobalSettings(ctx context.Context, c *call) (any, error) {
	g, err := s.svc.GlobalSettings.GetGlobalSettings(ctx, c.caller)
	if err != nil {
		return nil, err
	}
	out := struct {
		VoiceConnector  cdrSettingsOut
		BusinessCalling *cdrSettingsOut `json:",omitempty"`
	}{VoiceConnector: cdrSettingsOut{g.CdrBucket}}
	if g.BusinessCallingCdrBucket != "" {
		out.BusinessCalling = &cdrSettingsOut{g.BusinessCallingCdrBucket}
	}
	return out, nil
}

type updateGlobalSettingsIn struct {
	VoiceConnector  *struct{ CdrBucket string }
	BusinessCalling *struct{ CdrBucket string }
}

func (s *Server) updateGlobalSettings(ctx context.Context, c chimevoice.Caller, in updateGlobalSettingsIn) (any, error) {
	var u chimevoice.GlobalSettingsUpdate
	if in.VoiceConnector != nil {
		u.CdrBucket = &in.VoiceConnector.CdrBucket
	}
	if in.BusinessCalling != nil {
		u.BusinessCallingCdrBucket = &in.BusinessCalling.CdrBucket
	}
	return nil, s.svc.GlobalSettings.UpdateGlobalSettings(ctx, c, u)
}
