package sqlstore

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/chimevoice/chimevoice"
)

const vpdCols = `id, account_id, name, description, kms_key_arn, arn, created_at, updated_at`

func scanVPD(sc scanner) (*chimevoice.VoiceProfileDomain, error) {
	var d chimevoice.VoiceProfileDomain
	var created, updated int64
	if err := sc.Scan(&d.ID, &d.AccountID, &d.Name, &d.Description, &d.KMSKeyARN, &d.ARN, &created, &updated); err != nil {
		return nil, err
	}
	d.CreatedAt, d.UpdatedAt = fromMS(created), fromMS(updated)
	return &d, nil
}

func vpdNotFound(id string) error {
	return chimevoice.Errorf(chimevoice.CodeNotFound, "The voice profile domain %s was not found.", id)
}

func (s *Store) getVPD(ctx context.Context, q querier, account, id string) (*chimevoice.VoiceProfileDomain, error) {
	d, err := scanVPD(q.queryRow(ctx, `SELECT `+vpdCols+` FROM voice_profile_domains WHERE id = ? AND account_id = ?`, id, account))
	if isNoRows(err) {
		return nil, vpdNotFound(id)
	}
	return d, s.wrap(err, "get voice profile domain")
}

// CreateVoiceProfileDomain implements chimevoice.VoiceProfileDomainService.
func (s *Store) CreateVoiceProfileDomain(ctx context.Context, c chimevoice.Caller, r chimevoice.CreateVoiceProfileDomainRequest) (*chimevoice.VoiceProfileDomain, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	var out *chimevoice.VoiceProfileDomain
	err := s.write(ctx, func(ctx context.Context, tx *Tx) error {
		if r.ClientRequestToken != "" {
			d, err := scanVPD(tx.queryRow(ctx, `SELECT `+vpdCols+` FROM voice_profile_domains WHERE account_id = ? AND client_token = ?`, c.AccountID, r.ClientRequestToken))
			if err == nil {
				if d.Name != r.Name || d.KMSKeyARN != r.KMSKeyARN || d.Description != r.Description {
					return chimevoice.Errorf(chimevoice.CodeConflict, "ClientRequestToken: the token was used for another request (domain %s).", d.ID)
				}
				out = d
				return nil
			}
			if !isNoRows(err) {
				return s.wrap(err, "find voice profile domain by token")
			}
		}
		id := uuid.NewString()
		d := &chimevoice.VoiceProfileDomain{ID: id, AccountID: c.AccountID, Name: r.Name, Description: r.Description, KMSKeyARN: r.KMSKeyARN,
			ARN: chimevoice.ARN(region(c), c.AccountID, chimevoice.KindVoiceProfileDomain, id), CreatedAt: tx.now, UpdatedAt: tx.now}
		if _, err := tx.exec(ctx, `INSERT INTO voice_profile_domains (`+vpdCols+`, client_token) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			d.ID, d.AccountID, d.Name, d.Description, d.KMSKeyARN, d.ARN, ms(tx.now), ms(tx.now), r.ClientRequestToken); err != nil {
			return err
		}
		out = d
		return s.putTags(ctx, tx, c.AccountID, d.ARN, r.Tags)
	})
	return out, err
}

// GetVoiceProfileDomain implements chimevoice.VoiceProfileDomainService.
func (s *Store) GetVoiceProfileDomain(ctx context.Context, c chimevoice.Caller, id string) (*chimevoice.VoiceProfileDomain, error) {
	return s.getVPD(ctx, reader{s}, c.AccountID, id)
}

// ListVoiceProfileDomains implements chimevoice.VoiceProfileDomainService.
func (s *Store) ListVoiceProfileDomains(ctx context.Context, c chimevoice.Caller, p chimevoice.Page) ([]*chimevoice.VoiceProfileDomain, string, error) {
	return listPage(ctx, s, "vpd1", p, `SELECT `+vpdCols+` FROM voice_profile_domains WHERE account_id = ?`, []any{c.AccountID}, scanVPD,
		func(d *chimevoice.VoiceProfileDomain) (time.Time, string) { return d.CreatedAt, d.ID })
}

// UpdateVoiceProfileDomain implements chimevoice.VoiceProfileDomainService.
func (s *Store) UpdateVoiceProfileDomain(ctx context.Context, c chimevoice.Caller, id string, name, description *string) (*chimevoice.VoiceProfileDomain, error) {
	var out *chimevoice.VoiceProfileDomain
	err := s.write(ctx, func(ctx context.Context, tx *Tx) error {
		if err := s.lockRow(ctx, tx, "voice_profile_domains", c.AccountID, id, vpdNotFound(id)); err != nil {
			return err
		}
		d, err := s.getVPD(ctx, tx, c.AccountID, id)
		if err != nil {
			return err
		}
		if name != nil {
			d.Name = *name
		}
		if description != nil {
			d.Description = *description
		}
		d.UpdatedAt = tx.now
		if _, err := tx.exec(ctx, `UPDATE voice_profile_domains SET name = ?, description = ?, updated_at = ? WHERE id = ?`, d.Name, d.Description, ms(tx.now), id); err != nil {
			return err
		}
		out = d
		return nil
	})
	return out, err
}

// DeleteVoiceProfileDomain implements chimevoice.VoiceProfileDomainService.
func (s *Store) DeleteVoiceProfileDomain(ctx context.Context, c chimevoice.Caller, id string) error {
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		d, err := s.getVPD(ctx, tx, c.AccountID, id)
		if err != nil {
			return err
		}
		if err := s.deleteTags(ctx, tx, d.ARN); err != nil {
			return err
		}
		_, err = tx.exec(ctx, `DELETE FROM voice_profile_domains WHERE id = ?`, id)
		return err
	})
}
