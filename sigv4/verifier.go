package sigv4

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// Identity is who signed a verified request.
type Identity struct {
	Credential *Credential
	Region     string // the region of the credential scope; becomes the region of ARNs
}

// maxCachedKeys bounds the signing-key cache. Keys are per (access key, day,
// region, service), so a legitimate working set is tiny; the bound only
// matters against clients cycling regions, and resetting is cheap because a
// key is re-derived with four HMACs.
const maxCachedKeys = 4096

// keyID identifies a cached signing key. The secret is not part of it: a
// Verifier's credentials never change, so the access key determines it.
type keyID struct {
	accessKeyID, date, region, service string
}

// scratch holds the buffers one verification writes into; Verifier pools
// them so a verification does not allocate.
type scratch struct {
	buf  []byte                // canonical request, then string to sign
	tmp  []byte                // HMAC input
	hash [2 * sha256.Size]byte // hex payload hash
}

// Verifier checks SigV4 Authorization headers. Safe for concurrent use.
type Verifier struct {
	creds map[string]*Credential
	now   func() time.Time

	mu   sync.RWMutex
	keys map[keyID][sha256.Size]byte

	scratch sync.Pool
}

// NewVerifier builds a verifier over creds (copied; if an access key repeats,
// the first entry wins — LoadFile refuses duplicates). now is the REAL clock
// (not a service clock) used for the 5-minute skew check: the service clock
// can be advanced by days, and signatures must still be checked against the
// time the client's SDK signed at. A nil now means time.Now.
func NewVerifier(creds []Credential, now func() time.Time) *Verifier {
	if now == nil {
		now = time.Now
	}
	v := &Verifier{
		creds: make(map[string]*Credential, len(creds)),
		now:   now,
		keys:  make(map[keyID][sha256.Size]byte),
	}
	for i := range creds {
		c := creds[i]
		c.Allow = slices.Clone(c.Allow) // keeps nil (all) apart from empty (none)
		if _, dup := v.creds[c.AccessKeyID]; !dup {
			v.creds[c.AccessKeyID] = &c
		}
	}
	v.scratch.New = func() any {
		return &scratch{buf: make([]byte, 0, 1024), tmp: make([]byte, 0, 256)}
	}
	return v
}

// Verify checks r's SigV4 signature. body is the complete request body,
// already read by the caller (r.Body must not be read by Verify). Returns the
// identity or a *chimevoice.Error with CodeUnauthorized whose message names
// the check that failed. The checks run in this order: Authorization present
// and well formed; scope service is chime; access key known; request date
// parseable, within MaxSkew of now() and equal to the scope date; payload
// hash; host and the date header signed and every signed header present;
// signature. The canonical URI is the path exactly as sent, encoded once
// more; a signature over botocore's normalized form of it is also accepted.
func (v *Verifier) Verify(r *http.Request, body []byte) (Identity, error) {
	a, cred, amzDate, dateHeader, err := v.checkHeaders(r)
	if err != nil {
		return Identity{}, err
	}

	s := v.scratch.Get().(*scratch)
	defer v.scratch.Put(s)
	ph, err := payloadHash(r.Header, body, &s.hash)
	if err != nil {
		return Identity{}, err
	}

	if !hasSignedHeader(a.SignedHeaders, "host") {
		return Identity{}, unauthorized("SignedHeaders %q must include host", clip(a.SignedHeaders))
	}
	if !hasSignedHeader(a.SignedHeaders, dateHeader) {
		return Identity{}, unauthorized("SignedHeaders %q must include %s, the header that dates the request", clip(a.SignedHeaders), dateHeader)
	}

	key := v.signingKey(cred, &a)
	want := decodeSignature(a.Signature)
	in := inputFromRequest(r, a.SignedHeaders, ph)

	ok, canonical, sts, missing := v.check(s, &in, amzDate, a.Scope, &key, &want)
	if missing != "" {
		return Identity{}, missingHeader(missing)
	}
	if !ok {
		// botocore removes empty and dot segments before signing; accept
		// a signature over that form too, so both SDK families agree.
		if norm := normalizePath(in.rawPath); norm != in.rawPath {
			in.rawPath = norm
			ok, _, _, _ = v.check(s, &in, amzDate, a.Scope, &key, &want)
		}
	}
	if !ok {
		return Identity{}, unauthorized("The request signature we calculated does not match the signature you provided. "+
			"Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\n"+
			"The Canonical String for this request should have been\n'%s'\n\n"+
			"The String-to-Sign should have been\n'%s'", canonical, sts)
	}
	return Identity{Credential: cred, Region: a.Region}, nil
}

