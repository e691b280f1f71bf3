package httpapi_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/chime"
	ctypes "github.com/aws/aws-sdk-go-v2/service/chime/types"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	vtypes "github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"

	"github.com/chimevoice/chimevoice/chimevoicetest"
)

// wantValidation checks a 400 BadRequestException whose Code is Validation.
func wantValidation(t *testing.T, err error, mentions ...string) {
	t.Helper()
	wantAPIError(t, err, 400, "BadRequestException", mentions...)
	var br *vtypes.BadRequestException
	var lbr *ctypes.BadRequestException
	switch {
	case errors.As(err, &br):
		if br.Code != "Validation" {
			t.Fatalf("Code %q, want Validation", br.Code)
		}
	case errors.As(err, &lbr):
		if lbr.Code != "Validation" {
			t.Fatalf("Code %q, want Validation", lbr.Code)
		}
	default:
		t.Fatalf("not a BadRequestException: %v", err)
	}
}

// The documented calling-name rules: toll-based numbers only, one pending
// update at a time, completion on its own schedule, and the account's
// default changed once every seven days.
func TestCallingNameRules(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, b chimevoicetest.Backend) {
		srv := chimevoicetest.New(t, chimevoicetest.Options{Backend: b, OrderLatency: time.Minute})
		v := srv.Voice
		local := srv.Provision(t, v, "206", 2, vtypes.PhoneNumberProductTypeVoiceConnector)
		tf, err := v.SearchAvailablePhoneNumbers(bg, &chimesdkvoice.SearchAvailablePhoneNumbersInput{TollFreePrefix: aws.String("833"), MaxResults: aws.Int32(1)})
		chimevoicetest.Must(t, err, "search toll-free")
		_, err = v.CreatePhoneNumberOrder(bg, &chimesdkvoice.CreatePhoneNumberOrderInput{ProductType: vtypes.PhoneNumberProductTypeVoiceConnector, E164PhoneNumbers: tf.E164PhoneNumbers})
		chimevoicetest.Must(t, err, "order toll-free")
		srv.Advance(t, time.Minute)
		tollFree := tf.E164PhoneNumbers[0]

		// Toll-free numbers take no calling name.
		before := srv.Snapshot(t, v)
		_, err = v.UpdatePhoneNumber(bg, &chimesdkvoice.UpdatePhoneNumberInput{PhoneNumberId: aws.String(tollFree), CallingName: aws.String("Acme")})
		wantValidation(t, err, "toll-based numbers only")
		bu, err := v.BatchUpdatePhoneNumber(bg, &chimesdkvoice.BatchUpdatePhoneNumberInput{UpdatePhoneNumberRequestItems: []vtypes.UpdatePhoneNumberRequestItem{
			{PhoneNumberId: aws.String(tollFree), CallingName: aws.String("Acme")},
		}})
		chimevoicetest.Must(t, err, "batch update")
		if codes := errorCodes(bu.PhoneNumberErrors); codes[tollFree] != "Validation" || len(codes) != 1 {
			t.Fatalf("batch errors %v, want Validation for the toll-free number", codes)
		}
		if after := srv.Snapshot(t, v); after != before {
			t.Fatalf("a refused calling name changed the inventory")
		}

		// One pending update at a time.
		start := srv.Now(t)
		up, err := v.UpdatePhoneNumber(bg, &chimesdkvoice.UpdatePhoneNumberInput{PhoneNumberId: aws.String(local[0]), CallingName: aws.String("Acme")})
		chimevoicetest.Must(t, err, "update calling name")
		if up.PhoneNumber.CallingNameStatus != vtypes.CallingNameStatusUpdateInProgress {
			t.Fatalf("status %s", up.PhoneNumber.CallingNameStatus)
		}
		_, err = v.UpdatePhoneNumber(bg, &chimesdkvoice.UpdatePhoneNumberInput{PhoneNumberId: aws.String(local[0]), CallingName: aws.String("Other")})
		wantValidation(t, err, "still pending")
		bu, err = v.BatchUpdatePhoneNumber(bg, &chimesdkvoice.BatchUpdatePhoneNumberInput{UpdatePhoneNumberRequestItems: []vtypes.UpdatePhoneNumberRequestItem{
			{PhoneNumberId: aws.String(local[0]), CallingName: aws.String("Other")},
			{PhoneNumberId: aws.String(local[1]), CallingName: aws.String("Second")},
		}})
		chimevoicetest.Must(t, err, "batch update")
		if codes := errorCodes(bu.PhoneNumberErrors); codes[local[0]] != "Validation" || len(codes) != 1 {
			t.Fatalf("batch errors %v, want Validation for the pending number only", codes)
		}
		if n := getNumber(t, srv, local[0]); aws.ToString(n.CallingName) != "Acme" {
			t.Fatalf("calling name %q after refused updates", aws.ToString(n.CallingName))
		}

		// Updating the Name (and the product type) meanwhile does not delay completion.
		srv.Advance(t, 40*time.Second)
		_, err = v.UpdatePhoneNumber(bg, &chimesdkvoice.UpdatePhoneNumberInput{PhoneNumberId: aws.String(local[0]), Name: aws.String("front desk")})
		chimevoicetest.Must(t, err, "update name")
		_, err = v.UpdatePhoneNumber(bg, &chimesdkvoice.UpdatePhoneNumberInput{PhoneNumberId: aws.String(local[0]), ProductType: vtypes.PhoneNumberProductTypeSipMediaApplicationDialIn})
		chimevoicetest.Must(t, err, "update product type")
		srv.Advance(t, 20*time.Second-time.Millisecond)
		if st := getNumber(t, srv, local[0]).CallingNameStatus; st != vtypes.CallingNameStatusUpdateInProgress {
			t.Fatalf("1 ms before its schedule: %s", st)
		}
		srv.Advance(t, time.Millisecond)
		if got := srv.Now(t).Sub(start); got != time.Minute {
			t.Fatalf("clock moved %s", got)
		}
		if st := getNumber(t, srv, local[0]).CallingNameStatus; st != vtypes.CallingNameStatusUpdateSucceeded {
			t.Fatalf("on its schedule, 20 s after the last Name update: %s", st)
		}
		_, err = v.UpdatePhoneNumber(bg, &chimesdkvoice.UpdatePhoneNumberInput{PhoneNumberId: aws.String(local[0]), CallingName: aws.String("Other")})
		chimevoicetest.Must(t, err, "update once the previous one completed")

		// The account default: once every seven days.
		_, err = v.UpdatePhoneNumberSettings(bg, &chimesdkvoice.UpdatePhoneNumberSettingsInput{CallingName: aws.String("Acme")})
		chimevoicetest.Must(t, err, "first default")
		set := srv.Now(t)
		srv.Advance(t, 7*24*time.Hour-time.Millisecond)
		_, err = v.UpdatePhoneNumberSettings(bg, &chimesdkvoice.UpdatePhoneNumberSettingsInput{CallingName: aws.String("Acme Two")})
		wantValidation(t, err, "once every 7 days")
		s, err := v.GetPhoneNumberSettings(bg, &chimesdkvoice.GetPhoneNumberSettingsInput{})
		chimevoicetest.Must(t, err, "get settings")
		if aws.ToString(s.CallingName) != "Acme" || !aws.ToTime(s.CallingNameUpdatedTimestamp).Equal(set) {
			t.Fatalf("settings after a refused change: %q at %v", aws.ToString(s.CallingName), s.CallingNameUpdatedTimestamp)
		}
		srv.Advance(t, time.Millisecond)
		_, err = v.UpdatePhoneNumberSettings(bg, &chimesdkvoice.UpdatePhoneNumberSettingsInput{CallingName: aws.String("Acme Two")})
		chimevoicetest.Must(t, err, "default after seven days")
	})
}

