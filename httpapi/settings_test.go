package httpapi_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	vtypes "github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"

	"github.com/chimevoice/chimevoice/chimevoicetest"
)

func TestVoiceConnectorSettings(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, b chimevoicetest.Backend) {
		srv := chimevoicetest.New(t, chimevoicetest.Options{Backend: b, Credentials: twoAccounts})
		v := srv.Voice
		id := createVC(t, v, "vc").VoiceConnectorId

		get, err := v.GetVoiceConnectorOrigination(bg, &chimesdkvoice.GetVoiceConnectorOriginationInput{VoiceConnectorId: id})
		chimevoicetest.Must(t, err, "get unset origination")
		if get.Origination != nil {
			t.Fatalf("unset origination: %+v", get.Origination)
		}
		route := vtypes.OriginationRoute{Host: aws.String("10.0.0.1"), Port: aws.Int32(5060), Protocol: vtypes.OriginationRouteProtocolUdp, Priority: aws.Int32(1), Weight: aws.Int32(5)}
		put, err := v.PutVoiceConnectorOrigination(bg, &chimesdkvoice.PutVoiceConnectorOriginationInput{VoiceConnectorId: id,
			Origination: &vtypes.Origination{Routes: []vtypes.OriginationRoute{route}, Disabled: aws.Bool(false)}})
		chimevoicetest.Must(t, err, "put origination")
		if len(put.Origination.Routes) != 1 || aws.ToInt32(put.Origination.Routes[0].Port) != 5060 {
			t.Fatalf("put origination: %+v", put.Origination)
		}
		bad := route
		bad.Port = aws.Int32(70000)
		_, err = v.PutVoiceConnectorOrigination(bg, &chimesdkvoice.PutVoiceConnectorOriginationInput{VoiceConnectorId: id, Origination: &vtypes.Origination{Routes: []vtypes.OriginationRoute{bad}}})
		wantAPIError(t, err, 400, "BadRequestException", "Port")
		get, err = v.GetVoiceConnectorOrigination(bg, &chimesdkvoice.GetVoiceConnectorOriginationInput{VoiceConnectorId: id})
		chimevoicetest.Must(t, err, "get origination")
		if len(get.Origination.Routes) != 1 || aws.ToString(get.Origination.Routes[0].Host) != "10.0.0.1" || get.Origination.Routes[0].Protocol != vtypes.OriginationRouteProtocolUdp {
			t.Fatalf("get origination: %+v", get.Origination)
		}
		_, err = v.DeleteVoiceConnectorOrigination(bg, &chimesdkvoice.DeleteVoiceConnectorOriginationInput{VoiceConnectorId: id})
		chimevoicetest.Must(t, err, "delete origination")
		get, err = v.GetVoiceConnectorOrigination(bg, &chimesdkvoice.GetVoiceConnectorOriginationInput{VoiceConnectorId: id})
		chimevoicetest.Must(t, err, "get deleted origination")
		if get.Origination != nil {
			t.Fatalf("deleted origination: %+v", get.Origination)
		}

		_, err = v.PutVoiceConnectorTermination(bg, &chimesdkvoice.PutVoiceConnectorTerminationInput{VoiceConnectorId: id, Termination: &vtypes.Termination{
			CallingRegions: []string{"US"}, CidrAllowedList: []string{"10.0.0.0/24"}, CpsLimit: aws.Int32(2), Disabled: aws.Bool(false)}})
		chimevoicetest.Must(t, err, "put termination")
		term, err := v.GetVoiceConnectorTermination(bg, &chimesdkvoice.GetVoiceConnectorTerminationInput{VoiceConnectorId: id})
		chimevoicetest.Must(t, err, "get termination")
		if fmt.Sprint(term.Termination.CidrAllowedList) != "[10.0.0.0/24]" || aws.ToInt32(term.Termination.CpsLimit) != 2 {
			t.Fatalf("termination %+v", term.Termination)
		}
		_, err = v.PutVoiceConnectorLoggingConfiguration(bg, &chimesdkvoice.PutVoiceConnectorLoggingConfigurationInput{VoiceConnectorId: id,
			LoggingConfiguration: &vtypes.LoggingConfiguration{EnableSIPLogs: aws.Bool(true)}})
		chimevoicetest.Must(t, err, "put logging")
		logging, err := v.GetVoiceConnectorLoggingConfiguration(bg, &chimesdkvoice.GetVoiceConnectorLoggingConfigurationInput{VoiceConnectorId: id})
		chimevoicetest.Must(t, err, "get logging")
		if !aws.ToBool(logging.LoggingConfiguration.EnableSIPLogs) {
			t.Fatalf("logging %+v", logging.LoggingConfiguration)
		}
		_, err = v.PutVoiceConnectorStreamingConfiguration(bg, &chimesdkvoice.PutVoiceConnectorStreamingConfigurationInput{VoiceConnectorId: id,
			StreamingConfiguration: &vtypes.StreamingConfiguration{DataRetentionInHours: aws.Int32(24), Disabled: aws.Bool(false)}})
		chimevoicetest.Must(t, err, "put streaming")
		streaming, err := v.GetVoiceConnectorStreamingConfiguration(bg, &chimesdkvoice.GetVoiceConnectorStreamingConfigurationInput{VoiceConnectorId: id})
		chimevoicetest.Must(t, err, "get streaming")
		if aws.ToInt32(streaming.StreamingConfiguration.DataRetentionInHours) != 24 {
			t.Fatalf("streaming %+v", streaming.StreamingConfiguration)
		}
		_, err = v.PutVoiceConnectorEmergencyCallingConfiguration(bg, &chimesdkvoice.PutVoiceConnectorEmergencyCallingConfigurationInput{VoiceConnectorId: id,
			EmergencyCallingConfiguration: &vtypes.EmergencyCallingConfiguration{DNIS: []vtypes.DNISEmergencyCallingConfiguration{{CallingCountry: aws.String("US"), EmergencyPhoneNumber: aws.String("+12065550100")}}}})
		chimevoicetest.Must(t, err, "put emergency calling")
		emergency, err := v.GetVoiceConnectorEmergencyCallingConfiguration(bg, &chimesdkvoice.GetVoiceConnectorEmergencyCallingConfigurationInput{VoiceConnectorId: id})
		chimevoicetest.Must(t, err, "get emergency calling")
		if len(emergency.EmergencyCallingConfiguration.DNIS) != 1 {
			t.Fatalf("emergency calling %+v", emergency.EmergencyCallingConfiguration)
		}
		proxy, err := v.PutVoiceConnectorProxy(bg, &chimesdkvoice.PutVoiceConnectorProxyInput{VoiceConnectorId: id, DefaultSessionExpiryMinutes: aws.Int32(60), PhoneNumberPoolCountries: []string{"US"}})
		chimevoicetest.Must(t, err, "put proxy")
		if fmt.Sprint(proxy.Proxy.PhoneNumberCountries) != "[US]" || aws.ToInt32(proxy.Proxy.DefaultSessionExpiryMinutes) != 60 {
			t.Fatalf("proxy %+v", proxy.Proxy)
		}
		ext, err := v.PutVoiceConnectorExternalSystemsConfiguration(bg, &chimesdkvoice.PutVoiceConnectorExternalSystemsConfigurationInput{VoiceConnectorId: id,
			SessionBorderControllerTypes: []vtypes.SessionBorderControllerType{vtypes.SessionBorderControllerTypeRibbonSbc}})
		chimevoicetest.Must(t, err, "put external systems")
		if len(ext.ExternalSystemsConfiguration.SessionBorderControllerTypes) != 1 {
			t.Fatalf("external systems %+v", ext.ExternalSystemsConfiguration)
		}

		creds := func() string {
			out, err := v.ListVoiceConnectorTerminationCredentials(bg, &chimesdkvoice.ListVoiceConnectorTerminationCredentialsInput{VoiceConnectorId: id})
			chimevoicetest.Must(t, err, "list credentials")
			return fmt.Sprint(out.Usernames)
		}
		if got := creds(); got != "[]" {
			t.Fatalf("initial credentials %s", got)
		}
		_, err = v.PutVoiceConnectorTerminationCredentials(bg, &chimesdkvoice.PutVoiceConnectorTerminationCredentialsInput{VoiceConnectorId: id,
			Credentials: []vtypes.Credential{{Username: aws.String("alice"), Password: aws.String("pw")}, {Username: aws.String("bob"), Password: aws.String("pw")}}})
		chimevoicetest.Must(t, err, "put credentials")
		_, err = v.DeleteVoiceConnectorTerminationCredentials(bg, &chimesdkvoice.DeleteVoiceConnectorTerminationCredentialsInput{VoiceConnectorId: id, Usernames: []string{"alice"}})
		chimevoicetest.Must(t, err, "delete credentials")
		if got := creds(); got != "[bob]" {
			t.Fatalf("credentials %s", got)
		}

		otherVoice, _ := srv.Clients(otherAccount.AccessKeyID, otherAccount.SecretAccessKey)
		_, err = otherVoice.GetVoiceConnectorTermination(bg, &chimesdkvoice.GetVoiceConnectorTerminationInput{VoiceConnectorId: id})
		wantAPIError(t, err, 404, "NotFoundException")
		_, err = otherVoice.PutVoiceConnectorLoggingConfiguration(bg, &chimesdkvoice.PutVoiceConnectorLoggingConfigurationInput{VoiceConnectorId: id, LoggingConfiguration: &vtypes.LoggingConfiguration{}})
		wantAPIError(t, err, 404, "NotFoundException")

		_, err = v.DeleteVoiceConnector(bg, &chimesdkvoice.DeleteVoiceConnectorInput{VoiceConnectorId: id})
		chimevoicetest.Must(t, err, "delete voice connector with settings")
		_, err = v.GetVoiceConnectorTermination(bg, &chimesdkvoice.GetVoiceConnectorTerminationInput{VoiceConnectorId: id})
		wantAPIError(t, err, 404, "NotFoundException")
	})
}