// Precheck runs the checks of Verify that need no body: Authorization
// present and well formed, scope service, known access key, request date in
// the window. The server runs it before reading a body, so that a client
// without a valid key and date never makes it hold one.
func (v *Verifier) Precheck(r *http.Request) error {
	_, _, _, _, err := v.checkHeaders(r)
	return err
}

// checkHeaders is the part of Verify that reads only headers.
func (v *Verifier) checkHeaders(r *http.Request) (a Authorization, cred *Credential, amzDate, dateHeader string, err error) {
	authz := r.Header.Values("Authorization")
	switch {
	case len(authz) == 0:
		if q, _ := url.ParseQuery(r.URL.RawQuery); q.Has("X-Amz-Algorithm") {
			return a, nil, "", "", unauthorized("presigned URL authentication (X-Amz-Algorithm in the query string) is not supported: sign the request with an Authorization header")
		}
		return a, nil, "", "", unauthorized("missing Authorization header: requests must be signed with AWS Signature Version 4")
	case len(authz) > 1:
		return a, nil, "", "", malformed("the request carries %d Authorization headers, expected one", len(authz))
	}
	if a, err = ParseAuthorization(authz[0]); err != nil {
		return a, nil, "", "", err
	}
	if a.Service != Service {
		return a, nil, "", "", unauthorized("credential scope service %q is wrong: credential should be scoped to service %q", clip(a.Service), Service)
	}
	if cred = v.creds[a.AccessKeyID]; cred == nil {
		return a, nil, "", "", unauthorized("unknown access key ID %q: the security token included in the request is invalid", clip(a.AccessKeyID))
	}
	amzDate, dateHeader, err = v.checkDate(r.Header, a.Date)
	return a, cred, amzDate, dateHeader, err
}

// check computes the signature of in and compares it with want in constant
// time. On mismatch it also returns the canonical request and string to sign,
// which are copied out of the scratch buffers only then.
func (v *Verifier) check(s *scratch, in *requestInput, amzDate, scope string, key, want *[sha256.Size]byte) (ok bool, canonical, sts, missing string) {
	buf, missing := appendCanonicalRequest(s.buf[:0], in)
	s.buf = buf
	if missing != "" {
		return false, "", "", missing
	}
	crLen := len(buf)
	buf = appendStringToSign(buf, amzDate, scope, sha256.Sum256(buf))
	s.buf = buf
	var got [sha256.Size]byte
	got, s.tmp = hmacSHA256(key, buf[crLen:], s.tmp)
	if subtle.ConstantTimeCompare(got[:], want[:]) == 1 {
		return true, "", "", ""
	}
	return false, string(buf[:crLen]), string(buf[crLen:]), ""
}