// A toll-free number never gets the BusinessCalling product type.
func TestBusinessCallingNeverTollFree(t *testing.T) {
	srv := chimevoicetest.New(t, chimevoicetest.Options{})
	l := srv.Legacy
	tf, err := srv.Voice.SearchAvailablePhoneNumbers(bg, &chimesdkvoice.SearchAvailablePhoneNumbersInput{TollFreePrefix: aws.String("844"), MaxResults: aws.Int32(2)})
	chimevoicetest.Must(t, err, "search toll-free")
	local, err := srv.Voice.SearchAvailablePhoneNumbers(bg, &chimesdkvoice.SearchAvailablePhoneNumbersInput{AreaCode: aws.String("312"), MaxResults: aws.Int32(1)})
	chimevoicetest.Must(t, err, "search local")

	before := srv.Snapshot(t, srv.Voice)
	_, err = l.CreatePhoneNumberOrder(bg, &chime.CreatePhoneNumberOrderInput{ProductType: ctypes.PhoneNumberProductTypeBusinessCalling,
		E164PhoneNumbers: []string{local.E164PhoneNumbers[0], tf.E164PhoneNumbers[0]}})
	wantValidation(t, err, "E164PhoneNumbers[1]", "BusinessCalling")
	if after := srv.Snapshot(t, srv.Voice); after != before {
		t.Fatalf("a refused order changed the inventory")
	}

	_, err = l.CreatePhoneNumberOrder(bg, &chime.CreatePhoneNumberOrderInput{ProductType: ctypes.PhoneNumberProductTypeVoiceConnector, E164PhoneNumbers: tf.E164PhoneNumbers})
	chimevoicetest.Must(t, err, "order toll-free for Voice Connectors")
	srv.Advance(t, 0)
	_, err = l.UpdatePhoneNumber(bg, &chime.UpdatePhoneNumberInput{PhoneNumberId: aws.String(tf.E164PhoneNumbers[0]), ProductType: ctypes.PhoneNumberProductTypeBusinessCalling})
	wantValidation(t, err, "toll-free", "BusinessCalling")
	bu, err := l.BatchUpdatePhoneNumber(bg, &chime.BatchUpdatePhoneNumberInput{UpdatePhoneNumberRequestItems: []ctypes.UpdatePhoneNumberRequestItem{
		{PhoneNumberId: aws.String(tf.E164PhoneNumbers[1]), ProductType: ctypes.PhoneNumberProductTypeBusinessCalling},
	}})
	chimevoicetest.Must(t, err, "batch update")
	if len(bu.PhoneNumberErrors) != 1 || bu.PhoneNumberErrors[0].ErrorCode != "Validation" {
		t.Fatalf("batch errors %+v, want one Validation", bu.PhoneNumberErrors)
	}
	for _, e := range tf.E164PhoneNumbers {
		if pt := getNumber(t, srv, e).ProductType; pt != vtypes.PhoneNumberProductTypeVoiceConnector {
			t.Fatalf("%s: product type %s after refused updates", e, pt)
		}
	}

	c, err := l.ListSupportedPhoneNumberCountries(bg, &chime.ListSupportedPhoneNumberCountriesInput{ProductType: ctypes.PhoneNumberProductTypeBusinessCalling})
	chimevoicetest.Must(t, err, "countries")
	if len(c.PhoneNumberCountries) != 1 || len(c.PhoneNumberCountries[0].SupportedPhoneNumberTypes) != 1 || c.PhoneNumberCountries[0].SupportedPhoneNumberTypes[0] != ctypes.PhoneNumberTypeLocal {
		t.Fatalf("BusinessCalling countries %+v, want US Local only", c.PhoneNumberCountries)
	}
}

