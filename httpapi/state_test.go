package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	vtypes "github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"

	"github.com/chimevoice/chimevoice/chimevoicetest"
	"github.com/chimevoice/chimevoice/sigv4"
	"github.com/chimevoice/chimevoice/sqlstore"
)

// populate gives account A completed, deleted, renamed numbers and a
// calling name, and account B an order still in progress.
func populate(t *testing.T, srv *chimevoicetest.Server, a, b *chimesdkvoice.Client) {
	t.Helper()
	nums := srv.Provision(t, a, "206", 3, vtypes.PhoneNumberProductTypeVoiceConnector)
	del, err := a.BatchDeletePhoneNumber(ctx, &chimesdkvoice.BatchDeletePhoneNumberInput{PhoneNumberIds: nums[:1]})
	if err != nil || len(del.PhoneNumberErrors) != 0 {
		t.Fatalf("delete: %v %+v", err, del)
	}
	_, err = a.UpdatePhoneNumber(ctx, &chimesdkvoice.UpdatePhoneNumberInput{PhoneNumberId: aws.String(nums[1]), Name: aws.String("front desk")})
	chimevoicetest.Must(t, err, "rename")
	_, err = a.UpdatePhoneNumberSettings(ctx, &chimesdkvoice.UpdatePhoneNumberSettingsInput{CallingName: aws.String("ACME")})
	chimevoicetest.Must(t, err, "settings")
	found, err := b.SearchAvailablePhoneNumbers(ctx, &chimesdkvoice.SearchAvailablePhoneNumbersInput{AreaCode: aws.String("425"), MaxResults: aws.Int32(2)})
	chimevoicetest.Must(t, err, "search")
	_, err = b.CreatePhoneNumberOrder(ctx, &chimesdkvoice.CreatePhoneNumberOrderInput{ProductType: vtypes.PhoneNumberProductTypeSipMediaApplicationDialIn, E164PhoneNumbers: found.E164PhoneNumbers, Name: aws.String("pending")})
	chimevoicetest.Must(t, err, "order")
}

func clientsOf(srv *chimevoicetest.Server, keys ...sigv4.Credential) []*chimesdkvoice.Client {
	var out []*chimesdkvoice.Client
	for _, k := range keys {
		v, _ := srv.Clients(k.AccessKeyID, k.SecretAccessKey)
		out = append(out, v)
	}
	return out
}

