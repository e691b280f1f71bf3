package httpapi

import (
	"context"

	"github.com/chimevoice/chimevoice"
)

// registerUserSettings registers the legacy user telephony settings when
// their service is set.
func (s *Server) registerUserSettings() {
	if s.svc.UserSettings == nil {
		return
	}
	s.handle("GetUserSettings", s.getUserSettings)
	s.handle("UpdateUserSettings", s.updateUserSettings)
}

type userSettingsIO struct {
	Telephony chimevoice.TelephonySettings
}

func (s *Server) getUserSettings(ctx context.Context, c *call) (any, error) {
	ts, err := s.svc.UserSettings.GetUserSettings(ctx, c.caller, c.str("AccountId"), c.str("UserId"))
	if err != nil {
		return nil, err
	}
	return struct{ UserSettings userSettingsIO }{userSettingsIO{*ts}}, nil
}

func (s *Server) updateUserSettings(ctx context.Context, c *call) (any, error) {
	var in struct {
		AccountId, UserId string
		UserSettings      userSettingsIO
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return nil, s.svc.UserSettings.UpdateUserSettings(ctx, c.caller, in.AccountId, in.UserId, in.UserSettings.Telephony)
}
