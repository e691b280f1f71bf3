package console

import (
	"math"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Sign-in throttling: every failed sign-in takes a token from the bucket
// of its access key and from the bucket of its client address; an attempt
// finding either bucket empty is answered 429 with Retry-After before the
// secret is checked. Successful sign-ins take nothing.
const (
	keyBurst    = 5               // failures in a row per access key
	keyEvery    = 5 * time.Second // then one more per keyEvery
	addrBurst   = 20              // failures in a row per client address
	addrEvery   = time.Second     // then one more per addrEvery
	maxBuckets  = 10000           // client addresses remembered
	adminBucket = "admin token"   // the key bucket of admin-token sign-ins
)

type bucket struct {
	tokens float64
	at     time.Time
}

// throttle holds the buckets. Key buckets exist only for access keys of
// the credentials file (and the admin token), so their number is bounded;
// address buckets are bounded by maxBuckets: when full, buckets that have
// refilled are dropped, and if none has, new addresses are refused until
// one does (fail closed).
type throttle struct {
	now func() time.Time

	mu    sync.Mutex
	keys  map[string]*bucket
	addrs map[string]*bucket
}

func newThrottle(now func() time.Time) *throttle {
	return &throttle{now: now, keys: map[string]*bucket{}, addrs: map[string]*bucket{}}
}

// level refills b to now and returns it.
func level(b *bucket, now time.Time, burst int, every time.Duration) *bucket {
	b.tokens = math.Min(float64(burst), b.tokens+float64(now.Sub(b.at))/float64(every))
	b.at = now
	return b
}

// wait returns how long until b has a token (0: it has one).
func wait(b *bucket, every time.Duration) time.Duration {
	if b.tokens >= 1 {
		return 0
	}
	return time.Duration((1 - b.tokens) * float64(every))
}

// check reports how long an attempt for key (the empty string for an
// unknown key) from addr must wait; 0 means it may go ahead.
func (t *throttle) check(key, addr string) time.Duration {
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	var d time.Duration
	if b, ok := t.keys[key]; ok && key != "" {
		d = wait(level(b, now, keyBurst, keyEvery), keyEvery)
	}
	if b, ok := t.addrs[addr]; ok {
		d = max(d, wait(level(b, now, addrBurst, addrEvery), addrEvery))
	} else if len(t.addrs) >= maxBuckets && !t.sweep(now) {
		d = max(d, addrEvery)
	}
	return d
}

// failed takes a token from the buckets of a failed attempt.
func (t *throttle) failed(key, addr string) {
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	take := func(m map[string]*bucket, id string, burst int, every time.Duration) {
		b, ok := m[id]
		if !ok {
			b = &bucket{tokens: float64(burst), at: now}
			m[id] = b
		}
		level(b, now, burst, every).tokens--
	}
	if key != "" {
		take(t.keys, key, keyBurst, keyEvery)
	}
	if _, ok := t.addrs[addr]; ok || len(t.addrs) < maxBuckets || t.sweep(now) {
		take(t.addrs, addr, addrBurst, addrEvery)
	}
}

// sweep drops the address buckets that have refilled; it reports whether
// there is room. t.mu is held.
func (t *throttle) sweep(now time.Time) bool {
	for a, b := range t.addrs {
		if level(b, now, addrBurst, addrEvery).tokens >= addrBurst {
			delete(t.addrs, a)
		}
	}
	return len(t.addrs) < maxBuckets
}

// clientAddr is the address a request came from: the connection's peer,
// or with trustForwarded the last address of X-Forwarded-For, which the
// proxy in front appended.
func clientAddr(r *http.Request, trustForwarded bool) string {
	if trustForwarded {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			last := xff[len(xff)-1]
			if i := strings.LastIndexByte(last, ','); i >= 0 {
				last = last[i+1:]
			}
			if ip := net.ParseIP(strings.TrimSpace(last)); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