func TestStateExportResetImportRoundTrip(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, be chimevoicetest.Backend) {
		srv := chimevoicetest.New(t, chimevoicetest.Options{Backend: be, OrderLatency: time.Hour, Credentials: []sigv4.Credential{keyA, keyB}})
		cs := clientsOf(srv, keyA, keyB)
		a, b := cs[0], cs[1]
		populate(t, srv, a, b)
		now := srv.Advance(t, 5*time.Minute)
		beforeA, beforeB := srv.Snapshot(t, a), srv.Snapshot(t, b)
		snap := srv.ExportState(t, false)

		var doc map[string]json.RawMessage
		chimevoicetest.Must(t, json.Unmarshal(snap, &doc), "decode %s", snap)
		for section, want := range map[string]int{"PhoneNumbers": 5, "PhoneNumberOrders": 2, "PhoneNumberOrderItems": 5, "PhoneNumberSettings": 1, "PhoneNumberAssociations": 0} {
			var rows []json.RawMessage
			if err := json.Unmarshal(doc[section], &rows); err != nil || len(rows) != want {
				t.Fatalf("%s: %d rows (%v), want %d\n%s", section, len(rows), err, want, snap)
			}
		}
		if _, ok := doc["PoolNumbers"]; ok {
			t.Fatal("the pool is exported only on request")
		}
		if !bytes.Contains(snap, []byte(`"Now": "`+now.Format("2006-01-02T15:04:05.000Z")+`"`)) {
			t.Fatalf("snapshot without the service clock %s:\n%.300s", now, snap)
		}

		srv.Reset(t)
		if got := srv.Now(t); !got.Equal(chimevoicetest.Epoch) {
			t.Fatalf("clock after reset: %s, want the base clock %s", got, chimevoicetest.Epoch)
		}
		for _, c := range cs {
			list, err := c.ListPhoneNumbers(ctx, &chimesdkvoice.ListPhoneNumbersInput{})
			chimevoicetest.Must(t, err, "list")
			orders, err := c.ListPhoneNumberOrders(ctx, &chimesdkvoice.ListPhoneNumberOrdersInput{})
			chimevoicetest.Must(t, err, "list orders")
			if len(list.PhoneNumbers)+len(orders.PhoneNumberOrders) != 0 {
				t.Fatalf("after reset: %d numbers, %d orders", len(list.PhoneNumbers), len(orders.PhoneNumberOrders))
			}
		}

		r := srv.ImportState(t, snap)
		if r.Status != http.StatusOK || !strings.Contains(string(r.Body), `"PhoneNumbers":5`) {
			t.Fatalf("import: %d %s", r.Status, r.Body)
		}
		if !srv.Now(t).Equal(now) {
			t.Fatalf("clock after import: %s, want %s", srv.Now(t), now)
		}
		if afterA, afterB := srv.Snapshot(t, a), srv.Snapshot(t, b); afterA != beforeA || afterB != beforeB {
			t.Fatalf("state differs after the round trip:\n%s\n%s\n%s\n%s", beforeA, afterA, beforeB, afterB)
		}
		if again := srv.ExportState(t, false); !bytes.Equal(again, snap) {
			t.Fatalf("export after import differs:\n%s\n%s", snap, again)
		}

		// The imported state lives on: B's order completes when due, A's
		// deleted number is purged at the end of its retention.
		srv.Advance(t, time.Hour)
		orders, err := b.ListPhoneNumberOrders(ctx, &chimesdkvoice.ListPhoneNumberOrdersInput{})
		chimevoicetest.Must(t, err, "list orders")
		if len(orders.PhoneNumberOrders) != 1 || orders.PhoneNumberOrders[0].Status != vtypes.PhoneNumberOrderStatusSuccessful {
			t.Fatalf("imported order did not complete: %+v", orders.PhoneNumberOrders)
		}
		srv.Advance(t, week)
		list, err := a.ListPhoneNumbers(ctx, &chimesdkvoice.ListPhoneNumbersInput{})
		chimevoicetest.Must(t, err, "list")
		if len(list.PhoneNumbers) != 2 {
			t.Fatalf("after the retention: %d numbers, want 2", len(list.PhoneNumbers))
		}
	})
}

// fixture is a hand-written snapshot: one Assigned number with its
// association, as tests write them to start from a known state.
const fixture = `{
"Version": 1,
"Now": "2026-11-22T10:00:00.000Z",
"PhoneNumbers": [
  {"E164": "+12067301307", "AccountId": "000000000000", "Country": "US", "NumberType": "Local", "ProductType": "VoiceConnector", "Status": "Assigned", "CreatedAt": "2026-11-01T00:00:00.000Z", "UpdatedAt": "2026-11-01T00:00:00.000Z"},
  {"E164": "+12063412302", "AccountId": "000000000000", "Country": "US", "NumberType": "Local", "ProductType": "VoiceConnector", "Status": "DeleteInProgress", "CreatedAt": "2026-11-01T00:00:00.000Z", "UpdatedAt": "2026-11-20T00:00:00.000Z", "DeletedAt": "2026-11-20T00:00:00.000Z"}
],
"PhoneNumberAssociations": [
  {"E164": "+12067301307", "AccountId": "000000000000", "Name": "VoiceConnectorId", "Value": "abcdef1ghij2klmno3pqr4", "AssociatedAt": "2026-11-02T00:00:00.000Z"}
],
"VoiceConnectors": [
  {"Id": "abcdef1ghij2klmno3pqr4", "AccountId": "000000000000", "AwsRegion": "us-east-1", "Name": "trunk", "OutboundHostName": "abcdef1ghij2klmno3pqr4.voiceconnector.chime.aws", "RequireEncryption": true, "Arn": "arn:aws:chime:us-east-1:000000000000:vc/abcdef1ghij2klmno3pqr4", "CreatedAt": "2026-11-01T00:00:00.000Z", "UpdatedAt": "2026-11-01T00:00:00.000Z"}
]
}`

