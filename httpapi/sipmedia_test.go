package httpapi_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	vtypes "github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"

	"github.com/chimevoice/chimevoice/chimevoicetest"
)

func TestSipMediaApplicationCRUD(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, b chimevoicetest.Backend) {
		srv := chimevoicetest.New(t, chimevoicetest.Options{Backend: b, Credentials: twoAccounts})
		v := srv.Voice
		a := createSMA(t, v, "app-1")
		id := a.SipMediaApplicationId
		if aws.ToString(a.AwsRegion) != "us-east-1" || len(a.Endpoints) != 1 || aws.ToString(a.Endpoints[0].LambdaArn) != lambdaARN || a.CreatedTimestamp == nil {
			t.Fatalf("created %+v", a)
		}
		got, err := v.GetSipMediaApplication(bg, &chimesdkvoice.GetSipMediaApplicationInput{SipMediaApplicationId: id})
		chimevoicetest.Must(t, err, "get")
		if aws.ToString(got.SipMediaApplication.Name) != "app-1" {
			t.Fatalf("get %+v", got.SipMediaApplication)
		}
		other := "arn:aws:lambda:us-west-2:000000000000:function:other:$LATEST"
		up, err := v.UpdateSipMediaApplication(bg, &chimesdkvoice.UpdateSipMediaApplicationInput{SipMediaApplicationId: id,
			Endpoints: []vtypes.SipMediaApplicationEndpoint{{LambdaArn: aws.String(other)}}})
		chimevoicetest.Must(t, err, "update endpoints")
		if aws.ToString(up.SipMediaApplication.Name) != "app-1" || aws.ToString(up.SipMediaApplication.Endpoints[0].LambdaArn) != other {
			t.Fatalf("update kept name? %+v", up.SipMediaApplication)
		}
		up, err = v.UpdateSipMediaApplication(bg, &chimesdkvoice.UpdateSipMediaApplicationInput{SipMediaApplicationId: id, Name: aws.String("app-renamed")})
		chimevoicetest.Must(t, err, "update name")
		if aws.ToString(up.SipMediaApplication.Name) != "app-renamed" || aws.ToString(up.SipMediaApplication.Endpoints[0].LambdaArn) != other {
			t.Fatalf("update %+v", up.SipMediaApplication)
		}

		// Validation: nothing is created or changed.
		_, err = v.CreateSipMediaApplication(bg, &chimesdkvoice.CreateSipMediaApplicationInput{AwsRegion: aws.String("us-east-1"), Name: aws.String("x"),
			Endpoints: []vtypes.SipMediaApplicationEndpoint{{LambdaArn: aws.String("arn:aws:s3:::bucket")}}})
		wantAPIError(t, err, 400, "BadRequestException", "LambdaArn")
		_, err = v.CreateSipMediaApplication(bg, &chimesdkvoice.CreateSipMediaApplicationInput{AwsRegion: aws.String("us-east-1"), Name: aws.String("x"),
			Endpoints: []vtypes.SipMediaApplicationEndpoint{{}}})
		wantAPIError(t, err, 400, "BadRequestException", "Endpoints[0].LambdaArn")
		_, err = v.CreateSipMediaApplication(bg, &chimesdkvoice.CreateSipMediaApplicationInput{AwsRegion: aws.String("us-east-1"), Name: aws.String("x"),
			Endpoints: []vtypes.SipMediaApplicationEndpoint{{LambdaArn: aws.String(lambdaARN)}, {LambdaArn: aws.String(lambdaARN)}}})
		wantAPIError(t, err, 400, "BadRequestException", "Endpoints")
		_, err = v.UpdateSipMediaApplication(bg, &chimesdkvoice.UpdateSipMediaApplicationInput{SipMediaApplicationId: id, Endpoints: []vtypes.SipMediaApplicationEndpoint{{}}})
		wantAPIError(t, err, 400, "BadRequestException", "LambdaArn")

		for i := 2; i <= 4; i++ {
			createSMA(t, v, fmt.Sprintf("app-%d", i))
		}
		listedNames := allPages[*chimesdkvoice.ListSipMediaApplicationsOutput, chimesdkvoice.Options](t,
			chimesdkvoice.NewListSipMediaApplicationsPaginator(v, &chimesdkvoice.ListSipMediaApplicationsInput{MaxResults: aws.Int32(3)}),
			func(o *chimesdkvoice.ListSipMediaApplicationsOutput) []string {
				return names(o.SipMediaApplications, func(a vtypes.SipMediaApplication) *string { return a.Name })
			})
		if fmt.Sprint(listedNames) != "[app-2 app-3 app-4 app-renamed]" {
			t.Fatalf("listed %v", listedNames)
		}

		otherVoice, _ := srv.Clients(otherAccount.AccessKeyID, otherAccount.SecretAccessKey)
		_, err = otherVoice.GetSipMediaApplication(bg, &chimesdkvoice.GetSipMediaApplicationInput{SipMediaApplicationId: id})
		wantAPIError(t, err, 404, "NotFoundException")

		_, err = v.DeleteSipMediaApplication(bg, &chimesdkvoice.DeleteSipMediaApplicationInput{SipMediaApplicationId: id})
		chimevoicetest.Must(t, err, "delete")
		_, err = v.GetSipMediaApplication(bg, &chimesdkvoice.GetSipMediaApplicationInput{SipMediaApplicationId: id})
		wantAPIError(t, err, 404, "NotFoundException", aws.ToString(id))
		_, err = v.DeleteSipMediaApplication(bg, &chimesdkvoice.DeleteSipMediaApplicationInput{SipMediaApplicationId: id})
		wantAPIError(t, err, 404, "NotFoundException")
	})
}

