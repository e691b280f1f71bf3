package httpapi_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/chime"
	ltypes "github.com/aws/aws-sdk-go-v2/service/chime/types"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	vtypes "github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"
	"github.com/aws/smithy-go"

	"github.com/chimevoice/chimevoice/chimevoicetest"
)

var ctx = context.Background()

const week = 7 * 24 * time.Hour

// apiError asserts err is the AWS error shape code (e.g. "NotFoundException")
// and returns its message.
func apiError(t *testing.T, err error, code string) string {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want %s, got %v", code, err)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("want %s, got %s: %s", code, ae.ErrorCode(), ae.ErrorMessage())
	}
	return ae.ErrorMessage()
}

func getNumber(t *testing.T, srv *chimevoicetest.Server, e164 string) *vtypes.PhoneNumber {
	t.Helper()
	out, err := srv.Voice.GetPhoneNumber(ctx, &chimesdkvoice.GetPhoneNumberInput{PhoneNumberId: aws.String(e164)})
	chimevoicetest.Must(t, err, "get %s", e164)
	return out.PhoneNumber
}

func TestBatchDeleteLifecycle(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, b chimevoicetest.Backend) {
		srv := chimevoicetest.New(t, chimevoicetest.Options{Backend: b})
		nums := srv.Provision(t, srv.Voice, "206", 3, vtypes.PhoneNumberProductTypeVoiceConnector)
		deletedAt := srv.Now(t)

		// Every accepted spelling of an ID: E.164, without '+', URL-encoded.
		ids := []string{nums[0], strings.TrimPrefix(nums[1], "+"), "%2B" + nums[2][1:]}
		if errs := batchDelete(t, srv, ids...); len(errs) != 0 {
			t.Fatalf("batch delete: unexpected errors %+v", errs)
		}
		for _, n := range nums {
			got := getNumber(t, srv, n)
			if got.Status != vtypes.PhoneNumberStatusDeleteInProgress {
				t.Fatalf("%s: status %s, want DeleteInProgress", n, got.Status)
			}
			if got.DeletionTimestamp == nil || !got.DeletionTimestamp.Equal(deletedAt) {
				t.Fatalf("%s: DeletionTimestamp %v, want %v", n, got.DeletionTimestamp, deletedAt)
			}
			if aws.ToString(got.PhoneNumberId) != "%2B"+n[1:] || aws.ToString(got.E164PhoneNumber) != n {
				t.Fatalf("%s: ids %q %q", n, aws.ToString(got.PhoneNumberId), aws.ToString(got.E164PhoneNumber))
			}
		}

		// The Deletion queue is the DeleteInProgress filter.
		list, err := srv.Voice.ListPhoneNumbers(ctx, &chimesdkvoice.ListPhoneNumbersInput{Status: aws.String("DeleteInProgress")})
		chimevoicetest.Must(t, err, "list queue")
		if len(list.PhoneNumbers) != 3 {
			t.Fatalf("queue holds %d numbers, want 3", len(list.PhoneNumbers))
		}

		// Re-delete is a success that changes nothing, even a day later.
		srv.Advance(t, 24*time.Hour)
		if errs := batchDelete(t, srv, nums...); len(errs) != 0 {
			t.Fatalf("re-delete: unexpected errors %+v", errs)
		}
		_, err = srv.Voice.DeletePhoneNumber(ctx, &chimesdkvoice.DeletePhoneNumberInput{PhoneNumberId: aws.String(nums[0])})
		chimevoicetest.Must(t, err, "single re-delete")
		if got := getNumber(t, srv, nums[0]); !got.DeletionTimestamp.Equal(deletedAt) {
			t.Fatalf("re-delete moved DeletionTimestamp to %v", got.DeletionTimestamp)
		}

		// Restore takes a number out of the queue.
		r, err := srv.Voice.RestorePhoneNumber(ctx, &chimesdkvoice.RestorePhoneNumberInput{PhoneNumberId: aws.String(nums[1])})
		chimevoicetest.Must(t, err, "restore")
		if r.PhoneNumber.Status != vtypes.PhoneNumberStatusUnassigned || r.PhoneNumber.DeletionTimestamp != nil {
			t.Fatalf("restored: status %s deletion %v", r.PhoneNumber.Status, r.PhoneNumber.DeletionTimestamp)
		}
		// Restoring a number that is not queued is BadRequest.
		_, err = srv.Voice.RestorePhoneNumber(ctx, &chimesdkvoice.RestorePhoneNumberInput{PhoneNumberId: aws.String(nums[1])})
		apiError(t, err, "BadRequestException")
		// Restoring one that never existed is NotFound.
		_, err = srv.Voice.RestorePhoneNumber(ctx, &chimesdkvoice.RestorePhoneNumberInput{PhoneNumberId: aws.String("+12065550199")})
		apiError(t, err, "NotFoundException")

		// The queue boundary: present 1 ms before 7 days, purged 1 ms after.
		srv.Advance(t, week-24*time.Hour-time.Millisecond)
		if got := getNumber(t, srv, nums[0]); got.Status != vtypes.PhoneNumberStatusDeleteInProgress {
			t.Fatalf("1 ms before 7 days: status %s", got.Status)
		}
		srv.Advance(t, 2*time.Millisecond)
		for _, n := range []string{nums[0], nums[2]} {
			_, err := srv.Voice.GetPhoneNumber(ctx, &chimesdkvoice.GetPhoneNumberInput{PhoneNumberId: aws.String(n)})
			apiError(t, err, "NotFoundException")
		}
		// The restored number stays.
		if got := getNumber(t, srv, nums[1]); got.Status != vtypes.PhoneNumberStatusUnassigned {
			t.Fatalf("restored number: status %s", got.Status)
		}
		// Purged numbers are gone from lists, delete and restore.
		all, err := srv.Voice.ListPhoneNumbers(ctx, &chimesdkvoice.ListPhoneNumbersInput{})
		chimevoicetest.Must(t, err, "list")
		if len(all.PhoneNumbers) != 1 || aws.ToString(all.PhoneNumbers[0].E164PhoneNumber) != nums[1] {
			t.Fatalf("after purge the list is %+v", all.PhoneNumbers)
		}
		if codes := batchDelete(t, srv, nums[0]); codes[nums[0]] != "NotFound" {
			t.Fatalf("delete purged: %v", codes)
		}
		_, err = srv.Voice.RestorePhoneNumber(ctx, &chimesdkvoice.RestorePhoneNumberInput{PhoneNumberId: aws.String(nums[0])})
		apiError(t, err, "NotFoundException")
	})
}

