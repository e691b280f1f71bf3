package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/chimevoice/chimevoice"
)

// CreateSipMediaApplication implements chimevoice.SipMediaService.
func (s *Store) CreateSipMediaApplication(ctx context.Context, c chimevoice.Caller, in chimevoice.SipMediaApplicationInput) (*chimevoice.SipMediaApplication, error) {
	if in.Endpoints == nil {
		in.Endpoints = []string{} // required on create
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	id := uuid.NewString()
	a := &chimevoice.SipMediaApplication{ID: id, AccountID: c.AccountID, AwsRegion: in.AwsRegion, Name: *in.Name, Endpoints: in.Endpoints,
		ARN: chimevoice.ARN(region(c), c.AccountID, chimevoice.KindSipMediaApplication, id)}
	return writeValue(ctx, s, func(ctx context.Context, tx *Tx) (*chimevoice.SipMediaApplication, error) {
		a.CreatedAt, a.UpdatedAt = tx.now, tx.now
		if err := smaTable.insert(ctx, tx, a); err != nil {
			return nil, err
		}
		return a, s.putTags(ctx, tx, c.AccountID, a.ARN, in.Tags)
	})
}

// GetSipMediaApplication implements chimevoice.SipMediaService.
func (s *Store) GetSipMediaApplication(ctx context.Context, c chimevoice.Caller, id string) (*chimevoice.SipMediaApplication, error) {
	return get(ctx, s, reader{s}, smaTable, c.AccountID, id)
}

// ListSipMediaApplications implements chimevoice.SipMediaService.
func (s *Store) ListSipMediaApplications(ctx context.Context, c chimevoice.Caller, p chimevoice.Page) ([]*chimevoice.SipMediaApplication, string, error) {
	return list(ctx, s, smaTable, "sma1", p, c.AccountID, "", nil, func(a *chimevoice.SipMediaApplication) (time.Time, string) { return a.CreatedAt, a.ID })
}

// UpdateSipMediaApplication implements chimevoice.SipMediaService.
func (s *Store) UpdateSipMediaApplication(ctx context.Context, c chimevoice.Caller, id string, in chimevoice.SipMediaApplicationInput) (*chimevoice.SipMediaApplication, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *chimevoice.SipMediaApplication
	err := s.write(ctx, func(ctx context.Context, tx *Tx) error {
		a, err := get(ctx, s, tx, smaTable, c.AccountID, id)
		if err != nil {
			return err
		}
		if in.Name != nil {
			a.Name = *in.Name
		}
		if in.Endpoints != nil {
			a.Endpoints = in.Endpoints
		}
		a.UpdatedAt = tx.now
		if _, err := tx.exec(ctx, `UPDATE sip_media_applications SET name = ?, lambda_arn = ?, updated_at = ? WHERE id = ?`, a.Name, a.Endpoints[0], ms(tx.now), id); err != nil {
			return err
		}
		out = a
		return nil
	})
	return out, err
}

// DeleteSipMediaApplication implements chimevoice.SipMediaService.
func (s *Store) DeleteSipMediaApplication(ctx context.Context, c chimevoice.Caller, id string) error {
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		a, err := get(ctx, s, tx, smaTable, c.AccountID, id)
		if err != nil {
			return err
		}
		var rule string
		err = tx.queryRow(ctx, `SELECT rule_id FROM sip_rule_targets WHERE sma_id = ? ORDER BY rule_id LIMIT 1`, id).Scan(&rule)
		if err == nil {
			return chimevoice.Errorf(chimevoice.CodeConflict, "SIP rule %s targets the SIP media application %s; delete the rule or change its targets first.", rule, id)
		}
		if !isNoRows(err) {
			return s.wrap(err, "read sip rule targets")
		}
		if err := s.deleteExtras(ctx, tx, a.ARN, id); err != nil {
			return err
		}
		_, err = tx.exec(ctx, `DELETE FROM sip_media_applications WHERE id = ?`, id)
		return err
	})
}

// ruleTargets fills the targets of the rules.
func (s *Store) ruleTargets(ctx context.Context, q querier, rules []*chimevoice.SipRule) error {
	return fill(ctx, s, q, "sip rule targets", rules, func(r *chimevoice.SipRule) string { return r.ID },
		`SELECT rule_id, sma_id, priority, aws_region FROM sip_rule_targets WHERE %s ORDER BY rule_id, position`, "rule_id", nil,
		func(t *chimevoice.SipRuleTarget) []any {
			return []any{&t.SipMediaApplicationID, &t.Priority, &t.AwsRegion}
		},
		func(r *chimevoice.SipRule, t chimevoice.SipRuleTarget) { r.Targets = append(r.Targets, t) })
}