func createRule(t *testing.T, srv *chimevoicetest.Server, in *chimesdkvoice.CreateSipRuleInput) *vtypes.SipRule {
	t.Helper()
	out, err := srv.Voice.CreateSipRule(bg, in)
	chimevoicetest.Must(t, err, "create sip rule %s", aws.ToString(in.Name))
	return out.SipRule
}

func target(sma *string, prio int32) []vtypes.SipRuleTargetApplication {
	return []vtypes.SipRuleTargetApplication{{SipMediaApplicationId: sma, Priority: aws.Int32(prio)}}
}

func TestSipRules(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, b chimevoicetest.Backend) {
		srv := chimevoicetest.New(t, chimevoicetest.Options{Backend: b})
		v := srv.Voice
		sma1, sma2 := createSMA(t, v, "app-1").SipMediaApplicationId, createSMA(t, v, "app-2").SipMediaApplicationId
		vc := createVC(t, v, "vc")
		host := aws.ToString(vc.OutboundHostName)
		dialIn := srv.Provision(t, v, "206", 2, smaProduct)
		vcNumber := srv.Provision(t, v, "425", 1, vcProduct)[0]

		hostRule := createRule(t, srv, &chimesdkvoice.CreateSipRuleInput{Name: aws.String("by-host"), TriggerType: vtypes.SipRuleTriggerTypeRequestUriHostname,
			TriggerValue: aws.String(host), TargetApplications: target(sma1, 1)})
		if !guidPattern.MatchString(aws.ToString(hostRule.SipRuleId)) || aws.ToBool(hostRule.Disabled) || aws.ToString(hostRule.TargetApplications[0].AwsRegion) != "us-east-1" {
			t.Fatalf("host rule %+v", hostRule)
		}
		// The Voice Connector a rule triggers on cannot be deleted.
		_, err := v.DeleteVoiceConnector(bg, &chimesdkvoice.DeleteVoiceConnectorInput{VoiceConnectorId: vc.VoiceConnectorId})
		wantAPIError(t, err, 409, "ConflictException", aws.ToString(hostRule.SipRuleId))

		// The number in its unencoded-plus form is stored as E.164.
		numRule := createRule(t, srv, &chimesdkvoice.CreateSipRuleInput{Name: aws.String("by-number"), TriggerType: vtypes.SipRuleTriggerTypeToPhoneNumber,
			TriggerValue: aws.String(dialIn[0][1:]), TargetApplications: target(sma2, 1)})
		if aws.ToString(numRule.TriggerValue) != dialIn[0] {
			t.Fatalf("trigger value %q, want %q", aws.ToString(numRule.TriggerValue), dialIn[0])
		}
		numberIs(t, srv, dialIn[0], vtypes.PhoneNumberStatusAssigned, "SipRuleId="+aws.ToString(numRule.SipRuleId))

		bad := []struct {
			name   string
			in     *chimesdkvoice.CreateSipRuleInput
			status int
			shape  string
			field  string
		}{
			{"number taken", &chimesdkvoice.CreateSipRuleInput{TriggerType: vtypes.SipRuleTriggerTypeToPhoneNumber, TriggerValue: aws.String(dialIn[0])}, 409, "ConflictException", "TriggerValue"},
			{"host taken", &chimesdkvoice.CreateSipRuleInput{TriggerType: vtypes.SipRuleTriggerTypeRequestUriHostname, TriggerValue: aws.String(host)}, 409, "ConflictException", "TriggerValue"},
			{"unknown host", &chimesdkvoice.CreateSipRuleInput{TriggerType: vtypes.SipRuleTriggerTypeRequestUriHostname, TriggerValue: aws.String("nosuch.voiceconnector.chime.aws")}, 400, "BadRequestException", "TriggerValue"},
			{"unknown number", &chimesdkvoice.CreateSipRuleInput{TriggerType: vtypes.SipRuleTriggerTypeToPhoneNumber, TriggerValue: aws.String("+12065550123")}, 400, "BadRequestException", "TriggerValue"},
			{"not a number", &chimesdkvoice.CreateSipRuleInput{TriggerType: vtypes.SipRuleTriggerTypeToPhoneNumber, TriggerValue: aws.String("sip.example.com")}, 400, "BadRequestException", "TriggerValue"},
			{"wrong product type", &chimesdkvoice.CreateSipRuleInput{TriggerType: vtypes.SipRuleTriggerTypeToPhoneNumber, TriggerValue: aws.String(vcNumber)}, 400, "BadRequestException", "ProductType"},
			{"unknown application", &chimesdkvoice.CreateSipRuleInput{TriggerType: vtypes.SipRuleTriggerTypeToPhoneNumber, TriggerValue: aws.String(dialIn[1]),
				TargetApplications: target(aws.String("nosuch"), 1)}, 400, "BadRequestException", "TargetApplications[0].SipMediaApplicationId"},
			{"wrong region", &chimesdkvoice.CreateSipRuleInput{TriggerType: vtypes.SipRuleTriggerTypeToPhoneNumber, TriggerValue: aws.String(dialIn[1]),
				TargetApplications: []vtypes.SipRuleTargetApplication{{SipMediaApplicationId: sma1, Priority: aws.Int32(1), AwsRegion: aws.String("us-west-2")}}}, 400, "BadRequestException", "TargetApplications[0].AwsRegion"},
			{"priority 0", &chimesdkvoice.CreateSipRuleInput{TriggerType: vtypes.SipRuleTriggerTypeToPhoneNumber, TriggerValue: aws.String(dialIn[1]),
				TargetApplications: target(sma1, 0)}, 400, "BadRequestException", "Priority"},
		}
		for _, tc := range bad {
			tc.in.Name = aws.String("bad")
			if tc.in.TargetApplications == nil { // required since the model of botocore 1.43.67
				tc.in.TargetApplications = target(sma1, 1)
			}
			_, err := v.CreateSipRule(bg, tc.in)
			wantAPIError(t, err, tc.status, tc.shape, tc.field)
		}
		numberIs(t, srv, dialIn[1], vtypes.PhoneNumberStatusUnassigned)
		numberIs(t, srv, vcNumber, vtypes.PhoneNumberStatusUnassigned)

		all, err := v.ListSipRules(bg, &chimesdkvoice.ListSipRulesInput{})
		chimevoicetest.Must(t, err, "list")
		if len(all.SipRules) != 2 {
			t.Fatalf("listed %d rules, want 2 (failed creates must leave none)", len(all.SipRules))
		}
		bySMA, err := v.ListSipRules(bg, &chimesdkvoice.ListSipRulesInput{SipMediaApplicationId: sma2})
		chimevoicetest.Must(t, err, "list by application")
		if len(bySMA.SipRules) != 1 || aws.ToString(bySMA.SipRules[0].SipRuleId) != aws.ToString(numRule.SipRuleId) {
			t.Fatalf("listed by application: %+v", bySMA.SipRules)
		}
		paged := allPages[*chimesdkvoice.ListSipRulesOutput, chimesdkvoice.Options](t,
			chimesdkvoice.NewListSipRulesPaginator(v, &chimesdkvoice.ListSipRulesInput{MaxResults: aws.Int32(1)}),
			func(o *chimesdkvoice.ListSipRulesOutput) []string {
				return names(o.SipRules, func(r vtypes.SipRule) *string { return r.Name })
			})
		if fmt.Sprint(paged) != "[by-host by-number]" {
			t.Fatalf("paged %v", paged)
		}

		// The application a rule targets cannot be deleted; retargeting frees it.
		_, err = v.DeleteSipMediaApplication(bg, &chimesdkvoice.DeleteSipMediaApplicationInput{SipMediaApplicationId: sma1})
		wantAPIError(t, err, 409, "ConflictException", aws.ToString(hostRule.SipRuleId))
		up, err := v.UpdateSipRule(bg, &chimesdkvoice.UpdateSipRuleInput{SipRuleId: hostRule.SipRuleId, Name: aws.String("by-host-2"), TargetApplications: target(sma2, 2)})
		chimevoicetest.Must(t, err, "update rule")
		if aws.ToString(up.SipRule.Name) != "by-host-2" || aws.ToString(up.SipRule.TargetApplications[0].SipMediaApplicationId) != aws.ToString(sma2) || aws.ToBool(up.SipRule.Disabled) {
			t.Fatalf("updated %+v", up.SipRule)
		}
		_, err = v.UpdateSipRule(bg, &chimesdkvoice.UpdateSipRuleInput{SipRuleId: hostRule.SipRuleId, Name: aws.String("x"), TargetApplications: target(aws.String("nosuch"), 1)})
		wantAPIError(t, err, 400, "BadRequestException", "TargetApplications[0]")
		got, err := v.GetSipRule(bg, &chimesdkvoice.GetSipRuleInput{SipRuleId: hostRule.SipRuleId})
		chimevoicetest.Must(t, err, "get rule")
		if aws.ToString(got.SipRule.Name) != "by-host-2" {
			t.Fatalf("failed update changed the rule: %+v", got.SipRule)
		}
		_, err = v.DeleteSipMediaApplication(bg, &chimesdkvoice.DeleteSipMediaApplicationInput{SipMediaApplicationId: sma1})
		chimevoicetest.Must(t, err, "delete untargeted application")

		// An enabled rule cannot be deleted.
		_, err = v.DeleteSipRule(bg, &chimesdkvoice.DeleteSipRuleInput{SipRuleId: hostRule.SipRuleId})
		wantAPIError(t, err, 409, "ConflictException", "disable")
		_, err = v.UpdateSipRule(bg, &chimesdkvoice.UpdateSipRuleInput{SipRuleId: hostRule.SipRuleId, Name: aws.String("by-host-2"), Disabled: aws.Bool(true)})
		chimevoicetest.Must(t, err, "disable")
		_, err = v.DeleteSipRule(bg, &chimesdkvoice.DeleteSipRuleInput{SipRuleId: hostRule.SipRuleId})
		chimevoicetest.Must(t, err, "delete disabled rule")
		_, err = v.GetSipRule(bg, &chimesdkvoice.GetSipRuleInput{SipRuleId: hostRule.SipRuleId})
		wantAPIError(t, err, 404, "NotFoundException")
		_, err = v.UpdateSipRule(bg, &chimesdkvoice.UpdateSipRuleInput{SipRuleId: hostRule.SipRuleId, Name: aws.String("x")})
		wantAPIError(t, err, 404, "NotFoundException")
		_, err = v.DeleteVoiceConnector(bg, &chimesdkvoice.DeleteVoiceConnectorInput{VoiceConnectorId: vc.VoiceConnectorId})
		chimevoicetest.Must(t, err, "delete voice connector once its rule is gone")
	})
}