// rawJSON sends a signed request and decodes the JSON answer.
func rawJSON(t *testing.T, srv *chimevoicetest.Server, method, path string, body any, out any) int {
	t.Helper()
	var data []byte
	if body != nil {
		var err error
		if data, err = json.Marshal(body); err != nil {
			t.Fatal(err)
		}
	}
	resp := srv.Do(t, method, path, data)
	if out != nil && len(resp.Body) > 0 && resp.Status < 300 {
		if err := json.Unmarshal(resp.Body, out); err != nil {
			t.Fatalf("%s %s: decode %s: %v", method, path, resp.Body, err)
		}
	}
	if resp.Status >= 300 {
		t.Logf("%s %s: %d %s", method, path, resp.Status, resp.Body)
	}
	return resp.Status
}

// Members of the newest model the Go SDK does not know yet, on the wire.
func TestNewestModelMembers(t *testing.T) {
	srv := chimevoicetest.New(t, chimevoicetest.Options{})
	nums := srv.Provision(t, srv.Voice, "415", 1, vtypes.PhoneNumberProductTypeVoiceConnector)
	var got struct {
		PhoneNumber struct{ PhoneNumberArn string }
	}
	if st := rawJSON(t, srv, http.MethodGet, "/phone-numbers/"+url.PathEscape(nums[0]), nil, &got); st != 200 {
		t.Fatalf("get number: %d", st)
	}
	if want := "arn:aws:chime:us-east-1:000000000000:phone-number/" + nums[0]; got.PhoneNumber.PhoneNumberArn != want {
		t.Fatalf("PhoneNumberArn %q, want %q", got.PhoneNumber.PhoneNumberArn, want)
	}

	vc := createVC(t, srv.Voice, "a")
	type item struct {
		VoiceConnectorId string
		Priority         int `json:",omitempty"`
	}
	type group struct {
		VoiceConnectorGroupId string
		CallDistributionType  string
		VoiceConnectorItems   []item
	}
	var g struct{ VoiceConnectorGroup group }
	// Priority is optional for load-balanced groups only.
	if st := rawJSON(t, srv, http.MethodPost, "/voice-connector-groups", map[string]any{"Name": "pw", "VoiceConnectorItems": []item{{VoiceConnectorId: *vc.VoiceConnectorId}}}, nil); st != 400 {
		t.Fatalf("priority-weighted group without Priority: %d, want 400", st)
	}
	if st := rawJSON(t, srv, http.MethodPost, "/voice-connector-groups", map[string]any{"Name": "lb", "CallDistributionType": "Nope"}, nil); st != 400 {
		t.Fatalf("unknown CallDistributionType: %d, want 400", st)
	}
	if st := rawJSON(t, srv, http.MethodPost, "/voice-connector-groups", map[string]any{"Name": "lb", "CallDistributionType": "LoadBalancedDistribution",
		"VoiceConnectorItems": []item{{VoiceConnectorId: *vc.VoiceConnectorId}}}, &g); st != 201 {
		t.Fatalf("create load-balanced group: %d", st)
	}
	if g.VoiceConnectorGroup.CallDistributionType != "LoadBalancedDistribution" || len(g.VoiceConnectorGroup.VoiceConnectorItems) != 1 {
		t.Fatalf("group %+v", g.VoiceConnectorGroup)
	}
	id := g.VoiceConnectorGroup.VoiceConnectorGroupId
	// An update without the type keeps it; switching to priority-weighted needs priorities.
	if st := rawJSON(t, srv, http.MethodPut, "/voice-connector-groups/"+id, map[string]any{"Name": "lb2", "VoiceConnectorItems": []item{{VoiceConnectorId: *vc.VoiceConnectorId}}}, &g); st != 202 || g.VoiceConnectorGroup.CallDistributionType != "LoadBalancedDistribution" {
		t.Fatalf("update keeping the type: %d %+v", st, g.VoiceConnectorGroup)
	}
	if st := rawJSON(t, srv, http.MethodPut, "/voice-connector-groups/"+id, map[string]any{"Name": "pw", "CallDistributionType": "PriorityWeightedDistribution", "VoiceConnectorItems": []item{{VoiceConnectorId: *vc.VoiceConnectorId}}}, nil); st != 400 {
		t.Fatalf("switch to priority-weighted without priorities: %d, want 400", st)
	}
	// The SDK sees the group (it ignores the member it does not know).
	sg, err := srv.Voice.GetVoiceConnectorGroup(bg, &chimesdkvoice.GetVoiceConnectorGroupInput{VoiceConnectorGroupId: aws.String(id)})
	chimevoicetest.Must(t, err, "get group")
	if aws.ToString(sg.VoiceConnectorGroup.Name) != "lb2" {
		t.Fatalf("group %+v", sg.VoiceConnectorGroup)
	}
	// Created without a type, a group routes by priority.
	dflt := createGroup(t, srv.Voice, "default", *vc.VoiceConnectorId)
	if st := rawJSON(t, srv, http.MethodGet, "/voice-connector-groups/"+aws.ToString(dflt.VoiceConnectorGroupId), nil, &g); st != 200 || g.VoiceConnectorGroup.CallDistributionType != "PriorityWeightedDistribution" {
		t.Fatalf("default type: %d %+v", st, g.VoiceConnectorGroup)
	}

	// TargetApplications is required on CreateSipRule.
	_, err = srv.Voice.CreateSipRule(bg, &chimesdkvoice.CreateSipRuleInput{Name: aws.String("r"), TriggerType: vtypes.SipRuleTriggerTypeRequestUriHostname, TriggerValue: vc.OutboundHostName})
	wantAPIError(t, err, 400, "BadRequestException", "TargetApplications")
}

