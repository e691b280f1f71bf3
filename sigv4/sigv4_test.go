package sigv4

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go/logging"

	"github.com/chimevoice/chimevoice"
)

const (
	testAKID    = "AKIAEXAMPLEA"
	testSecret  = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	testAccount = "111111111111"
	testRegion  = "us-east-1"
)

// signTime is when every test request is signed; verifiers see it as "now"
// unless a test says otherwise.
var signTime = time.Date(2026, 11, 22, 10, 15, 30, 0, time.UTC)

func testCreds() []Credential {
	return []Credential{
		{AccessKeyID: testAKID, SecretAccessKey: testSecret, AccountID: testAccount},
		DevCredential(),
	}
}

func newTestVerifier(now time.Time) *Verifier {
	return NewVerifier(testCreds(), func() time.Time { return now })
}

func hexSHA256(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// signing describes how a test request is signed with the SDK signer.
type signing struct {
	akid, secret, token string
	service, region     string
	at                  time.Time
	payloadHash         string // default: X-Amz-Content-Sha256 if set, else hash of the body
}

func (s signing) withDefaults() signing {
	if s.akid == "" {
		s.akid, s.secret = testAKID, testSecret
	}
	if s.service == "" {
		s.service = Service
	}
	if s.region == "" {
		s.region = testRegion
	}
	if s.at.IsZero() {
		s.at = signTime
	}
	return s
}

// sdkSign signs req with aws-sdk-go-v2's signer and returns the canonical
// request and string to sign the signer logged.
func sdkSign(t testing.TB, req *http.Request, body []byte, s signing) (canonical, sts string) {
	t.Helper()
	s = s.withDefaults()
	var logged []any
	signer := v4.NewSigner(func(o *v4.SignerOptions) {
		o.LogSigning = true
		o.Logger = logging.LoggerFunc(func(_ logging.Classification, _ string, v ...any) { logged = v })
	})
	hash := s.payloadHash
	if hash == "" {
		hash = req.Header.Get("X-Amz-Content-Sha256")
	}
	if hash == "" {
		hash = hexSHA256(body)
	}
	creds := aws.Credentials{AccessKeyID: s.akid, SecretAccessKey: s.secret, SessionToken: s.token}
	if err := signer.SignHTTP(context.Background(), creds, req, hash, s.service, s.region, s.at); err != nil {
		t.Fatalf("SignHTTP: %v", err)
	}
	if len(logged) < 2 {
		t.Fatalf("signer did not log its canonical request")
	}
	return logged[0].(string), logged[1].(string)
}

func newRequest(t testing.TB, method, target string, body []byte, header http.Header) *http.Request {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, target, rd)
	if err != nil {
		t.Fatalf("NewRequest: %v", err)
	}
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	return req
}

// serverSide round-trips a client request through its HTTP/1.1 wire form,
// so the result is what an http.Server hands a handler (RequestURI, Host,
// canonical header keys, Content-Length in the map).
func serverSide(t testing.TB, req *http.Request) *http.Request {
	t.Helper()
	var buf bytes.Buffer
	if err := req.Write(&buf); err != nil {
		t.Fatalf("write request: %v", err)
	}
	r, err := http.ReadRequest(bufio.NewReader(&buf))
	if err != nil {
		t.Fatalf("read request: %v", err)
	}
	return r
}

// signedRequest builds, signs and round-trips one request.
func signedRequest(t testing.TB, method, target string, body []byte, header http.Header, s signing) *http.Request {
	t.Helper()
	req := newRequest(t, method, target, body, header)
	sdkSign(t, req, body, s)
	return serverSide(t, req)
}

// acceptCase is a request real SDKs produce, which Verify must accept.
type acceptCase struct {
	name    string
	method  string
	target  string // URL; the host is replaced when sent to a test server
	body    []byte
	header  http.Header
	signing signing
	account string
}

var batchDeleteBody = []byte(`{"PhoneNumberIds":["%2B12065550100","+12065550101"]}`)

