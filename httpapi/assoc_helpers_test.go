package httpapi_test

import (
	"context"
	"errors"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	vtypes "github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"
	"github.com/aws/smithy-go"

	"github.com/chimevoice/chimevoice/chimevoicetest"
)

var bg = context.Background()

// wantAPIError fails unless err is an AWS error with the HTTP status and
// exception shape, whose message contains every one of mentions.
func wantAPIError(t *testing.T, err error, status int, shape string, mentions ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want %d %s, got success", status, shape)
	}
	var ae smithy.APIError
	var re *awshttp.ResponseError
	if !errors.As(err, &ae) || !errors.As(err, &re) {
		t.Fatalf("want %d %s, got %v", status, shape, err)
	}
	if re.HTTPStatusCode() != status || ae.ErrorCode() != shape {
		t.Fatalf("want %d %s, got %d %s: %s", status, shape, re.HTTPStatusCode(), ae.ErrorCode(), ae.ErrorMessage())
	}
	for _, m := range mentions {
		if !strings.Contains(ae.ErrorMessage(), m) {
			t.Fatalf("%s message %q does not mention %q", shape, ae.ErrorMessage(), m)
		}
	}
}

// apiShape is the exception shape of an AWS error ("" for others).
func apiShape(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// errorCodes maps each refused number to its ErrorCode.
func errorCodes(errs []vtypes.PhoneNumberError) map[string]string {
	out := map[string]string{}
	for _, e := range errs {
		out[aws.ToString(e.PhoneNumberId)] = string(e.ErrorCode)
	}
	return out
}

func wantNoErrors(t *testing.T, errs map[string]string, what string) {
	t.Helper()
	if len(errs) != 0 {
		t.Fatalf("%s: unexpected PhoneNumberErrors %v", what, errs)
	}
}

// numberIs fails unless the number has the status and exactly the
// associations given as "Name=Value", each with a timestamp.
func numberIs(t *testing.T, srv *chimevoicetest.Server, e164 string, status vtypes.PhoneNumberStatus, assocs ...string) {
	t.Helper()
	out, err := srv.Voice.GetPhoneNumber(bg, &chimesdkvoice.GetPhoneNumberInput{PhoneNumberId: aws.String(e164)})
	chimevoicetest.Must(t, err, "get %s", e164)
	n := out.PhoneNumber
	var got []string
	for _, a := range n.Associations {
		if a.AssociatedTimestamp == nil {
			t.Fatalf("%s: association %s has no AssociatedTimestamp", e164, a.Name)
		}
		got = append(got, string(a.Name)+"="+aws.ToString(a.Value))
	}
	sort.Strings(got)
	sort.Strings(assocs)
	if n.Status != status || strings.Join(got, ",") != strings.Join(assocs, ",") {
		t.Fatalf("%s: status %s associations %v, want %s %v", e164, n.Status, got, status, assocs)
	}
}

// listedBy returns the numbers ListPhoneNumbers returns for the filter.
func listedBy(t *testing.T, srv *chimevoicetest.Server, name vtypes.PhoneNumberAssociationName, value string) []string {
	t.Helper()
	out, err := srv.Voice.ListPhoneNumbers(bg, &chimesdkvoice.ListPhoneNumbersInput{FilterName: name, FilterValue: aws.String(value)})
	chimevoicetest.Must(t, err, "list by %s", name)
	var got []string
	for _, n := range out.PhoneNumbers {
		got = append(got, aws.ToString(n.E164PhoneNumber))
	}
	return got
}

// batchDelete deletes the numbers and returns the refused ones' codes.
func batchDelete(t *testing.T, srv *chimevoicetest.Server, nums ...string) map[string]string {
	t.Helper()
	out, err := srv.Voice.BatchDeletePhoneNumber(bg, &chimesdkvoice.BatchDeletePhoneNumberInput{PhoneNumberIds: nums})
	chimevoicetest.Must(t, err, "batch delete")
	return errorCodes(out.PhoneNumberErrors)
}

func restore(t *testing.T, srv *chimevoicetest.Server, e164 string) {
	t.Helper()
	_, err := srv.Voice.RestorePhoneNumber(bg, &chimesdkvoice.RestorePhoneNumberInput{PhoneNumberId: aws.String(e164)})
	chimevoicetest.Must(t, err, "restore %s", e164)
}

func createVC(t *testing.T, client *chimesdkvoice.Client, name string) *vtypes.VoiceConnector {
	t.Helper()
	out, err := client.CreateVoiceConnector(bg, &chimesdkvoice.CreateVoiceConnectorInput{Name: aws.String(name), RequireEncryption: aws.Bool(true)})
	chimevoicetest.Must(t, err, "create voice connector %s", name)
	return out.VoiceConnector
}

func createGroup(t *testing.T, client *chimesdkvoice.Client, name string, vcs ...string) *vtypes.VoiceConnectorGroup {
	t.Helper()
	in := &chimesdkvoice.CreateVoiceConnectorGroupInput{Name: aws.String(name)}
	for i, id := range vcs {
		in.VoiceConnectorItems = append(in.VoiceConnectorItems, vtypes.VoiceConnectorItem{VoiceConnectorId: aws.String(id), Priority: aws.Int32(int32(i + 1))})
	}
	out, err := client.CreateVoiceConnectorGroup(bg, in)
	chimevoicetest.Must(t, err, "create voice connector group %s", name)
	return out.VoiceConnectorGroup
}

func associateVC(t *testing.T, srv *chimevoicetest.Server, vc string, force bool, nums ...string) map[string]string {
	t.Helper()
	out, err := srv.Voice.AssociatePhoneNumbersWithVoiceConnector(bg, &chimesdkvoice.AssociatePhoneNumbersWithVoiceConnectorInput{
		VoiceConnectorId: aws.String(vc), E164PhoneNumbers: nums, ForceAssociate: aws.Bool(force)})
	chimevoicetest.Must(t, err, "associate with voice connector %s", vc)
	return errorCodes(out.PhoneNumberErrors)
}

func associateGroup(t *testing.T, srv *chimevoicetest.Server, group string, force bool, nums ...string) map[string]string {
	t.Helper()
	out, err := srv.Voice.AssociatePhoneNumbersWithVoiceConnectorGroup(bg, &chimesdkvoice.AssociatePhoneNumbersWithVoiceConnectorGroupInput{
		VoiceConnectorGroupId: aws.String(group), E164PhoneNumbers: nums, ForceAssociate: aws.Bool(force)})
	chimevoicetest.Must(t, err, "associate with group %s", group)
	return errorCodes(out.PhoneNumberErrors)
}

const lambdaARN = "arn:aws:lambda:us-east-1:000000000000:function:handler"

func createSMA(t *testing.T, client *chimesdkvoice.Client, name string) *vtypes.SipMediaApplication {
	t.Helper()
	out, err := client.CreateSipMediaApplication(bg, &chimesdkvoice.CreateSipMediaApplicationInput{
		AwsRegion: aws.String("us-east-1"), Name: aws.String(name),
		Endpoints: []vtypes.SipMediaApplicationEndpoint{{LambdaArn: aws.String(lambdaARN)}},
	})
	chimevoicetest.Must(t, err, "create sip media application %s", name)
	return out.SipMediaApplication
}

// pager is an SDK paginator with output O and client options Opt.
type pager[O, Opt any] interface {
	HasMorePages() bool
	NextPage(context.Context, ...func(*Opt)) (O, error)
}

// allPages reads every page of p and returns what names picks from each,
// sorted (resources created in the same millisecond list in ID order).
func allPages[O, Opt any](t *testing.T, p pager[O, Opt], names func(O) []string) []string {
	t.Helper()
	var out []string
	for p.HasMorePages() {
		page, err := p.NextPage(bg)
		chimevoicetest.Must(t, err, "list page")
		out = append(out, names(page)...)
	}
	sort.Strings(out)
	return out
}

// names picks a string of each item.
func names[T any](items []T, name func(T) *string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = aws.ToString(name(it))
	}
	return out
}
