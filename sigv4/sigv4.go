// Package sigv4 verifies AWS Signature Version 4 on incoming API requests and
// holds the access keys the server accepts.
//
// The verifier is built, in the manner of MinIO's cmd/signature-v4.go, from
// small pure functions — parse the Authorization header, build the canonical
// request, the string to sign, derive the signing key, compute the signature —
// so that each step can be tested against the AWS SDK signer on its own. The
// functions write into caller-supplied buffers because Verify runs on every
// request and should not allocate on success.
//
// Only header-based signing is supported; presigned query authentication is
// refused with a message that says so.
package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/chimevoice/chimevoice"
)

const (
	// Algorithm is the only signing algorithm accepted.
	Algorithm = "AWS4-HMAC-SHA256"
	// Service is the credential-scope service name. Both the chime and the
	// chime-sdk-voice SDKs sign with "chime".
	Service = "chime"
	// UnsignedPayload is the X-Amz-Content-Sha256 value that opts the body
	// out of the signature.
	UnsignedPayload = "UNSIGNED-PAYLOAD"
	// MaxSkew is how far X-Amz-Date may be from the server's real clock, as
	// on AWS: it bounds how long a captured request can be replayed.
	MaxSkew = 5 * time.Minute

	scopeTerminator = "aws4_request"
	// iso8601Basic is the layout of X-Amz-Date and of the string to sign.
	iso8601Basic = "20060102T150405Z"
)

// Authorization is a parsed SigV4 Authorization header. Its strings are
// substrings of the header, so parsing does not allocate.
type Authorization struct {
	AccessKeyID string
	Date        string // YYYYMMDD, the scope date
	Region      string
	Service     string
	// Scope is the credential scope as sent: Date/Region/Service/aws4_request.
	Scope string
	// SignedHeaders is the client's list as sent: header names joined by ';'.
	SignedHeaders string
	// Signature is the client's signature: 64 hexadecimal characters.
	Signature string
}

// unauthorized returns the 401 error every verification failure becomes.
func unauthorized(format string, args ...any) error {
	return chimevoice.Errorf(chimevoice.CodeUnauthorized, format, args...)
}

// malformed reports a structurally invalid Authorization header.
func malformed(format string, args ...any) error {
	return chimevoice.Errorf(chimevoice.CodeUnauthorized, "malformed Authorization header: "+format, args...)
}

// clip shortens client-controlled text quoted in error messages, so an
// enormous header does not become an enormous response.
func clip(s string) string {
	const max = 80
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}

// ParseAuthorization parses a header of the form
//
//	AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/chime/aws4_request, SignedHeaders=host;x-amz-date, Signature=<64 hex>
//
// Components may be separated by "," with or without spaces, in any order;
// each must appear exactly once and no other may appear. The scope's service
// is not checked here (see Verifier.Verify): parsing is about shape only.
// Errors are *chimevoice.Error with CodeUnauthorized.
func ParseAuthorization(header string) (Authorization, error) {
	var a Authorization
	alg, rest, _ := strings.Cut(strings.TrimLeft(header, " "), " ")
	if alg != Algorithm {
		return a, malformed("unsupported algorithm %q, expected %s", clip(alg), Algorithm)
	}
	var credential string
	var haveCredential, haveSignedHeaders, haveSignature bool
	for rest != "" {
		var part string
		part, rest, _ = strings.Cut(rest, ",")
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		key, value, ok := strings.Cut(part, "=")
		if !ok {
			return a, malformed("component %q is not of the form Name=Value", clip(part))
		}
		var seen *bool
		switch key {
		case "Credential":
			seen, credential = &haveCredential, value
		case "SignedHeaders":
			seen, a.SignedHeaders = &haveSignedHeaders, value
		case "Signature":
			seen, a.Signature = &haveSignature, value
		default:
			return a, malformed("unexpected component %q (expected Credential, SignedHeaders and Signature)", clip(key))
		}
		if *seen {
			return a, malformed("component %s appears more than once", key)
		}
		*seen = true
	}
	switch {
	case !haveCredential || credential == "":
		return a, malformed("missing Credential")
	case !haveSignedHeaders || a.SignedHeaders == "":
		return a, malformed("missing SignedHeaders")
	case !haveSignature || a.Signature == "":
		return a, malformed("missing Signature")
	}
	if err := parseCredential(credential, &a); err != nil {
		return a, err
	}
	for names := a.SignedHeaders; ; {
		name, more, found := strings.Cut(names, ";")
		if name == "" {
			return a, malformed("SignedHeaders %q contains an empty header name", clip(a.SignedHeaders))
		}
		if !found {
			break
		}
		names = more
	}
	if len(a.Signature) != 2*sha256.Size || !isHex(a.Signature) {
		return a, malformed("Signature must be %d hexadecimal characters, got %q", 2*sha256.Size, clip(a.Signature))
	}
	return a, nil
}