func acceptCases() []acceptCase {
	return []acceptCase{
		{name: "path with encoded plus", method: "GET",
			target: "http://chime.local/phone-numbers/%2B12065550100"},
		{name: "restore: encoded plus and operation query", method: "POST",
			target: "http://chime.local/phone-numbers/%2B12065550100?operation=restore"},
		{name: "several query params, spaces and reserved characters", method: "GET",
			target: "http://127.0.0.1:8080/phone-numbers?status=DeleteInProgress&max-results=10&filter-value=San%20Francisco%20Bay&next-token=a%2Fb%2Bc%3D%3D&filter-name=VoiceConnectorId"},
		{name: "repeated query key and key without value", method: "GET",
			target: "http://chime.local/phone-numbers?b=2&a=z&a=y&flag"},
		{name: "POST with JSON body", method: "POST",
			target: "http://chime.local/phone-numbers?operation=batch-delete", body: batchDeleteBody,
			header: http.Header{"Content-Type": {"application/json"}}},
		{name: "dev credential, another region", method: "POST",
			target: "http://localhost:4566/phone-numbers?operation=batch-delete", body: batchDeleteBody,
			signing: signing{akid: "test", secret: "test", region: "eu-central-1"}, account: "000000000000"},
		{name: "X-Amz-Content-Sha256 with the body hash", method: "POST",
			target: "http://chime.local/phone-number-orders", body: []byte(`{"ProductType":"VoiceConnector"}`),
			header: http.Header{"X-Amz-Content-Sha256": {hexSHA256([]byte(`{"ProductType":"VoiceConnector"}`))}}},
		{name: "UNSIGNED-PAYLOAD", method: "POST",
			target: "http://chime.local/phone-number-orders", body: []byte(`{"ProductType":"VoiceConnector"}`),
			header: http.Header{"X-Amz-Content-Sha256": {UnsignedPayload}}},
		{name: "header values with runs of spaces and repeated headers", method: "GET",
			target: "http://chime.local/voice-connectors",
			header: http.Header{"X-Amz-Meta-Note": {"  a   b  c ", "second  value"}}},
		{name: "path segments needing escapes", method: "GET",
			target: "http://chime.local/voice-connectors/abc%20def~x/termination%3Ahealth"},
		{name: "default port removed by the signer", method: "GET",
			target: "http://chime.local:80/phone-numbers"},
		{name: "session token", method: "GET",
			target: "http://chime.local/phone-numbers", signing: signing{token: "FQoGZXIvYXdzEJr//////////wEaDOpp"}},
	}
}

func TestVerifyAcceptsSDKSignedRequests(t *testing.T) {
	v := newTestVerifier(signTime)
	for _, tc := range acceptCases() {
		t.Run(tc.name, func(t *testing.T) {
			r := signedRequest(t, tc.method, tc.target, tc.body, tc.header, tc.signing)
			id, err := v.Verify(r, tc.body)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			wantAccount, wantRegion := tc.account, tc.signing.withDefaults().region
			if wantAccount == "" {
				wantAccount = testAccount
			}
			if id.Credential.AccountID != wantAccount || id.Region != wantRegion {
				t.Errorf("identity = account %s region %s, want %s %s", id.Credential.AccountID, id.Region, wantAccount, wantRegion)
			}
		})
	}
}

// TestVerifyThroughHTTPServer sends the same requests over a real socket, so
// r.RequestURI, r.Host and the header map are what net/http really produces.
func TestVerifyThroughHTTPServer(t *testing.T) {
	v := newTestVerifier(signTime)
	type result struct {
		id  Identity
		err error
	}
	results := make(chan result, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			results <- result{err: err}
			return
		}
		id, err := v.Verify(r, body)
		results <- result{id, err}
	}))
	defer srv.Close()

	for _, tc := range acceptCases() {
		t.Run(tc.name, func(t *testing.T) {
			req := newRequest(t, tc.method, tc.target, tc.body, tc.header)
			// Point the request at the test server but keep the path and
			// query exactly as written.
			host := strings.TrimPrefix(srv.URL, "http://")
			req.URL.Host, req.Host = host, ""
			sdkSign(t, req, tc.body, tc.signing)
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatalf("Do: %v", err)
			}
			resp.Body.Close()
			res := <-results
			if res.err != nil {
				t.Fatalf("Verify: %v", res.err)
			}
		})
	}
}