func TestStateFixtureWithAssociation(t *testing.T) {
	srv := chimevoicetest.New(t, chimevoicetest.Options{})
	if r := srv.ImportState(t, []byte(fixture)); r.Status != http.StatusOK {
		t.Fatalf("import: %d %s", r.Status, r.Body)
	}
	got := getNumber(t, srv, "+12067301307")
	if got.Status != vtypes.PhoneNumberStatusAssigned || len(got.Associations) != 1 || aws.ToString(got.Associations[0].Value) != "abcdef1ghij2klmno3pqr4" {
		t.Fatalf("imported number: %+v", got)
	}
	errs := batchDelete(t, srv, "+12067301307")
	if errs["+12067301307"] != string(vtypes.ErrorCodePhoneNumberAssociationsExist) {
		t.Fatalf("delete of an associated number: %v", errs)
	}
	// Deleted on Nov 20: purged 7 days later, on Nov 27 (Now is Nov 22 10:00).
	srv.Advance(t, 4*24*time.Hour+13*time.Hour)
	getNumber(t, srv, "+12063412302")
	srv.Advance(t, time.Hour)
	_, err := srv.Voice.GetPhoneNumber(ctx, &chimesdkvoice.GetPhoneNumberInput{PhoneNumberId: aws.String("+12063412302")})
	apiError(t, err, "NotFoundException")
}

// mutate applies edit to the decoded fixture and returns it encoded.
func mutate(t *testing.T, edit func(doc map[string]any)) []byte {
	t.Helper()
	var doc map[string]any
	chimevoicetest.Must(t, json.Unmarshal([]byte(fixture), &doc), "decode fixture")
	edit(doc)
	b, err := json.Marshal(doc)
	chimevoicetest.Must(t, err, "encode")
	return b
}

func row(doc map[string]any, section string, i int) map[string]any {
	return doc[section].([]any)[i].(map[string]any)
}