// parseCredential splits AKID/YYYYMMDD/region/service/aws4_request into a.
func parseCredential(credential string, a *Authorization) error {
	bad := func() error {
		return malformed("Credential %q is not of the form ACCESS_KEY_ID/YYYYMMDD/REGION/SERVICE/aws4_request", clip(credential))
	}
	akid, scope, ok := strings.Cut(credential, "/")
	if !ok || akid == "" {
		return bad()
	}
	date, rest, _ := strings.Cut(scope, "/")
	region, rest, _ := strings.Cut(rest, "/")
	service, term, _ := strings.Cut(rest, "/")
	if len(date) != 8 || !isDigits(date) || region == "" || service == "" || term != scopeTerminator {
		return bad()
	}
	a.AccessKeyID, a.Scope, a.Date, a.Region, a.Service = akid, scope, date, region, service
	return nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if _, ok := fromHex(s[i]); !ok {
			return false
		}
	}
	return true
}

func fromHex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// decodeSignature decodes a signature already checked by ParseAuthorization
// into a fixed array, so it can be compared without allocating.
func decodeSignature(s string) (sig [sha256.Size]byte) {
	for i := range sig {
		hi, _ := fromHex(s[2*i])
		lo, _ := fromHex(s[2*i+1])
		sig[i] = hi<<4 | lo
	}
	return sig
}

const upperHex = "0123456789ABCDEF"

// unreserved reports whether c is in RFC 3986's unreserved set, the only
// bytes SigV4's URI encoding leaves as they are.
func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}

func appendEscaped(dst []byte, s string, keepSlash bool) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) || keepSlash && c == '/' {
			dst = append(dst, c)
		} else {
			dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
		}
	}
	return dst
}

// CanonicalURI returns the canonical URI of a request whose path was sent as
// rawPath (still percent-encoded, exactly as on the wire). Services other
// than S3 encode the already-encoded path once more, so "%2B" becomes
// "%252B"; '/' is kept. An empty path is "/".
func CanonicalURI(rawPath string) string {
	return string(appendCanonicalURI(nil, rawPath))
}

func appendCanonicalURI(dst []byte, rawPath string) []byte {
	if rawPath == "" {
		return append(dst, '/')
	}
	return appendEscaped(dst, rawPath, true)
}

// normalizePath removes empty and dot segments from a raw path, as botocore
// does before signing (botocore.utils.remove_dot_segments) while
// aws-sdk-go-v2 signs the path verbatim. The two agree for every ordinary
// path; Verify tries this form only after the verbatim one fails.
func normalizePath(p string) string {
	if p == "" {
		return "/"
	}
	var out []string
	for seg := range strings.SplitSeq(p, "/") {
		switch seg {
		case "", ".":
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, seg)
		}
	}
	var b strings.Builder
	if p[0] == '/' {
		b.WriteByte('/')
	}
	b.WriteString(strings.Join(out, "/"))
	if p[len(p)-1] == '/' && len(out) > 0 {
		b.WriteByte('/')
	}
	return b.String()
}

