package chimevoice

import (
	"context"
	"strings"
	"time"
)

// GlobalSettings are the account's Voice Connector settings
// (GetGlobalSettings / UpdateGlobalSettings): the S3 bucket that receives
// call detail records.
type GlobalSettings struct {
	CdrBucket string // "" when not set
	// BusinessCallingCdrBucket is the legacy API's BusinessCalling setting.
	BusinessCallingCdrBucket string
	UpdatedAt                time.Time
}

// GlobalSettingsUpdate is an UpdateGlobalSettings request: a nil member
// leaves its settings as they are.
type GlobalSettingsUpdate struct {
	CdrBucket                *string
	BusinessCallingCdrBucket *string
}

// Validate checks the update: the chime-sdk-voice model requires
// VoiceConnector (the legacy model, which shares the operation, takes
// BusinessCalling instead, so one of them is required), and bucket names
// must be valid.
func (u GlobalSettingsUpdate) Validate() error {
	if u.CdrBucket == nil && u.BusinessCallingCdrBucket == nil {
		return FieldErrorf("VoiceConnector", "the member is required.")
	}
	if u.CdrBucket != nil && *u.CdrBucket != "" {
		if err := CheckS3BucketName("VoiceConnector.CdrBucket", *u.CdrBucket); err != nil {
			return err
		}
	}
	if u.BusinessCallingCdrBucket != nil && *u.BusinessCallingCdrBucket != "" {
		return CheckS3BucketName("BusinessCalling.CdrBucket", *u.BusinessCallingCdrBucket)
	}
	return nil
}

// GlobalSettingsService reads and writes the account's global settings.
type GlobalSettingsService interface {
	// GetGlobalSettings returns the settings; an account that never set
	// them has the zero value.
	GetGlobalSettings(ctx context.Context, c Caller) (*GlobalSettings, error)
	// UpdateGlobalSettings changes the settings the update names.
	UpdateGlobalSettings(ctx context.Context, c Caller, u GlobalSettingsUpdate) error
}

// CheckS3BucketName validates a bucket name against the model's
// S3BucketName shape (3 to 63 lowercase letters, digits and hyphens,
// beginning and ending with a letter or digit, not starting with "xn--"
// nor ending with "-s3alias"). The model's pattern uses a lookahead that Go
// regular expressions lack, so the decoder cannot check it.
func CheckS3BucketName(member, v string) error {
	bad := func(why string) error {
		return FieldErrorf(member, "%q is not a valid S3 bucket name: %s.", v, why)
	}
	if len(v) < 3 || len(v) > 63 {
		return bad("it must be 3 to 63 characters long")
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		ok := c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' && i > 0 && i < len(v)-1
		if !ok {
			return bad("it takes lowercase letters, digits and inner hyphens only")
		}
	}
	if strings.HasPrefix(v, "xn--") || strings.HasSuffix(v, "-s3alias") {
		return bad(`it must not start with "xn--" or end with "-s3alias"`)
	}
	return nil
}