func TestPurgeReturnsNumberToPool(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, b chimevoicetest.Backend) {
		srv := chimevoicetest.New(t, chimevoicetest.Options{Backend: b})
		search := func() []string {
			out, err := srv.Voice.SearchAvailablePhoneNumbers(ctx, &chimesdkvoice.SearchAvailablePhoneNumbersInput{AreaCode: aws.String("425"), MaxResults: aws.Int32(5)})
			chimevoicetest.Must(t, err, "search")
			return out.E164PhoneNumbers
		}
		before := search()
		nums := srv.Provision(t, srv.Voice, "425", 1, vtypes.PhoneNumberProductTypeVoiceConnector)
		if nums[0] != before[0] {
			t.Fatalf("provisioned %s, want the first search result %s", nums[0], before[0])
		}
		if slices.Contains(search(), nums[0]) {
			t.Fatalf("search offers %s, which is in inventory", nums[0])
		}
		batchDelete(t, srv, nums[0])
		if slices.Contains(search(), nums[0]) {
			t.Fatalf("search offers %s, which is in the Deletion queue", nums[0])
		}
		srv.Advance(t, week)
		if got := search(); !slices.Equal(got, before) {
			t.Fatalf("after purge search gives %v, want %v", got, before)
		}
		// And it can be ordered again.
		again := srv.Provision(t, srv.Voice, "425", 1, vtypes.PhoneNumberProductTypeVoiceConnector)
		if again[0] != nums[0] {
			t.Fatalf("re-ordered %s, want %s", again[0], nums[0])
		}
	})
}

