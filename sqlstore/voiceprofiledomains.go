package sqlstore

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/chimevoice/chimevoice"
)

var vpdTable = newTable("VoiceProfileDomains", "voice profile domain", fieldMap[chimevoice.VoiceProfileDomain]{
	"Id": func(d *chimevoice.VoiceProfileDomain) any { return &d.ID }, "AccountId": func(d *chimevoice.VoiceProfileDomain) any { return &d.AccountID },
	"Name": func(d *chimevoice.VoiceProfileDomain) any { return &d.Name }, "Description": func(d *chimevoice.VoiceProfileDomain) any { return &d.Description },
	"KmsKeyArn": func(d *chimevoice.VoiceProfileDomain) any { return &d.KMSKeyARN }, "Arn": func(d *chimevoice.VoiceProfileDomain) any { return &d.ARN },
	"ClientToken": func(d *chimevoice.VoiceProfileDomain) any { return &d.ClientRequestToken },
	"CreatedAt":   func(d *chimevoice.VoiceProfileDomain) any { return &d.CreatedAt }, "UpdatedAt": func(d *chimevoice.VoiceProfileDomain) any { return &d.UpdatedAt },
}, nil)

// CreateVoiceProfileDomain implements chimevoice.VoiceProfileDomainService.
func (s *Store) CreateVoiceProfileDomain(ctx context.Context, c chimevoice.Caller, r chimevoice.CreateVoiceProfileDomainRequest) (*chimevoice.VoiceProfileDomain, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	return writeValue(ctx, s, func(ctx context.Context, tx *Tx) (*chimevoice.VoiceProfileDomain, error) {
		if r.ClientRequestToken != "" {
			d, err := vpdTable.scan(tx.queryRow(ctx, vpdTable.selectFrom()+` WHERE account_id = ? AND client_token = ?`, c.AccountID, r.ClientRequestToken))
			if err == nil {
				if d.Name != r.Name || d.KMSKeyARN != r.KMSKeyARN || d.Description != r.Description {
					e := chimevoice.FieldErrorf("ClientRequestToken", "the token was used for another request (domain %s).", d.ID)
					e.Code = chimevoice.CodeConflict
					return nil, e
				}
				d.ClientRequestToken = ""
				return d, nil
			}
			if !isNoRows(err) {
				return nil, s.wrap(err, "find voice profile domain by token")
			}
		}
		id := uuid.NewString()
		d := &chimevoice.VoiceProfileDomain{ID: id, AccountID: c.AccountID, Name: r.Name, Description: r.Description, KMSKeyARN: r.KMSKeyARN,
			ARN: chimevoice.ARN(region(c), c.AccountID, chimevoice.KindVoiceProfileDomain, id), ClientRequestToken: r.ClientRequestToken, CreatedAt: tx.now, UpdatedAt: tx.now}
		if err := vpdTable.insert(ctx, tx, d); err != nil {
			return nil, err
		}
		return d, s.putTags(ctx, tx, c.AccountID, d.ARN, r.Tags)
	})
}

// GetVoiceProfileDomain implements chimevoice.VoiceProfileDomainService.
func (s *Store) GetVoiceProfileDomain(ctx context.Context, c chimevoice.Caller, id string) (*chimevoice.VoiceProfileDomain, error) {
	return get(ctx, s, reader{s}, vpdTable, c.AccountID, id)
}

// ListVoiceProfileDomains implements chimevoice.VoiceProfileDomainService.
func (s *Store) ListVoiceProfileDomains(ctx context.Context, c chimevoice.Caller, p chimevoice.Page) ([]*chimevoice.VoiceProfileDomain, string, error) {
	return list(ctx, s, vpdTable, "vpd1", p, c.AccountID, "", nil, func(d *chimevoice.VoiceProfileDomain) (time.Time, string) { return d.CreatedAt, d.ID })
}

// UpdateVoiceProfileDomain implements chimevoice.VoiceProfileDomainService.
func (s *Store) UpdateVoiceProfileDomain(ctx context.Context, c chimevoice.Caller, id string, name, description *string) (*chimevoice.VoiceProfileDomain, error) {
	return writeValue(ctx, s, func(ctx context.Context, tx *Tx) (*chimevoice.VoiceProfileDomain, error) {
		d, err := get(ctx, s, tx, vpdTable, c.AccountID, id) // locks the row
		if err != nil {
			return nil, err
		}
		if name != nil {
			d.Name = *name
		}
		if description != nil {
			d.Description = *description
		}
		d.UpdatedAt = tx.now
		_, err = tx.exec(ctx, `UPDATE voice_profile_domains SET name = ?, description = ?, updated_at = ? WHERE id = ?`, d.Name, d.Description, ms(tx.now), id)
		return d, err
	})
}

// DeleteVoiceProfileDomain implements chimevoice.VoiceProfileDomainService.
func (s *Store) DeleteVoiceProfileDomain(ctx context.Context, c chimevoice.Caller, id string) error {
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		d, err := get(ctx, s, tx, vpdTable, c.AccountID, id)
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
