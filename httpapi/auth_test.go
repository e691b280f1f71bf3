package httpapi_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	vtypes "github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"

	"github.com/chimevoice/chimevoice/chimevoicetest"
	"github.com/chimevoice/chimevoice/sigv4"
)

var (
	keyA = sigv4.Credential{AccessKeyID: "AKIAACCOUNTA", SecretAccessKey: "secret-a", AccountID: "111111111111"}
	keyB = sigv4.Credential{AccessKeyID: "AKIAACCOUNTB", SecretAccessKey: "secret-b", AccountID: "222222222222"}
	// keyRO belongs to account A but may only read.
	keyRO = sigv4.Credential{AccessKeyID: "AKIAREADONLY", SecretAccessKey: "secret-ro", AccountID: "111111111111", Allow: []string{"Get*", "List*", "Search*"}}
)

// errorShape decodes an AWS error answer and checks its shape.
func errorShape(t *testing.T, r chimevoicetest.Response, status int, shape string) (code, message string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d (body %s)", r.Status, status, r.Body)
	}
	if got := r.Header.Get("X-Amzn-ErrorType"); got != shape {
		t.Fatalf("X-Amzn-ErrorType %q, want %q", got, shape)
	}
	if r.Header.Get("x-amzn-RequestId") == "" {
		t.Fatalf("no x-amzn-RequestId")
	}
	var body struct{ Code, Message string }
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatalf("error body %q: %v", r.Body, err)
	}
	if body.Code == "" || body.Message == "" {
		t.Fatalf("error body %q lacks Code or Message", r.Body)
	}
	return body.Code, body.Message
}

// signedRequest builds a request to srv signed as the SDK would, with the
// knobs a test needs to break one check at a time.
type signedRequest struct {
	key, secret string
	service     string
	when        time.Time
	body        []byte
	payloadHash string // overrides the body's hash
}

func (sr signedRequest) build(t *testing.T, srv *chimevoicetest.Server) *http.Request {
	t.Helper()
	if sr.key == "" {
		dev := sigv4.DevCredential()
		sr.key, sr.secret = dev.AccessKeyID, dev.SecretAccessKey
	}
	if sr.service == "" {
		sr.service = "chime"
	}
	if sr.when.IsZero() {
		sr.when = time.Now()
	}
	if sr.body == nil {
		sr.body = []byte(`{"PhoneNumberIds":["+12065550100"]}`)
	}
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/phone-numbers?operation=batch-delete", bytes.NewReader(sr.body))
	chimevoicetest.Must(t, err, "new request")
	req.Header.Set("Content-Type", "application/json")
	hash := sr.payloadHash
	if hash == "" {
		sum := sha256.Sum256(sr.body)
		hash = hex.EncodeToString(sum[:])
	}
	err = v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: sr.key, SecretAccessKey: sr.secret}, req, hash, sr.service, "us-east-1", sr.when)
	chimevoicetest.Must(t, err, "sign")
	return req
}

