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
	s.handle("UpdateUserSettings", op(s.updateUserSettings))
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

type updateUserSettingsIn struct {
	AccountId, UserId string
	UserSettings      userSettingsIO
}

func (s *Server) updateUserSettings(ctx context.Context, c chimevoice.Caller, in updateUserSettingsIn) (any, error) {
	return nil, s.svc.UserSettings.UpdateUserSettings(ctx, c, in.AccountId, in.UserId, in.UserSettings.Telephony)
}
