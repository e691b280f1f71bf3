package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/chimevoice/chimevoice"
)

// proxyDoc is where a Voice Connector's proxy configuration is kept: a
// resource_settings document, as the other Voice Connector settings.
const proxyDoc = "VoiceConnectorProxy"

// proxyJSON is the stored document (the output shape Proxy).
type proxyJSON struct {
	DefaultSessionExpiryMinutes int
	Disabled                    bool
	FallBackPhoneNumber         string   `json:",omitempty"`
	PhoneNumberCountries        []string `json:",omitempty"`
}

func decodeProxy(body []byte) (*chimevoice.Proxy, error) {
	if body == nil {
		return nil, nil
	}
	var p proxyJSON
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, fmt.Errorf("decode proxy configuration: %w", err)
	}
	return &chimevoice.Proxy{DefaultSessionExpiryMinutes: p.DefaultSessionExpiryMinutes, Disabled: p.Disabled,
		FallBackPhoneNumber: p.FallBackPhoneNumber, PhoneNumberCountries: p.PhoneNumberCountries}, nil
}

// PutVoiceConnectorProxy implements chimevoice.ProxyService.
func (s *Store) PutVoiceConnectorProxy(ctx context.Context, c chimevoice.Caller, vcID string, p chimevoice.Proxy) (*chimevoice.Proxy, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	body, err := json.Marshal(proxyJSON{DefaultSessionExpiryMinutes: p.DefaultSessionExpiryMinutes, Disabled: p.Disabled,
		FallBackPhoneNumber: p.FallBackPhoneNumber, PhoneNumberCountries: p.PhoneNumberCountries})
	if err != nil {
		return nil, fmt.Errorf("encode proxy configuration: %w", err)
	}
	if _, err := s.UpdateSettings(ctx, c, chimevoice.KindVoiceConnector, vcID, proxyDoc, func([]byte) ([]byte, error) { return body, nil }); err != nil {
		return nil, err
	}
	return &p, nil
}

// GetVoiceConnectorProxy implements chimevoice.ProxyService.
func (s *Store) GetVoiceConnectorProxy(ctx context.Context, c chimevoice.Caller, vcID string) (*chimevoice.Proxy, error) {
	body, err := s.GetSettings(ctx, c, chimevoice.KindVoiceConnector, vcID, proxyDoc)
	if err != nil {
		return nil, err
	}
	return decodeProxy(body)
}

// DeleteVoiceConnectorProxy implements chimevoice.ProxyService.
func (s *Store) DeleteVoiceConnectorProxy(ctx context.Context, c chimevoice.Caller, vcID string) error {
	_, err := s.UpdateSettings(ctx, c, chimevoice.KindVoiceConnector, vcID, proxyDoc, func([]byte) ([]byte, error) { return nil, nil })
	return err
}

var proxySessionsTable = newTable("ProxySessions", "proxy session", fieldMap[chimevoice.ProxySession]{
	"Id": func(p *chimevoice.ProxySession) any { return &p.ID }, "AccountId": func(p *chimevoice.ProxySession) any { return &p.AccountID },
	"VoiceConnectorId": func(p *chimevoice.ProxySession) any { return &p.VoiceConnectorID }, "Name": func(p *chimevoice.ProxySession) any { return &p.Name },
	"Status": func(p *chimevoice.ProxySession) any { return &p.Status }, "ExpiryMinutes": func(p *chimevoice.ProxySession) any { return &p.ExpiryMinutes },
	"Capabilities":            func(p *chimevoice.ProxySession) any { return (*capabilityList)(&p.Capabilities) },
	"NumberSelectionBehavior": func(p *chimevoice.ProxySession) any { return &p.NumberSelectionBehavior },
	"GeoMatchLevel":           func(p *chimevoice.ProxySession) any { return &p.GeoMatchLevel },
	"GeoMatchCountry":         func(p *chimevoice.ProxySession) any { return &p.GeoMatchCountry },
	"GeoMatchAreaCode":        func(p *chimevoice.ProxySession) any { return &p.GeoMatchAreaCode },
	"CreatedAt":               func(p *chimevoice.ProxySession) any { return &p.CreatedAt }, "UpdatedAt": func(p *chimevoice.ProxySession) any { return &p.UpdatedAt },
	"EndedAt": func(p *chimevoice.ProxySession) any { return &p.EndedAt }, "ExpiresAt": func(p *chimevoice.ProxySession) any { return &p.ExpiresAt },
}, func(p *chimevoice.ProxySession) { p.Participants = []chimevoice.ProxyParticipant{} })

// capabilityList keeps a session's capabilities in one column, comma-separated.
type capabilityList []string

// Scan implements sql.Scanner.
func (c *capabilityList) Scan(src any) error {
	var s sql.NullString
	if err := s.Scan(src); err != nil {
		return err
	}
	*c = strings.Split(s.String, ",")
	return nil
}