func TestBatchDeleteErrorCodes(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, b chimevoicetest.Backend) {
		srv := chimevoicetest.New(t, chimevoicetest.Options{Backend: b, OrderLatency: time.Hour})
		found, err := srv.Voice.SearchAvailablePhoneNumbers(ctx, &chimesdkvoice.SearchAvailablePhoneNumbersInput{AreaCode: aws.String("312"), MaxResults: aws.Int32(1)})
		chimevoicetest.Must(t, err, "search")
		acquiring := found.E164PhoneNumbers[0]
		_, err = srv.Voice.CreatePhoneNumberOrder(ctx, &chimesdkvoice.CreatePhoneNumberOrderInput{ProductType: vtypes.PhoneNumberProductTypeVoiceConnector, E164PhoneNumbers: []string{acquiring}})
		chimevoicetest.Must(t, err, "order")

		got := batchDelete(t, srv, acquiring, "+12065550199", "not-a-number", "%2Bxyz", "+0123", "  ")
		want := map[string]string{
			acquiring:      "PreconditionFailed",
			"+12065550199": "NotFound",
			"not-a-number": "BadRequest",
			"%2Bxyz":       "BadRequest",
			"+0123":        "BadRequest",
			"  ":           "BadRequest",
		}
		if !mapsEqual(got, want) {
			t.Fatalf("codes %v, want %v", got, want)
		}
		// The acquiring number is untouched.
		if got := getNumber(t, srv, acquiring); got.Status != vtypes.PhoneNumberStatusAcquireInProgress {
			t.Fatalf("status %s, want AcquireInProgress", got.Status)
		}
		// The single form says BadRequest for it.
		_, err = srv.Voice.DeletePhoneNumber(ctx, &chimesdkvoice.DeletePhoneNumberInput{PhoneNumberId: aws.String(acquiring)})
		apiError(t, err, "BadRequestException")
		_, err = srv.Voice.DeletePhoneNumber(ctx, &chimesdkvoice.DeletePhoneNumberInput{PhoneNumberId: aws.String("+12065550199")})
		apiError(t, err, "NotFoundException")
	})
}

func mapsEqual[K comparable, V comparable](a, b map[K]V) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestLegacyClientSharesInventory(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, b chimevoicetest.Backend) {
		srv := chimevoicetest.New(t, chimevoicetest.Options{Backend: b})
		found, err := srv.Legacy.SearchAvailablePhoneNumbers(ctx, &chime.SearchAvailablePhoneNumbersInput{AreaCode: aws.String("512"), MaxResults: aws.Int32(2)})
		chimevoicetest.Must(t, err, "legacy search")
		o, err := srv.Legacy.CreatePhoneNumberOrder(ctx, &chime.CreatePhoneNumberOrderInput{ProductType: ltypes.PhoneNumberProductTypeBusinessCalling, E164PhoneNumbers: found.E164PhoneNumbers})
		chimevoicetest.Must(t, err, "legacy order")
		if o.PhoneNumberOrder.Status != ltypes.PhoneNumberOrderStatusProcessing {
			t.Fatalf("new order status %s", o.PhoneNumberOrder.Status)
		}
		srv.Advance(t, 0)
		got, err := srv.Legacy.GetPhoneNumberOrder(ctx, &chime.GetPhoneNumberOrderInput{PhoneNumberOrderId: o.PhoneNumberOrder.PhoneNumberOrderId})
		chimevoicetest.Must(t, err, "legacy get order")
		if got.PhoneNumberOrder.Status != ltypes.PhoneNumberOrderStatusSuccessful {
			t.Fatalf("order status %s", got.PhoneNumberOrder.Status)
		}
		del, err := srv.Legacy.BatchDeletePhoneNumber(ctx, &chime.BatchDeletePhoneNumberInput{PhoneNumberIds: found.E164PhoneNumbers})
		chimevoicetest.Must(t, err, "legacy batch delete")
		if len(del.PhoneNumberErrors) != 0 {
			t.Fatalf("legacy delete errors %+v", del.PhoneNumberErrors)
		}
		// The voice client sees the same numbers, with the legacy product type.
		n := getNumber(t, srv, found.E164PhoneNumbers[0])
		if n.Status != vtypes.PhoneNumberStatusDeleteInProgress || string(n.ProductType) != "BusinessCalling" {
			t.Fatalf("voice view: status %s product %s", n.Status, n.ProductType)
		}
		r, err := srv.Legacy.RestorePhoneNumber(ctx, &chime.RestorePhoneNumberInput{PhoneNumberId: aws.String(found.E164PhoneNumbers[0])})
		chimevoicetest.Must(t, err, "legacy restore")
		if r.PhoneNumber.Status != ltypes.PhoneNumberStatusUnassigned {
			t.Fatalf("legacy restore: status %s", r.PhoneNumber.Status)
		}
		list, err := srv.Legacy.ListPhoneNumbers(ctx, &chime.ListPhoneNumbersInput{ProductType: ltypes.PhoneNumberProductTypeBusinessCalling, MaxResults: aws.Int32(99)})
		chimevoicetest.Must(t, err, "legacy list")
		if len(list.PhoneNumbers) != 2 {
			t.Fatalf("legacy list: %d numbers", len(list.PhoneNumbers))
		}
	})
}

// apiErrorCode returns the AWS error code of err ("" if it is not one).
func apiErrorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }

func sortInts(s []int) { slices.Sort(s) }
