package sqlstore

import (
	"context"

	"github.com/chimevoice/chimevoice"
	"github.com/chimevoice/chimevoice/pstn"
)

// This file implements pstn.Router over the inventory: SIP rules, SIP
// media applications and phone numbers.

var _ pstn.Router = (*Store)(nil)

// RouteInbound implements pstn.Router: the enabled SIP rule whose trigger
// is the called number (or the request URI host), and of its targets the
// one with the lowest Priority value (the highest priority; the first
// listed among equals).
func (s *Store) RouteInbound(ctx context.Context, to, requestURIHost string) (pstn.Route, error) {
	typ, value := chimevoice.TriggerToPhoneNumber, to
	if requestURIHost != "" {
		typ, value = chimevoice.TriggerRequestURIHostname, requestURIHost
	}
	var r pstn.Route
	var disabled bool
	var targetRegion string
	err := reader{s}.queryRow(ctx, `SELECT r.id, r.disabled, a.account_id, a.id, a.aws_region, a.lambda_arn, t.aws_region
		FROM sip_rules r JOIN sip_rule_targets t ON t.rule_id = r.id JOIN sip_media_applications a ON a.id = t.sma_id
		WHERE r.trigger_type = ? AND r.trigger_value = ?
		ORDER BY r.disabled, r.created_at, r.id, t.priority, t.position LIMIT 1`, string(typ), value).
		Scan(&r.SipRuleID, &disabled, &r.AccountID, &r.SipMediaApplicationID, &r.Region, &r.Function, &targetRegion)
	if isNoRows(err) {
		return pstn.Route{}, chimevoice.Errorf(chimevoice.CodeNotFound, "No SIP rule has the trigger %s %s.", typ, value)
	}
	if err != nil {
		return pstn.Route{}, s.wrap(err, "route inbound call")
	}
	if disabled {
		return pstn.Route{}, chimevoice.Errorf(chimevoice.CodeNotFound, "The SIP rule %s with the trigger %s %s is disabled.", r.SipRuleID, typ, value)
	}
	if targetRegion != "" {
		r.Region = targetRegion
	}
	return r, nil
}

// SipMediaApplication implements pstn.Router.
func (s *Store) SipMediaApplication(ctx context.Context, c chimevoice.Caller, smaID string) (pstn.Route, error) {
	r := pstn.Route{AccountID: c.AccountID, SipMediaApplicationID: smaID}
	err := reader{s}.queryRow(ctx, `SELECT aws_region, lambda_arn FROM sip_media_applications WHERE id = ? AND account_id = ?`, smaID, c.AccountID).
		Scan(&r.Region, &r.Function)
	if isNoRows(err) {
		return pstn.Route{}, chimevoice.Errorf(chimevoice.CodeNotFound, "The SIP media application %s was not found.", smaID)
	}
	return r, s.wrap(err, "get sip media application")
}

// CheckFromNumber implements pstn.Router: the number must be in the
// account's inventory (not in the Deletion queue, not being acquired) with
// the SipMediaApplicationDialIn product type.
func (s *Store) CheckFromNumber(ctx context.Context, c chimevoice.Caller, e164 string) error {
	var pt, status string
	err := reader{s}.queryRow(ctx, `SELECT product_type, status FROM phone_numbers WHERE e164 = ? AND account_id = ?`, e164, c.AccountID).Scan(&pt, &status)
	if isNoRows(err) {
		return chimevoice.FieldErrorf("FromPhoneNumber", "%s is not a phone number of your inventory.", e164)
	}
	if err != nil {
		return s.wrap(err, "check from number")
	}
	if chimevoice.ProductType(pt) != chimevoice.ProductSipMediaApplicationDialIn {
		return chimevoice.FieldErrorf("FromPhoneNumber", "%s has the product type %s; SipMediaApplicationDialIn is required.", e164, pt)
	}
	if chimevoice.Status(status) == chimevoice.StatusDeleteInProgress || chimevoice.Status(status) == chimevoice.StatusAcquireInProgress {
		return chimevoice.FieldErrorf("FromPhoneNumber", "%s is %s.", e164, status)
	}
	return nil
}