func TestStateImportIsValidatedAllOrNothing(t *testing.T) {
	srv := chimevoicetest.New(t, chimevoicetest.Options{})
	if r := srv.ImportState(t, []byte(fixture)); r.Status != http.StatusOK {
		t.Fatalf("import: %d %s", r.Status, r.Body)
	}
	before := srv.ExportState(t, true)
	orderID := "5f0e3b7a-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
	order := map[string]any{"Id": orderID, "AccountId": "000000000000", "ProductType": "VoiceConnector", "Status": "Successful", "CreatedAt": "2026-11-01T00:00:00.000Z", "UpdatedAt": "2026-11-01T00:00:00.000Z"}
	item := map[string]any{"OrderId": orderID, "Position": 0, "E164": "+12067301307", "Status": "Acquired"}
	for _, c := range []struct {
		name string
		edit func(doc map[string]any)
		want string
	}{
		{"not an object", nil, "must be a JSON object"},
		{"version", func(d map[string]any) { d["Version"] = 2 }, "Version: 2 is not a version"},
		{"no version", func(d map[string]any) { delete(d, "Version") }, "Version: required"},
		{"no clock", func(d map[string]any) { delete(d, "Now") }, "Now: required"},
		{"bad clock", func(d map[string]any) { d["Now"] = "yesterday" }, `Now: "yesterday" is not an ISO 8601 time`},
		{"unknown section", func(d map[string]any) { d["MeetingRooms"] = []any{} }, "MeetingRooms: unknown member"},
		{"association of a missing resource", func(d map[string]any) { d["VoiceConnectors"] = []any{} }, "PhoneNumberAssociations[0].Value: VoiceConnectorId abcdef1ghij2klmno3pqr4 is not a resource of account 000000000000"},
		{"resource of another account", func(d map[string]any) { row(d, "VoiceConnectors", 0)["AccountId"] = "111111111111" }, "PhoneNumberAssociations[0].Value: VoiceConnectorId abcdef1ghij2klmno3pqr4 is not a resource of account 000000000000"},
		{"boolean", func(d map[string]any) { row(d, "VoiceConnectors", 0)["RequireEncryption"] = "yes" }, "VoiceConnectors[0].RequireEncryption: must be true or false"},
		{"unique host name", func(d map[string]any) {
			vc := map[string]any{}
			for k, v := range row(d, "VoiceConnectors", 0) {
				vc[k] = v
			}
			vc["Id"], vc["Arn"] = "other", "arn:other"
			d["VoiceConnectors"] = append(d["VoiceConnectors"].([]any), vc)
		}, "VoiceConnectors[1]: OutboundHostName abcdef1ghij2klmno3pqr4.voiceconnector.chime.aws is also VoiceConnectors[0]'s"},
		{"group item of a missing connector", func(d map[string]any) {
			d["VoiceConnectorGroups"] = []any{map[string]any{"Id": "g1", "AccountId": "000000000000", "Name": "g", "Arn": "arn:g1", "CreatedAt": "2026-11-01T00:00:00.000Z", "UpdatedAt": "2026-11-01T00:00:00.000Z"}}
			d["VoiceConnectorGroupItems"] = []any{map[string]any{"GroupId": "g1", "VoiceConnectorId": "vc9", "Position": 0, "Priority": 1}}
		}, "VoiceConnectorGroupItems[0].VoiceConnectorId: vc9 is not in VoiceConnectors"},
		{"tag of nothing", func(d map[string]any) {
			d["ResourceTags"] = []any{map[string]any{"Arn": "arn:nothing", "AccountId": "000000000000", "Key": "k", "Value": "v"}}
		}, "ResourceTags[0].Arn: arn:nothing is not a Voice Connector, SIP media application or voice profile domain of account 000000000000"},
		{"settings not JSON", func(d map[string]any) {
			d["ResourceSettings"] = []any{map[string]any{"ResourceId": "abcdef1ghij2klmno3pqr4", "AccountId": "000000000000", "Name": "Origination", "Body": "{", "UpdatedAt": "2026-11-01T00:00:00.000Z"}}
		}, "ResourceSettings[0].Body: must be a JSON document"},
		{"section type", func(d map[string]any) { d["PhoneNumbers"] = "none" }, "PhoneNumbers: must be an array"},
		{"unknown column", func(d map[string]any) { row(d, "PhoneNumbers", 0)["Color"] = "red" }, "PhoneNumbers[0].Color: unknown member"},
		{"missing column", func(d map[string]any) { delete(row(d, "PhoneNumbers", 1), "AccountId") }, "PhoneNumbers[1].AccountId: required"},
		{"wrong type", func(d map[string]any) { row(d, "PhoneNumbers", 0)["Status"] = 3 }, "PhoneNumbers[0].Status: must be a string"},
		{"bad status", func(d map[string]any) { row(d, "PhoneNumbers", 0)["Status"] = "Gone" }, `PhoneNumbers[0].Status: "Gone" is not one of`},
		{"bad account", func(d map[string]any) { row(d, "PhoneNumbers", 0)["AccountId"] = "acme" }, `PhoneNumbers[0].AccountId: "acme" is not an AWS account ID`},
		{"not E.164", func(d map[string]any) { row(d, "PhoneNumbers", 0)["E164"] = "12067301307" }, "PhoneNumbers[0].E164: \"12067301307\" is not a phone number in E.164 form"},
		{"duplicate number", func(d map[string]any) { row(d, "PhoneNumbers", 1)["E164"] = "+12067301307" }, "PhoneNumbers[1]: E164 +12067301307 is also PhoneNumbers[0]"},
		{"invalid number", func(d map[string]any) { row(d, "PhoneNumbers", 1)["E164"] = "+12061234567" }, "PhoneNumbers[1].E164: +12061234567 is not a valid phone number"},
		{"wrong country", func(d map[string]any) { row(d, "PhoneNumbers", 1)["Country"] = "CA" }, "PhoneNumbers[1].Country: CA does not match +12063412302, which is US"},
		{"wrong type of number", func(d map[string]any) { row(d, "PhoneNumbers", 1)["NumberType"] = "TollFree" }, "PhoneNumbers[1].NumberType: TollFree does not match"},
		{"queued without time", func(d map[string]any) { delete(row(d, "PhoneNumbers", 1), "DeletedAt") }, "PhoneNumbers[1].DeletedAt: set exactly when Status is DeleteInProgress"},
		{"time without queue", func(d map[string]any) { row(d, "PhoneNumbers", 1)["Status"] = "Unassigned" }, "PhoneNumbers[1].DeletedAt: set exactly when Status is DeleteInProgress (Status is Unassigned)"},
		{"time after now", func(d map[string]any) { row(d, "PhoneNumbers", 1)["UpdatedAt"] = "2026-12-01T00:00:00.000Z" }, "PhoneNumbers[1].UpdatedAt: 2026-12-01T00:00:00.000Z is after the snapshot's Now"},
		{"sub-millisecond time", func(d map[string]any) { row(d, "PhoneNumbers", 1)["CreatedAt"] = "2026-11-01T00:00:00.0000001Z" }, "PhoneNumbers[1].CreatedAt: \"2026-11-01T00:00:00.0000001Z\" is more precise than milliseconds"},
		{"assigned alone", func(d map[string]any) { d["PhoneNumberAssociations"] = []any{} }, "PhoneNumbers[0].Status: Assigned, but no PhoneNumberAssociations"},
		{"queued and associated", func(d map[string]any) { row(d, "PhoneNumberAssociations", 0)["E164"] = "+12063412302" }, "PhoneNumbers[0].Status: Assigned, but no PhoneNumberAssociations"},
		{"association of nobody", func(d map[string]any) {
			d["PhoneNumberAssociations"] = append(d["PhoneNumberAssociations"].([]any), map[string]any{"E164": "+12069797979", "AccountId": "000000000000", "Name": "SipRuleId", "Value": "r", "AssociatedAt": "2026-11-02T00:00:00.000Z"})
		}, "PhoneNumberAssociations[1].E164: +12069797979 is not in PhoneNumbers"},
		{"association of another account", func(d map[string]any) { row(d, "PhoneNumberAssociations", 0)["AccountId"] = "111111111111" }, "PhoneNumberAssociations[0].AccountId: +12067301307 belongs to account 000000000000"},
		{"bad association name", func(d map[string]any) { row(d, "PhoneNumberAssociations", 0)["Name"] = "Trunk" }, `PhoneNumberAssociations[0].Name: "Trunk" is not one of`},
		{"order without items", func(d map[string]any) { d["PhoneNumberOrders"] = []any{order} }, "PhoneNumberOrders[0]: order " + orderID + " has no PhoneNumberOrderItems"},
		{"item without order", func(d map[string]any) { d["PhoneNumberOrderItems"] = []any{item} }, "PhoneNumberOrderItems[0].OrderId: " + orderID + " is not in PhoneNumberOrders"},
		{"order outcome", func(d map[string]any) {
			failed := map[string]any{}
			for k, v := range item {
				failed[k] = v
			}
			failed["Status"] = "Failed"
			d["PhoneNumberOrders"], d["PhoneNumberOrderItems"] = []any{order}, []any{failed}
		}, "PhoneNumberOrders[0].Status: Successful, but 0 of its 1 items were Acquired (Failed)"},
		{"acquiring without order", func(d map[string]any) {
			r := row(d, "PhoneNumbers", 1)
			r["Status"] = "AcquireInProgress"
			delete(r, "DeletedAt")
		}, "PhoneNumbers[1].OrderId: an AcquireInProgress number needs its order"},
		{"bad order id", func(d map[string]any) { row(d, "PhoneNumbers", 1)["OrderId"] = "ORDER-1" }, `PhoneNumbers[1].OrderId: "ORDER-1" is not a lower-case UUID`},
		{"bad settings", func(d map[string]any) {
			d["PhoneNumberSettings"] = []any{map[string]any{"AccountId": "000000000000", "CallingName": "ACME"}}
		}, "PhoneNumberSettings[0].UpdatedAt: required"},
		{"bad pool row", func(d map[string]any) {
			d["PoolNumbers"] = []any{map[string]any{"E164": "+12067301307", "Country": "GB", "NumberType": "Local"}}
		}, "PoolNumbers[0].Country: GB does not match the number +12067301307, which is US"},
	} {
		body := []byte("[]")
		if c.edit != nil {
			body = mutate(t, c.edit)
		}
		r := srv.ImportState(t, body)
		var e struct{ Message string }
		json.Unmarshal(r.Body, &e)
		if r.Status != http.StatusBadRequest || !strings.Contains(e.Message, c.want) {
			t.Errorf("%s: %d %s\nwant 400 containing %q", c.name, r.Status, r.Body, c.want)
		}
	}
	if after := srv.ExportState(t, true); !bytes.Equal(after, before) {
		t.Fatalf("refused imports changed the state:\n%s\n%s", before, after)
	}
}

