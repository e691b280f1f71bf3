package sqlstore

import (
	"context"

	"github.com/chimevoice/chimevoice"
)

// GetUserSettings implements chimevoice.UserSettingsService.
func (s *Store) GetUserSettings(ctx context.Context, c chimevoice.Caller, accountID, userID string) (*chimevoice.TelephonySettings, error) {
	r := reader{s}
	if _, err := s.GetUser(ctx, c, accountID, userID); err != nil {
		return nil, err
	}
	ts := chimevoice.TelephonySettings{InboundCalling: true, OutboundCalling: true, SMS: true}
	err := r.queryRow(ctx, `SELECT inbound_calling, outbound_calling, sms FROM chime_user_settings WHERE user_id = ?`, userID).
		Scan(&ts.InboundCalling, &ts.OutboundCalling, &ts.SMS)
	if err != nil && !isNoRows(err) {
		return nil, s.wrap(err, "get user settings")
	}
	return &ts, nil
}

// UpdateUserSettings implements chimevoice.UserSettingsService.
func (s *Store) UpdateUserSettings(ctx context.Context, c chimevoice.Caller, accountID, userID string, ts chimevoice.TelephonySettings) error {
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		if _, err := s.lockUser(ctx, tx, c.AccountID, accountID, userID); err != nil {
			return err
		}
		_, err := tx.exec(ctx, `INSERT INTO chime_user_settings (user_id, inbound_calling, outbound_calling, sms, updated_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (user_id) DO UPDATE SET inbound_calling = excluded.inbound_calling, outbound_calling = excluded.outbound_calling, sms = excluded.sms, updated_at = excluded.updated_at`,
			userID, ts.InboundCalling, ts.OutboundCalling, ts.SMS, ms(tx.now))
		return err
	})
}
