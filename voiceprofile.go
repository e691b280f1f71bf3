package chimevoice

import (
	"context"
	"regexp"
	"time"
)

// KindVoiceProfileDomain is the ARN resource type of voice profile domains
// (Service Authorization Reference, Amazon Chime:
// arn:${Partition}:chime:${Region}:${AccountId}:voice-profile-domain/${VoiceProfileDomainId}).
const KindVoiceProfileDomain ResourceKind = "voice-profile-domain"

// VoiceProfileDomain is a collection of voice profiles, encrypted with a
// customer-managed KMS key.
type VoiceProfileDomain struct {
	ID          string // a GUID
	AccountID   string
	Name        string
	Description string
	KMSKeyARN   string
	ARN         string
	// ClientRequestToken is the token of the create that made it ("" for none).
	ClientRequestToken string
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// CreateVoiceProfileDomainRequest is a CreateVoiceProfileDomain request.
type CreateVoiceProfileDomainRequest struct {
	Name               string
	Description        string
	KMSKeyARN          string
	ClientRequestToken string
	Tags               []Tag
}

// kmsKeyARN is the ARN of a KMS key: arn:<partition>:kms:<region>:<account>:key/<key id>
// (AWS KMS Developer Guide, "Key identifiers (KeyId)": a key ARN names a
// key, not an alias).
var kmsKeyARN = regexp.MustCompile(`^arn:aws(-cn|-us-gov|-iso|-iso-b)?:kms:[a-z]{2}(-[a-z]+)+-[0-9]:[0-9]{12}:key/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$`)

// CheckKMSKeyARN validates the KmsKeyArn of a ServerSideEncryptionConfiguration.
func CheckKMSKeyARN(member, v string) error {
	if !kmsKeyARN.MatchString(v) {
		return FieldErrorf(member, "%q is not the ARN of a KMS key (arn:aws:kms:<region>:<account>:key/<key id>).", v)
	}
	return nil
}

// Validate checks what the model cannot: the key ARN and the tags.
func (r CreateVoiceProfileDomainRequest) Validate() error {
	if err := CheckKMSKeyARN("ServerSideEncryptionConfiguration.KmsKeyArn", r.KMSKeyARN); err != nil {
		return err
	}
	return CheckTags("Tags", r.Tags)
}

// VoiceProfileDomainService manages the account's voice profile domains.
// Another account's domains are NotFound.
type VoiceProfileDomainService interface {
	// CreateVoiceProfileDomain creates a domain (and tags it). A repeated
	// ClientRequestToken returns the domain the first request created.
	CreateVoiceProfileDomain(ctx context.Context, c Caller, r CreateVoiceProfileDomainRequest) (*VoiceProfileDomain, error)
	GetVoiceProfileDomain(ctx context.Context, c Caller, id string) (*VoiceProfileDomain, error)
	// ListVoiceProfileDomains returns a page in creation order.
	ListVoiceProfileDomains(ctx context.Context, c Caller, p Page) ([]*VoiceProfileDomain, string, error)
	// UpdateVoiceProfileDomain changes the name and description; nil leaves one unchanged.
	UpdateVoiceProfileDomain(ctx context.Context, c Caller, id string, name, description *string) (*VoiceProfileDomain, error)
	// DeleteVoiceProfileDomain deletes a domain and its tags.
	DeleteVoiceProfileDomain(ctx context.Context, c Caller, id string) error
}
