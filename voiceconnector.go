package chimevoice

import (
	"context"
	"time"
)

// VoiceConnectorRegions are the regions a Voice Connector can be created in
// (the models' VoiceConnectorAwsRegion enum), as
// ListAvailableVoiceConnectorRegions lists them.
var VoiceConnectorRegions = []string{
	"us-east-1", "us-west-2", "ca-central-1", "eu-central-1", "eu-west-1",
	"eu-west-2", "ap-northeast-2", "ap-northeast-1", "ap-southeast-1", "ap-southeast-2",
}

// DefaultVoiceConnectorRegion is the AwsRegion of a Voice Connector created
// without one: the region the caller signed for when Voice Connectors exist
// there, else us-east-1 (the service's default).
func DefaultVoiceConnectorRegion(callerRegion string) string {
	for _, r := range VoiceConnectorRegions {
		if r == callerRegion {
			return r
		}
	}
	return "us-east-1"
}

// MaxGroupItems is the most Voice Connectors one group may hold.
const MaxGroupItems = 3

// MaxTags is the most tags one resource may carry.
const MaxTags = 50

// VoiceConnector is a SIP trunk that numbers of ProductType VoiceConnector
// are associated with.
type VoiceConnector struct {
	ID                string // 22 lowercase letters and digits
	AccountID         string
	AwsRegion         string
	Name              string
	OutboundHostName  string // <id>.voiceconnector.chime.aws
	RequireEncryption bool
	IntegrationType   string
	NetworkType       string
	ARN               string
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// VoiceConnectorInput holds what a caller sets on a Voice Connector.
// Create uses every field; Update only Name and RequireEncryption.
type VoiceConnectorInput struct {
	Name              string
	AwsRegion         string // "": DefaultVoiceConnectorRegion of the caller's region
	RequireEncryption bool
	IntegrationType   string
	NetworkType       string
	Tags              []Tag
}

// VoiceConnectorGroup routes calls across up to MaxGroupItems Voice
// Connectors by priority; numbers can be associated with it.
type VoiceConnectorGroup struct {
	ID        string // a GUID
	AccountID string
	Name      string
	ARN       string
	Items     []VoiceConnectorItem
	CreatedAt time.Time
	UpdatedAt time.Time
	// Distribution is how calls are spread over the items.
	Distribution CallDistributionType
}

// VoiceConnectorGroupInput holds what a caller sets on a group.
type VoiceConnectorGroupInput struct {
	Name  string
	Items []VoiceConnectorItem
	// Distribution is the CallDistributionType; "" is the default on
	// create and keeps the group's on update.
	Distribution CallDistributionType
}

// VoiceConnectorItem is one member of a group.
type VoiceConnectorItem struct {
	VoiceConnectorID string
	Priority         int // 1..99; 0 (absent) only with LoadBalancedDistribution
}

// SipMediaApplication runs a Lambda function for calls that SIP rules route to it.
type SipMediaApplication struct {
	ID        string // a GUID
	AccountID string
	AwsRegion string
	Name      string
	Endpoints []string // Lambda function ARNs (exactly one)
	ARN       string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// SipMediaApplicationInput holds what a caller sets on a SIP media
// application. On update, a nil Name or Endpoints leaves it unchanged.
type SipMediaApplicationInput struct {
	AwsRegion string
	Name      *string
	Endpoints []string
	Tags      []Tag
}

// SipRuleTriggerType is what a SIP rule matches on.
type SipRuleTriggerType string

// SIP rule trigger types.
const (
	TriggerToPhoneNumber      SipRuleTriggerType = "ToPhoneNumber"
	TriggerRequestURIHostname SipRuleTriggerType = "RequestUriHostname"
)

// SipRule routes inbound calls, matched by the called number or the
// request URI host name, to SIP media applications. A ToPhoneNumber rule
// associates its number (SipRuleId) for as long as the rule exists.
type SipRule struct {
	ID           string // a GUID
	AccountID    string
	Name         string
	Disabled     bool
	TriggerType  SipRuleTriggerType
	TriggerValue string // E.164 number or a Voice Connector's outbound host name
	Targets      []SipRuleTarget
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// SipRuleTarget is one SIP media application a rule routes to.
type SipRuleTarget struct {
	SipMediaApplicationID string
	Priority              int
	AwsRegion             string // "": the application's region
}

// SipRuleUpdate changes a SIP rule. Nil fields are unchanged.
type SipRuleUpdate struct {
	Name     string
	Disabled *bool
	Targets  []SipRuleTarget // nil: unchanged
}

// Tag is a key-value pair on a resource.
type Tag struct {
	Key   string
	Value string
}

// Page asks for one page of a list: at most Limit items (0: the default)
// after the opaque NextToken of the previous page ("" for the first).
type Page struct {
	Limit     int
	NextToken string
}

// AssociateRequest associates numbers with a Voice Connector or group.
type AssociateRequest struct {
	Target   AssociationName // AssocVoiceConnector or AssocVoiceConnectorGroup
	TargetID string
	IDs      []BatchID
	// Force moves numbers already associated with another Voice Connector
	// or group instead of refusing them.
	Force bool
}

// VoiceConnectorService manages Voice Connectors, groups and their numbers.
// Every method acts only on the caller's account: another account's
// resources are NotFound. Errors are *Error values.
type VoiceConnectorService interface {
	// CreateVoiceConnector creates a Voice Connector with a new ID and
	// ARN in the caller's region.
	CreateVoiceConnector(ctx context.Context, c Caller, in VoiceConnectorInput) (*VoiceConnector, error)
	GetVoiceConnector(ctx context.Context, c Caller, id string) (*VoiceConnector, error)
	// ListVoiceConnectors lists in creation order; the token is opaque.
	ListVoiceConnectors(ctx context.Context, c Caller, p Page) ([]*VoiceConnector, string, error)
	UpdateVoiceConnector(ctx context.Context, c Caller, id string, in VoiceConnectorInput) (*VoiceConnector, error)
	// DeleteVoiceConnector is Conflict while numbers are associated with
	// it, a group holds it or a SIP rule triggers on its host name.
	DeleteVoiceConnector(ctx context.Context, c Caller, id string) error

	// CreateVoiceConnectorGroup and UpdateVoiceConnectorGroup take at most
	// MaxGroupItems items, each an existing Voice Connector of the account
	// (BadRequest otherwise).
	CreateVoiceConnectorGroup(ctx context.Context, c Caller, in VoiceConnectorGroupInput) (*VoiceConnectorGroup, error)
	GetVoiceConnectorGroup(ctx context.Context, c Caller, id string) (*VoiceConnectorGroup, error)
	ListVoiceConnectorGroups(ctx context.Context, c Caller, p Page) ([]*VoiceConnectorGroup, string, error)
	// UpdateVoiceConnectorGroup replaces the name and items; an empty
	// Distribution keeps the group's call distribution type.
	UpdateVoiceConnectorGroup(ctx context.Context, c Caller, id string, in VoiceConnectorGroupInput) (*VoiceConnectorGroup, error)
	// DeleteVoiceConnectorGroup is Conflict while numbers are associated with it.
	DeleteVoiceConnectorGroup(ctx context.Context, c Caller, id string) error

	// AssociatePhoneNumbers associates numbers with a Voice Connector or
	// group (NotFound if it does not exist) and reports the numbers it
	// refused (see AssociateRefusal). Idempotent for numbers already
	// associated with the same target. Successful items are committed
	// together, and every number's status follows its associations.
	AssociatePhoneNumbers(ctx context.Context, c Caller, r AssociateRequest) ([]PhoneNumberError, error)
	// DisassociatePhoneNumbers removes the association of each number with
	// the target. A number not associated with anything of the target's
	// kind is a success (retries are safe); one associated with another
	// target is refused.
	DisassociatePhoneNumbers(ctx context.Context, c Caller, r AssociateRequest) ([]PhoneNumberError, error)
}

// SipMediaService manages SIP media applications and SIP rules.
type SipMediaService interface {
	CreateSipMediaApplication(ctx context.Context, c Caller, in SipMediaApplicationInput) (*SipMediaApplication, error)
	GetSipMediaApplication(ctx context.Context, c Caller, id string) (*SipMediaApplication, error)
	ListSipMediaApplications(ctx context.Context, c Caller, p Page) ([]*SipMediaApplication, string, error)
	UpdateSipMediaApplication(ctx context.Context, c Caller, id string, in SipMediaApplicationInput) (*SipMediaApplication, error)
	// DeleteSipMediaApplication is Conflict while a SIP rule targets it.
	DeleteSipMediaApplication(ctx context.Context, c Caller, id string) error

	// CreateSipRule validates the trigger (a SipMediaApplicationDialIn
	// number of the account in inventory, or a Voice Connector's outbound
	// host name) and the targets; a ToPhoneNumber rule associates its
	// number. Conflict when another rule has the same trigger.
	CreateSipRule(ctx context.Context, c Caller, r SipRule) (*SipRule, error)
	GetSipRule(ctx context.Context, c Caller, id string) (*SipRule, error)
	// ListSipRules lists the account's rules, only those targeting smaID if it is not "".
	ListSipRules(ctx context.Context, c Caller, smaID string, p Page) ([]*SipRule, string, error)
	UpdateSipRule(ctx context.Context, c Caller, id string, u SipRuleUpdate) (*SipRule, error)
	// DeleteSipRule is Conflict while the rule is enabled; it removes the
	// association of a ToPhoneNumber rule's number.
	DeleteSipRule(ctx context.Context, c Caller, id string) error
}

// TagService tags Voice Connectors and SIP media applications by ARN. An
// ARN that names no such resource of the caller's account is NotFound.
type TagService interface {
	// TagResource adds or replaces tags; more than MaxTags on the resource
	// is ResourceLimitExceeded.
	TagResource(ctx context.Context, c Caller, arn string, tags []Tag) error
	// UntagResource removes the keys; keys not present are ignored.
	UntagResource(ctx context.Context, c Caller, arn string, keys []string) error
	// ListTagsForResource returns the tags ordered by key.
	ListTagsForResource(ctx context.Context, c Caller, arn string) ([]Tag, error)
}

// SettingsService keeps the sub-configurations of Voice Connectors
// (origination, termination, streaming, logging, emergency calling,
// proxy, external systems, termination credentials) and SIP media
// applications (logging, Alexa skill) as JSON documents that chimevoice
// stores and returns but does not act on. The resource (kind, id) must be
// one of the caller's: NotFound otherwise.
type SettingsService interface {
	// UpdateSettings replaces the document name of the resource by what fn
	// returns for the current one (nil when unset; a nil result deletes
	// it), in one transaction, and returns the new document. fn may run
	// more than once.
	UpdateSettings(ctx context.Context, c Caller, kind ResourceKind, id, name string, fn func(old []byte) ([]byte, error)) ([]byte, error)
	// GetSettings returns the document name of the resource, nil when unset.
	GetSettings(ctx context.Context, c Caller, kind ResourceKind, id, name string) ([]byte, error)
}