func TestStatePoolIsKeptUnlessNamed(t *testing.T) {
	srv := chimevoicetest.New(t, chimevoicetest.Options{})
	rep, err := srv.Store.ImportPoolCSV(ctx, strings.NewReader("+12067301307,US,Local,Seattle,WA\n+18005550199,US,TollFree\n"), sqlstore.PoolImportOptions{})
	if err != nil || rep.Imported != 2 {
		t.Fatalf("pool import: %+v %v", rep, err)
	}
	snap := srv.ExportState(t, true)
	want := `"PoolNumbers": [
  {"E164": "+12067301307", "Country": "US", "NumberType": "Local", "City": "Seattle", "State": "WA"},
  {"E164": "+18005550199", "Country": "US", "NumberType": "TollFree", "City": "", "State": ""}
]`
	if !bytes.Contains(snap, []byte(want)) {
		t.Fatalf("pool export:\n%s", snap)
	}
	search := func() []string {
		out, err := srv.Voice.SearchAvailablePhoneNumbers(ctx, &chimesdkvoice.SearchAvailablePhoneNumbersInput{AreaCode: aws.String("206")})
		chimevoicetest.Must(t, err, "search")
		return out.E164PhoneNumbers
	}
	srv.Reset(t)
	if got := search(); fmt.Sprint(got) != "[+12067301307]" {
		t.Fatalf("reset dropped the pool: search found %v", got)
	}
	// A snapshot without PoolNumbers leaves the pool; one with it replaces it.
	if r := srv.ImportState(t, []byte(`{"Version":1,"Now":"2026-11-22T10:00:00.000Z"}`)); r.Status != http.StatusOK {
		t.Fatalf("import: %d %s", r.Status, r.Body)
	}
	if got := search(); len(got) != 1 {
		t.Fatalf("an import without PoolNumbers changed the pool: %v", got)
	}
	if r := srv.ImportState(t, []byte(`{"Version":1,"Now":"2026-11-22T10:00:00.000Z","PoolNumbers":[]}`)); r.Status != http.StatusOK {
		t.Fatalf("import: %d %s", r.Status, r.Body)
	}
	if got := search(); len(got) != 100 {
		t.Fatalf("after emptying the pool, search should draw from the synthetic pool: %d numbers", len(got))
	}
}

