// Command chimevoice-load measures BatchDeletePhoneNumber throughput of
// one or more chimevoice servers (replicas on one database) through the Go
// SDK: it provisions a fixed set of numbers (not timed), then deletes them
// in batches from concurrent workers spread over the endpoints, and prints
// one line of results. It is bounded in numbers and time, and talks to
// loopback endpoints only.
//
//	chimevoice-load -endpoints http://127.0.0.1:8080,http://127.0.0.1:8081 -numbers 20000 -batch 100 -concurrency 16
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	vtypes "github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"
)

func main() {
	if err := run(context.Background(), os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "chimevoice-load:", err)
		os.Exit(1)
	}
}

type options struct {
	endpoints   []string
	numbers     int
	batch       int
	concurrency int
	duration    time.Duration
	area        string
}

func run(ctx context.Context, args []string) error {
	var o options
	var endpoints string
	fs := flag.NewFlagSet("chimevoice-load", flag.ContinueOnError)
	fs.StringVar(&endpoints, "endpoints", "http://127.0.0.1:8080", "comma-separated base URLs of the replicas (loopback only)")
	fs.IntVar(&o.numbers, "numbers", 20000, "numbers to provision and then delete (at most 100000)")
	fs.IntVar(&o.batch, "batch", 100, "numbers per BatchDeletePhoneNumber request (1-1000)")
	fs.IntVar(&o.concurrency, "concurrency", 16, "concurrent requests (1-256)")
	fs.DurationVar(&o.duration, "duration", 60*time.Second, "stop deleting after this long (at most 5m)")
	fs.StringVar(&o.area, "area-code", "206", "US area code to draw the numbers from")
	if err := fs.Parse(args); err != nil {
		return err
	}
	o.endpoints = strings.Split(endpoints, ",")
	if err := o.check(); err != nil {
		return err
	}
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: o.concurrency}, Timeout: time.Minute}
	clients := make([]*chimesdkvoice.Client, len(o.endpoints))
	for i, ep := range o.endpoints {
		clients[i] = chimesdkvoice.New(chimesdkvoice.Options{
			Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
			BaseEndpoint: aws.String(ep), RetryMaxAttempts: 1, HTTPClient: hc,
		})
	}
	nums, err := provision(ctx, clients, hc, o)
	if err != nil {
		return err
	}
	res := deleteAll(ctx, clients, nums, o)
	fmt.Printf("replicas=%d numbers=%d batch=%d concurrency=%d requests=%d errors=%d elapsed=%.2fs numbers/s=%.0f requests/s=%.0f p50=%.1fms p99=%.1fms\n",
		len(clients), res.deleted, o.batch, o.concurrency, res.requests, res.errors, res.elapsed.Seconds(),
		float64(res.deleted)/res.elapsed.Seconds(), float64(res.requests)/res.elapsed.Seconds(),
		ms(res.percentile(0.50)), ms(res.percentile(0.99)))
	if res.errors > 0 {
		return fmt.Errorf("%d requests failed, first: %v", res.errors, res.firstErr)
	}
	return nil
}

func (o *options) check() error {
	switch {
	case o.numbers < 1 || o.numbers > 100000:
		return fmt.Errorf("-numbers must be 1-100000, got %d", o.numbers)
	case o.batch < 1 || o.batch > 1000:
		return fmt.Errorf("-batch must be 1-1000, got %d", o.batch)
	case o.concurrency < 1 || o.concurrency > 256:
		return fmt.Errorf("-concurrency must be 1-256, got %d", o.concurrency)
	case o.duration <= 0 || o.duration > 5*time.Minute:
		return fmt.Errorf("-duration must be positive and at most 5m, got %s", o.duration)
	}
	for _, ep := range o.endpoints {
		u, err := url.Parse(ep)
		if err != nil || u.Scheme != "http" {
			return fmt.Errorf("endpoint %q: want http://127.0.0.1:PORT", ep)
		}
		if ip := net.ParseIP(u.Hostname()); ip == nil || !ip.IsLoopback() {
			return fmt.Errorf("endpoint %q: only loopback endpoints are allowed", ep)
		}
	}
	return nil
}

// provision searches and orders o.numbers numbers (orders spread over the
// endpoints) and completes the orders through the admin API.
func provision(ctx context.Context, clients []*chimesdkvoice.Client, hc *http.Client, o options) ([]string, error) {
	var nums []string
	var token *string
	for len(nums) < o.numbers {
		out, err := clients[0].SearchAvailablePhoneNumbers(ctx, &chimesdkvoice.SearchAvailablePhoneNumbersInput{
			AreaCode: aws.String(o.area), MaxResults: aws.Int32(int32(min(500, o.numbers-len(nums)))), NextToken: token,
		})
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		nums = append(nums, out.E164PhoneNumbers...)
		if out.NextToken == nil {
			break
		}
		token = out.NextToken
	}
	if len(nums) < o.numbers {
		return nil, fmt.Errorf("search found %d of %d numbers in area code %s", len(nums), o.numbers, o.area)
	}
	for i := 0; i < len(nums); i += 1000 {
		c := clients[(i/1000)%len(clients)]
		if _, err := c.CreatePhoneNumberOrder(ctx, &chimesdkvoice.CreatePhoneNumberOrderInput{
			ProductType: vtypes.PhoneNumberProductTypeVoiceConnector, E164PhoneNumbers: nums[i:min(len(nums), i+1000)],
		}); err != nil {
			return nil, fmt.Errorf("order: %w", err)
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.endpoints[0]+"/_chimevoice/clock", bytes.NewReader([]byte(`{"Advance":"0s"}`)))
	if err != nil {
		return nil, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("complete orders: %w", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("complete orders: %d %s", resp.StatusCode, body)
	}
	return nums, nil
}

type result struct {
	deleted, requests, errors int
	firstErr                  error
	elapsed                   time.Duration
	latencies                 []time.Duration
}

func (r *result) percentile(p float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	slices.Sort(r.latencies)
	return r.latencies[min(len(r.latencies)-1, int(p*float64(len(r.latencies))))]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// deleteAll deletes nums in batches from o.concurrency workers, worker i
// sending to endpoint i mod len(endpoints), until done or o.duration passes.
func deleteAll(ctx context.Context, clients []*chimesdkvoice.Client, nums []string, o options) *result {
	batches := make(chan []string, len(nums)/o.batch+1)
	for i := 0; i < len(nums); i += o.batch {
		batches <- nums[i:min(len(nums), i+o.batch)]
	}
	close(batches)
	ctx, cancel := context.WithTimeout(ctx, o.duration)
	defer cancel()
	res := &result{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for w := range o.concurrency {
		c := clients[w%len(clients)]
		wg.Go(func() {
			for b := range batches {
				if ctx.Err() != nil {
					return
				}
				t0 := time.Now()
				out, err := c.BatchDeletePhoneNumber(ctx, &chimesdkvoice.BatchDeletePhoneNumberInput{PhoneNumberIds: b})
				d := time.Since(t0)
				if err == nil && len(out.PhoneNumberErrors) > 0 {
					err = fmt.Errorf("%d items failed, first: %s %s", len(out.PhoneNumberErrors), out.PhoneNumberErrors[0].ErrorCode, aws.ToString(out.PhoneNumberErrors[0].ErrorMessage))
				}
				mu.Lock()
				res.requests++
				res.latencies = append(res.latencies, d)
				if err != nil && !errors.Is(err, context.DeadlineExceeded) {
					res.errors++
					if res.firstErr == nil {
						res.firstErr = err
					}
				} else if err == nil {
					res.deleted += len(b)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	return res
}