func (s *Store) getRule(ctx context.Context, q querier, account, id string) (*chimevoice.SipRule, error) {
	r, err := get(ctx, s, q, rulesTable, account, id)
	if err != nil {
		return nil, err
	}
	return r, s.ruleTargets(ctx, q, []*chimevoice.SipRule{r})
}

// putRuleTargets checks the targets (each a SIP media application of the
// account, locked so it is not deleted meanwhile; a region, when given,
// the application's) and replaces the rule's targets with them.
func (s *Store) putRuleTargets(ctx context.Context, tx *Tx, account, rule string, targets []chimevoice.SipRuleTarget) ([]chimevoice.SipRuleTarget, error) {
	out := make([]chimevoice.SipRuleTarget, len(targets))
	for i, t := range targets {
		a, err := get(ctx, s, tx, smaTable, account, t.SipMediaApplicationID)
		if chimevoice.ErrorCode(err) == chimevoice.CodeNotFound {
			return nil, chimevoice.FieldErrorf(fmt.Sprintf("TargetApplications[%d].SipMediaApplicationId", i), "the SIP media application %s was not found.", t.SipMediaApplicationID)
		}
		if err != nil {
			return nil, err
		}
		if t.AwsRegion == "" {
			t.AwsRegion = a.AwsRegion
		}
		if t.AwsRegion != a.AwsRegion {
			return nil, chimevoice.FieldErrorf(fmt.Sprintf("TargetApplications[%d].AwsRegion", i), "the SIP media application %s is in %s, not %s.", a.ID, a.AwsRegion, t.AwsRegion)
		}
		out[i] = t
	}
	if _, err := tx.exec(ctx, `DELETE FROM sip_rule_targets WHERE rule_id = ?`, rule); err != nil {
		return nil, err
	}
	for i, t := range out {
		if _, err := tx.exec(ctx, `INSERT INTO sip_rule_targets (rule_id, position, sma_id, priority, aws_region) VALUES (?, ?, ?, ?, ?)`,
			rule, i, t.SipMediaApplicationID, t.Priority, t.AwsRegion); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ruleTrigger checks a new rule's trigger and returns its stored form (a
// number in E.164). A ToPhoneNumber trigger's number is locked and must be
// free to associate; a host name must be a Voice Connector's, locked so
// that it is not deleted meanwhile.
func (s *Store) ruleTrigger(ctx context.Context, tx *Tx, account string, r chimevoice.SipRule) (string, error) {
	if r.TriggerType == chimevoice.TriggerRequestURIHostname {
		var id string
		err := tx.queryRow(ctx, `SELECT id FROM voice_connectors WHERE account_id = ? AND outbound_host_name = ?`+s.lockClause(tx), account, r.TriggerValue).Scan(&id)
		if isNoRows(err) {
			return "", chimevoice.FieldErrorf("TriggerValue", "no Voice Connector of the account has the outbound host name %q.", r.TriggerValue)
		}
		return r.TriggerValue, s.wrap(err, "find voice connector by host name")
	}
	e164, ok := chimevoice.ParseID(r.TriggerValue)
	if !ok {
		return "", chimevoice.FieldErrorf("TriggerValue", "%q is not an E.164 phone number.", r.TriggerValue)
	}
	nums, err := s.lockNumbers(ctx, tx, account, []string{e164})
	if err != nil {
		return "", err
	}
	n := nums[e164]
	if n == nil {
		return "", chimevoice.FieldErrorf("TriggerValue", "the phone number %s is not in the account's inventory.", e164)
	}
	d := chimevoice.AssociateRefusal(n.status, n.product, n.assocs, chimevoice.Association{Name: chimevoice.AssocSipRule, Value: r.ID}, false)
	switch d.Code {
	case "":
		return e164, nil
	case chimevoice.CodeConflict, chimevoice.CodePhoneNumberAssociationsExist, chimevoice.CodeVoiceConnectorGroupAssociationsExist:
		return "", chimevoice.Errorf(chimevoice.CodeConflict, "TriggerValue: %s", d.Message)
	}
	return "", chimevoice.FieldErrorf("TriggerValue", "%s", d.Message)
}

// CreateSipRule implements chimevoice.SipMediaService.
func (s *Store) CreateSipRule(ctx context.Context, c chimevoice.Caller, r chimevoice.SipRule) (*chimevoice.SipRule, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	r.ID, r.AccountID = uuid.NewString(), c.AccountID
	var out *chimevoice.SipRule
	err := s.write(ctx, func(ctx context.Context, tx *Tx) error {
		rule := r
		trigger, err := s.ruleTrigger(ctx, tx, c.AccountID, rule)
		if err != nil {
			return err
		}
		rule.TriggerValue = trigger
		taken, err := s.exists(ctx, tx, "sip rules", `SELECT 1 FROM sip_rules WHERE account_id = ? AND trigger_type = ? AND trigger_value = ?`, c.AccountID, string(rule.TriggerType), trigger)
		if err != nil {
			return err
		}
		if taken {
			return chimevoice.Errorf(chimevoice.CodeConflict, "TriggerValue: another SIP rule of the account already triggers on %s %s.", rule.TriggerType, trigger)
		}
		rule.CreatedAt, rule.UpdatedAt = tx.now, tx.now
		if err := rulesTable.insert(ctx, tx, &rule); err != nil {
			return err
		}
		if rule.Targets, err = s.putRuleTargets(ctx, tx, c.AccountID, rule.ID, rule.Targets); err != nil {
			return err
		}
		if rule.TriggerType == chimevoice.TriggerToPhoneNumber {
			if err := s.addAssociation(ctx, tx, c.AccountID, []string{trigger}, chimevoice.Association{Name: chimevoice.AssocSipRule, Value: rule.ID}); err != nil {
				return err
			}
			if err := s.refreshStatus(ctx, tx, c.AccountID, []string{trigger}); err != nil {
				return err
			}
		}
		out = &rule
		return nil
	})
	return out, err
}

// GetSipRule implements chimevoice.SipMediaService.
func (s *Store) GetSipRule(ctx context.Context, c chimevoice.Caller, id string) (*chimevoice.SipRule, error) {
	return s.getRule(ctx, reader{s}, c.AccountID, id)
}

// ListSipRules implements chimevoice.SipMediaService.
func (s *Store) ListSipRules(ctx context.Context, c chimevoice.Caller, smaID string, p chimevoice.Page) ([]*chimevoice.SipRule, string, error) {
	where, args := "", []any(nil)
	if smaID != "" {
		where, args = ` AND id IN (SELECT rule_id FROM sip_rule_targets WHERE sma_id = ?)`, []any{smaID}
	}
	rules, next, err := list(ctx, s, rulesTable, "rule1", p, c.AccountID, where, args, func(r *chimevoice.SipRule) (time.Time, string) { return r.CreatedAt, r.ID })
	if err != nil {
		return nil, "", err
	}
	return rules, next, s.ruleTargets(ctx, reader{s}, rules)
}

// UpdateSipRule implements chimevoice.SipMediaService.
func (s *Store) UpdateSipRule(ctx context.Context, c chimevoice.Caller, id string, u chimevoice.SipRuleUpdate) (*chimevoice.SipRule, error) {
	if err := u.Validate(); err != nil {
		return nil, err
	}
	var out *chimevoice.SipRule
	err := s.write(ctx, func(ctx context.Context, tx *Tx) error {
		r, err := s.getRule(ctx, tx, c.AccountID, id)
		if err != nil {
			return err
		}
		r.Name = u.Name
		if u.Disabled != nil {
			r.Disabled = *u.Disabled
		}
		if u.Targets != nil {
			if r.Targets, err = s.putRuleTargets(ctx, tx, c.AccountID, id, u.Targets); err != nil {
				return err
			}
		}
		r.UpdatedAt = tx.now
		if _, err := tx.exec(ctx, `UPDATE sip_rules SET name = ?, disabled = ?, updated_at = ? WHERE id = ?`, r.Name, r.Disabled, ms(tx.now), id); err != nil {
			return err
		}
		out = r
		return nil
	})
	return out, err
}

// DeleteSipRule implements chimevoice.SipMediaService.
func (s *Store) DeleteSipRule(ctx context.Context, c chimevoice.Caller, id string) error {
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		r, err := s.getRule(ctx, tx, c.AccountID, id)
		if err != nil {
			return err
		}
		if !r.Disabled {
			return chimevoice.Errorf(chimevoice.CodeConflict, "The SIP rule %s is enabled; disable it (UpdateSipRule with Disabled true) before deleting it.", id)
		}
		if r.TriggerType == chimevoice.TriggerToPhoneNumber {
			if _, err := s.lockNumbers(ctx, tx, c.AccountID, []string{r.TriggerValue}); err != nil {
				return err
			}
			if _, err := tx.exec(ctx, `DELETE FROM phone_number_associations WHERE account_id = ? AND e164 = ? AND name = ? AND value = ?`,
				c.AccountID, r.TriggerValue, string(chimevoice.AssocSipRule), id); err != nil {
				return err
			}
			if err := s.refreshStatus(ctx, tx, c.AccountID, []string{r.TriggerValue}); err != nil {
				return err
			}
		}
		_, err = tx.exec(ctx, `DELETE FROM sip_rules WHERE id = ?`, id)
		return err
	})
}