// A group that still holds Voice Connector items or numbers cannot be deleted.
func TestGroupDeletionRule(t *testing.T) {
	srv := chimevoicetest.New(t, chimevoicetest.Options{})
	v := srv.Voice
	vc := createVC(t, v, "a")
	g := createGroup(t, v, "g", *vc.VoiceConnectorId)
	nums := srv.Provision(t, v, "646", 1, vtypes.PhoneNumberProductTypeVoiceConnector)
	wantNoErrors(t, associateGroup(t, srv, *g.VoiceConnectorGroupId, false, nums...), "associate")

	_, err := v.DeleteVoiceConnectorGroup(bg, &chimesdkvoice.DeleteVoiceConnectorGroupInput{VoiceConnectorGroupId: g.VoiceConnectorGroupId})
	wantAPIError(t, err, 409, "ConflictException", "phone number")
	_, err = v.DisassociatePhoneNumbersFromVoiceConnectorGroup(bg, &chimesdkvoice.DisassociatePhoneNumbersFromVoiceConnectorGroupInput{VoiceConnectorGroupId: g.VoiceConnectorGroupId, E164PhoneNumbers: nums})
	chimevoicetest.Must(t, err, "disassociate")
	_, err = v.DeleteVoiceConnectorGroup(bg, &chimesdkvoice.DeleteVoiceConnectorGroupInput{VoiceConnectorGroupId: g.VoiceConnectorGroupId})
	wantAPIError(t, err, 409, "ConflictException", "Voice Connector item")
	got, err := v.GetVoiceConnectorGroup(bg, &chimesdkvoice.GetVoiceConnectorGroupInput{VoiceConnectorGroupId: g.VoiceConnectorGroupId})
	chimevoicetest.Must(t, err, "group still there")
	if len(got.VoiceConnectorGroup.VoiceConnectorItems) != 1 {
		t.Fatalf("items %+v", got.VoiceConnectorGroup.VoiceConnectorItems)
	}
	_, err = v.UpdateVoiceConnectorGroup(bg, &chimesdkvoice.UpdateVoiceConnectorGroupInput{VoiceConnectorGroupId: g.VoiceConnectorGroupId, Name: aws.String("g"), VoiceConnectorItems: []vtypes.VoiceConnectorItem{}})
	chimevoicetest.Must(t, err, "remove the items")
	_, err = v.DeleteVoiceConnectorGroup(bg, &chimesdkvoice.DeleteVoiceConnectorGroupInput{VoiceConnectorGroupId: g.VoiceConnectorGroupId})
	chimevoicetest.Must(t, err, "delete the empty group")
}