func TestSigV4ChecksFailOneByOne(t *testing.T) {
	srv := chimevoicetest.New(t, chimevoicetest.Options{})
	tests := []struct {
		name    string
		req     func() *http.Request
		mention string // the message names the failed check
	}{
		{"valid", func() *http.Request { return signedRequest{}.build(t, srv) }, ""},
		{"no authorization", func() *http.Request {
			req := signedRequest{}.build(t, srv)
			req.Header.Del("Authorization")
			return req
		}, "Authorization"},
		{"wrong algorithm", func() *http.Request {
			req := signedRequest{}.build(t, srv)
			req.Header.Set("Authorization", strings.Replace(req.Header.Get("Authorization"), "AWS4-HMAC-SHA256", "AWS4-HMAC-SHA1", 1))
			return req
		}, "algorithm"},
		{"wrong service", func() *http.Request { return signedRequest{service: "s3"}.build(t, srv) }, "service"},
		{"unknown access key", func() *http.Request { return signedRequest{key: "AKIANOBODY", secret: "x"}.build(t, srv) }, "access key"},
		{"date too old", func() *http.Request { return signedRequest{when: time.Now().Add(-6 * time.Minute)}.build(t, srv) }, "skewed"},
		{"date in the future", func() *http.Request { return signedRequest{when: time.Now().Add(6 * time.Minute)}.build(t, srv) }, "skewed"},
		{"payload hash mismatch", func() *http.Request {
			sum := sha256.Sum256([]byte("something else"))
			req := signedRequest{payloadHash: hex.EncodeToString(sum[:])}.build(t, srv)
			req.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(sum[:]))
			return req
		}, "payload"},
		{"body changed after signing", func() *http.Request {
			req := signedRequest{}.build(t, srv)
			body := []byte(`{"PhoneNumberIds":["+12065550101"]}`)
			req.Body, req.ContentLength = ioNopCloser(body), int64(len(body))
			return req
		}, "Canonical String"},
		{"wrong secret", func() *http.Request { return signedRequest{key: "test", secret: "wrong"}.build(t, srv) }, "signature"},
		{"signed header missing", func() *http.Request {
			req := signedRequest{}.build(t, srv)
			req.Header.Del("X-Amz-Date")
			req.Header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
			return req
		}, "x-amz-date"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := srv.Send(t, tc.req())
			if tc.mention == "" {
				if r.Status != http.StatusOK {
					t.Fatalf("valid request: status %d %s", r.Status, r.Body)
				}
				return
			}
			code, msg := errorShape(t, r, http.StatusUnauthorized, "UnauthorizedClientException")
			if code != "Unauthorized" {
				t.Fatalf("Code %q", code)
			}
			if !strings.Contains(strings.ToLower(msg), strings.ToLower(tc.mention)) {
				t.Fatalf("message %q does not mention %q", msg, tc.mention)
			}
		})
	}
}

func ioNopCloser(b []byte) *nopCloser { return &nopCloser{bytes.NewReader(b)} }

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

func TestAccountsAreIsolated(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, b chimevoicetest.Backend) {
		srv := chimevoicetest.New(t, chimevoicetest.Options{Backend: b, Credentials: []sigv4.Credential{keyA, keyB}})
		voiceB, _ := srv.Clients(keyB.AccessKeyID, keyB.SecretAccessKey)
		nums := srv.Provision(t, srv.Voice, "617", 2, vtypes.PhoneNumberProductTypeVoiceConnector)
		batchDelete(t, srv, nums[1])

		// B sees nothing of A's numbers: not in gets, lists, deletes or restores.
		_, err := voiceB.GetPhoneNumber(ctx, &chimesdkvoice.GetPhoneNumberInput{PhoneNumberId: aws.String(nums[0])})
		apiError(t, err, "NotFoundException")
		list, err := voiceB.ListPhoneNumbers(ctx, &chimesdkvoice.ListPhoneNumbersInput{})
		chimevoicetest.Must(t, err, "list as B")
		if len(list.PhoneNumbers) != 0 {
			t.Fatalf("B lists %d numbers", len(list.PhoneNumbers))
		}
		del, err := voiceB.BatchDeletePhoneNumber(ctx, &chimesdkvoice.BatchDeletePhoneNumberInput{PhoneNumberIds: nums})
		chimevoicetest.Must(t, err, "delete as B")
		if got := errorCodes(del.PhoneNumberErrors); got[nums[0]] != "NotFound" || got[nums[1]] != "NotFound" {
			t.Fatalf("B's delete: %v", got)
		}
		_, err = voiceB.RestorePhoneNumber(ctx, &chimesdkvoice.RestorePhoneNumberInput{PhoneNumberId: aws.String(nums[1])})
		apiError(t, err, "NotFoundException")
		_, err = voiceB.UpdatePhoneNumber(ctx, &chimesdkvoice.UpdatePhoneNumberInput{PhoneNumberId: aws.String(nums[0]), Name: aws.String("mine")})
		apiError(t, err, "NotFoundException")

		// B cannot take A's numbers: its order fails for them.
		o, err := voiceB.CreatePhoneNumberOrder(ctx, &chimesdkvoice.CreatePhoneNumberOrderInput{ProductType: vtypes.PhoneNumberProductTypeVoiceConnector, E164PhoneNumbers: nums})
		chimevoicetest.Must(t, err, "order as B")
		srv.Advance(t, 0)
		got, err := voiceB.GetPhoneNumberOrder(ctx, &chimesdkvoice.GetPhoneNumberOrderInput{PhoneNumberOrderId: o.PhoneNumberOrder.PhoneNumberOrderId})
		chimevoicetest.Must(t, err, "get order as B")
		if got.PhoneNumberOrder.Status != vtypes.PhoneNumberOrderStatusFailed {
			t.Fatalf("B's order of A's numbers: %s", got.PhoneNumberOrder.Status)
		}
		// A cannot see B's order.
		_, err = srv.Voice.GetPhoneNumberOrder(ctx, &chimesdkvoice.GetPhoneNumberOrderInput{PhoneNumberOrderId: o.PhoneNumberOrder.PhoneNumberOrderId})
		apiError(t, err, "NotFoundException")

		// A's numbers are as they were.
		if n := getNumber(t, srv, nums[0]); n.Status != vtypes.PhoneNumberStatusUnassigned || aws.ToString(n.Name) != "" {
			t.Fatalf("A's number changed: %s %q", n.Status, aws.ToString(n.Name))
		}
		if n := getNumber(t, srv, nums[1]); n.Status != vtypes.PhoneNumberStatusDeleteInProgress {
			t.Fatalf("A's queued number changed: %s", n.Status)
		}
	})
}