// Value implements driver.Valuer.
func (c *capabilityList) Value() (driver.Value, error) { return strings.Join(*c, ","), nil }

// settle reports an Open session past its expiry as the due-work pass will
// leave it: Closed at its expiry.
func settle(p *chimevoice.ProxySession, now time.Time) {
	if exp := p.ExpiresAt; p.Status == chimevoice.ProxyOpen && !exp.IsZero() && !exp.After(now) {
		p.Status, p.EndedAt, p.UpdatedAt = chimevoice.ProxyClosed, exp, exp
	}
}

// loadParticipants fills in the participants of sessions.
func (s *Store) loadParticipants(ctx context.Context, q querier, ps []*chimevoice.ProxySession) error {
	return fill(ctx, s, q, "proxy participants", ps, func(p *chimevoice.ProxySession) string { return p.ID },
		`SELECT session_id, phone_number, proxy_phone_number FROM proxy_session_participants WHERE %s ORDER BY session_id, position`, "session_id", nil,
		func(pp *chimevoice.ProxyParticipant) []any { return []any{&pp.PhoneNumber, &pp.ProxyPhoneNumber} },
		func(p *chimevoice.ProxySession, pp chimevoice.ProxyParticipant) {
			p.Participants = append(p.Participants, pp)
		})
}

// getProxySession reads a session of the account's Voice Connector vcID,
// as it is at now; inside a write transaction its row is locked.
func (s *Store) getProxySession(ctx context.Context, q querier, account, vcID, id string, now time.Time) (*chimevoice.ProxySession, error) {
	p, err := get(ctx, s, q, proxySessionsTable, account, id)
	if err == nil && p.VoiceConnectorID != vcID {
		err = proxySessionsTable.notFound(id)
	}
	if err != nil {
		return nil, err
	}
	settle(p, now)
	return p, s.loadParticipants(ctx, q, []*chimevoice.ProxySession{p})
}

// proxyCandidate is a number of the Voice Connector's proxy pool.
type proxyCandidate struct{ e164, country string }

// pickProxyNumber chooses the proxy number of a participant: a number of
// the pool that fits the capabilities and the geo match, that the
// participant does not already use in another Open session, honouring
// the stickiness preference.
func pickProxyNumber(pool []proxyCandidate, r *chimevoice.CreateProxySessionRequest, busy map[string]bool, last string) (string, bool) {
	var fit []string
	for _, n := range pool {
		if busy[n.e164] {
			continue
		}
		if slices.Contains(r.Capabilities, "SMS") && n.country != "US" {
			continue // only US numbers take messages
		}
		switch r.GeoMatchLevel {
		case "Country":
			if n.country != r.GeoMatchCountry {
				continue
			}
		case "AreaCode":
			if n.country != "US" || !strings.HasPrefix(n.e164, "+1"+r.GeoMatchAreaCode) {
				continue
			}
		}
		fit = append(fit, n.e164)
	}
	if len(fit) == 0 {
		return "", false
	}
	switch {
	case last != "" && r.NumberSelectionBehavior == "PreferSticky" && slices.Contains(fit, last):
		return last, true
	case last != "" && r.NumberSelectionBehavior == "AvoidSticky" && len(fit) > 1 && fit[0] == last:
		return fit[1], true
	}
	return fit[0], true
}

