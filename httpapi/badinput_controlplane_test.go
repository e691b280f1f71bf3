package httpapi_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	vtypes "github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"

	"github.com/chimevoice/chimevoice/chimevoicetest"
)

// TestBadInputsControlPlane extends the bad-input table to the operations
// of the newest model and the rest of the control plane: wrong types,
// missing required members, values outside the model's constraints and
// unknown IDs are an AWS-shaped 4xx naming the member or ID, and the whole
// state (every table, as a snapshot exports it) is unchanged.
func TestBadInputsControlPlane(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, b chimevoicetest.Backend) {
		srv := chimevoicetest.New(t, chimevoicetest.Options{Backend: b})
		v := srv.Voice
		vc := aws.ToString(createVC(t, v, "bad").VoiceConnectorId)
		pool := srv.Provision(t, v, "206", 1, vtypes.PhoneNumberProductTypeVoiceConnector)
		wantNoErrors(t, associateVC(t, srv, vc, false, pool...), "associate")
		_, err := v.PutVoiceConnectorProxy(bg, &chimesdkvoice.PutVoiceConnectorProxyInput{VoiceConnectorId: aws.String(vc), DefaultSessionExpiryMinutes: aws.Int32(30), PhoneNumberPoolCountries: []string{"US"}})
		chimevoicetest.Must(t, err, "proxy")
		s, err := v.CreateProxySession(bg, &chimesdkvoice.CreateProxySessionInput{VoiceConnectorId: aws.String(vc), ParticipantPhoneNumbers: []string{"+14155550101", "+14155550102"}, Capabilities: []vtypes.Capability{"Voice"}})
		chimevoicetest.Must(t, err, "session")
		session := aws.ToString(s.ProxySession.ProxySessionId)
		srv.Advance(t, 0)
		const unknownVC = "abcdefghijklmnopqrstu1"
		const unknownID = "11111111-2222-3333-4444-555555555555"
		proxy := "/voice-connectors/" + vc + "/programmable-numbers/proxy"
		sessions := "/voice-connectors/" + vc + "/proxy-sessions"
		key := `{"KmsKeyArn":"` + kmsKey + `"}`
		manyTags := make([]string, 51)
		for i := range manyTags {
			manyTags[i] = fmt.Sprintf(`{"Key":"k%d","Value":"v"}`, i)
		}
		e911 := func(override string) string {
			return `{"AwsAccountId":"000000000000","StreetNumber":"410","StreetInfo":"Terry Ave N","City":"Seattle","State":"WA","Country":"US"` + override + `}`
		}

		tests := []badInput{
			{"global settings: no VoiceConnector", "PUT", "/settings", `{}`, 400, "", "VoiceConnector"},
			{"global settings: VoiceConnector a string", "PUT", "/settings", `{"VoiceConnector":"x"}`, 400, "", "VoiceConnector"},
			{"global settings: bucket with capitals", "PUT", "/settings", `{"VoiceConnector":{"CdrBucket":"My-Bucket"}}`, 400, "", "VoiceConnector.CdrBucket"},
			{"global settings: bucket a number", "PUT", "/settings", `{"VoiceConnector":{"CdrBucket":7}}`, 400, "", "CdrBucket"},
			{"termination health: malformed id", "GET", "/voice-connectors/x/termination/health", "", 400, "", "VoiceConnectorId"},
			{"termination health: unknown id", "GET", "/voice-connectors/" + unknownVC + "/termination/health", "", 404, "NotFoundException", unknownVC},
			{"termination health: no termination", "GET", "/voice-connectors/" + vc + "/termination/health", "", 404, "NotFoundException", "termination"},
			{"domain: no name", "POST", "/voice-profile-domains", `{"ServerSideEncryptionConfiguration":` + key + `}`, 400, "", "Name"},
			{"domain: no encryption", "POST", "/voice-profile-domains", `{"Name":"d"}`, 400, "", "ServerSideEncryptionConfiguration"},
			{"domain: key ARN a number", "POST", "/voice-profile-domains", `{"Name":"d","ServerSideEncryptionConfiguration":{"KmsKeyArn":5}}`, 400, "", "KmsKeyArn"},
			{"domain: key alias", "POST", "/voice-profile-domains", `{"Name":"d","ServerSideEncryptionConfiguration":{"KmsKeyArn":"arn:aws:kms:us-east-1:000000000000:alias/a"}}`, 400, "", "KmsKeyArn"},
			{"domain: name too long", "POST", "/voice-profile-domains", `{"Name":"` + strings.Repeat("d", 257) + `","ServerSideEncryptionConfiguration":` + key + `}`, 400, "", "Name"},
			{"domain: description too long", "POST", "/voice-profile-domains", `{"Name":"d","Description":"` + strings.Repeat("d", 1025) + `","ServerSideEncryptionConfiguration":` + key + `}`, 400, "", "Description"},
			{"domain: 51 tags", "POST", "/voice-profile-domains", `{"Name":"d","ServerSideEncryptionConfiguration":` + key + `,"Tags":[` + strings.Join(manyTags, ",") + `]}`, 400, "", "Tags"},
			{"domain: tag without value", "POST", "/voice-profile-domains", `{"Name":"d","ServerSideEncryptionConfiguration":` + key + `,"Tags":[{"Key":"k"}]}`, 400, "", "Value"},
			{"domain: get unknown", "GET", "/voice-profile-domains/" + unknownID, "", 404, "NotFoundException", unknownID},
			{"domain: update unknown", "PUT", "/voice-profile-domains/" + unknownID, `{"Name":"x"}`, 404, "NotFoundException", unknownID},
			{"domain: update with a bad name", "PUT", "/voice-profile-domains/" + unknownID, `{"Name":"!!"}`, 400, "", "Name"},
			{"domain: delete unknown", "DELETE", "/voice-profile-domains/" + unknownID, "", 404, "NotFoundException", unknownID},
			{"domains: max-results 0", "GET", "/voice-profile-domains?max-results=0", "", 400, "", "MaxResults"},
			{"domains: forged token", "GET", "/voice-profile-domains?next-token=zzz", "", 400, "", "NextToken"},
			{"proxy: no default expiry", "PUT", proxy, `{"PhoneNumberPoolCountries":["US"]}`, 400, "", "DefaultSessionExpiryMinutes"},
			{"proxy: no countries", "PUT", proxy, `{"DefaultSessionExpiryMinutes":5}`, 400, "", "PhoneNumberPoolCountries"},
			{"proxy: lower-case country", "PUT", proxy, `{"DefaultSessionExpiryMinutes":5,"PhoneNumberPoolCountries":["us"]}`, 400, "", "PhoneNumberPoolCountries[0]"},
			{"proxy: negative expiry", "PUT", proxy, `{"DefaultSessionExpiryMinutes":-1,"PhoneNumberPoolCountries":["US"]}`, 400, "", "DefaultSessionExpiryMinutes"},
			{"proxy: fallback not a number", "PUT", proxy, `{"DefaultSessionExpiryMinutes":5,"PhoneNumberPoolCountries":["US"],"FallBackPhoneNumber":"call me"}`, 400, "", "FallBackPhoneNumber"},
			{"proxy: unknown Voice Connector", "PUT", "/voice-connectors/" + unknownVC + "/programmable-numbers/proxy", `{"DefaultSessionExpiryMinutes":5,"PhoneNumberPoolCountries":["US"]}`, 404, "NotFoundException", unknownVC},
			{"session: no capabilities", "POST", sessions, `{"ParticipantPhoneNumbers":["+14155550103","+14155550104"]}`, 400, "", "Capabilities"},
			{"session: three participants", "POST", sessions, `{"ParticipantPhoneNumbers":["+14155550103","+14155550104","+14155550105"],"Capabilities":["Voice"]}`, 400, "", "ParticipantPhoneNumbers"},
			{"session: malformed participant", "POST", sessions, `{"ParticipantPhoneNumbers":["0415","+14155550104"],"Capabilities":["Voice"]}`, 400, "", "ParticipantPhoneNumbers[0]"},
			{"session: expiry 0", "POST", sessions, `{"ParticipantPhoneNumbers":["+14155550103","+14155550104"],"Capabilities":["Voice"],"ExpiryMinutes":0}`, 400, "", "ExpiryMinutes"},
			{"session: expiry a string", "POST", sessions, `{"ParticipantPhoneNumbers":["+14155550103","+14155550104"],"Capabilities":["Voice"],"ExpiryMinutes":"ten"}`, 400, "", "ExpiryMinutes"},
			{"session: unknown geo level", "POST", sessions, `{"ParticipantPhoneNumbers":["+14155550103","+14155550104"],"Capabilities":["Voice"],"GeoMatchLevel":"City"}`, 400, "", "GeoMatchLevel"},
			{"session: geo params without area code", "POST", sessions, `{"ParticipantPhoneNumbers":["+14155550103","+14155550104"],"Capabilities":["Voice"],"GeoMatchLevel":"AreaCode","GeoMatchParams":{"Country":"US"}}`, 400, "", "AreaCode"},
			{"session: name with symbols", "POST", sessions, `{"ParticipantPhoneNumbers":["+14155550103","+14155550104"],"Capabilities":["Voice"],"Name":"a;b"}`, 400, "", "Name"},
			{"session: capability twice", "POST", sessions, `{"ParticipantPhoneNumbers":["+14155550103","+14155550104"],"Capabilities":["Voice","Voice"]}`, 400, "", "Capabilities[1]"},
			{"session: unknown Voice Connector", "POST", "/voice-connectors/" + unknownVC + "/proxy-sessions", `{"ParticipantPhoneNumbers":["+14155550103","+14155550104"],"Capabilities":["Voice"]}`, 404, "NotFoundException", unknownVC},
			{"session: get unknown", "GET", sessions + "/" + unknownID, "", 404, "NotFoundException", unknownID},
			{"sessions: unknown status", "GET", sessions + "?status=Ringing", "", 400, "", "Status"},
			{"sessions: max-results 101", "GET", sessions + "?max-results=101", "", 400, "", "MaxResults"},
			{"sessions: forged token", "GET", sessions + "?next-token=zzz", "", 400, "", "NextToken"},
			{"session: update without capabilities", "POST", sessions + "/" + session, `{"ExpiryMinutes":5}`, 400, "", "Capabilities"},
			{"session: update unknown", "POST", sessions + "/" + unknownID, `{"Capabilities":["Voice"]}`, 404, "NotFoundException", unknownID},
			{"session: delete unknown", "DELETE", sessions + "/" + unknownID, "", 404, "NotFoundException", unknownID},
			{"e911: no postal code", "POST", "/emergency-calling/address", e911(""), 400, "", "PostalCode"},
			{"e911: postal code a number", "POST", "/emergency-calling/address", e911(`,"PostalCode":98109`), 400, "", "PostalCode"},
			{"e911: another account", "POST", "/emergency-calling/address", strings.Replace(e911(`,"PostalCode":"98109"`), "000000000000", "111111111111", 1), 403, "ForbiddenException", "AwsAccountId"},
			{"group: unknown distribution", "POST", "/voice-connector-groups", `{"Name":"g","CallDistributionType":"RoundRobin"}`, 400, "", "CallDistributionType"},
			{"group: item without priority", "POST", "/voice-connector-groups", `{"Name":"g","VoiceConnectorItems":[{"VoiceConnectorId":"` + vc + `"}]}`, 400, "", "VoiceConnectorItems[0].Priority"},
			{"group: malformed item id", "POST", "/voice-connector-groups", `{"Name":"g","VoiceConnectorItems":[{"VoiceConnectorId":"x","Priority":1}]}`, 400, "", "VoiceConnectorId"},
			{"sip rule: no target applications", "POST", "/sip-rules", `{"Name":"r","TriggerType":"ToPhoneNumber","TriggerValue":"` + pool[0] + `"}`, 400, "", "TargetApplications"},
		}
		before := srv.ExportState(t, false)
		checkBadInputs(t, srv, tests)
		if after := srv.ExportState(t, false); !bytes.Equal(after, before) {
			t.Fatalf("bad inputs changed the state:\nbefore %s\nafter  %s", before, after)
		}
	})
}