// CanonicalQuery returns the canonical query string of rawQuery: every
// parameter decoded (as url.ParseQuery does: '+' is a space, pairs that do
// not decode or contain ';' are dropped, a name without '=' has an empty
// value), re-encoded with SigV4's URI encoding (space as %20), sorted by
// encoded name then encoded value, and joined with '&'. Sorting after
// encoding is what the SigV4 specification, aws-sdk-go-v2 and botocore do.
func CanonicalQuery(rawQuery string) string {
	return string(appendCanonicalQuery(nil, rawQuery))
}

// queryParam is one encoded name/value pair of a canonical query string.
type queryParam struct{ key, value string }

func appendCanonicalQuery(dst []byte, rawQuery string) []byte {
	var stack [16]queryParam
	params := stack[:0]
	for rawQuery != "" {
		var pair string
		pair, rawQuery, _ = strings.Cut(rawQuery, "&")
		if pair == "" || strings.IndexByte(pair, ';') >= 0 {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		k, ok := canonicalQueryComponent(k)
		if !ok {
			continue
		}
		v, ok = canonicalQueryComponent(v)
		if !ok {
			continue
		}
		params = append(params, queryParam{k, v})
	}
	// Insertion sort: queries here have a handful of parameters, and it
	// keeps params on the stack where slices.SortFunc's closure might not.
	if len(params) > len(stack) {
		slices.SortFunc(params, compareParams)
	} else {
		for i := 1; i < len(params); i++ {
			for j := i; j > 0 && compareParams(params[j], params[j-1]) < 0; j-- {
				params[j], params[j-1] = params[j-1], params[j]
			}
		}
	}
	for i, p := range params {
		if i > 0 {
			dst = append(dst, '&')
		}
		dst = append(dst, p.key...)
		dst = append(dst, '=')
		dst = append(dst, p.value...)
	}
	return dst
}

func compareParams(a, b queryParam) int {
	if c := strings.Compare(a.key, b.key); c != 0 {
		return c
	}
	return strings.Compare(a.value, b.value)
}

// canonicalQueryComponent decodes and re-encodes one query name or value.
// The SDKs already send canonical encodings, so the common case returns s
// itself without allocating; ok is false when s does not decode.
func canonicalQueryComponent(s string) (string, bool) {
	if isCanonicalComponent(s) {
		return s, true
	}
	dec, err := url.QueryUnescape(s)
	if err != nil {
		return "", false
	}
	return string(appendEscaped(make([]byte, 0, len(dec)+len(dec)/2), dec, false)), true
}

// isCanonicalComponent reports whether encoding the decoded form of s gives
// s back: every byte unreserved, or an uppercase %XX escape of a byte that
// is not unreserved.
func isCanonicalComponent(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			continue
		}
		if c != '%' || i+2 >= len(s) || !isUpperHex(s[i+1]) || !isUpperHex(s[i+2]) {
			return false
		}
		hi, _ := fromHex(s[i+1])
		lo, _ := fromHex(s[i+2])
		if unreserved(hi<<4 | lo) {
			return false
		}
		i += 2
	}
	return true
}

func isUpperHex(c byte) bool { return '0' <= c && c <= '9' || 'A' <= c && c <= 'F' }

// requestInput is what the canonical request is computed from. It is taken
// apart from *http.Request so that Verify can swap the path for its
// normalized form without copying the request.
type requestInput struct {
	method        string
	rawPath       string
	rawQuery      string
	host          string
	header        http.Header
	contentLength int64
	signedHeaders string
	payloadHash   []byte
}

// requestPath returns the path as the client sent it: from RequestURI on a
// server request (the URL's Path has been decoded, and re-encoding it may not
// give back the client's bytes), else the URL's escaped path.
func requestPath(r *http.Request) string {
	if uri := r.RequestURI; uri != "" && uri[0] == '/' {
		if i := strings.IndexByte(uri, '?'); i >= 0 {
			return uri[:i]
		}
		return uri
	}
	return r.URL.EscapedPath()
}

