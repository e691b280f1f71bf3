package chimevoice

import (
	"fmt"
	"slices"
	"strings"
)

// This file holds the request rules that do not need the store: batch
// sizes, duplicates, enum values, filters, group items, tags. The services
// call them first, so that the API, the console, state import and the CLI
// give one answer; transports only parse. Each failure is a FieldErrorf
// naming the member as the models name it.

// ProducedStatuses are the statuses chimevoice gives numbers (AllStatuses
// lists every value of the models' enum, which filters accept).
var ProducedStatuses = []Status{StatusAcquireInProgress, StatusUnassigned, StatusAssigned, StatusDeleteInProgress}

// ProductTypes are the product types of both models.
var ProductTypes = []ProductType{ProductVoiceConnector, ProductSipMediaApplicationDialIn, ProductBusinessCalling}

// FilterNames are the association names ListPhoneNumbers filters by.
var FilterNames = []AssociationName{AssocVoiceConnector, AssocVoiceConnectorGroup, AssocSipRule, AssocAccount, AssocUser}

// Strings returns the values of a string enum as strings.
func Strings[S ~string](values []S) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}

// CheckEnum refuses a value that is not one of values.
func CheckEnum[S ~string](field string, v S, values []S) error {
	if slices.Contains(values, v) {
		return nil
	}
	return FieldErrorf(field, "%q is not one of %s.", string(v), strings.Join(Strings(values), ", "))
}

// ParsePhoneNumberID normalizes a phone number ID that names one number
// (a path parameter, a single member): one that is not an E.164 number is
// malformed input, BadRequest naming the field, not an unknown number.
func ParsePhoneNumberID(field, raw string) (string, error) {
	e164, ok := ParseID(raw)
	if !ok {
		return "", FieldErrorf(field, "%q is not a valid E.164 phone number ID.", raw)
	}
	return e164, nil
}

// NewBatch normalizes a batch list as the caller sent it. Malformed IDs
// stay in the list with an empty E164, to be reported per item.
func NewBatch(raws []string) []BatchID {
	ids := make([]BatchID, len(raws))
	for i, raw := range raws {
		e164, _ := ParseID(raw)
		ids[i] = BatchID{Raw: raw, E164: e164}
	}
	return ids
}

// CheckBatch validates the batch list named field: at least one item, at
// most MaxBatch, and no number named twice. Malformed IDs are not refused
// here: batch operations report them per item.
func CheckBatch(field string, ids []BatchID) error {
	if len(ids) == 0 {
		return FieldErrorf(field, "at least one phone number is required.")
	}
	if len(ids) > MaxBatch {
		return FieldErrorf(field, "at most %d items are allowed in one request, got %d.", MaxBatch, len(ids))
	}
	seen := make(map[string]int, len(ids))
	for i, id := range ids {
		if id.E164 == "" {
			continue
		}
		if j, dup := seen[id.E164]; dup {
			return FieldErrorf(field, "items %d and %d name the same phone number %s.", j, i, id.E164)
		}
		seen[id.E164] = i
	}
	return nil
}

// checkNumbers is CheckBatch for lists where every item must be a valid
// number (orders).
func checkNumbers(field string, ids []BatchID) error {
	if err := CheckBatch(field, ids); err != nil {
		return err
	}
	for i, id := range ids {
		if id.E164 == "" {
			return FieldErrorf(fmt.Sprintf("%s[%d]", field, i), "%q is not a valid E.164 number.", id.Raw)
		}
	}
	return nil
}

// Validate checks a ListPhoneNumbers filter.
func (f PhoneNumberFilter) Validate() error {
	if f.Status != "" {
		if err := CheckEnum("Status", f.Status, AllStatuses); err != nil {
			return err
		}
	}
	if f.ProductType != "" {
		if err := CheckEnum("ProductType", f.ProductType, ProductTypes); err != nil {
			return err
		}
	}
	if (f.FilterName == "") != (f.FilterValue == "") {
		return FieldErrorf("FilterName", "FilterName and FilterValue must be given together.")
	}
	if f.FilterName != "" {
		if err := CheckEnum("FilterName", f.FilterName, FilterNames); err != nil {
			return err
		}
	}
	if f.Limit < 0 || f.Limit > 100 {
		return FieldErrorf("MaxResults", "%d is not between 1 and 100.", f.Limit)
	}
	return nil
}

