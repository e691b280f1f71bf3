package sqlstore

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/google/uuid"

	"github.com/chimevoice/chimevoice"
)

func vcKey(v *chimevoice.VoiceConnector) (time.Time, string) { return v.CreatedAt, v.ID }

// CreateVoiceConnector implements chimevoice.VoiceConnectorService.
func (s *Store) CreateVoiceConnector(ctx context.Context, c chimevoice.Caller, in chimevoice.VoiceConnectorInput) (*chimevoice.VoiceConnector, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	id := newVoiceConnectorID()
	v := &chimevoice.VoiceConnector{
		ID: id, AccountID: c.AccountID, AwsRegion: in.AwsRegion, Name: in.Name,
		OutboundHostName: chimevoice.VoiceConnectorHost(id), RequireEncryption: in.RequireEncryption,
		IntegrationType: in.IntegrationType, NetworkType: in.NetworkType,
		ARN: chimevoice.ARN(region(c), c.AccountID, chimevoice.KindVoiceConnector, id),
	}
	if v.AwsRegion == "" {
		v.AwsRegion = chimevoice.DefaultVoiceConnectorRegion(c.Region)
	}
	return writeValue(ctx, s, func(ctx context.Context, tx *Tx) (*chimevoice.VoiceConnector, error) {
		v.CreatedAt, v.UpdatedAt = tx.now, tx.now
		if err := vcTable.insert(ctx, tx, v); err != nil {
			return nil, err
		}
		return v, s.putTags(ctx, tx, c.AccountID, v.ARN, in.Tags)
	})
}

// GetVoiceConnector implements chimevoice.VoiceConnectorService.
func (s *Store) GetVoiceConnector(ctx context.Context, c chimevoice.Caller, id string) (*chimevoice.VoiceConnector, error) {
	return get(ctx, s, reader{s}, vcTable, c.AccountID, id)
}

// ListVoiceConnectors implements chimevoice.VoiceConnectorService.
func (s *Store) ListVoiceConnectors(ctx context.Context, c chimevoice.Caller, p chimevoice.Page) ([]*chimevoice.VoiceConnector, string, error) {
	return list(ctx, s, vcTable, "vc1", p, c.AccountID, "", nil, vcKey)
}