// CreateProxySession implements chimevoice.ProxyService.
func (s *Store) CreateProxySession(ctx context.Context, c chimevoice.Caller, r chimevoice.CreateProxySessionRequest) (*chimevoice.ProxySession, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	var out *chimevoice.ProxySession
	err := s.write(ctx, func(ctx context.Context, tx *Tx) error {
		if err := s.lockRow(ctx, tx, "voice_connectors", c.AccountID, r.VoiceConnectorID, vcTable.notFound(r.VoiceConnectorID)); err != nil {
			return err
		}
		body, err := s.settings(ctx, tx, r.VoiceConnectorID, proxyDoc)
		if err != nil {
			return err
		}
		cfg, err := decodeProxy(body)
		if err != nil {
			return err
		}
		if cfg == nil {
			return chimevoice.FieldErrorf("VoiceConnectorId", "the Voice Connector %s has no proxy configuration (PutVoiceConnectorProxy).", r.VoiceConnectorID)
		}
		if cfg.Disabled {
			return chimevoice.FieldErrorf("VoiceConnectorId", "proxy sessions are disabled on the Voice Connector %s.", r.VoiceConnectorID)
		}
		if r.ExpiryMinutes == 0 {
			r.ExpiryMinutes = cfg.DefaultSessionExpiryMinutes
		}
		pool, err := collect(ctx, s, tx, "proxy pool", func(sc scanner) (proxyCandidate, error) {
			var pc proxyCandidate
			return pc, sc.Scan(&pc.e164, &pc.country)
		}, `SELECT n.e164, n.country FROM phone_numbers n JOIN phone_number_associations a ON a.e164 = n.e164
			WHERE a.account_id = ? AND a.name = ? AND a.value = ? AND n.product_type = ? AND n.status = ? ORDER BY n.e164`,
			c.AccountID, string(chimevoice.AssocVoiceConnector), r.VoiceConnectorID, string(chimevoice.ProductVoiceConnector), string(chimevoice.StatusAssigned))
		if err != nil {
			return err
		}
		if len(cfg.PhoneNumberCountries) > 0 {
			pool = slices.DeleteFunc(pool, func(pc proxyCandidate) bool { return !slices.Contains(cfg.PhoneNumberCountries, pc.country) })
		}
		p := &chimevoice.ProxySession{ID: uuid.NewString(), AccountID: c.AccountID, VoiceConnectorID: r.VoiceConnectorID, Name: r.Name,
			Status: chimevoice.ProxyOpen, Capabilities: r.Capabilities, NumberSelectionBehavior: r.NumberSelectionBehavior,
			GeoMatchLevel: r.GeoMatchLevel, GeoMatchCountry: r.GeoMatchCountry, GeoMatchAreaCode: r.GeoMatchAreaCode, CreatedAt: tx.now, UpdatedAt: tx.now}
		p.SetExpiry(r.ExpiryMinutes)
		for i, part := range r.Participants {
			if slices.ContainsFunc(pool, func(pc proxyCandidate) bool { return pc.e164 == part }) {
				return chimevoice.FieldErrorf(fmt.Sprintf("ParticipantPhoneNumbers[%d]", i), "%s is a proxy phone number of the Voice Connector, not a participant.", part)
			}
			busy := map[string]bool{}
			used, err := collect(ctx, s, tx, "busy proxy numbers", func(sc scanner) (string, error) {
				var e string
				return e, sc.Scan(&e)
			}, `SELECT pp.proxy_phone_number FROM proxy_session_participants pp JOIN proxy_sessions ps ON ps.id = pp.session_id
				WHERE ps.voice_connector_id = ? AND ps.status = ? AND (ps.expires_at IS NULL OR ps.expires_at > ?) AND pp.phone_number = ?`,
				r.VoiceConnectorID, string(chimevoice.ProxyOpen), ms(tx.now), part)
			if err != nil {
				return err
			}
			for _, u := range used {
				busy[u] = true
			}
			var last string
			err = tx.queryRow(ctx, `SELECT pp.proxy_phone_number FROM proxy_session_participants pp JOIN proxy_sessions ps ON ps.id = pp.session_id
				JOIN proxy_session_participants other ON other.session_id = ps.id AND other.position <> pp.position
				WHERE ps.voice_connector_id = ? AND pp.phone_number = ? AND other.phone_number = ? ORDER BY ps.created_at DESC, ps.id DESC LIMIT 1`,
				r.VoiceConnectorID, part, r.Participants[1-i]).Scan(&last)
			if err != nil && !isNoRows(err) {
				return s.wrap(err, "last proxy number")
			}
			proxyNumber, ok := pickProxyNumber(pool, &r, busy, last)
			if !ok {
				return chimevoice.FieldErrorf(fmt.Sprintf("ParticipantPhoneNumbers[%d]", i), "no proxy phone number is available for %s: associate more VoiceConnector numbers (of the proxy's countries%s) with the Voice Connector %s.",
					part, geoNote(&r), r.VoiceConnectorID)
			}
			p.Participants = append(p.Participants, chimevoice.ProxyParticipant{PhoneNumber: part, ProxyPhoneNumber: proxyNumber})
		}
		if err := proxySessionsTable.insert(ctx, tx, p); err != nil {
			return err
		}
		for i, pp := range p.Participants {
			if _, err := tx.exec(ctx, `INSERT INTO proxy_session_participants (session_id, position, phone_number, proxy_phone_number) VALUES (?, ?, ?, ?)`,
				p.ID, i, pp.PhoneNumber, pp.ProxyPhoneNumber); err != nil {
				return err
			}
		}
		out = p
		return nil
	})
	return out, err
}

func geoNote(r *chimevoice.CreateProxySessionRequest) string {
	switch r.GeoMatchLevel {
	case "Country":
		return ", in " + r.GeoMatchCountry
	case "AreaCode":
		return ", in area code " + r.GeoMatchAreaCode
	}
	if slices.Contains(r.Capabilities, "SMS") {
		return ", US for SMS"
	}
	return ""
}

