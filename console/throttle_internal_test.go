package console

import (
	"strconv"
	"testing"
	"time"
)

// TestThrottleAddressesBounded: at maxBuckets addresses a new address
// waits (fail closed) until buckets have refilled, which are then dropped.
func TestThrottleAddressesBounded(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	th := newThrottle(func() time.Time { return now })
	for i := range maxBuckets {
		th.failed("", "10.0."+strconv.Itoa(i/256)+"."+strconv.Itoa(i%256))
	}
	if d := th.check("", "192.0.2.1"); d == 0 {
		t.Fatal("a new address went ahead with the table full")
	}
	if len(th.addrs) != maxBuckets {
		t.Fatalf("%d buckets", len(th.addrs))
	}
	now = now.Add(2 * time.Second) // every bucket has its one token back: full
	if d := th.check("", "192.0.2.1"); d != 0 {
		t.Fatalf("after refilling: wait %v", d)
	}
	if len(th.addrs) != 0 {
		t.Fatalf("%d buckets after the sweep", len(th.addrs))
	}
}
