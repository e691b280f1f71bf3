package sqlstore

import (
	"context"

	"github.com/chimevoice/chimevoice"
)

// GetGlobalSettings implements chimevoice.GlobalSettingsService.
func (s *Store) GetGlobalSettings(ctx context.Context, c chimevoice.Caller) (*chimevoice.GlobalSettings, error) {
	return s.globalSettings(ctx, reader{s}, c.AccountID, "")
}

func (s *Store) globalSettings(ctx context.Context, q querier, account, lock string) (*chimevoice.GlobalSettings, error) {
	var g chimevoice.GlobalSettings
	var at int64
	err := q.queryRow(ctx, `SELECT cdr_bucket, business_calling_cdr_bucket, updated_at FROM global_settings WHERE account_id = ?`+lock, account).
		Scan(&g.CdrBucket, &g.BusinessCallingCdrBucket, &at)
	if isNoRows(err) {
		return &g, nil
	}
	if err != nil {
		return nil, s.wrap(err, "get global settings")
	}
	g.UpdatedAt = fromMS(at)
	return &g, nil
}

// UpdateGlobalSettings implements chimevoice.GlobalSettingsService.
func (s *Store) UpdateGlobalSettings(ctx context.Context, c chimevoice.Caller, u chimevoice.GlobalSettingsUpdate) error {
	if err := u.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		g, err := s.globalSettings(ctx, tx, c.AccountID, s.d.ForUpdate)
		if err != nil {
			return err
		}
		if u.CdrBucket != nil {
			g.CdrBucket = *u.CdrBucket
		}
		if u.BusinessCallingCdrBucket != nil {
			g.BusinessCallingCdrBucket = *u.BusinessCallingCdrBucket
		}
		_, err = tx.exec(ctx, `INSERT INTO global_settings (account_id, cdr_bucket, business_calling_cdr_bucket, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (account_id) DO UPDATE SET cdr_bucket = excluded.cdr_bucket, business_calling_cdr_bucket = excluded.business_calling_cdr_bucket, updated_at = excluded.updated_at`,
			c.AccountID, g.CdrBucket, g.BusinessCallingCdrBucket, ms(tx.now))
		return err
	})
}