// UpdateVoiceConnector implements chimevoice.VoiceConnectorService.
func (s *Store) UpdateVoiceConnector(ctx context.Context, c chimevoice.Caller, id string, in chimevoice.VoiceConnectorInput) (*chimevoice.VoiceConnector, error) {
	var out *chimevoice.VoiceConnector
	err := s.write(ctx, func(ctx context.Context, tx *Tx) error {
		v, err := get(ctx, s, tx, vcTable, c.AccountID, id)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE voice_connectors SET name = ?, require_encryption = ?, updated_at = ? WHERE id = ?`, in.Name, in.RequireEncryption, ms(tx.now), id); err != nil {
			return err
		}
		v.Name, v.RequireEncryption, v.UpdatedAt = in.Name, in.RequireEncryption, tx.now
		out = v
		return nil
	})
	return out, err
}

// DeleteVoiceConnector implements chimevoice.VoiceConnectorService. The
// Voice Connector's row is locked first: an associate of numbers with it
// either committed before (and is seen here) or waits and then finds it gone.
func (s *Store) DeleteVoiceConnector(ctx context.Context, c chimevoice.Caller, id string) error {
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		v, err := get(ctx, s, tx, vcTable, c.AccountID, id)
		if err != nil {
			return err
		}
		n, err := s.countAssociated(ctx, tx, c.AccountID, chimevoice.AssocVoiceConnector, id)
		if err != nil {
			return err
		}
		if n > 0 {
			return chimevoice.Errorf(chimevoice.CodeConflict, "The Voice Connector %s still has %d phone number(s) associated; disassociate them before deleting it.", id, n)
		}
		var group string
		err = tx.queryRow(ctx, `SELECT group_id FROM voice_connector_group_items WHERE voice_connector_id = ? ORDER BY group_id LIMIT 1`, id).Scan(&group)
		if err == nil {
			return chimevoice.Errorf(chimevoice.CodeConflict, "The Voice Connector %s is a member of Voice Connector group %s; remove it from the group before deleting it.", id, group)
		}
		if !isNoRows(err) {
			return s.wrap(err, "read voice connector groups")
		}
		var rule string
		err = tx.queryRow(ctx, `SELECT id FROM sip_rules WHERE account_id = ? AND trigger_type = ? AND trigger_value = ?`, c.AccountID, string(chimevoice.TriggerRequestURIHostname), v.OutboundHostName).Scan(&rule)
		if err == nil {
			return chimevoice.Errorf(chimevoice.CodeConflict, "SIP rule %s triggers on the outbound host name of Voice Connector %s; delete the rule before deleting it.", rule, id)
		}
		if !isNoRows(err) {
			return s.wrap(err, "read sip rules")
		}
		if err := s.deleteExtras(ctx, tx, v.ARN, id); err != nil {
			return err
		}
		_, err = tx.exec(ctx, `DELETE FROM voice_connectors WHERE id = ?`, id)
		return err
	})
}

// groupItems fills the items of the groups.
func (s *Store) groupItems(ctx context.Context, q querier, groups []*chimevoice.VoiceConnectorGroup) error {
	return fill(ctx, s, q, "voice connector group items", groups, func(g *chimevoice.VoiceConnectorGroup) string { return g.ID },
		`SELECT group_id, voice_connector_id, priority FROM voice_connector_group_items WHERE %s ORDER BY group_id, position`, "group_id", nil,
		func(it *chimevoice.VoiceConnectorItem) []any { return []any{&it.VoiceConnectorID, &it.Priority} },
		func(g *chimevoice.VoiceConnectorGroup, it chimevoice.VoiceConnectorItem) {
			g.Items = append(g.Items, it)
		})
}

func (s *Store) getGroup(ctx context.Context, q querier, account, id string) (*chimevoice.VoiceConnectorGroup, error) {
	g, err := get(ctx, s, q, groupsTable, account, id)
	if err != nil {
		return nil, err
	}
	return g, s.groupItems(ctx, q, []*chimevoice.VoiceConnectorGroup{g})
}

// putGroupItems replaces a group's items after checking them and locking
// each Voice Connector (in ID order), so that none is deleted while the
// group is changed to hold it.
func (s *Store) putGroupItems(ctx context.Context, tx *Tx, account, group string, items []chimevoice.VoiceConnectorItem) error {
	order := make([]int, len(items))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return items[order[a]].VoiceConnectorID < items[order[b]].VoiceConnectorID })
	for _, i := range order {
		id := items[i].VoiceConnectorID
		if err := s.lockRow(ctx, tx, vcTable.sec.sql, account, id, chimevoice.FieldErrorf(fmt.Sprintf("VoiceConnectorItems[%d].VoiceConnectorId", i), "the Voice Connector %s was not found.", id)); err != nil {
			return err
		}
	}
	if _, err := tx.exec(ctx, `DELETE FROM voice_connector_group_items WHERE group_id = ?`, group); err != nil {
		return err
	}
	for i, it := range items {
		if _, err := tx.exec(ctx, `INSERT INTO voice_connector_group_items (group_id, voice_connector_id, position, priority) VALUES (?, ?, ?, ?)`, group, it.VoiceConnectorID, i, it.Priority); err != nil {
			return err
		}
	}
	return nil
}

// CreateVoiceConnectorGroup implements chimevoice.VoiceConnectorService.
func (s *Store) CreateVoiceConnectorGroup(ctx context.Context, c chimevoice.Caller, in chimevoice.VoiceConnectorGroupInput) (*chimevoice.VoiceConnectorGroup, error) {
	if in.Distribution == "" {
		in.Distribution = chimevoice.DistributionPriorityWeighted
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	id := uuid.NewString()
	g := &chimevoice.VoiceConnectorGroup{ID: id, AccountID: c.AccountID, Name: in.Name, ARN: chimevoice.ARN(region(c), c.AccountID, chimevoice.KindVoiceConnectorGroup, id),
		Items: in.Items, Distribution: in.Distribution}
	if g.Items == nil {
		g.Items = []chimevoice.VoiceConnectorItem{}
	}
	return writeValue(ctx, s, func(ctx context.Context, tx *Tx) (*chimevoice.VoiceConnectorGroup, error) {
		g.CreatedAt, g.UpdatedAt = tx.now, tx.now
		if err := groupsTable.insert(ctx, tx, g); err != nil {
			return nil, err
		}
		return g, s.putGroupItems(ctx, tx, c.AccountID, id, in.Items)
	})
}

// GetVoiceConnectorGroup implements chimevoice.VoiceConnectorService.
func (s *Store) GetVoiceConnectorGroup(ctx context.Context, c chimevoice.Caller, id string) (*chimevoice.VoiceConnectorGroup, error) {
	return s.getGroup(ctx, reader{s}, c.AccountID, id)
}

// ListVoiceConnectorGroups implements chimevoice.VoiceConnectorService.
func (s *Store) ListVoiceConnectorGroups(ctx context.Context, c chimevoice.Caller, p chimevoice.Page) ([]*chimevoice.VoiceConnectorGroup, string, error) {
	gs, next, err := list(ctx, s, groupsTable, "vcg1", p, c.AccountID, "", nil, func(g *chimevoice.VoiceConnectorGroup) (time.Time, string) { return g.CreatedAt, g.ID })
	if err != nil {
		return nil, "", err
	}
	return gs, next, s.groupItems(ctx, reader{s}, gs)
}

// UpdateVoiceConnectorGroup implements chimevoice.VoiceConnectorService.
func (s *Store) UpdateVoiceConnectorGroup(ctx context.Context, c chimevoice.Caller, id string, in chimevoice.VoiceConnectorGroupInput) (*chimevoice.VoiceConnectorGroup, error) {
	if in.Distribution != "" {
		if err := in.Validate(); err != nil {
			return nil, err
		}
	}
	var out *chimevoice.VoiceConnectorGroup
	err := s.write(ctx, func(ctx context.Context, tx *Tx) error {
		cur, err := get(ctx, s, tx, groupsTable, c.AccountID, id) // locks the row
		if err != nil {
			return err
		}
		if in.Distribution == "" { // an update without it keeps the group's
			in.Distribution = cur.Distribution
			if err := in.Validate(); err != nil {
				return err
			}
		}
		if err := s.putGroupItems(ctx, tx, c.AccountID, id, in.Items); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE voice_connector_groups SET name = ?, call_distribution_type = ?, updated_at = ? WHERE id = ?`, in.Name, string(in.Distribution), ms(tx.now), id); err != nil {
			return err
		}
		g, err := s.getGroup(ctx, tx, c.AccountID, id)
		out = g
		return err
	})
	return out, err
}