// TestPureFunctionsMatchSDK checks each step against what the SDK signer
// logged, so a failure points at the step that diverges.
func TestPureFunctionsMatchSDK(t *testing.T) {
	for _, tc := range acceptCases() {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.signing.withDefaults()
			req := newRequest(t, tc.method, tc.target, tc.body, tc.header)
			wantCanonical, wantSTS := sdkSign(t, req, tc.body, s)
			r := serverSide(t, req)
			a, err := ParseAuthorization(r.Header.Get("Authorization"))
			if err != nil {
				t.Fatalf("ParseAuthorization: %v", err)
			}
			hash := r.Header.Get("X-Amz-Content-Sha256")
			if hash == "" {
				hash = hexSHA256(tc.body)
			}
			canonical, err := CanonicalRequest(r, a.SignedHeaders, hash)
			if err != nil {
				t.Fatalf("CanonicalRequest: %v", err)
			}
			if canonical != wantCanonical {
				t.Fatalf("canonical request:\n%s\nSDK:\n%s", canonical, wantCanonical)
			}
			sts := StringToSign(r.Header.Get("X-Amz-Date"), a.Scope, canonical)
			if sts != wantSTS {
				t.Fatalf("string to sign:\n%s\nSDK:\n%s", sts, wantSTS)
			}
			if got := Signature(SigningKey(s.secret, a.Date, a.Region, a.Service), sts); got != a.Signature {
				t.Fatalf("signature %s, SDK %s", got, a.Signature)
			}
		})
	}
}

// TestAWSTestSuiteVectors checks the pure functions against values published
// by AWS: the signing-key derivation example and the get-vanilla case of the
// SigV4 test suite.
func TestAWSTestSuiteVectors(t *testing.T) {
	key := SigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam")
	if got, want := hex.EncodeToString(key[:]), "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"; got != want {
		t.Errorf("SigningKey = %s, want %s", got, want)
	}

	r := httptest.NewRequest("GET", "/", nil)
	r.Host = "example.amazonaws.com"
	r.Header.Set("X-Amz-Date", "20150830T123600Z")
	canonical, err := CanonicalRequest(r, "host;x-amz-date", hexSHA256(nil))
	if err != nil {
		t.Fatal(err)
	}
	wantCanonical := "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	if canonical != wantCanonical {
		t.Fatalf("canonical request:\n%s\nwant:\n%s", canonical, wantCanonical)
	}
	sts := StringToSign("20150830T123600Z", "20150830/us-east-1/service/aws4_request", canonical)
	sig := Signature(SigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830", "us-east-1", "service"), sts)
	if want := "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"; sig != want {
		t.Errorf("Signature = %s, want %s", sig, want)
	}
}

// TestHMACMatchesStdlib pins the allocation-free HMAC to crypto/hmac.
func TestHMACMatchesStdlib(t *testing.T) {
	var key [32]byte
	for i := range key {
		key[i] = byte(i * 7)
	}
	for _, msg := range []string{"", "a", strings.Repeat("x", 63), strings.Repeat("y", 64), strings.Repeat("z", 1000)} {
		got, _ := hmacSHA256(&key, []byte(msg), nil)
		m := hmac.New(sha256.New, key[:])
		m.Write([]byte(msg))
		if !bytes.Equal(got[:], m.Sum(nil)) {
			t.Errorf("hmacSHA256 differs from crypto/hmac for a %d-byte message", len(msg))
		}
	}
}

// selfSign signs r with this package's own functions, for the request shapes
// the SDK signer never produces (Date instead of X-Amz-Date).
func selfSign(t *testing.T, r *http.Request, body []byte, amzDate, signedHeaders string) {
	t.Helper()
	scope := amzDate[:8] + "/" + testRegion + "/" + Service + "/aws4_request"
	canonical, err := CanonicalRequest(r, signedHeaders, hexSHA256(body))
	if err != nil {
		t.Fatal(err)
	}
	sig := Signature(SigningKey(testSecret, amzDate[:8], testRegion, Service), StringToSign(amzDate, scope, canonical))
	r.Header.Set("Authorization", fmt.Sprintf("%s Credential=%s/%s, SignedHeaders=%s, Signature=%s", Algorithm, testAKID, scope, signedHeaders, sig))
}

func TestVerifyDateHeaderFallback(t *testing.T) {
	v := newTestVerifier(signTime)
	for _, date := range []string{signTime.Format(http.TimeFormat), signTime.Format(iso8601Basic)} {
		r := httptest.NewRequest("GET", "http://chime.local/phone-numbers", nil)
		r.Header.Set("Date", date)
		selfSign(t, r, nil, signTime.Format(iso8601Basic), "date;host")
		if _, err := v.Verify(r, nil); err != nil {
			t.Errorf("Date %q: %v", date, err)
		}
	}
}

