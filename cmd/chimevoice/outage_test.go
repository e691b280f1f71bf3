package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	vtypes "github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"
	"github.com/aws/smithy-go"

	"github.com/chimevoice/chimevoice/postgres/pgtest"
)

// TestDatabaseOutage stops the PostgreSQL server under load and starts it
// again: while it is down every request fails fast with 503
// ServiceUnavailableException (never a 500, never waiting past the request
// timeout) and health says unavailable; once it is back the server
// recovers by itself.
func TestDatabaseOutage(t *testing.T) {
	pgtest.ServerURL(t) // runs with the PostgreSQL tests, skipped (or required) with them
	cluster := pgtest.StartCluster(t)
	const requestTimeout = 3 * time.Second
	p := startProcess(t, "--database-url", cluster.URL, "--request-timeout", requestTimeout.String())
	counter := &statusCounter{next: http.DefaultTransport}
	hc := &http.Client{Transport: counter, Timeout: 30 * time.Second}
	c := voiceClient(p.URL, "test", "test", hc)
	ctx := context.Background()

	found, err := c.SearchAvailablePhoneNumbers(ctx, &chimesdkvoice.SearchAvailablePhoneNumbersInput{AreaCode: aws.String("206"), MaxResults: aws.Int32(20)})
	if err != nil {
		t.Fatalf("search: %v", err)
	}
	nums := found.E164PhoneNumbers
	if _, err := c.CreatePhoneNumberOrder(ctx, &chimesdkvoice.CreatePhoneNumberOrderInput{ProductType: vtypes.PhoneNumberProductTypeVoiceConnector, E164PhoneNumbers: nums}); err != nil {
		t.Fatalf("order: %v", err)
	}
	if code, body, err := admin(ctx, hc, http.MethodPost, p.URL+"/_chimevoice/clock", map[string]string{"Advance": "0s"}); err != nil || code != http.StatusOK {
		t.Fatalf("complete the order: %d %s %v", code, body, err)
	}

	// Load: delete and restore the numbers in a loop, and record how every
	// request ended and how long the slowest took.
	var (
		stop        atomic.Bool
		slowest     atomic.Int64
		unavailable atomic.Int64
		succeeded   atomic.Int64
		mu          sync.Mutex
		unexpected  []error
	)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := 0; !stop.Load(); i++ {
				n := nums[(w*5+i)%len(nums)]
				start := time.Now()
				var err error
				if i%2 == 0 {
					_, err = c.BatchDeletePhoneNumber(ctx, &chimesdkvoice.BatchDeletePhoneNumberInput{PhoneNumberIds: []string{n}})
				} else {
					_, err = c.RestorePhoneNumber(ctx, &chimesdkvoice.RestorePhoneNumberInput{PhoneNumberId: aws.String(n)})
				}
				d := time.Since(start)
				for cur := slowest.Load(); int64(d) > cur && !slowest.CompareAndSwap(cur, int64(d)); cur = slowest.Load() {
				}
				var su *vtypes.ServiceUnavailableException
				var br *vtypes.BadRequestException
				var api smithy.APIError
				switch {
				case err == nil, errors.As(err, &br): // a restore of a number not queued
					succeeded.Add(1)
				case errors.As(err, &su):
					unavailable.Add(1)
				default:
					if errors.As(err, &api) {
						err = fmt.Errorf("%s: %w", api.ErrorCode(), err)
					}
					mu.Lock()
					unexpected = append(unexpected, err)
					mu.Unlock()
				}
			}
		})
	}
	defer func() { stop.Store(true); wg.Wait() }()

	// waitFor polls cond until it holds or the deadline passes: the server
	// and the database are other processes, whose progress the test cannot
	// drive directly.
	waitFor := func(what string, d time.Duration, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(d)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("waited %s for %s", d, what)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	health := func() (int, string) {
		code, body, err := admin(ctx, hc, http.MethodGet, p.URL+"/_chimevoice/health", nil)
		if err != nil {
			t.Fatalf("health: %v", err)
		}
		return code, string(body)
	}

	waitFor("successful requests before the outage", 10*time.Second, func() bool { return succeeded.Load() >= 20 })
	cluster.Stop(t)
	down := unavailable.Load()
	waitFor("503s during the outage", 10*time.Second, func() bool { return unavailable.Load() >= down+20 })
	if code, body := health(); code != http.StatusServiceUnavailable || !strings.HasPrefix(body, `{"status":"unavailable",`) {
		t.Errorf("health while the database is down: %d %s", code, body)
	}

	cluster.Start(t)
	waitFor("health to recover", 30*time.Second, func() bool { code, _ := health(); return code == http.StatusOK })
	up := succeeded.Load()
	waitFor("successful requests after the outage", 10*time.Second, func() bool { return succeeded.Load() >= up+20 })
	stop.Store(true)
	wg.Wait()

	for _, err := range unexpected {
		t.Errorf("request failed other than with 503 ServiceUnavailableException: %v", err)
	}
	if n := counter.c5x.Load(); n != 0 {
		t.Errorf("%d responses were 5xx other than 503", n)
	}
	if d := time.Duration(slowest.Load()); d > requestTimeout+time.Second {
		t.Errorf("the slowest request took %s, past the request timeout of %s", d, requestTimeout)
	}
	t.Logf("%d requests succeeded, %d answered 503; slowest %s", succeeded.Load(), unavailable.Load(), time.Duration(slowest.Load()))
}
