package httpapi_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	vtypes "github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"

	"github.com/chimevoice/chimevoice/chimevoicetest"
)

func TestSmoke(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, b chimevoicetest.Backend) {
		srv := chimevoicetest.New(t, chimevoicetest.Options{Backend: b})
		nums := srv.Provision(t, srv.Voice, "206", 3, vtypes.PhoneNumberProductTypeVoiceConnector)
		out, err := srv.Voice.BatchDeletePhoneNumber(context.Background(), &chimesdkvoice.BatchDeletePhoneNumberInput{PhoneNumberIds: nums})
		chimevoicetest.Must(t, err, "batch delete")
		if len(out.PhoneNumberErrors) != 0 {
			t.Fatalf("errors: %+v", out.PhoneNumberErrors)
		}
	})
}
