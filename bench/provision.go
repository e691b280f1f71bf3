package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/chimevoice/chimevoice"
)

// provision returns need Unassigned numbers of the account: those it has,
// then new ones searched and ordered through the API.
func (c *client) provision(ctx context.Context, need int) ([]string, error) {
	have, err := c.unassigned(ctx, need)
	if err != nil {
		return nil, err
	}
	if len(have) >= need {
		return have[:need], nil
	}
	c.say("provisioning %d numbers (the account has %d)", need-len(have), len(have))
	found, err := c.searchAndOrder(ctx, need-len(have))
	if err != nil {
		return nil, err
	}
	return append(have, found...), nil
}

func (c *client) say(format string, args ...any) {
	if c.cfg.Progress != nil {
		fmt.Fprintf(c.cfg.Progress, format+"\n", args...)
	}
}

// call sends a request and decodes a successful JSON answer into out.
func (c *client) call(ctx context.Context, method, path string, body []byte, out any) error {
	a := c.do(ctx, method, path, body)
	if a.code != "" {
		return fmt.Errorf("%s %s: %s %s", method, path, a.code, a.body)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(a.body, out)
}

func (c *client) unassigned(ctx context.Context, need int) ([]string, error) {
	var out []string
	token := ""
	for len(out) < need {
		path := "/phone-numbers?status=Unassigned&max-results=100"
		if token != "" {
			path += "&next-token=" + url.QueryEscape(token)
		}
		var page struct {
			PhoneNumbers []struct{ E164PhoneNumber string }
			NextToken    string
		}
		if err := c.call(ctx, http.MethodGet, path, nil, &page); err != nil {
			return nil, err
		}
		for _, n := range page.PhoneNumbers {
			out = append(out, n.E164PhoneNumber)
		}
		if token = page.NextToken; token == "" {
			break
		}
	}
	return out, nil
}

// areaCodes are searched in turn; each offers millions of numbers.
var areaCodes = []string{"206", "425", "253", "360", "509", "415", "212", "312", "617", "718"}

// provisionWorkers is how many orders are in flight at once. The server
// commits concurrent orders together (one commit, one WAL sync for the
// group), as it would a user's script ordering in parallel.
const provisionWorkers = 8

// orderCheckers is how many goroutines check orders' outcomes while the
// next ones are ordered.
const orderCheckers = 2

// searchAndOrder searches n free numbers and orders them in orders of up to
// 1000, provisionWorkers at a time, and checks that every order succeeds.
// The three overlap: searches (reads) run beside the orders (writes), and
// orders are checked as they complete.
//
// The numbers are searched an area code at a time (an equal share of n in
// each) and ordered sorted, a window of one area code's share: an order's
// numbers are then neighbours in E.164 order, and the server's index inserts
// for it touch a few pages instead of one page per number (searches return
// numbers from scattered exchanges). It returns the numbers in the order
// they were ordered.
func (c *client) searchAndOrder(ctx context.Context, n int) ([]string, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	batches := make(chan []string, provisionWorkers)
	var ordered []string
	go func() {
		defer close(batches)
		err := c.searchFree(ctx, n, func(window []string) error {
			window = slices.Sorted(slices.Values(window))
			ordered = append(ordered, window...)
			for len(window) > 0 {
				k := min(len(window), chimevoice.MaxBatch)
				select {
				case batches <- window[:k:k]:
				case <-ctx.Done():
					return context.Cause(ctx)
				}
				window = window[k:]
			}
			return nil
		})
		if err != nil {
			cancel(err)
		}
	}()
	// Orders are checked as they are placed; with the server's default
	// order latency (0) they complete at once.
	ids := make(chan string, 1<<16)
	var checkers sync.WaitGroup
	for range orderCheckers {
		checkers.Go(func() {
			for id := range ids {
				if err := c.awaitOrder(ctx, id); err != nil {
					cancel(err)
				}
			}
		})
	}
	var workers sync.WaitGroup
	for range provisionWorkers {
		workers.Go(func() {
			for batch := range batches {
				if context.Cause(ctx) != nil {
					continue // drain, so that the searcher ends
				}
				id, err := c.orderOne(ctx, batch)
				if err != nil {
					cancel(err)
					continue
				}
				ids <- id
			}
		})
	}
	workers.Wait()
	// Complete the orders still processing at once through the admin API
	// where allowed; otherwise the checkers wait for the server's order worker.
	if context.Cause(ctx) == nil {
		if err := c.admin(ctx, http.MethodPost, "/_chimevoice/clock", []byte(`{"Advance":"0s"}`)); err != nil {
			c.say("admin API not available (%v); waiting for the order worker", err)
		}
	}
	close(ids)
	checkers.Wait()
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	return ordered, nil
}

// searchFree searches n free numbers, an equal share in each area code
// (then whatever the others still offer), and hands each area code's
// numbers to emit at once.
func (c *client) searchFree(ctx context.Context, n int, emit func(window []string) error) error {
	total := 0
	share := (n + len(areaCodes) - 1) / len(areaCodes)
	tokens := make(map[string]string)
	done := make(map[string]bool)
	for pass := 0; pass < 2 && total < n; pass++ {
		for _, ac := range areaCodes {
			if done[ac] || total >= n {
				continue
			}
			want := min(share, n-total)
			if pass > 0 {
				want = n - total
			}
			var window []string
			for len(window) < want {
				path := "/search?type=phone-numbers&area-code=" + ac + "&max-results=" + strconv.Itoa(min(500, want-len(window)))
				if t := tokens[ac]; t != "" {
					path += "&next-token=" + url.QueryEscape(t)
				}
				var page struct {
					E164PhoneNumbers []string
					NextToken        string
				}
				if err := c.call(ctx, http.MethodGet, path, nil, &page); err != nil {
					return err
				}
				window = append(window, page.E164PhoneNumbers...)
				if tokens[ac] = page.NextToken; page.NextToken == "" {
					done[ac] = true
					break
				}
			}
			total += len(window)
			if len(window) > 0 {
				if err := emit(window); err != nil {
					return err
				}
			}
		}
	}
	if total < n {
		return fmt.Errorf("search found only %d free numbers", total)
	}
	return nil
}

// orderOne orders the numbers (at most 1000) and returns the order's ID.
func (c *client) orderOne(ctx context.Context, nums []string) (string, error) {
	body, err := json.Marshal(map[string]any{"ProductType": "VoiceConnector", "E164PhoneNumbers": nums})
	if err != nil {
		return "", err
	}
	var out struct {
		PhoneNumberOrder struct{ PhoneNumberOrderId string }
	}
	if err := c.call(ctx, http.MethodPost, "/phone-number-orders", body, &out); err != nil {
		return "", err
	}
	return out.PhoneNumberOrder.PhoneNumberOrderId, nil
}

func (c *client) awaitOrder(ctx context.Context, id string) error {
	for {
		var out struct{ PhoneNumberOrder struct{ Status string } }
		if err := c.call(ctx, http.MethodGet, "/phone-number-orders/"+id, nil, &out); err != nil {
			return err
		}
		if st := out.PhoneNumberOrder.Status; st != "Processing" {
			if st != "Successful" && !strings.Contains(st, "Partial") {
				return fmt.Errorf("order %s: %s", id, st)
			}
			return nil
		}
		if err := sleep(ctx); err != nil {
			return errors.Join(errors.New("waiting for orders"), err)
		}
	}
}

func sleep(ctx context.Context) error {
	t := time.NewTimer(100 * time.Millisecond)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
