package chimevoice

import (
	"fmt"
	"time"
)

// CodeValidation is the ErrorCode value the chime-sdk-voice model added in
// botocore 1.43.67. chimevoice uses it for a request that is well formed
// but breaks one of the service's documented rules about the values it
// names (a calling name on a toll-free number, BusinessCalling on a
// toll-free number, a calling-name update while one is pending, the
// account's default calling name changed within seven days). It goes on
// the wire as a 400 BadRequestException whose Code is "Validation", and as
// the ErrorCode of a PhoneNumberErrors item.
const CodeValidation Code = "Validation"

// DefaultCallingNameInterval is how often the account's default calling
// name may change: "You can update the default outbound calling name once
// every seven days" (UpdatePhoneNumberSettings, Amazon Chime SDK API Reference).
const DefaultCallingNameInterval = 7 * 24 * time.Hour

// PhoneNumberARN is the PhoneNumberArn of a number. AWS does not document
// the format; chimevoice follows the other chime resources
// (arn:aws:chime:<region>:<account>:<type>/<id>) with the resource type
// phone-number and the E.164 number as the ID.
func PhoneNumberARN(region, account, e164 string) string {
	return fmt.Sprintf("arn:aws:chime:%s:%s:phone-number/%s", region, account, e164)
}

// CallDistributionType is how a Voice Connector group spreads calls over
// its Voice Connectors (the model's CallDistributionType).
type CallDistributionType string

// Call distribution types. PriorityWeightedDistribution, the routing the
// VoiceConnectorItem documentation describes (priority order, 1 first), is
// the default.
const (
	DistributionPriorityWeighted CallDistributionType = "PriorityWeightedDistribution"
	DistributionLoadBalanced     CallDistributionType = "LoadBalancedDistribution"
)

// validationErrorf is a refusal by a documented rule: a BadRequest whose
// code is Validation, about field.
func validationErrorf(field, format string, args ...any) *Error {
	e := FieldErrorf(field, format, args...)
	e.Code = CodeValidation
	return e
}

// CheckCallingNameUpdate reports why a number's calling name cannot be
// updated now, or nil. Two documented rules (UpdatePhoneNumber and
// BatchUpdatePhoneNumber, Amazon Chime SDK API Reference; "Setting outbound
// calling names", Amazon Chime SDK Administrator Guide): calling names
// apply to toll-based numbers only, and a pending update must complete
// before another one is requested.
func CheckCallingNameUpdate(n *PhoneNumber) error {
	if n.Type == NumberTollFree {
		return validationErrorf("CallingName", "calling names apply to toll-based numbers only; %s is toll-free.", n.E164)
	}
	if n.CallingNameStatus == CallingNameUpdateInProgress {
		return validationErrorf("CallingName", "the previous calling-name update of %s is still pending; it must complete before another one is requested.", n.E164)
	}
	return nil
}

// CheckBusinessCalling refuses the BusinessCalling product type for a
// toll-free number: "For toll-free numbers, you cannot use the Amazon Chime
// Business Calling product type" (UpdatePhoneNumber, BatchUpdatePhoneNumber,
// Amazon Chime API Reference).
func CheckBusinessCalling(member string, pt ProductType, t NumberType, e164 string) error {
	if pt == ProductBusinessCalling && t == NumberTollFree {
		return validationErrorf(member, "toll-free numbers cannot have the BusinessCalling product type (%s is toll-free).", e164)
	}
	return nil
}

// CheckDefaultCallingNameChange refuses a change of the account's default
// calling name less than DefaultCallingNameInterval after the last one.
// Setting the name it already has changes nothing and is allowed.
func CheckDefaultCallingNameChange(cur *PhoneNumberSettings, name string, now time.Time) error {
	if cur == nil || cur.CallingNameUpdatedAt.IsZero() || cur.CallingName == name {
		return nil
	}
	next := cur.CallingNameUpdatedAt.Add(DefaultCallingNameInterval)
	if now.Before(next) {
		return validationErrorf("CallingName", "the default calling name can be changed once every 7 days; it was last changed at %s, next change allowed at %s.",
			cur.CallingNameUpdatedAt.UTC().Format(time.RFC3339), next.UTC().Format(time.RFC3339))
	}
	return nil
}
