package sigv4

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"sync"
	"time"
)

// Signer signs requests as an SDK would, for chimevoice's own clients (the
// bench command). It signs host and x-amz-date only, caches the signing key
// per day, and is safe for concurrent use.
type Signer struct {
	accessKey, secret, region, service string

	mu   sync.Mutex
	date string
	key  [sha256.Size]byte
}

// NewSigner returns a signer for the key in region, for chimevoice.
func NewSigner(accessKey, secret, region string) *Signer {
	return NewServiceSigner(accessKey, secret, region, Service)
}

// NewServiceSigner returns a signer for another AWS service (the bench
// command loads other emulators for comparison).
func NewServiceSigner(accessKey, secret, region, service string) *Signer {
	return &Signer{accessKey: accessKey, secret: secret, region: region, service: service}
}

func (s *Signer) signingKey(date string) [sha256.Size]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.date != date {
		s.date, s.key = date, SigningKey(s.secret, date, s.region, s.service)
	}
	return s.key
}

// Sign sets X-Amz-Date and Authorization on req for the given body.
func (s *Signer) Sign(req *http.Request, body []byte, now time.Time) {
	amzDate := now.UTC().Format(iso8601Basic)
	date := amzDate[:8]
	sum := sha256.Sum256(body)
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	canonical := make([]byte, 0, 256)
	canonical = append(canonical, req.Method...)
	canonical = append(canonical, '\n')
	canonical = appendCanonicalURI(canonical, req.URL.EscapedPath())
	canonical = append(canonical, '\n')
	canonical = appendCanonicalQuery(canonical, req.URL.RawQuery)
	canonical = append(canonical, "\nhost:"...)
	canonical = append(canonical, host...)
	canonical = append(canonical, "\nx-amz-date:"...)
	canonical = append(canonical, amzDate...)
	canonical = append(canonical, "\n\nhost;x-amz-date\n"...)
	canonical = hex.AppendEncode(canonical, sum[:])
	scope := date + "/" + s.region + "/" + s.service + "/" + scopeTerminator
	sts := appendStringToSign(nil, amzDate, scope, sha256.Sum256(canonical))
	req.Header.Set("X-Amz-Date", amzDate)
	req.Header.Set("Authorization", Algorithm+" Credential="+s.accessKey+"/"+scope+", SignedHeaders=host;x-amz-date, Signature="+Signature(s.signingKey(date), string(sts)))
}