// checkDate finds the request time — X-Amz-Date, else Date — and checks it
// against the clock and the scope date. It returns the time in the form the
// string to sign uses and the lowercase name of the header it came from.
func (v *Verifier) checkDate(h http.Header, scopeDate string) (amzDate, header string, err error) {
	var t time.Time
	if vals := h.Values("X-Amz-Date"); len(vals) > 0 {
		header, amzDate = "x-amz-date", vals[0]
		var ok bool
		if t, ok = parseAmzDate(amzDate); !ok {
			return "", "", unauthorized("X-Amz-Date %q is not a valid ISO 8601 basic timestamp (YYYYMMDDTHHMMSSZ)", clip(amzDate))
		}
	} else if vals := h.Values("Date"); len(vals) > 0 {
		header = "date"
		var ok bool
		if t, ok = parseAmzDate(vals[0]); !ok {
			if t, err = http.ParseTime(vals[0]); err != nil {
				return "", "", unauthorized("Date header %q is not a valid HTTP date or ISO 8601 basic timestamp", clip(vals[0]))
			}
		}
		t = t.UTC()
		amzDate = t.Format(iso8601Basic)
	} else {
		return "", "", unauthorized("missing X-Amz-Date header: a signed request must be dated by X-Amz-Date (or Date)")
	}

	now := v.now()
	switch d := now.Sub(t); {
	case d > MaxSkew:
		return "", "", unauthorized("request time is too skewed: Signature expired: %s is now earlier than %s (%s - 5 min.)",
			amzDate, now.Add(-MaxSkew).UTC().Format(iso8601Basic), now.UTC().Format(iso8601Basic))
	case d < -MaxSkew:
		return "", "", unauthorized("request time is too skewed: Signature not yet current: %s is still later than %s (%s + 5 min.)",
			amzDate, now.Add(MaxSkew).UTC().Format(iso8601Basic), now.UTC().Format(iso8601Basic))
	}
	if amzDate[:8] != scopeDate {
		return "", "", unauthorized("credential scope date %s does not match the request date %s of %s", scopeDate, amzDate[:8], header)
	}
	return amzDate, header, nil
}

// payloadHash returns the payload hash the canonical request ends with,
// written into buf: X-Amz-Content-Sha256 when present (UNSIGNED-PAYLOAD
// literally; otherwise it must be the hash of body), else the hash of body.
func payloadHash(h http.Header, body []byte, buf *[2 * sha256.Size]byte) ([]byte, error) {
	vals := h.Values("X-Amz-Content-Sha256")
	if len(vals) > 0 && vals[0] == UnsignedPayload {
		return buf[:copy(buf[:], UnsignedPayload)], nil
	}
	sum := sha256.Sum256(body)
	hexSum := buf[:0]
	for _, b := range sum {
		hexSum = append(hexSum, lowerHex[b>>4], lowerHex[b&15])
	}
	if len(vals) == 0 {
		return hexSum, nil
	}
	claimed := vals[0]
	if strings.HasPrefix(claimed, "STREAMING-") {
		return nil, unauthorized("payload hash %q is not supported: streaming (chunked) payload signing is not available on this service", clip(claimed))
	}
	if len(claimed) != len(hexSum) || !equalFoldHex(claimed, hexSum) {
		return nil, unauthorized("payload hash does not match: X-Amz-Content-Sha256 is %q but the SHA-256 of the request body is %s", clip(claimed), string(hexSum))
	}
	// Sign over the client's spelling of the hash, which it signed.
	copy(buf[:], claimed)
	return buf[:], nil
}

const lowerHex = "0123456789abcdef"

// equalFoldHex compares a client's hex string with a lowercase hex sum of
// the same length, ignoring the case of the client's letters.
func equalFoldHex(s string, lower []byte) bool {
	for i := range lower {
		if lowerASCII(s[i]) != lower[i] {
			return false
		}
	}
	return true
}

// hasSignedHeader reports whether the ';'-separated list names header.
func hasSignedHeader(list, header string) bool {
	for list != "" {
		var name string
		name, list, _ = strings.Cut(list, ";")
		if strings.EqualFold(name, header) {
			return true
		}
	}
	return false
}

// signingKey returns the signing key for a's scope, from the cache when it
// has been derived before.
func (v *Verifier) signingKey(cred *Credential, a *Authorization) [sha256.Size]byte {
	id := keyID{cred.AccessKeyID, a.Date, a.Region, a.Service}
	v.mu.RLock()
	key, ok := v.keys[id]
	v.mu.RUnlock()
	if ok {
		return key
	}
	key = SigningKey(cred.SecretAccessKey, a.Date, a.Region, a.Service)
	// The scope strings point into the Authorization header; clone them so
	// the cache does not keep whole headers alive.
	id.date, id.region, id.service = strings.Clone(id.date), strings.Clone(id.region), strings.Clone(id.service)
	v.mu.Lock()
	if len(v.keys) >= maxCachedKeys {
		clear(v.keys)
	}
	v.keys[id] = key
	v.mu.Unlock()
	return key
}
