package chimevoicetest

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	vtypes "github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"
)

// ExampleHandlerARN is the Lambda ARN tests give SIP media applications
// whose handler the shipped runner serves (it accepts any function).
const ExampleHandlerARN = "arn:aws:lambda:us-east-1:000000000000:function:example-handler"

// RouteToHandler creates, through the API, a SIP media application in
// us-east-1 whose endpoint is the function, and a SIP rule that routes
// calls to number (a SipMediaApplicationDialIn number of the account) to
// it. It returns the application's and the rule's IDs.
func RouteToHandler(t testing.TB, v *chimesdkvoice.Client, function, number string) (smaID, ruleID string) {
	t.Helper()
	ctx := context.Background()
	sma, err := v.CreateSipMediaApplication(ctx, &chimesdkvoice.CreateSipMediaApplicationInput{AwsRegion: aws.String("us-east-1"), Name: aws.String("example"),
		Endpoints: []vtypes.SipMediaApplicationEndpoint{{LambdaArn: aws.String(function)}}})
	Must(t, err, "create sip media application")
	rule, err := v.CreateSipRule(ctx, &chimesdkvoice.CreateSipRuleInput{Name: aws.String("line " + number[1:]), TriggerType: vtypes.SipRuleTriggerTypeToPhoneNumber,
		TriggerValue: aws.String(number), TargetApplications: []vtypes.SipRuleTargetApplication{{SipMediaApplicationId: sma.SipMediaApplication.SipMediaApplicationId, Priority: aws.Int32(1)}}})
	Must(t, err, "create sip rule")
	return aws.ToString(sma.SipMediaApplication.SipMediaApplicationId), aws.ToString(rule.SipRule.SipRuleId)
}