func inputFromRequest(r *http.Request, signedHeaders string, payloadHash []byte) requestInput {
	return requestInput{
		method:        r.Method,
		rawPath:       requestPath(r),
		rawQuery:      r.URL.RawQuery,
		host:          r.Host,
		header:        r.Header,
		contentLength: r.ContentLength,
		signedHeaders: signedHeaders,
		payloadHash:   payloadHash,
	}
}

// CanonicalRequest returns the SigV4 canonical request of r over the given
// signed headers (as in the Authorization header) and payload hash. It fails
// with CodeUnauthorized if a signed header is absent from r.
func CanonicalRequest(r *http.Request, signedHeaders, payloadHash string) (string, error) {
	in := inputFromRequest(r, signedHeaders, []byte(payloadHash))
	b, missing := appendCanonicalRequest(nil, &in)
	if missing != "" {
		return "", missingHeader(missing)
	}
	return string(b), nil
}

func missingHeader(name string) error {
	return unauthorized("signed header %q is listed in SignedHeaders but not present in the request", clip(name))
}

// appendCanonicalRequest appends
//
//	METHOD \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n PayloadHash
//
// to dst. If a signed header is absent from the request it returns its name
// as missing.
func appendCanonicalRequest(dst []byte, in *requestInput) (_ []byte, missing string) {
	dst = append(dst, in.method...)
	dst = append(dst, '\n')
	dst = appendCanonicalURI(dst, in.rawPath)
	dst = append(dst, '\n')
	dst = appendCanonicalQuery(dst, in.rawQuery)
	dst = append(dst, '\n')
	for names := in.signedHeaders; names != ""; {
		var name string
		name, names, _ = strings.Cut(names, ";")
		dst = append(dst, name...)
		dst = append(dst, ':')
		switch {
		case strings.EqualFold(name, "host"):
			if in.host == "" {
				return dst, name
			}
			dst = appendHeaderValue(dst, in.host)
		default:
			values := headerValues(in.header, name)
			if values == nil {
				// Go's server keeps Content-Length in the header map,
				// but requests built in code carry it only in the field.
				if !strings.EqualFold(name, "content-length") || in.contentLength <= 0 {
					return dst, name
				}
				dst = strconv.AppendInt(dst, in.contentLength, 10)
				break
			}
			for i, v := range values {
				if i > 0 {
					dst = append(dst, ',')
				}
				dst = appendHeaderValue(dst, v)
			}
		}
		dst = append(dst, '\n')
	}
	dst = append(dst, '\n')
	dst = append(dst, in.signedHeaders...)
	dst = append(dst, '\n')
	dst = append(dst, in.payloadHash...)
	return dst, ""
}

// appendHeaderValue appends v with leading and trailing whitespace trimmed
// and inner runs of spaces collapsed to one, as the SDK signers do.
func appendHeaderValue(dst []byte, v string) []byte {
	start, end := 0, len(v)
	for start < end && isSpace(v[start]) {
		start++
	}
	for end > start && isSpace(v[end-1]) {
		end--
	}
	for i := start; i < end; i++ {
		if v[i] == ' ' && v[i-1] == ' ' {
			continue // i > start here: v[start] is not a space
		}
		dst = append(dst, v[i])
	}
	return dst
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// headerValues returns the values of the header whose lowercase name is
// given, or nil if there is none. The map lookup uses the canonical form
// built on the stack, because textproto.CanonicalMIMEHeaderKey allocates for
// a lowercase name and this runs for every signed header of every request.
func headerValues(h http.Header, name string) []string {
	var buf [64]byte
	if len(name) <= len(buf) && isHeaderToken(name) {
		upper := true
		for i := 0; i < len(name); i++ {
			c := name[i]
			if upper && 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			} else if !upper && 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf[i] = c
			upper = c == '-'
		}
		if v, ok := h[string(buf[:len(name)])]; ok {
			return v
		}
	} else if v, ok := h[textproto.CanonicalMIMEHeaderKey(name)]; ok {
		return v
	}
	// Headers set in code may sit in the map under a non-canonical key.
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return nil
}

