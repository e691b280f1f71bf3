package httpapi_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	vtypes "github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"

	"github.com/chimevoice/chimevoice/chimevoicetest"
	"github.com/chimevoice/chimevoice/sigv4"
)

// BenchmarkHTTPBatchDelete is the whole request path in one process:
// signed request over loopback HTTP, verification, routing, validation,
// one delete through the group commit, the answer.
func BenchmarkHTTPBatchDelete(b *testing.B) {
	srv := chimevoicetest.New(b, chimevoicetest.Options{})
	nums := srv.Provision(b, srv.Voice, "206", min(b.N+64, 20000), vtypes.PhoneNumberProductTypeVoiceConnector)
	signer := sigv4.NewSigner("test", "test", "us-east-1")
	client := srv.HTTP.Client()
	var next atomic.Int64
	b.SetParallelism(16)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := int(next.Add(1)-1) % len(nums) // past the pool, re-deletes: still a full round trip
			body := []byte(fmt.Sprintf(`{"PhoneNumberIds":["%s"]}`, nums[i]))
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/phone-numbers?operation=batch-delete", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			signer.Sign(req, body, time.Now())
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Fatalf("status %d", resp.StatusCode)
			}
		}
	})
}