func TestAllowListRefusesWrite(t *testing.T) {
	srv := chimevoicetest.New(t, chimevoicetest.Options{Credentials: []sigv4.Credential{keyA, keyRO}})
	nums := srv.Provision(t, srv.Voice, "303", 1, vtypes.PhoneNumberProductTypeVoiceConnector)
	ro, _ := srv.Clients(keyRO.AccessKeyID, keyRO.SecretAccessKey)
	_, err := ro.BatchDeletePhoneNumber(ctx, &chimesdkvoice.BatchDeletePhoneNumberInput{PhoneNumberIds: nums})
	msg := apiError(t, err, "ForbiddenException")
	if !strings.Contains(msg, "BatchDeletePhoneNumber") {
		t.Fatalf("message %q does not name the operation", msg)
	}
	// Reads are allowed, and the number was not deleted.
	out, err := ro.GetPhoneNumber(ctx, &chimesdkvoice.GetPhoneNumberInput{PhoneNumberId: aws.String(nums[0])})
	chimevoicetest.Must(t, err, "read-only get")
	if out.PhoneNumber.Status != vtypes.PhoneNumberStatusUnassigned {
		t.Fatalf("status %s", out.PhoneNumber.Status)
	}
}

func TestAdminAPI(t *testing.T) {
	srv := chimevoicetest.New(t, chimevoicetest.Options{})
	var health struct{ Status string }
	if code := srv.Admin(t, http.MethodGet, "/_chimevoice/health", nil, &health); code != http.StatusOK || health.Status != "ok" {
		t.Fatalf("health: %d %v", code, health)
	}
	start := srv.Now(t)
	if !start.Equal(chimevoicetest.Epoch) {
		t.Fatalf("clock starts at %v, want %v", start, chimevoicetest.Epoch)
	}
	set := start.Add(48 * time.Hour)
	var out struct{ Now time.Time }
	if code := srv.Admin(t, http.MethodPost, "/_chimevoice/clock", map[string]string{"Set": set.Format(time.RFC3339Nano)}, &out); code != http.StatusOK || !out.Now.Equal(set) {
		t.Fatalf("set clock: %d %v", code, out.Now)
	}
	for _, body := range []any{
		map[string]string{"Set": start.Format(time.RFC3339Nano)}, // backwards
		map[string]string{"Advance": "-1h"},
		map[string]string{"Advance": "soon"},
		map[string]string{"Set": "yesterday"},
		map[string]string{},
		map[string]string{"Advance": "1h", "Set": set.Format(time.RFC3339Nano)},
	} {
		if code := srv.Admin(t, http.MethodPost, "/_chimevoice/clock", body, nil); code != http.StatusBadRequest {
			t.Fatalf("clock %v: status %d, want 400", body, code)
		}
	}
	if got := srv.Now(t); !got.Equal(set) {
		t.Fatalf("refused moves changed the clock to %v", got)
	}
}