// DeleteVoiceConnectorGroup implements chimevoice.VoiceConnectorService.
func (s *Store) DeleteVoiceConnectorGroup(ctx context.Context, c chimevoice.Caller, id string) error {
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		if err := s.lockRow(ctx, tx, groupsTable.sec.sql, c.AccountID, id, groupsTable.notFound(id)); err != nil {
			return err
		}
		n, err := s.countAssociated(ctx, tx, c.AccountID, chimevoice.AssocVoiceConnectorGroup, id)
		if err != nil {
			return err
		}
		if n > 0 {
			return chimevoice.Errorf(chimevoice.CodeConflict, "The Voice Connector group %s still has %d phone number(s) associated; disassociate them before deleting it.", id, n)
		}
		// "Any VoiceConnectorItems and phone numbers associated with the
		// group must be removed before it can be deleted" (DeleteVoiceConnectorGroup).
		var items int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM voice_connector_group_items WHERE group_id = ?`, id).Scan(&items); err != nil {
			return s.wrap(err, "count voice connector group items")
		}
		if items > 0 {
			return chimevoice.Errorf(chimevoice.CodeConflict, "The Voice Connector group %s still holds %d Voice Connector item(s); remove them (UpdateVoiceConnectorGroup) before deleting it.", id, items)
		}
		_, err = tx.exec(ctx, `DELETE FROM voice_connector_groups WHERE id = ?`, id)
		return err
	})
}

// lockTarget locks the Voice Connector or group numbers are (dis)associated with.
func (s *Store) lockTarget(ctx context.Context, tx *Tx, account string, name chimevoice.AssociationName, id string) error {
	if name == chimevoice.AssocVoiceConnectorGroup {
		return s.lockRow(ctx, tx, groupsTable.sec.sql, account, id, groupsTable.notFound(id))
	}
	return s.lockRow(ctx, tx, vcTable.sec.sql, account, id, vcTable.notFound(id))
}

// batchNumbers locks the valid numbers of a batch and reports the items
// that are malformed or not in the account; fn decides each of the others.
func (s *Store) batchNumbers(ctx context.Context, tx *Tx, account string, ids []chimevoice.BatchID,
	fn func(id chimevoice.BatchID, n *lockedNumber) *chimevoice.PhoneNumberError) ([]chimevoice.PhoneNumberError, error) {
	valid := make([]string, 0, len(ids))
	for _, id := range ids {
		if id.E164 != "" {
			valid = append(valid, id.E164)
		}
	}
	nums, err := s.lockNumbers(ctx, tx, account, valid)
	if err != nil {
		return nil, err
	}
	failed := []chimevoice.PhoneNumberError{}
	for _, id := range ids {
		var e *chimevoice.PhoneNumberError
		switch n := nums[id.E164]; {
		case id.E164 == "":
			e = &chimevoice.PhoneNumberError{Code: chimevoice.CodeBadRequest, Message: "The phone number ID is not a valid E.164 number."}
		case n == nil:
			e = &chimevoice.PhoneNumberError{Code: chimevoice.CodeNotFound, Message: "The phone number was not found."}
		default:
			e = fn(id, n)
		}
		if e != nil {
			e.PhoneNumberID = id.Raw
			failed = append(failed, *e)
		}
	}
	return failed, nil
}

// AssociatePhoneNumbers implements chimevoice.VoiceConnectorService. It
// locks the target, then the numbers: a concurrent delete of either waits
// and then sees the associations, or ran first and is seen here.
func (s *Store) AssociatePhoneNumbers(ctx context.Context, c chimevoice.Caller, r chimevoice.AssociateRequest) ([]chimevoice.PhoneNumberError, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	want := chimevoice.Association{Name: r.Target, Value: r.TargetID}
	var failed []chimevoice.PhoneNumberError
	err := s.write(ctx, func(ctx context.Context, tx *Tx) error {
		if err := s.lockTarget(ctx, tx, c.AccountID, r.Target, r.TargetID); err != nil {
			return err
		}
		var add, moved []string
		var err error
		failed, err = s.batchNumbers(ctx, tx, c.AccountID, r.IDs, func(id chimevoice.BatchID, n *lockedNumber) *chimevoice.PhoneNumberError {
			d := chimevoice.AssociateRefusal(n.status, n.product, n.assocs, want, r.Force)
			switch {
			case d.Code != "":
				return &chimevoice.PhoneNumberError{Code: d.Code, Message: d.Message}
			case d.Done:
				return nil
			}
			if len(d.Replace) > 0 {
				moved = append(moved, id.E164)
			}
			add = append(add, id.E164)
			return nil
		})
		if err != nil {
			return err
		}
		if err := s.removeAssociations(ctx, tx, c.AccountID, moved, chimevoice.AssocVoiceConnector, chimevoice.AssocVoiceConnectorGroup); err != nil {
			return err
		}
		if err := s.addAssociation(ctx, tx, c.AccountID, add, want); err != nil {
			return err
		}
		return s.refreshStatus(ctx, tx, c.AccountID, add)
	})
	if err != nil {
		return nil, err
	}
	return failed, nil
}

// DisassociatePhoneNumbers implements chimevoice.VoiceConnectorService.
func (s *Store) DisassociatePhoneNumbers(ctx context.Context, c chimevoice.Caller, r chimevoice.AssociateRequest) ([]chimevoice.PhoneNumberError, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	want := chimevoice.Association{Name: r.Target, Value: r.TargetID}
	var failed []chimevoice.PhoneNumberError
	err := s.write(ctx, func(ctx context.Context, tx *Tx) error {
		if err := s.lockTarget(ctx, tx, c.AccountID, r.Target, r.TargetID); err != nil {
			return err
		}
		var remove []string
		var err error
		failed, err = s.batchNumbers(ctx, tx, c.AccountID, r.IDs, func(id chimevoice.BatchID, n *lockedNumber) *chimevoice.PhoneNumberError {
			code, msg, ok := chimevoice.DisassociateRefusal(n.assocs, want)
			if code != "" {
				return &chimevoice.PhoneNumberError{Code: code, Message: msg}
			}
			if ok {
				remove = append(remove, id.E164)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if err := s.removeAssociations(ctx, tx, c.AccountID, remove, r.Target); err != nil {
			return err
		}
		return s.refreshStatus(ctx, tx, c.AccountID, remove)
	})
	if err != nil {
		return nil, err
	}
	return failed, nil
}