func TestSipMediaApplicationSettings(t *testing.T) {
	srv := chimevoicetest.New(t, chimevoicetest.Options{})
	v := srv.Voice
	id := createSMA(t, v, "app").SipMediaApplicationId
	_, err := v.PutSipMediaApplicationLoggingConfiguration(bg, &chimesdkvoice.PutSipMediaApplicationLoggingConfigurationInput{SipMediaApplicationId: id,
		SipMediaApplicationLoggingConfiguration: &vtypes.SipMediaApplicationLoggingConfiguration{EnableSipMediaApplicationMessageLogs: aws.Bool(true)}})
	chimevoicetest.Must(t, err, "put logging")
	logging, err := v.GetSipMediaApplicationLoggingConfiguration(bg, &chimesdkvoice.GetSipMediaApplicationLoggingConfigurationInput{SipMediaApplicationId: id})
	chimevoicetest.Must(t, err, "get logging")
	if !aws.ToBool(logging.SipMediaApplicationLoggingConfiguration.EnableSipMediaApplicationMessageLogs) {
		t.Fatalf("logging %+v", logging.SipMediaApplicationLoggingConfiguration)
	}
	skill := "amzn1.application-oa2-client.0123456789abcdef0123456789abcdef"
	_, err = v.PutSipMediaApplicationAlexaSkillConfiguration(bg, &chimesdkvoice.PutSipMediaApplicationAlexaSkillConfigurationInput{SipMediaApplicationId: id,
		SipMediaApplicationAlexaSkillConfiguration: &vtypes.SipMediaApplicationAlexaSkillConfiguration{AlexaSkillStatus: vtypes.AlexaSkillStatusActive, AlexaSkillIds: []string{skill}}})
	chimevoicetest.Must(t, err, "put alexa skill")
	alexa, err := v.GetSipMediaApplicationAlexaSkillConfiguration(bg, &chimesdkvoice.GetSipMediaApplicationAlexaSkillConfigurationInput{SipMediaApplicationId: id})
	chimevoicetest.Must(t, err, "get alexa skill")
	if alexa.SipMediaApplicationAlexaSkillConfiguration.AlexaSkillStatus != vtypes.AlexaSkillStatusActive || alexa.SipMediaApplicationAlexaSkillConfiguration.AlexaSkillIds[0] != skill {
		t.Fatalf("alexa skill %+v", alexa.SipMediaApplicationAlexaSkillConfiguration)
	}
	_, err = v.GetSipMediaApplicationLoggingConfiguration(bg, &chimesdkvoice.GetSipMediaApplicationLoggingConfigurationInput{SipMediaApplicationId: aws.String("nosuch")})
	wantAPIError(t, err, 404, "NotFoundException", "nosuch")
}
