package sigv4

import (
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/aws/smithy-go/encoding/httpbinding"

	"github.com/chimevoice/chimevoice"
)

// FuzzParseAuthorization: the parser never panics, fails only with
// CodeUnauthorized, and what it accepts is well formed and survives being
// written back out and parsed again.
func FuzzParseAuthorization(f *testing.F) {
	for _, seed := range []string{
		"AWS4-HMAC-SHA256 Credential=AKIAEXAMPLEA/20261122/us-east-1/chime/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + strings.Repeat("ab", 32),
		"AWS4-HMAC-SHA256 Credential=test/20261122/eu-west-2/chime/aws4_request,SignedHeaders=content-length;content-type;host;x-amz-date,Signature=" + strings.Repeat("0F", 32),
		"AWS4-HMAC-SHA256 Signature=x, Credential=a/b/c/d/e",
		"AWS4-HMAC-SHA256 Credential=a=b/20260101/r/s/aws4_request, SignedHeaders=;;, Signature=",
		"AWS4-HMAC-SHA256",
		"AWS4-HMAC-SHA256 ,,,=,",
		"Bearer token",
		"",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, header string) {
		a, err := ParseAuthorization(header)
		if err != nil {
			if code := chimevoice.ErrorCode(err); code != chimevoice.CodeUnauthorized {
				t.Fatalf("error code %s, want Unauthorized: %v", code, err)
			}
			return
		}
		if a.AccessKeyID == "" || len(a.Date) != 8 || a.Region == "" || a.Service == "" {
			t.Fatalf("accepted an incomplete credential: %+v", a)
		}
		if a.Scope != a.Date+"/"+a.Region+"/"+a.Service+"/aws4_request" {
			t.Fatalf("scope %q does not match its parts %+v", a.Scope, a)
		}
		for _, name := range strings.Split(a.SignedHeaders, ";") {
			if name == "" {
				t.Fatalf("accepted an empty signed header name in %q", a.SignedHeaders)
			}
		}
		if len(a.Signature) != 64 || !isHex(a.Signature) {
			t.Fatalf("accepted signature %q", a.Signature)
		}
		again, err := ParseAuthorization(Algorithm + " Credential=" + a.AccessKeyID + "/" + a.Scope +
			", SignedHeaders=" + a.SignedHeaders + ", Signature=" + a.Signature)
		if err != nil || again != a {
			t.Fatalf("round trip: %+v, %v; want %+v", again, err, a)
		}
	})
}

// referenceCanonicalQuery is aws-sdk-go-v2's algorithm: url.ParseQuery, then
// v4Internal.EncodeQuery (escape each name and value, sort the pairs).
func referenceCanonicalQuery(raw string) string {
	q, _ := url.ParseQuery(raw)
	var pairs [][2]string
	enc := func(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }
	for k, vs := range q {
		for _, v := range vs {
			pairs = append(pairs, [2]string{enc(k), enc(v)})
		}
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i][0] != pairs[j][0] {
			return pairs[i][0] < pairs[j][0]
		}
		return pairs[i][1] < pairs[j][1]
	})
	parts := make([]string, len(pairs))
	for i, p := range pairs {
		parts[i] = p[0] + "=" + p[1]
	}
	return strings.Join(parts, "&")
}

// FuzzCanonicalEncoding checks the canonical URI and query string against
// the SDK's own algorithms for arbitrary input: the allocation-free fast
// paths must never disagree with them.
func FuzzCanonicalEncoding(f *testing.F) {
	f.Add("/phone-numbers/%2B12065550100", "operation=restore")
	f.Add("/a b/%zz/~", "b=2&a=1&a=0&flag")
	f.Add("", "city=San+Francisco&t=%2f%2F%41&x=%")
	f.Add("/%E2%82%AC", "t=a/b&t=a-b&;=1&&")
	f.Fuzz(func(t *testing.T, path, query string) {
		wantPath := path
		if wantPath == "" {
			wantPath = "/"
		}
		if got, want := CanonicalURI(path), httpbinding.EscapePath(wantPath, false); got != want {
			t.Fatalf("CanonicalURI(%q) = %q, SDK %q", path, got, want)
		}
		if strings.Count(query, "&") > 1000 {
			return // url.ParseQuery caps the number of parameters
		}
		if got, want := CanonicalQuery(query), referenceCanonicalQuery(query); got != want {
			t.Fatalf("CanonicalQuery(%q) = %q, SDK %q", query, got, want)
		}
	})
}