// isHeaderToken reports whether name has only the bytes whose canonical form
// the fast path in headerValues knows how to build.
func isHeaderToken(name string) bool {
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// StringToSign returns
//
//	AWS4-HMAC-SHA256 \n amzDate \n scope \n hex(sha256(canonicalRequest))
//
// where amzDate is the request time in ISO 8601 basic form and scope is the
// credential scope (date/region/service/aws4_request).
func StringToSign(amzDate, scope, canonicalRequest string) string {
	return string(appendStringToSign(nil, amzDate, scope, sha256.Sum256([]byte(canonicalRequest))))
}

func appendStringToSign(dst []byte, amzDate, scope string, canonicalHash [sha256.Size]byte) []byte {
	dst = append(dst, Algorithm...)
	dst = append(dst, '\n')
	dst = append(dst, amzDate...)
	dst = append(dst, '\n')
	dst = append(dst, scope...)
	dst = append(dst, '\n')
	return hex.AppendEncode(dst, canonicalHash[:])
}

// SigningKey derives the SigV4 signing key:
// HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request").
// It depends only on the secret and the scope, which is why Verifier caches it.
func SigningKey(secret, date, region, service string) [sha256.Size]byte {
	k := hmacSum([]byte("AWS4"+secret), date)
	k = hmacSum(k[:], region)
	k = hmacSum(k[:], service)
	return hmacSum(k[:], scopeTerminator)
}

func hmacSum(key []byte, msg string) (sum [sha256.Size]byte) {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	m.Sum(sum[:0])
	return sum
}

// Signature returns the hex-encoded signature of stringToSign under key.
func Signature(key [sha256.Size]byte, stringToSign string) string {
	sum := hmacSum(key[:], stringToSign)
	return hex.EncodeToString(sum[:])
}

// hmacSHA256 computes HMAC-SHA256 under a 32-byte key without allocating
// (crypto/hmac allocates two hash states per call, and this runs once per
// request). tmp is scratch space, returned for reuse, possibly grown.
func hmacSHA256(key *[sha256.Size]byte, msg, tmp []byte) ([sha256.Size]byte, []byte) {
	const blockSize = 64
	var pad [blockSize]byte
	copy(pad[:], key[:])
	for i := range pad {
		pad[i] ^= 0x36
	}
	tmp = append(append(tmp[:0], pad[:]...), msg...)
	inner := sha256.Sum256(tmp)
	var outer [blockSize + sha256.Size]byte
	for i := range pad {
		outer[i] = pad[i] ^ 0x36 ^ 0x5c
	}
	copy(outer[blockSize:], inner[:])
	return sha256.Sum256(outer[:]), tmp
}

// parseAmzDate parses an ISO 8601 basic timestamp (20060102T150405Z). It is
// hand-written because it runs for every request and time.Parse is several
// times slower.
func parseAmzDate(s string) (time.Time, bool) {
	if len(s) != len(iso8601Basic) || s[8] != 'T' || s[15] != 'Z' || !isDigits(s[:8]) || !isDigits(s[9:15]) {
		return time.Time{}, false
	}
	num := func(i, j int) int {
		n := 0
		for _, c := range []byte(s[i:j]) {
			n = n*10 + int(c-'0')
		}
		return n
	}
	year, month, day := num(0, 4), time.Month(num(4, 6)), num(6, 8)
	hour, minute, sec := num(9, 11), num(11, 13), num(13, 15)
	if hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	t := time.Date(year, month, day, hour, minute, sec, 0, time.UTC)
	// time.Date normalizes out-of-range dates (Feb 30 → Mar 2); refuse them.
	if t.Year() != year || t.Month() != month || t.Day() != day {
		return time.Time{}, false
	}
	return t, true
}
