package sqlstore

import (
	"context"
	"sort"
	"time"

	"github.com/google/uuid"

	"github.com/chimevoice/chimevoice"
)

const vcCols = `id, account_id, aws_region, name, outbound_host_name, require_encryption, integration_type, network_type, arn, created_at, updated_at`

func scanVC(sc scanner) (*chimevoice.VoiceConnector, error) {
	var v chimevoice.VoiceConnector
	var created, updated int64
	if err := sc.Scan(&v.ID, &v.AccountID, &v.AwsRegion, &v.Name, &v.OutboundHostName, &v.RequireEncryption, &v.IntegrationType, &v.NetworkType, &v.ARN, &created, &updated); err != nil {
		return nil, err
	}
	v.CreatedAt, v.UpdatedAt = fromMS(created), fromMS(updated)
	return &v, nil
}

func vcKey(v *chimevoice.VoiceConnector) (time.Time, string) { return v.CreatedAt, v.ID }

func vcNotFound(id string) error {
	return chimevoice.Errorf(chimevoice.CodeNotFound, "The Voice Connector %s was not found.", id)
}

func groupNotFound(id string) error {
	return chimevoice.Errorf(chimevoice.CodeNotFound, "The Voice Connector group %s was not found.", id)
}

// CreateVoiceConnector implements chimevoice.VoiceConnectorService.
func (s *Store) CreateVoiceConnector(ctx context.Context, c chimevoice.Caller, in chimevoice.VoiceConnectorInput) (*chimevoice.VoiceConnector, error) {
	if err := chimevoice.CheckTags("Tags", in.Tags); err != nil {
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
	err := s.write(ctx, func(ctx context.Context, tx *Tx) error {
		v.CreatedAt, v.UpdatedAt = tx.now, tx.now
		if _, err := tx.exec(ctx, `INSERT INTO voice_connectors (`+vcCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			v.ID, v.AccountID, v.AwsRegion, v.Name, v.OutboundHostName, v.RequireEncryption, v.IntegrationType, v.NetworkType, v.ARN, ms(tx.now), ms(tx.now)); err != nil {
			return err
		}
		return s.putTags(ctx, tx, c.AccountID, v.ARN, in.Tags)
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

func (s *Store) getVC(ctx context.Context, q querier, account, id string) (*chimevoice.VoiceConnector, error) {
	v, err := scanVC(q.queryRow(ctx, `SELECT `+vcCols+` FROM voice_connectors WHERE id = ? AND account_id = ?`, id, account))
	if isNoRows(err) {
		return nil, vcNotFound(id)
	}
	return v, s.wrap(err, "get voice connector")
}

// GetVoiceConnector implements chimevoice.VoiceConnectorService.
func (s *Store) GetVoiceConnector(ctx context.Context, c chimevoice.Caller, id string) (*chimevoice.VoiceConnector, error) {
	return s.getVC(ctx, reader{s}, c.AccountID, id)
}

// ListVoiceConnectors implements chimevoice.VoiceConnectorService.
func (s *Store) ListVoiceConnectors(ctx context.Context, c chimevoice.Caller, p chimevoice.Page) ([]*chimevoice.VoiceConnector, string, error) {
	return listPage(ctx, s, "vc1", p, `SELECT `+vcCols+` FROM voice_connectors WHERE account_id = ?`, []any{c.AccountID}, scanVC, vcKey)
}

// UpdateVoiceConnector implements chimevoice.VoiceConnectorService.
func (s *Store) UpdateVoiceConnector(ctx context.Context, c chimevoice.Caller, id string, in chimevoice.VoiceConnectorInput) (*chimevoice.VoiceConnector, error) {
	var out *chimevoice.VoiceConnector
	err := s.write(ctx, func(ctx context.Context, tx *Tx) error {
		if err := s.lockRow(ctx, tx, "voice_connectors", c.AccountID, id, vcNotFound(id)); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE voice_connectors SET name = ?, require_encryption = ?, updated_at = ? WHERE id = ?`, in.Name, in.RequireEncryption, ms(tx.now), id); err != nil {
			return err
		}
		v, err := s.getVC(ctx, tx, c.AccountID, id)
		out = v
		return err
	})
	return out, err
}

// DeleteVoiceConnector implements chimevoice.VoiceConnectorService. The
// Voice Connector's row is locked first: an associate of numbers with it
// either committed before (and is seen here) or waits and then finds it gone.
func (s *Store) DeleteVoiceConnector(ctx context.Context, c chimevoice.Caller, id string) error {
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		v, err := s.getVCLocked(ctx, tx, c.AccountID, id)
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

// getVCLocked reads a Voice Connector of the account, locking its row.
func (s *Store) getVCLocked(ctx context.Context, tx *Tx, account, id string) (*chimevoice.VoiceConnector, error) {
	v, err := scanVC(tx.queryRow(ctx, `SELECT `+vcCols+` FROM voice_connectors WHERE id = ? AND account_id = ?`+s.d.ForUpdate, id, account))
	if isNoRows(err) {
		return nil, vcNotFound(id)
	}
	return v, s.wrap(err, "get voice connector")
}

const groupCols = `id, account_id, name, arn, created_at, updated_at, call_distribution_type`

func scanGroup(sc scanner) (*chimevoice.VoiceConnectorGroup, error) {
	var g chimevoice.VoiceConnectorGroup
	var created, updated int64
	var dist string
	if err := sc.Scan(&g.ID, &g.AccountID, &g.Name, &g.ARN, &created, &updated, &dist); err != nil {
		return nil, err
	}
	g.CreatedAt, g.UpdatedAt = fromMS(created), fromMS(updated)
	g.Distribution = chimevoice.CallDistributionType(dist)
	if g.Distribution == "" {
		g.Distribution = chimevoice.DistributionPriorityWeighted
	}
	g.Items = []chimevoice.VoiceConnectorItem{}
	return &g, nil
}

// groupItems fills the items of the groups.
func (s *Store) groupItems(ctx context.Context, q querier, groups []*chimevoice.VoiceConnectorGroup) error {
	if len(groups) == 0 {
		return nil
	}
	ids := make([]string, len(groups))
	byID := make(map[string]*chimevoice.VoiceConnectorGroup, len(groups))
	for i, g := range groups {
		ids[i], byID[g.ID] = g.ID, g
	}
	type item struct {
		group string
		it    chimevoice.VoiceConnectorItem
	}
	items, err := collect(ctx, s, q, "voice connector group items", func(sc scanner) (item, error) {
		var i item
		return i, sc.Scan(&i.group, &i.it.VoiceConnectorID, &i.it.Priority)
	}, `SELECT group_id, voice_connector_id, priority FROM voice_connector_group_items WHERE `+s.d.InList("group_id")+` ORDER BY group_id, position`, s.d.ListArg(ids))
	for _, i := range items {
		g := byID[i.group]
		g.Items = append(g.Items, i.it)
	}
	return err
}

func (s *Store) getGroup(ctx context.Context, q querier, account, id string) (*chimevoice.VoiceConnectorGroup, error) {
	g, err := scanGroup(q.queryRow(ctx, `SELECT `+groupCols+` FROM voice_connector_groups WHERE id = ? AND account_id = ?`, id, account))
	if isNoRows(err) {
		return nil, groupNotFound(id)
	}
	if err != nil {
		return nil, s.wrap(err, "get voice connector group")
	}
	return g, s.groupItems(ctx, q, []*chimevoice.VoiceConnectorGroup{g})
}

// putGroupItems replaces a group's items after checking them and locking
// each Voice Connector (in ID order), so that none is deleted while the
// group is changed to hold it.
func (s *Store) putGroupItems(ctx context.Context, tx *Tx, account, group string, dist chimevoice.CallDistributionType, items []chimevoice.VoiceConnectorItem) error {
	if err := chimevoice.CheckGroupItems(items, dist); err != nil {
		return err
	}
	order := make([]int, len(items))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return items[order[a]].VoiceConnectorID < items[order[b]].VoiceConnectorID })
	for _, i := range order {
		id := items[i].VoiceConnectorID
		if err := s.lockRow(ctx, tx, "voice_connectors", account, id, chimevoice.Errorf(chimevoice.CodeBadRequest, "VoiceConnectorItems[%d].VoiceConnectorId: the Voice Connector %s was not found.", i, id)); err != nil {
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
func (s *Store) CreateVoiceConnectorGroup(ctx context.Context, c chimevoice.Caller, name string, dist chimevoice.CallDistributionType, items []chimevoice.VoiceConnectorItem) (*chimevoice.VoiceConnectorGroup, error) {
	id := uuid.NewString()
	if dist == "" {
		dist = chimevoice.DistributionPriorityWeighted
	}
	g := &chimevoice.VoiceConnectorGroup{ID: id, AccountID: c.AccountID, Name: name, ARN: chimevoice.ARN(region(c), c.AccountID, chimevoice.KindVoiceConnectorGroup, id), Items: items, Distribution: dist}
	if g.Items == nil {
		g.Items = []chimevoice.VoiceConnectorItem{}
	}
	err := s.write(ctx, func(ctx context.Context, tx *Tx) error {
		g.CreatedAt, g.UpdatedAt = tx.now, tx.now
		if _, err := tx.exec(ctx, `INSERT INTO voice_connector_groups (`+groupCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)`, g.ID, g.AccountID, g.Name, g.ARN, ms(tx.now), ms(tx.now), string(dist)); err != nil {
			return err
		}
		return s.putGroupItems(ctx, tx, c.AccountID, id, dist, items)
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

// GetVoiceConnectorGroup implements chimevoice.VoiceConnectorService.
func (s *Store) GetVoiceConnectorGroup(ctx context.Context, c chimevoice.Caller, id string) (*chimevoice.VoiceConnectorGroup, error) {
	return s.getGroup(ctx, reader{s}, c.AccountID, id)
}

// ListVoiceConnectorGroups implements chimevoice.VoiceConnectorService.
func (s *Store) ListVoiceConnectorGroups(ctx context.Context, c chimevoice.Caller, p chimevoice.Page) ([]*chimevoice.VoiceConnectorGroup, string, error) {
	gs, next, err := listPage(ctx, s, "vcg1", p, `SELECT `+groupCols+` FROM voice_connector_groups WHERE account_id = ?`, []any{c.AccountID}, scanGroup,
		func(g *chimevoice.VoiceConnectorGroup) (time.Time, string) { return g.CreatedAt, g.ID })
	if err != nil {
		return nil, "", err
	}
	return gs, next, s.groupItems(ctx, reader{s}, gs)
}

// UpdateVoiceConnectorGroup implements chimevoice.VoiceConnectorService.
func (s *Store) UpdateVoiceConnectorGroup(ctx context.Context, c chimevoice.Caller, id, name string, dist chimevoice.CallDistributionType, items []chimevoice.VoiceConnectorItem) (*chimevoice.VoiceConnectorGroup, error) {
	var out *chimevoice.VoiceConnectorGroup
	err := s.write(ctx, func(ctx context.Context, tx *Tx) error {
		if err := s.lockRow(ctx, tx, "voice_connector_groups", c.AccountID, id, groupNotFound(id)); err != nil {
			return err
		}
		if dist == "" {
			cur, err := s.getGroup(ctx, tx, c.AccountID, id)
			if err != nil {
				return err
			}
			dist = cur.Distribution
		}
		if err := s.putGroupItems(ctx, tx, c.AccountID, id, dist, items); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE voice_connector_groups SET name = ?, call_distribution_type = ?, updated_at = ? WHERE id = ?`, name, string(dist), ms(tx.now), id); err != nil {
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
		if err := s.lockRow(ctx, tx, "voice_connector_groups", c.AccountID, id, groupNotFound(id)); err != nil {
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
		return s.lockRow(ctx, tx, "voice_connector_groups", account, id, groupNotFound(id))
	}
	return s.lockRow(ctx, tx, "voice_connectors", account, id, vcNotFound(id))
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
