package httpapi_test

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	vtypes "github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"

	"github.com/chimevoice/chimevoice/chimevoicetest"
)

// TestGoldenSeedRequest replays the sample request of the seed document
// (002: "POST /phone-numbers?operation=batch-delete HTTP/1.1 Content-type:
// application/json { "PhoneNumberIds": [ "string" ] }") byte for byte over
// a raw connection, with real IDs URL-encoded inside the JSON body as AWS's
// samples send them, and checks the exact bytes of the answer.
func TestGoldenSeedRequest(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, b chimevoicetest.Backend) {
		srv := chimevoicetest.New(t, chimevoicetest.Options{Backend: b})
		nums := srv.Provision(t, srv.Voice, "206", 2, vtypes.PhoneNumberProductTypeVoiceConnector)
		body := fmt.Sprintf(`{ "PhoneNumberIds": [ "%%2B%s", "%%2B%s" ] }`, nums[0][1:], nums[1][1:])
		host := strings.TrimPrefix(srv.URL, "http://")

		// Sign exactly what goes on the wire.
		req, err := http.NewRequest(http.MethodPost, srv.URL+"/phone-numbers?operation=batch-delete", strings.NewReader(body))
		chimevoicetest.Must(t, err, "request")
		req.Header.Set("Content-type", "application/json")
		sum := sha256.Sum256([]byte(body))
		err = v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: "test", SecretAccessKey: "test"}, req, hex.EncodeToString(sum[:]), "chime", "us-east-1", time.Now())
		chimevoicetest.Must(t, err, "sign")

		raw := "POST /phone-numbers?operation=batch-delete HTTP/1.1\r\n" +
			"Host: " + host + "\r\n" +
			"Content-type: application/json\r\n" +
			"X-Amz-Date: " + req.Header.Get("X-Amz-Date") + "\r\n" +
			"Authorization: " + req.Header.Get("Authorization") + "\r\n" +
			fmt.Sprintf("Content-Length: %d\r\n", len(body)) +
			"Connection: close\r\n" +
			"\r\n" + body

		conn, err := net.Dial("tcp", host)
		chimevoicetest.Must(t, err, "dial")
		defer conn.Close()
		_, err = io.WriteString(conn, raw)
		chimevoicetest.Must(t, err, "write")
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		chimevoicetest.Must(t, err, "read response")
		got, err := io.ReadAll(resp.Body)
		chimevoicetest.Must(t, err, "read body")

		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d, body %s", resp.StatusCode, got)
		}
		if want := []byte(`{"PhoneNumberErrors":[]}`); !bytes.Equal(got, want) {
			t.Fatalf("body %q, want %q", got, want)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
			t.Fatalf("Content-Type %q", ct)
		}
		if len(resp.Header.Get("x-amzn-RequestId")) != 36 {
			t.Fatalf("x-amzn-RequestId %q", resp.Header.Get("x-amzn-RequestId"))
		}
		for _, n := range nums {
			if st := getNumber(t, srv, n).Status; st != vtypes.PhoneNumberStatusDeleteInProgress {
				t.Fatalf("%s: status %s", n, st)
			}
		}
	})
}
