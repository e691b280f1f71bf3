package testserver_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"

	"github.com/chimevoice/chimevoice/testserver"
)

// TestDeletionQueue is the example of the package documentation, run
// against the real binary (built from this module when none is on PATH).
func TestDeletionQueue(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	ctx := context.Background()
	srv := testserver.Start(t, testserver.Options{})
	voice := srv.Voice()
	found, err := voice.SearchAvailablePhoneNumbers(ctx, &chimesdkvoice.SearchAvailablePhoneNumbersInput{AreaCode: aws.String("206"), MaxResults: aws.Int32(2)})
	if err != nil {
		t.Fatal(err)
	}
	nums := found.E164PhoneNumbers
	if _, err := voice.CreatePhoneNumberOrder(ctx, &chimesdkvoice.CreatePhoneNumberOrderInput{ProductType: types.PhoneNumberProductTypeVoiceConnector, E164PhoneNumbers: nums}); err != nil {
		t.Fatal(err)
	}
	srv.AdvanceClock(t, "0s") // complete the order now
	out, err := voice.BatchDeletePhoneNumber(ctx, &chimesdkvoice.BatchDeletePhoneNumberInput{PhoneNumberIds: nums})
	if err != nil || len(out.PhoneNumberErrors) != 0 {
		t.Fatalf("batch delete: %v %+v", err, out)
	}
	before := srv.Now(t)
	if now := srv.AdvanceClock(t, "7d"); now.Sub(before) < 7*24*time.Hour-time.Second {
		t.Fatalf("7d moved the clock from %v to %v", before, now)
	}
	left, err := srv.Chime().ListPhoneNumbers(ctx, nil)
	if err != nil || len(left.PhoneNumbers) != 0 {
		t.Fatalf("after 7 days: %v %+v", err, left)
	}

	srv.LoadState(t, []byte(`{"Version":1,"Now":"2030-01-01T00:00:00.000Z","PhoneNumbers":[
		{"E164":"+12067301307","AccountId":"000000000000","Country":"US","NumberType":"Local","ProductType":"VoiceConnector",
		 "Status":"Unassigned","CreatedAt":"2029-12-01T00:00:00.000Z","UpdatedAt":"2029-12-01T00:00:00.000Z"}]}`))
	if _, err := voice.GetPhoneNumber(ctx, &chimesdkvoice.GetPhoneNumberInput{PhoneNumberId: aws.String("+12067301307")}); err != nil {
		t.Fatalf("the loaded number: %v", err)
	}
	srv.Faults(t, []map[string]any{{"Operation": "ListPhoneNumbers", "Error": "ThrottledClientException"}})
	noRetry := srv.Voice(func(o *chimesdkvoice.Options) { o.RetryMaxAttempts = 1 })
	var throttled *types.ThrottledClientException
	if _, err := noRetry.ListPhoneNumbers(ctx, nil); !errors.As(err, &throttled) {
		t.Fatalf("injected fault: %v", err)
	}
	srv.Faults(t, nil)
	srv.Reset(t)
	list, err := voice.ListPhoneNumbers(ctx, nil)
	if err != nil || len(list.PhoneNumbers) != 0 {
		t.Fatalf("after reset: %v %+v", err, list)
	}
}
