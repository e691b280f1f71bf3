package chimevoice

import (
	"fmt"
	"strings"
)

// ProductFor is the product type a number must have to be associated by
// the association name: Voice Connectors and groups take VoiceConnector
// numbers, SIP rules SipMediaApplicationDialIn numbers, legacy users
// BusinessCalling numbers.
func ProductFor(name AssociationName) ProductType {
	switch name {
	case AssocVoiceConnector, AssocVoiceConnectorGroup:
		return ProductVoiceConnector
	case AssocSipRule:
		return ProductSipMediaApplicationDialIn
	}
	return ProductBusinessCalling
}

// AssociationNoun names the kind of resource an association points at, for messages.
func AssociationNoun(n AssociationName) string { return associationNoun(n) }

// AssociateDecision is what to do with one number of an associate call.
type AssociateDecision struct {
	Code    Code   // "" when the number may be associated
	Message string // why not
	// Done is true when the number is already associated with the target:
	// nothing to write.
	Done bool
	// Replace lists the associations a forced associate removes first.
	Replace []Association
}

// AssociateRefusal decides whether a number (status, product type and
// current associations) may be associated with want. A number holds one
// primary association at a time (a Voice Connector, a group, a SIP rule or
// a user, the last with its AccountId companion), so another one refuses
// it — with VoiceConnectorGroupAssociationsExist when it is a group,
// PhoneNumberAssociationsExist otherwise — unless force, which replaces
// it. Numbers being acquired are PreconditionFailed, numbers in the
// Deletion queue Conflict and numbers of another product type BadRequest.
func AssociateRefusal(status Status, pt ProductType, assocs []Association, want Association, force bool) AssociateDecision {
	switch status {
	case StatusAcquireInProgress:
		return AssociateDecision{Code: CodePreconditionFailed, Message: "The phone number is still being acquired (AcquireInProgress); wait for its order to complete."}
	case StatusDeleteInProgress:
		return AssociateDecision{Code: CodeConflict, Message: "The phone number is in the Deletion queue; restore it before associating it."}
	}
	if need := ProductFor(want.Name); pt != need {
		return AssociateDecision{Code: CodeBadRequest, Message: fmt.Sprintf("The phone number has ProductType %s; only %s numbers can be associated with a %s.", pt, need, associationNoun(want.Name))}
	}
	for _, a := range assocs {
		if a.Name == AssocAccount {
			continue // the companion of a UserId association
		}
		if a.Name == want.Name && a.Value == want.Value {
			return AssociateDecision{Done: true}
		}
		if force {
			return AssociateDecision{Replace: assocs}
		}
		code := CodePhoneNumberAssociationsExist
		if a.Name == AssocVoiceConnectorGroup {
			code = CodeVoiceConnectorGroupAssociationsExist
		}
		hint := "disassociate it first"
		if want.Name == AssocVoiceConnector || want.Name == AssocVoiceConnectorGroup {
			hint += " or set ForceAssociate"
		}
		return AssociateDecision{Code: code, Message: fmt.Sprintf("The phone number is already associated with %s %s; %s.", associationNoun(a.Name), a.Value, hint)}
	}
	return AssociateDecision{}
}

// DisassociateRefusal decides whether a number may be disassociated from
// want: "" with remove=true when it is associated with it, "" with
// remove=false when it has no association of that kind (a retry), and
// BadRequest when it is associated with another resource of that kind.
func DisassociateRefusal(assocs []Association, want Association) (code Code, msg string, remove bool) {
	for _, a := range assocs {
		if a.Name != want.Name {
			continue
		}
		if a.Value == want.Value {
			return "", "", true
		}
		return CodeBadRequest, fmt.Sprintf("The phone number is associated with %s %s, not %s.", associationNoun(a.Name), a.Value, want.Value), false
	}
	return "", "", false
}

// CheckGroupItems validates a group's Voice Connector items: at most
// MaxGroupItems, priorities 1..99, each Voice Connector once.
func CheckGroupItems(items []VoiceConnectorItem, dist CallDistributionType) error {
	if len(items) > MaxGroupItems {
		return FieldErrorf("VoiceConnectorItems", "a group holds at most %d Voice Connectors, got %d.", MaxGroupItems, len(items))
	}
	seen := map[string]int{}
	for i, it := range items {
		switch {
		case it.Priority == 0 && dist == DistributionLoadBalanced:
			// The newest model makes Priority optional: load-balanced
			// groups do not route by priority.
		case it.Priority == 0:
			return FieldErrorf(fmt.Sprintf("VoiceConnectorItems[%d].Priority", i), "the priority is required unless CallDistributionType is %s.", DistributionLoadBalanced)
		case it.Priority < 1 || it.Priority > 99:
			return FieldErrorf(fmt.Sprintf("VoiceConnectorItems[%d].Priority", i), "%d is not between 1 and 99.", it.Priority)
		}
		if j, dup := seen[it.VoiceConnectorID]; dup {
			return FieldErrorf("VoiceConnectorItems", "items %d and %d name the same Voice Connector %s.", j, i, it.VoiceConnectorID)
		}
		seen[it.VoiceConnectorID] = i
	}
	return nil
}

// CheckTags validates a tag list: at most MaxTags, each key once.
func CheckTags(member string, tags []Tag) error {
	if len(tags) > MaxTags {
		return FieldErrorf(member, "at most %d tags are allowed, got %d.", MaxTags, len(tags))
	}
	seen := map[string]bool{}
	for i, t := range tags {
		if seen[t.Key] {
			return FieldErrorf(fmt.Sprintf("%s[%d].Key", member, i), "the key %q is given twice.", t.Key)
		}
		seen[t.Key] = true
	}
	return nil
}

// ResourceKind is the kind of resource an ARN names.
type ResourceKind string

// Taggable resource kinds, as they appear in ARNs.
const (
	KindVoiceConnector      ResourceKind = "vc"
	KindVoiceConnectorGroup ResourceKind = "vcg"
	KindSipMediaApplication ResourceKind = "sma"
)

// ARN returns the ARN of a resource: arn:aws:chime:<region>:<account>:<kind>/<id>.
func ARN(region, account string, kind ResourceKind, id string) string {
	return fmt.Sprintf("arn:aws:chime:%s:%s:%s/%s", region, account, kind, id)
}

// ParseARN splits a chime resource ARN into its region, account, kind and
// ID; ok is false for anything else.
func ParseARN(arn string) (region, account string, kind ResourceKind, id string, ok bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "chime" {
		return "", "", "", "", false
	}
	k, id, ok := strings.Cut(parts[5], "/")
	if !ok || id == "" {
		return "", "", "", "", false
	}
	return parts[3], parts[4], ResourceKind(k), id, true
}

// VoiceConnectorHost is the outbound host name of a Voice Connector.
func VoiceConnectorHost(id string) string { return id + ".voiceconnector.chime.aws" }