// TestStateRoundTripWithAssociationResources exports, resets and imports a
// store with every kind of association resource made through the API.
func TestStateRoundTripWithAssociationResources(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, be chimevoicetest.Backend) {
		srv := chimevoicetest.New(t, chimevoicetest.Options{Backend: be})
		v := srv.Voice
		nums := srv.Provision(t, v, "206", 2, vtypes.PhoneNumberProductTypeVoiceConnector)
		business := srv.Provision(t, v, "425", 1, legacyProduct)
		vc := createVC(t, v, "trunk")
		group := createGroup(t, v, "both", aws.ToString(vc.VoiceConnectorId))
		wantNoErrors(t, associateVC(t, srv, aws.ToString(vc.VoiceConnectorId), false, nums[0]), "associate")
		wantNoErrors(t, associateGroup(t, srv, aws.ToString(group.VoiceConnectorGroupId), false, nums[1]), "associate group")
		_, err := v.TagResource(ctx, &chimesdkvoice.TagResourceInput{ResourceARN: vc.VoiceConnectorArn, Tags: []vtypes.Tag{{Key: aws.String("team"), Value: aws.String("voice")}}})
		chimevoicetest.Must(t, err, "tag")
		_, err = v.PutVoiceConnectorOrigination(ctx, &chimesdkvoice.PutVoiceConnectorOriginationInput{VoiceConnectorId: vc.VoiceConnectorId, Origination: &vtypes.Origination{
			Routes: []vtypes.OriginationRoute{{Host: aws.String("10.0.0.1"), Port: aws.Int32(5060), Protocol: vtypes.OriginationRouteProtocolUdp, Priority: aws.Int32(1), Weight: aws.Int32(5)}}, Disabled: aws.Bool(false)}})
		chimevoicetest.Must(t, err, "origination")
		sma := createSMA(t, v, "ivr")
		createRule(t, srv, &chimesdkvoice.CreateSipRuleInput{Name: aws.String("by host"), TriggerType: vtypes.SipRuleTriggerTypeRequestUriHostname,
			TriggerValue: vc.OutboundHostName, TargetApplications: []vtypes.SipRuleTargetApplication{{SipMediaApplicationId: sma.SipMediaApplicationId, Priority: aws.Int32(1), AwsRegion: aws.String("us-east-1")}}})
		acct := createAccount(t, srv.Legacy, "Team")
		user := createUser(t, srv.Legacy, acct, "ann@example.com")
		_, err = srv.Legacy.AssociatePhoneNumberWithUser(ctx, &chime.AssociatePhoneNumberWithUserInput{AccountId: aws.String(acct), UserId: user.UserId, E164PhoneNumber: aws.String(business[0])})
		chimevoicetest.Must(t, err, "associate user")

		snap := srv.ExportState(t, false)
		for _, section := range []string{"VoiceConnectors", "VoiceConnectorGroups", "VoiceConnectorGroupItems", "SipMediaApplications", "SipRules", "SipRuleTargets", "ResourceTags", "ResourceSettings", "ChimeAccounts", "ChimeUsers"} {
			if !bytes.Contains(snap, []byte(`"`+section+`": [`+"\n  {")) {
				t.Fatalf("%s missing from the snapshot:\n%s", section, snap)
			}
		}
		srv.Reset(t)
		list, err := v.ListVoiceConnectors(ctx, &chimesdkvoice.ListVoiceConnectorsInput{})
		chimevoicetest.Must(t, err, "list voice connectors")
		if len(list.VoiceConnectors) != 0 {
			t.Fatalf("reset left %d Voice Connectors", len(list.VoiceConnectors))
		}
		if r := srv.ImportState(t, snap); r.Status != http.StatusOK {
			t.Fatalf("import: %d %s", r.Status, r.Body)
		}
		if again := srv.ExportState(t, false); !bytes.Equal(again, snap) {
			t.Fatalf("export after import differs:\n%s\n%s", snap, again)
		}
		numberIs(t, srv, nums[0], vtypes.PhoneNumberStatusAssigned, "VoiceConnectorId="+aws.ToString(vc.VoiceConnectorId))
		_, err = v.DeleteVoiceConnector(ctx, &chimesdkvoice.DeleteVoiceConnectorInput{VoiceConnectorId: vc.VoiceConnectorId})
		wantAPIError(t, err, http.StatusConflict, "ConflictException")
		if errs := batchDelete(t, srv, business[0]); errs[business[0]] != string(vtypes.ErrorCodePhoneNumberAssociationsExist) {
			t.Fatalf("delete of the user's number: %v", errs)
		}
	})
}