// TestSipRuleAssociationCycle: delete refused → disassociate (delete the
// disabled rule) → delete → restore → re-associate (a new rule).
func TestSipRuleAssociationCycle(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, b chimevoicetest.Backend) {
		srv := chimevoicetest.New(t, chimevoicetest.Options{Backend: b})
		v := srv.Voice
		sma := createSMA(t, v, "app").SipMediaApplicationId
		n := srv.Provision(t, v, "206", 1, smaProduct)[0]
		rule := createRule(t, srv, &chimesdkvoice.CreateSipRuleInput{Name: aws.String("r"), TriggerType: vtypes.SipRuleTriggerTypeToPhoneNumber,
			TriggerValue: aws.String(n), TargetApplications: target(sma, 1)})
		ruleID := aws.ToString(rule.SipRuleId)
		numberIs(t, srv, n, vtypes.PhoneNumberStatusAssigned, "SipRuleId="+ruleID)
		if l := listedBy(t, srv, vtypes.PhoneNumberAssociationNameSipRuleId, ruleID); fmt.Sprint(l) != fmt.Sprint([]string{n}) {
			t.Fatalf("listed by rule: %v", l)
		}
		if got := batchDelete(t, srv, n); got[n] != "PhoneNumberAssociationsExist" {
			t.Fatalf("batch delete: %v", got)
		}
		_, err := v.DeletePhoneNumber(bg, &chimesdkvoice.DeletePhoneNumberInput{PhoneNumberId: aws.String(n)})
		wantAPIError(t, err, 400, "BadRequestException", ruleID)
		_, err = v.UpdatePhoneNumber(bg, &chimesdkvoice.UpdatePhoneNumberInput{PhoneNumberId: aws.String(n), ProductType: vcProduct})
		wantAPIError(t, err, 409, "ConflictException")

		// Disabling keeps the association; deleting the rule removes it.
		_, err = v.UpdateSipRule(bg, &chimesdkvoice.UpdateSipRuleInput{SipRuleId: rule.SipRuleId, Name: aws.String("r"), Disabled: aws.Bool(true)})
		chimevoicetest.Must(t, err, "disable")
		numberIs(t, srv, n, vtypes.PhoneNumberStatusAssigned, "SipRuleId="+ruleID)
		_, err = v.DeleteSipRule(bg, &chimesdkvoice.DeleteSipRuleInput{SipRuleId: rule.SipRuleId})
		chimevoicetest.Must(t, err, "delete rule")
		numberIs(t, srv, n, vtypes.PhoneNumberStatusUnassigned)
		wantNoErrors(t, batchDelete(t, srv, n), "delete number")

		// A rule on a queued number is refused.
		_, err = v.CreateSipRule(bg, &chimesdkvoice.CreateSipRuleInput{Name: aws.String("r"), TriggerType: vtypes.SipRuleTriggerTypeToPhoneNumber, TriggerValue: aws.String(n), TargetApplications: target(sma, 1)})
		wantAPIError(t, err, 409, "ConflictException", "Deletion queue")
		restore(t, srv, n)
		again := createRule(t, srv, &chimesdkvoice.CreateSipRuleInput{Name: aws.String("r2"), TriggerType: vtypes.SipRuleTriggerTypeToPhoneNumber,
			TriggerValue: aws.String(n), TargetApplications: target(sma, 1)})
		numberIs(t, srv, n, vtypes.PhoneNumberStatusAssigned, "SipRuleId="+aws.ToString(again.SipRuleId))
	})
}
