package sigv4

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
)

// TestVerifyOfficialClients drives the generated chime-sdk-voice and legacy
// chime clients against a server that only verifies signatures, so the
// paths, queries and headers are exactly what the SDKs put on the wire
// (including their own amz-sdk-* headers). The SDK signs with the real clock,
// so the verifier uses it too.
func TestVerifyOfficialClients(t *testing.T) {
	v := NewVerifier(testCreds(), time.Now)
	var mu sync.Mutex
	var failures []string
	var verified int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		id, err := v.Verify(r, body)
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			failures = append(failures, r.Method+" "+r.RequestURI+": "+err.Error())
			w.Header().Set("X-Amzn-ErrorType", "UnauthorizedClientException")
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"Code":"Unauthorized","Message":"signature"}`)
			return
		}
		if id.Region != "us-west-2" || id.Credential.AccountID != testAccount {
			failures = append(failures, "unexpected identity "+id.Region+" "+id.Credential.AccountID)
		}
		verified++
		io.WriteString(w, `{}`)
	}))
	defer srv.Close()

	creds := aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}, nil
	})
	ctx := context.Background()

	voice := chimesdkvoice.New(chimesdkvoice.Options{
		Region: "us-west-2", BaseEndpoint: aws.String(srv.URL), Credentials: creds,
		HTTPClient: srv.Client(), RetryMaxAttempts: 1,
	})
	calls := []func() error{
		func() error {
			_, err := voice.RestorePhoneNumber(ctx, &chimesdkvoice.RestorePhoneNumberInput{PhoneNumberId: aws.String("+12065550100")})
			return err
		},
		func() error {
			_, err := voice.GetPhoneNumber(ctx, &chimesdkvoice.GetPhoneNumberInput{PhoneNumberId: aws.String("%2B12065550100")})
			return err
		},
		func() error {
			_, err := voice.BatchDeletePhoneNumber(ctx, &chimesdkvoice.BatchDeletePhoneNumberInput{PhoneNumberIds: []string{"+12065550100", "%2B12065550101"}})
			return err
		},
		func() error {
			_, err := voice.ListPhoneNumbers(ctx, &chimesdkvoice.ListPhoneNumbersInput{
				Status: aws.String("DeleteInProgress"), MaxResults: aws.Int32(10),
				NextToken: aws.String("ab/c+d=="), FilterValue: aws.String("vc id with spaces"),
			})
			return err
		},
		func() error {
			_, err := voice.SearchAvailablePhoneNumbers(ctx, &chimesdkvoice.SearchAvailablePhoneNumbersInput{
				City: aws.String("San Francisco"), State: aws.String("CA"), MaxResults: aws.Int32(5),
			})
			return err
		},
	}
	legacy := chime.New(chime.Options{
		Region: "us-west-2", BaseEndpoint: aws.String(srv.URL), Credentials: creds,
		HTTPClient: srv.Client(), RetryMaxAttempts: 1,
	})
	calls = append(calls, func() error {
		_, err := legacy.ListPhoneNumbers(ctx, &chime.ListPhoneNumbersInput{Status: "Unassigned", MaxResults: aws.Int32(3)})
		return err
	})

	for i, call := range calls {
		if err := call(); err != nil {
			t.Errorf("call %d: %v", i, err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for _, f := range failures {
		t.Error(f)
	}
	if verified != len(calls) {
		t.Errorf("verified %d requests, want %d", verified, len(calls))
	}
}
