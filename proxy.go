package chimevoice

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Proxy sessions (deprecated by AWS on 2026-04-07, still served): two
// participants talk through proxy phone numbers of the account, so neither
// sees the other's number.

// ProxySessionStatus is the status of a proxy session.
type ProxySessionStatus string

// Proxy session statuses. chimevoice produces Open and Closed (InProgress
// is a live call).
const (
	ProxyOpen       ProxySessionStatus = "Open"
	ProxyInProgress ProxySessionStatus = "InProgress"
	ProxyClosed     ProxySessionStatus = "Closed"
)

// Proxy is a Voice Connector's proxy configuration (PutVoiceConnectorProxy).
type Proxy struct {
	DefaultSessionExpiryMinutes int
	PhoneNumberCountries        []string
	FallBackPhoneNumber         string
	Disabled                    bool
}

// Validate checks a proxy configuration: a positive default expiry, known
// country codes, and a fallback number in E.164 form.
func (p Proxy) Validate() error {
	if p.DefaultSessionExpiryMinutes < 1 {
		return FieldErrorf("DefaultSessionExpiryMinutes", "%d is not a positive number of minutes.", p.DefaultSessionExpiryMinutes)
	}
	for i, c := range p.PhoneNumberCountries {
		if len(c) != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' {
			return FieldErrorf(fmt.Sprintf("PhoneNumberPoolCountries[%d]", i), "%q is not an ISO 3166-1 alpha-2 country code.", c)
		}
	}
	if p.FallBackPhoneNumber != "" {
		if _, ok := ParseID(p.FallBackPhoneNumber); !ok {
			return FieldErrorf("FallBackPhoneNumber", "%q is not an E.164 phone number.", p.FallBackPhoneNumber)
		}
	}
	return nil
}

// ProxyParticipant is one party of a session and the proxy number it
// calls and texts through.
type ProxyParticipant struct {
	PhoneNumber      string
	ProxyPhoneNumber string
}

// ProxySession is a proxy session of a Voice Connector.
type ProxySession struct {
	ID                      string
	AccountID               string
	VoiceConnectorID        string
	Name                    string
	Status                  ProxySessionStatus
	ExpiryMinutes           int // 0: never expires
	Capabilities            []string
	NumberSelectionBehavior string
	GeoMatchLevel           string
	GeoMatchCountry         string
	GeoMatchAreaCode        string
	Participants            []ProxyParticipant
	CreatedAt               time.Time
	UpdatedAt               time.Time
	EndedAt                 time.Time // zero unless Closed
	ExpiresAt               time.Time // when an Open session closes (zero: never)
}

// SetExpiry sets the expiry in minutes, counted from the creation (0: never).
func (p *ProxySession) SetExpiry(minutes int) {
	p.ExpiryMinutes, p.ExpiresAt = minutes, time.Time{}
	if minutes > 0 {
		p.ExpiresAt = p.CreatedAt.Add(time.Duration(minutes) * time.Minute)
	}
}

// CreateProxySessionRequest is a CreateProxySession request.
type CreateProxySessionRequest struct {
	VoiceConnectorID        string
	Participants            []string // two E.164 numbers
	Name                    string
	ExpiryMinutes           int // 0: the Voice Connector's default
	Capabilities            []string
	NumberSelectionBehavior string
	GeoMatchLevel           string
	GeoMatchCountry         string
	GeoMatchAreaCode        string
}

// Validate checks what the model cannot: two distinct E.164 participants
// (normalized in place), at least one capability, each once, and geo
// matching parameters that fit the level.
func (r *CreateProxySessionRequest) Validate() error {
	for i, p := range r.Participants {
		e, ok := ParseID(p)
		if !ok {
			return FieldErrorf(fmt.Sprintf("ParticipantPhoneNumbers[%d]", i), "%q is not an E.164 phone number.", p)
		}
		r.Participants[i] = e
	}
	if len(r.Participants) == 2 && r.Participants[0] == r.Participants[1] {
		return FieldErrorf("ParticipantPhoneNumbers", "the two participants are the same number %s.", r.Participants[0])
	}
	if err := CheckCapabilities(r.Capabilities); err != nil {
		return err
	}
	switch r.GeoMatchLevel {
	case "":
		if r.GeoMatchCountry != "" || r.GeoMatchAreaCode != "" {
			return FieldErrorf("GeoMatchParams", "given without GeoMatchLevel.")
		}
	case "Country":
		if r.GeoMatchCountry == "" {
			return FieldErrorf("GeoMatchParams.Country", "required when GeoMatchLevel is Country.")
		}
	case "AreaCode":
		if r.GeoMatchCountry != "US" || r.GeoMatchAreaCode == "" {
			return FieldErrorf("GeoMatchParams", "GeoMatchLevel AreaCode takes Country US and a three-digit AreaCode.")
		}
	}
	return nil
}

// CheckCapabilities checks a session's capability list: Voice or SMS, at
// least one, each once.
func CheckCapabilities(caps []string) error {
	if len(caps) == 0 {
		return FieldErrorf("Capabilities", "at least one of Voice and SMS is required.")
	}
	for i, c := range caps {
		if slices.Contains(caps[:i], c) {
			return FieldErrorf(fmt.Sprintf("Capabilities[%d]", i), "%s is given twice.", c)
		}
	}
	return nil
}

// ProxySessionFilter selects sessions for ListProxySessions.
type ProxySessionFilter struct {
	Status ProxySessionStatus // "" for all
	Page   Page
}

// ProxyService serves Voice Connector proxy configurations and sessions.
// Sessions of another account's Voice Connector are NotFound.
type ProxyService interface {
	PutVoiceConnectorProxy(ctx context.Context, c Caller, vcID string, p Proxy) (*Proxy, error)
	// GetVoiceConnectorProxy returns nil when the Voice Connector has none.
	GetVoiceConnectorProxy(ctx context.Context, c Caller, vcID string) (*Proxy, error)
	DeleteVoiceConnectorProxy(ctx context.Context, c Caller, vcID string) error

	// CreateProxySession opens a session, choosing for each participant a
	// proxy number among the account's VoiceConnector numbers associated
	// with the Voice Connector (see docs/controlplane.md for the rules).
	CreateProxySession(ctx context.Context, c Caller, r CreateProxySessionRequest) (*ProxySession, error)
	GetProxySession(ctx context.Context, c Caller, vcID, id string) (*ProxySession, error)
	ListProxySessions(ctx context.Context, c Caller, vcID string, f ProxySessionFilter) ([]*ProxySession, string, error)
	// UpdateProxySession replaces the capabilities and, when expiry > 0,
	// the expiry (counted from the session's creation). Closed sessions
	// cannot be updated.
	UpdateProxySession(ctx context.Context, c Caller, vcID, id string, caps []string, expiry int) (*ProxySession, error)
	DeleteProxySession(ctx context.Context, c Caller, vcID, id string) error
}
