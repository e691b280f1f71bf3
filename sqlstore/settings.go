package sqlstore

import (
	"context"

	"github.com/chimevoice/chimevoice"
)

// resourceNotFound is the error for a missing Voice Connector or SIP media application.
func resourceNotFound(kind chimevoice.ResourceKind, id string) error {
	if kind == chimevoice.KindSipMediaApplication {
		return smaTable.notFound(id)
	}
	return vcTable.notFound(id)
}

// UpdateSettings implements chimevoice.SettingsService. The resource's row
// is locked, so that a concurrent delete of it cannot leave a document behind.
func (s *Store) UpdateSettings(ctx context.Context, c chimevoice.Caller, kind chimevoice.ResourceKind, id, name string, fn func(old []byte) ([]byte, error)) ([]byte, error) {
	var out []byte
	err := s.write(ctx, func(ctx context.Context, tx *Tx) error {
		if err := s.lockRow(ctx, tx, taggable[kind], c.AccountID, id, resourceNotFound(kind, id)); err != nil {
			return err
		}
		old, err := s.settings(ctx, tx, id, name)
		if err != nil {
			return err
		}
		body, err := fn(old)
		if err != nil {
			return err
		}
		if body == nil {
			_, err = tx.exec(ctx, `DELETE FROM resource_settings WHERE resource_id = ? AND name = ?`, id, name)
		} else {
			_, err = tx.exec(ctx, `INSERT INTO resource_settings (resource_id, account_id, name, body, updated_at) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (resource_id, name) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`, id, c.AccountID, name, string(body), ms(tx.now))
		}
		out = body
		return err
	})
	return out, err
}

// GetSettings implements chimevoice.SettingsService.
func (s *Store) GetSettings(ctx context.Context, c chimevoice.Caller, kind chimevoice.ResourceKind, id, name string) ([]byte, error) {
	r := reader{s}
	if err := s.lockRow(ctx, r, taggable[kind], c.AccountID, id, resourceNotFound(kind, id)); err != nil {
		return nil, err
	}
	return s.settings(ctx, r, id, name)
}

func (s *Store) settings(ctx context.Context, q querier, id, name string) ([]byte, error) {
	bodies, err := collect(ctx, s, q, "settings", func(sc scanner) (string, error) {
		var b string
		return b, sc.Scan(&b)
	}, `SELECT body FROM resource_settings WHERE resource_id = ? AND name = ?`, id, name)
	if err != nil || len(bodies) == 0 {
		return nil, err
	}
	return []byte(bodies[0]), nil
}

// deleteExtras removes what hangs off a deleted Voice Connector or SIP
// media application: its tags and settings.
func (s *Store) deleteExtras(ctx context.Context, tx *Tx, arn, id string) error {
	if err := s.deleteTags(ctx, tx, arn); err != nil {
		return err
	}
	_, err := tx.exec(ctx, `DELETE FROM resource_settings WHERE resource_id = ?`, id)
	return err
}