// GetProxySession implements chimevoice.ProxyService.
func (s *Store) GetProxySession(ctx context.Context, c chimevoice.Caller, vcID, id string) (*chimevoice.ProxySession, error) {
	now, err := s.currentNow(ctx)
	if err != nil {
		return nil, err
	}
	return s.getProxySession(ctx, reader{s}, c.AccountID, vcID, id, now)
}

// ListProxySessions implements chimevoice.ProxyService. An Open session
// past its expiry is listed as Closed, before the due-work pass closes it.
func (s *Store) ListProxySessions(ctx context.Context, c chimevoice.Caller, vcID string, f chimevoice.ProxySessionFilter) ([]*chimevoice.ProxySession, string, error) {
	r := reader{s}
	found, err := s.exists(ctx, r, "voice connector", `SELECT 1 FROM voice_connectors WHERE id = ? AND account_id = ?`, vcID, c.AccountID)
	if err != nil {
		return nil, "", err
	}
	if !found {
		return nil, "", vcTable.notFound(vcID)
	}
	now, err := s.currentNow(ctx)
	if err != nil {
		return nil, "", err
	}
	where := ` AND voice_connector_id = ?`
	args := []any{vcID}
	switch f.Status {
	case chimevoice.ProxyOpen:
		where += ` AND status = 'Open' AND (expires_at IS NULL OR expires_at > ?)`
		args = append(args, ms(now))
	case chimevoice.ProxyClosed:
		where += ` AND (status = 'Closed' OR (status = 'Open' AND expires_at <= ?))`
		args = append(args, ms(now))
	case chimevoice.ProxyInProgress:
		where += ` AND status = 'InProgress'`
	}
	ps, next, err := list(ctx, s, proxySessionsTable, "ps1", f.Page, c.AccountID, where, args,
		func(p *chimevoice.ProxySession) (time.Time, string) { return p.CreatedAt, p.ID })
	if err != nil {
		return nil, "", err
	}
	for _, p := range ps {
		settle(p, now)
	}
	return ps, next, s.loadParticipants(ctx, r, ps)
}

// UpdateProxySession implements chimevoice.ProxyService.
func (s *Store) UpdateProxySession(ctx context.Context, c chimevoice.Caller, vcID, id string, caps []string, expiry int) (*chimevoice.ProxySession, error) {
	if err := chimevoice.CheckCapabilities(caps); err != nil {
		return nil, err
	}
	var out *chimevoice.ProxySession
	err := s.write(ctx, func(ctx context.Context, tx *Tx) error {
		p, err := s.getProxySession(ctx, tx, c.AccountID, vcID, id, tx.now) // locks the row
		if err != nil {
			return err
		}
		if p.Status == chimevoice.ProxyClosed {
			return chimevoice.FieldErrorf("ProxySessionId", "the proxy session %s is Closed (since %s); a closed session cannot be updated.", id, p.EndedAt.Format(time.RFC3339))
		}
		p.Capabilities = caps
		if expiry > 0 {
			p.SetExpiry(expiry)
		}
		p.UpdatedAt = tx.now
		expires := &msTime{t: &p.ExpiresAt, null: true}
		if _, err := tx.exec(ctx, `UPDATE proxy_sessions SET capabilities = ?, expiry_minutes = ?, expires_at = ?, updated_at = ? WHERE id = ?`,
			strings.Join(caps, ","), p.ExpiryMinutes, expires, ms(tx.now), id); err != nil {
			return err
		}
		settle(p, tx.now) // a shorter expiry may end it at once
		if p.Status == chimevoice.ProxyClosed {
			if _, err := tx.exec(ctx, `UPDATE proxy_sessions SET status = 'Closed', ended_at = ?, updated_at = ? WHERE id = ?`, ms(p.EndedAt), ms(tx.now), id); err != nil {
				return err
			}
			p.UpdatedAt = tx.now
		}
		out = p
		return nil
	})
	return out, err
}

// DeleteProxySession implements chimevoice.ProxyService.
func (s *Store) DeleteProxySession(ctx context.Context, c chimevoice.Caller, vcID, id string) error {
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.exec(ctx, `DELETE FROM proxy_sessions WHERE id = ? AND account_id = ? AND voice_connector_id = ?`, id, c.AccountID, vcID)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return s.wrap(err, "rows affected")
		}
		if n == 0 {
			return proxySessionsTable.notFound(id)
		}
		return nil
	})
}

// closeProxySessions closes the Open sessions whose expiry has come (on
// the service clock): the due-work pass runs it.
func (s *Store) closeProxySessions(ctx context.Context) (int, error) {
	var n int64
	err := s.write(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE proxy_sessions SET status = 'Closed', ended_at = expires_at, updated_at = expires_at WHERE status = 'Open' AND expires_at <= ?`, ms(tx.now))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return s.wrap(err, "rows affected")
	})
	return int(n), err
}
