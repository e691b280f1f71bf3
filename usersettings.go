package chimevoice

import "context"

// TelephonySettings are a legacy Amazon Chime user's telephony settings
// (GetUserSettings / UpdateUserSettings). A user whose settings were never
// set has everything allowed.
type TelephonySettings struct {
	InboundCalling  bool
	OutboundCalling bool
	SMS             bool
}

// UserSettingsService reads and writes users' telephony settings. Users of
// another AWS account's Chime accounts are NotFound.
type UserSettingsService interface {
	GetUserSettings(ctx context.Context, c Caller, accountID, userID string) (*TelephonySettings, error)
	UpdateUserSettings(ctx context.Context, c Caller, accountID, userID string, s TelephonySettings) error
}