// TestVerifyBotocorePathNormalization: botocore signs the path with empty
// and dot segments removed but sends it as given; aws-sdk-go-v2 signs it
// verbatim. Both must verify.
func TestVerifyBotocorePathNormalization(t *testing.T) {
	v := newTestVerifier(signTime)
	req := newRequest(t, "GET", "http://chime.local/voice-connectors/abc/", nil, nil)
	sdkSign(t, req, nil, signing{})
	req.URL.Path, req.URL.RawPath = "/voice-connectors//abc/./", ""
	if _, err := v.Verify(serverSide(t, req), nil); err != nil {
		t.Fatalf("normalized-path signature refused: %v", err)
	}

	req = newRequest(t, "GET", "http://chime.local/voice-connectors/abc/", nil, nil)
	sdkSign(t, req, nil, signing{})
	req.URL.Path, req.URL.RawPath = "/voice-connectors/other/", ""
	if _, err := v.Verify(serverSide(t, req), nil); err == nil {
		t.Fatal("a signature over another path was accepted")
	}
}

func TestNormalizePath(t *testing.T) {
	// Expected values are botocore.utils.normalize_url_path's.
	for in, want := range map[string]string{
		"":                 "/",
		"/":                "/",
		"/a/b":             "/a/b",
		"/a//b/":           "/a/b/",
		"/a/./b/../c":      "/a/c",
		"/../a":            "/a",
		"//":               "/",
		"/a/..":            "/",
		"/a/%2B1/./":       "/a/%2B1/",
		"/phone-numbers/x": "/phone-numbers/x",
	} {
		if got := normalizePath(in); got != want {
			t.Errorf("normalizePath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCanonicalURIAndQuery(t *testing.T) {
	for in, want := range map[string]string{
		"":                              "/",
		"/":                             "/",
		"/phone-numbers/%2B12065550100": "/phone-numbers/%252B12065550100",
		"/a b/c~d_e.f-g":                "/a%20b/c~d_e.f-g",
		"/%E2%82%AC":                    "/%25E2%2582%25AC",
	} {
		if got := CanonicalURI(in); got != want {
			t.Errorf("CanonicalURI(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"":                         "",
		"operation=restore":        "operation=restore",
		"b=2&a=1":                  "a=1&b=2",
		"a=z&a=y":                  "a=y&a=z",
		"flag&x=1":                 "flag=&x=1",
		"city=San+Francisco":       "city=San%20Francisco",
		"city=San%20Francisco":     "city=San%20Francisco",
		"t=a%2fb":                  "t=a%2Fb",
		"t=%41%7E":                 "t=A~",
		"t=a/b&t=a-b":              "t=a%2Fb&t=a-b", // sorted after encoding: '%' < '-'
		"bad=%zz&ok=1":             "ok=1",
		"semi=1;x=2&ok=1":          "ok=1",
		"&&a=1&":                   "a=1",
		"next-token=ab%3D%3D&m=10": "m=10&next-token=ab%3D%3D",
	} {
		if got := CanonicalQuery(in); got != want {
			t.Errorf("CanonicalQuery(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseAmzDate(t *testing.T) {
	for in, ok := range map[string]bool{
		"20261122T101530Z":  true,
		"20240229T235959Z":  true,
		"20250229T000000Z":  false, // not a leap year
		"20261122T241530Z":  false,
		"20261122T106030Z":  false,
		"20261322T101530Z":  false,
		"20261122 101530Z":  false,
		"2026-11-22T10:15Z": false,
		"20261122T101530":   false,
		"2026112aT101530Z":  false,
	} {
		got, gotOK := parseAmzDate(in)
		if gotOK != ok {
			t.Errorf("parseAmzDate(%q) ok = %v, want %v", in, gotOK, ok)
		}
		if ok {
			want, _ := time.Parse(iso8601Basic, in)
			if !got.Equal(want) {
				t.Errorf("parseAmzDate(%q) = %v, want %v", in, got, want)
			}
		}
	}
}

// replaceAuth rewrites one component of r's Authorization header.
func replaceAuth(r *http.Request, old, new string) {
	r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), old, new, 1))
}

// dropSignedHeader removes name from r's SignedHeaders list.
func dropSignedHeader(r *http.Request, name string) {
	a := r.Header.Get("Authorization")
	start := strings.Index(a, "SignedHeaders=") + len("SignedHeaders=")
	end := start + strings.IndexByte(a[start:], ',')
	var kept []string
	for _, h := range strings.Split(a[start:end], ";") {
		if h != name {
			kept = append(kept, h)
		}
	}
	r.Header.Set("Authorization", a[:start]+strings.Join(kept, ";")+a[end:])
}

func TestVerifyFailures(t *testing.T) {
	body := batchDeleteBody
	const target = "http://chime.local/phone-numbers?operation=batch-delete"
	valid := func(t *testing.T) *http.Request {
		return signedRequest(t, "POST", target, body, nil, signing{})
	}
	tests := []struct {
		name string
		req  func(t *testing.T) *http.Request
		body []byte // default: body
		now  time.Time
		code chimevoice.Code
		want string // substring of the message naming the check
	}{
		{name: "1 missing Authorization", want: "missing Authorization header",
			req: func(t *testing.T) *http.Request {
				r := valid(t)
				r.Header.Del("Authorization")
				return r
			}},
		{name: "1 presigned query auth", want: "presigned URL authentication",
			req: func(t *testing.T) *http.Request {
				signer := v4.NewSigner()
				req := newRequest(t, "GET", "http://chime.local/phone-numbers", nil, nil)
				u, _, err := signer.PresignHTTP(context.Background(), aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}, req, hexSHA256(nil), Service, testRegion, signTime)
				if err != nil {
					t.Fatal(err)
				}
				return httptest.NewRequest("GET", u, nil)
			}},
		{name: "2 two Authorization headers", want: "2 Authorization headers",
			req: func(t *testing.T) *http.Request {
				r := valid(t)
				r.Header.Add("Authorization", r.Header.Get("Authorization"))
				return r
			}},
		{name: "2 wrong algorithm", want: `unsupported algorithm "AWS4-HMAC-SHA512"`,
			req: func(t *testing.T) *http.Request {
				r := valid(t)
				replaceAuth(r, "AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512")
				return r
			}},
		{name: "2 missing Credential", want: "missing Credential",
			req: func(t *testing.T) *http.Request {
				r := valid(t)
				r.Header.Set("Authorization", Algorithm+" SignedHeaders=host;x-amz-date, Signature="+strings.Repeat("0", 64))
				return r
			}},
		{name: "2 missing SignedHeaders", want: "missing SignedHeaders",
			req: func(t *testing.T) *http.Request {
				r := valid(t)
				r.Header.Set("Authorization", Algorithm+" Credential="+testAKID+"/20261122/us-east-1/chime/aws4_request, Signature="+strings.Repeat("0", 64))
				return r
			}},
		{name: "2 missing Signature", want: "missing Signature",
			req: func(t *testing.T) *http.Request {
				r := valid(t)
				a := r.Header.Get("Authorization")
				r.Header.Set("Authorization", a[:strings.Index(a, ", Signature=")])
				return r
			}},
		{name: "2 credential not AKID/date/region/service/aws4_request", want: "is not of the form ACCESS_KEY_ID/YYYYMMDD/REGION/SERVICE/aws4_request",
			req: func(t *testing.T) *http.Request {
				r := valid(t)
				replaceAuth(r, "/chime/aws4_request", "/chime")
				return r
			}},
		{name: "2 signature not hex", want: "Signature must be 64 hexadecimal characters",
			req: func(t *testing.T) *http.Request {
				r := valid(t)
				a := r.Header.Get("Authorization")
				r.Header.Set("Authorization", a[:len(a)-1]+"g")
				return r
			}},
		{name: "3 scope service not chime", want: `credential scope service "chime-sdk-voice"`,
			req: func(t *testing.T) *http.Request {
				return signedRequest(t, "POST", target, body, nil, signing{service: "chime-sdk-voice"})
			}},
		{name: "4 unknown access key", want: `unknown access key ID "AKIANOBODY"`,
			req: func(t *testing.T) *http.Request {
				return signedRequest(t, "POST", target, body, nil, signing{akid: "AKIANOBODY", secret: testSecret})
			}},
		{name: "5 missing X-Amz-Date", want: "missing X-Amz-Date header",
			req: func(t *testing.T) *http.Request {
				r := valid(t)
				r.Header.Del("X-Amz-Date")
				return r
			}},
		{name: "5 unparseable X-Amz-Date", want: `X-Amz-Date "2026-11-22T10:15:30Z" is not a valid ISO 8601 basic timestamp`,
			req: func(t *testing.T) *http.Request {
				r := valid(t)
				r.Header.Set("X-Amz-Date", "2026-11-22T10:15:30Z")
				return r
			}},
		{name: "5 unparseable Date", want: `Date header "yesterday" is not a valid HTTP date`,
			req: func(t *testing.T) *http.Request {
				r := valid(t)
				r.Header.Del("X-Amz-Date")
				r.Header.Set("Date", "yesterday")
				return r
			}},
		{name: "5 signed more than 5 minutes ago", want: "request time is too skewed: Signature expired",
			now: signTime.Add(MaxSkew + time.Second), req: valid},
		{name: "5 signed more than 5 minutes ahead", want: "request time is too skewed: Signature not yet current",
			now: signTime.Add(-MaxSkew - time.Second), req: valid},
		{name: "5 scope date differs from X-Amz-Date", want: "credential scope date 20261121 does not match the request date 20261122 of x-amz-date",
			req: func(t *testing.T) *http.Request {
				r := valid(t)
				replaceAuth(r, "/20261122/", "/20261121/")
				return r
			}},
		{name: "6 payload hash does not match body", want: "payload hash does not match",
			req: func(t *testing.T) *http.Request {
				h := http.Header{"X-Amz-Content-Sha256": {hexSHA256([]byte("other"))}}
				return signedRequest(t, "POST", target, body, h, signing{})
			}},
		{name: "6 streaming payload", want: "streaming (chunked) payload signing is not available",
			req: func(t *testing.T) *http.Request {
				h := http.Header{"X-Amz-Content-Sha256": {"STREAMING-AWS4-HMAC-SHA256-PAYLOAD"}}
				return signedRequest(t, "POST", target, body, h, signing{})
			}},
		{name: "7 host not signed", want: "must include host",
			req: func(t *testing.T) *http.Request {
				r := valid(t)
				dropSignedHeader(r, "host")
				return r
			}},
		{name: "7 x-amz-date not signed", want: "must include x-amz-date",
			req: func(t *testing.T) *http.Request {
				r := valid(t)
				dropSignedHeader(r, "x-amz-date")
				return r
			}},
		{name: "7 date not signed when Date dates the request", want: "must include date",
			req: func(t *testing.T) *http.Request {
				r := httptest.NewRequest("GET", "http://chime.local/phone-numbers", nil)
				r.Header.Set("Date", signTime.Format(http.TimeFormat))
				selfSign(t, r, nil, signTime.Format(iso8601Basic), "host")
				return r
			}, body: []byte{}},
		{name: "7 signed header absent", want: `signed header "x-amz-meta-note" is listed in SignedHeaders but not present`,
			req: func(t *testing.T) *http.Request {
				r := signedRequest(t, "POST", target, body, http.Header{"X-Amz-Meta-Note": {"hi"}}, signing{})
				r.Header.Del("X-Amz-Meta-Note")
				return r
			}},
		{name: "8 wrong secret", want: "The request signature we calculated does not match the signature you provided.",
			req: func(t *testing.T) *http.Request {
				return signedRequest(t, "POST", target, body, nil, signing{akid: testAKID, secret: "not-the-secret"})
			}},
		{name: "8 body changed after signing", want: "The request signature we calculated does not match",
			body: []byte(`{"PhoneNumberIds":["%2B12065550199"]}`), req: valid},
		{name: "8 signed header changed after signing", want: "The request signature we calculated does not match",
			req: func(t *testing.T) *http.Request {
				r := signedRequest(t, "POST", target, body, http.Header{"Content-Type": {"application/json"}}, signing{})
				r.Header.Set("Content-Type", "text/plain")
				return r
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			now := tc.now
			if now.IsZero() {
				now = signTime
			}
			b := tc.body
			if b == nil {
				b = body
			}
			r := tc.req(t)
			_, err := newTestVerifier(now).Verify(r, b)
			var e *chimevoice.Error
			if !errors.As(err, &e) {
				t.Fatalf("Verify error = %v (%T), want *chimevoice.Error", err, err)
			}
			if e.Code != chimevoice.CodeUnauthorized {
				t.Errorf("code = %s, want %s", e.Code, chimevoice.CodeUnauthorized)
			}
			if !strings.Contains(e.Message, tc.want) {
				t.Errorf("message %q does not contain %q", e.Message, tc.want)
			}
		})
	}
}

// TestVerifySkewBoundary: exactly 5 minutes either way is still accepted.
func TestVerifySkewBoundary(t *testing.T) {
	r := signedRequest(t, "GET", "http://chime.local/phone-numbers", nil, nil, signing{})
	for _, now := range []time.Time{signTime.Add(MaxSkew), signTime.Add(-MaxSkew)} {
		if _, err := newTestVerifier(now).Verify(r, nil); err != nil {
			t.Errorf("now = signTime%+v: %v", now.Sub(signTime), err)
		}
	}
}

// TestSignatureMismatchMessage: the message is AWS's, with the canonical
// request and string to sign the server computed — here equal to the SDK's,
// because only the secret differs.
func TestSignatureMismatchMessage(t *testing.T) {
	req := newRequest(t, "POST", "http://chime.local/phone-numbers/%2B12065550100?operation=restore", nil, nil)
	canonical, sts := sdkSign(t, req, nil, signing{akid: testAKID, secret: "wrong"})
	_, err := newTestVerifier(signTime).Verify(serverSide(t, req), nil)
	want := "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\n" +
		"The Canonical String for this request should have been\n'" + canonical + "'\n\n" +
		"The String-to-Sign should have been\n'" + sts + "'"
	if got := chimevoice.ErrorMessage(err); got != want {
		t.Fatalf("message:\n%s\nwant:\n%s", got, want)
	}
	if !strings.Contains(canonical, "/phone-numbers/%252B12065550100\noperation=restore\n") {
		t.Errorf("SDK canonical request does not double-encode the path:\n%s", canonical)
	}
}

func TestSigningKeyCacheIsBounded(t *testing.T) {
	v := newTestVerifier(signTime)
	cred := v.creds[testAKID]
	for i := 0; i < maxCachedKeys+10; i++ {
		a := Authorization{AccessKeyID: testAKID, Date: "20261122", Region: fmt.Sprintf("r%d", i), Service: Service}
		if got, want := v.signingKey(cred, &a), SigningKey(testSecret, a.Date, a.Region, a.Service); got != want {
			t.Fatalf("cached key for %s differs from a fresh derivation", a.Region)
		}
	}
	if n := len(v.keys); n > maxCachedKeys {
		t.Errorf("cache holds %d keys, bound is %d", n, maxCachedKeys)
	}
}

func TestNewVerifierCopiesCredentials(t *testing.T) {
	creds := testCreds()
	v := NewVerifier(creds, func() time.Time { return signTime })
	creds[0].SecretAccessKey = "changed"
	r := signedRequest(t, "GET", "http://chime.local/phone-numbers", nil, nil, signing{})
	if _, err := v.Verify(r, nil); err != nil {
		t.Fatalf("Verify after caller changed its slice: %v", err)
	}
}

func TestVerifyConcurrent(t *testing.T) {
	v := newTestVerifier(signTime)
	cases := acceptCases()
	reqs := make([]*http.Request, len(cases))
	for i, tc := range cases {
		reqs[i] = signedRequest(t, tc.method, tc.target, tc.body, tc.header, tc.signing)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16*len(cases))
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, r := range reqs {
				if _, err := v.Verify(r, cases[i].body); err != nil {
					errs <- fmt.Errorf("%s: %w", cases[i].name, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func BenchmarkVerify(b *testing.B) {
	v := newTestVerifier(signTime)
	r := signedRequest(b, "POST", "http://127.0.0.1:8080/phone-numbers?operation=batch-delete", batchDeleteBody,
		http.Header{"Content-Type": {"application/json"}}, signing{})
	if _, err := v.Verify(r, batchDeleteBody); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(r, batchDeleteBody); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyParallel(b *testing.B) {
	v := newTestVerifier(signTime)
	r := signedRequest(b, "GET", "http://127.0.0.1:8080/phone-numbers/%2B12065550100", nil, nil, signing{})
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := v.Verify(r, nil); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