// Validate checks one phone number update: a valid ID and exactly one
// attribute, as the service updates one attribute at a time.
func (u PhoneNumberUpdate) Validate() error {
	if u.E164 == "" {
		return FieldErrorf("PhoneNumberId", "%q is not a valid E.164 phone number ID.", u.Raw)
	}
	n := 0
	for _, set := range []bool{u.ProductType != nil, u.CallingName != nil, u.Name != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return &Error{Code: CodeBadRequest, Message: "Give exactly one of ProductType, CallingName or Name: one attribute is updated at a time."}
	}
	if u.ProductType != nil {
		return CheckEnum("ProductType", *u.ProductType, ProductTypes)
	}
	return nil
}

// CheckUpdateBatch validates the list of a batch update as a list (size,
// duplicates); each item is validated on its own and refused per item.
func CheckUpdateBatch(us []PhoneNumberUpdate) error {
	ids := make([]BatchID, len(us))
	for i, u := range us {
		ids[i] = BatchID{Raw: u.Raw, E164: u.E164}
	}
	return CheckBatch("UpdatePhoneNumberRequestItems", ids)
}

// Validate checks an order: a product type and a list of valid, distinct
// numbers.
func (r OrderRequest) Validate() error {
	if err := CheckEnum("ProductType", r.ProductType, ProductTypes); err != nil {
		return err
	}
	return checkNumbers("E164PhoneNumbers", NewBatch(r.E164s))
}

// Numbers returns the order's numbers in E.164 form (after Validate).
func (r OrderRequest) Numbers() []string {
	out := make([]string, len(r.E164s))
	for i, raw := range r.E164s {
		out[i], _ = ParseID(raw)
	}
	return out
}

// Validate checks an associate or disassociate request.
func (r AssociateRequest) Validate() error {
	if err := CheckEnum("Target", r.Target, []AssociationName{AssocVoiceConnector, AssocVoiceConnectorGroup}); err != nil {
		return err
	}
	return CheckBatch("E164PhoneNumbers", r.IDs)
}

// Validate checks what a caller sets on a Voice Connector.
func (in VoiceConnectorInput) Validate() error { return CheckTags("Tags", in.Tags) }

// Validate checks a Voice Connector group's name and items.
//
// The items are checked against the distribution type; an empty one is
// the default (a store updating a group resolves it to the group's own
// before validating).
func (in VoiceConnectorGroupInput) Validate() error {
	switch in.Distribution {
	case "", DistributionPriorityWeighted, DistributionLoadBalanced:
	default:
		return FieldErrorf("CallDistributionType", "%q is not one of %s, %s.", in.Distribution, DistributionPriorityWeighted, DistributionLoadBalanced)
	}
	return CheckGroupItems(in.Items, in.Distribution)
}

// Validate checks what a caller sets on a SIP media application: exactly
// one endpoint with a Lambda ARN when endpoints are given, and the tags.
func (in SipMediaApplicationInput) Validate() error {
	if in.Endpoints != nil {
		if len(in.Endpoints) != 1 {
			return FieldErrorf("Endpoints", "exactly one endpoint is required, got %d.", len(in.Endpoints))
		}
		if in.Endpoints[0] == "" {
			return FieldErrorf("Endpoints[0].LambdaArn", "the Lambda function ARN is required.")
		}
	}
	return CheckTags("Tags", in.Tags)
}

// Validate checks a SIP rule's trigger type and targets (that they exist
// is the store's to check).
func (r SipRule) Validate() error {
	if err := CheckEnum("TriggerType", r.TriggerType, []SipRuleTriggerType{TriggerToPhoneNumber, TriggerRequestURIHostname}); err != nil {
		return err
	}
	return checkTargets(r.Targets)
}

// Validate checks a SIP rule update's targets.
func (u SipRuleUpdate) Validate() error { return checkTargets(u.Targets) }

func checkTargets(ts []SipRuleTarget) error {
	for i, t := range ts {
		if t.SipMediaApplicationID == "" {
			return FieldErrorf(fmt.Sprintf("TargetApplications[%d].SipMediaApplicationId", i), "the SIP media application ID is required.")
		}
	}
	return nil
}

// CheckEmails validates an invitation list: at least one address, none twice.
func CheckEmails(emails []string) error {
	if len(emails) == 0 {
		return FieldErrorf("UserEmailList", "at least one e-mail address is required.")
	}
	seen := make(map[string]int, len(emails))
	for i, e := range emails {
		if j, dup := seen[e]; dup {
			return FieldErrorf("UserEmailList", "items %d and %d are the same address %s.", j, i, e)
		}
		seen[e] = i
	}
	return nil
}
