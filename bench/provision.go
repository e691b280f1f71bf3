package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
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
	found, err := c.searchFree(ctx, need-len(have))
	if err != nil {
		return nil, err
	}
	if err := c.order(ctx, found); err != nil {
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

func (c *client) searchFree(ctx context.Context, n int) ([]string, error) {
	var out []string
	for _, ac := range areaCodes {
		token := ""
		for len(out) < n {
			path := "/search?type=phone-numbers&area-code=" + ac + "&max-results=500"
			if token != "" {
				path += "&next-token=" + url.QueryEscape(token)
			}
			var page struct {
				E164PhoneNumbers []string
				NextToken        string
			}
			if err := c.call(ctx, http.MethodGet, path, nil, &page); err != nil {
				return nil, err
			}
			out = append(out, page.E164PhoneNumbers...)
			if token = page.NextToken; token == "" {
				break
			}
		}
		if len(out) >= n {
			return out[:n], nil
		}
	}
	return nil, fmt.Errorf("search found only %d free numbers", len(out))
}

// order orders the numbers in orders of up to 1000, four at a time, and
// waits for them to complete.
func (c *client) order(ctx context.Context, nums []string) error {
	var ids []string
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for i := 0; i < len(nums); i += chimevoice.MaxBatch {
		batch := nums[i:min(len(nums), i+chimevoice.MaxBatch)]
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			body, _ := json.Marshal(map[string]any{"ProductType": "VoiceConnector", "E164PhoneNumbers": batch})
			var out struct {
				PhoneNumberOrder struct{ PhoneNumberOrderId string }
			}
			err := c.call(ctx, http.MethodPost, "/phone-number-orders", body, &out)
			mu.Lock()
			defer mu.Unlock()
			if err != nil && firstErr == nil {
				firstErr = err
			}
			ids = append(ids, out.PhoneNumberOrder.PhoneNumberOrderId)
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	// Complete the orders at once through the admin API where allowed;
	// otherwise wait for the server's order worker.
	if err := c.admin(ctx, http.MethodPost, "/_chimevoice/clock", []byte(`{"Advance":"0s"}`)); err != nil {
		c.say("admin API not available (%v); waiting for the order worker", err)
	}
	for _, id := range ids {
		for {
			var out struct{ PhoneNumberOrder struct{ Status string } }
			if err := c.call(ctx, http.MethodGet, "/phone-number-orders/"+id, nil, &out); err != nil {
				return err
			}
			if st := out.PhoneNumberOrder.Status; st != "Processing" {
				if st != "Successful" && !strings.Contains(st, "Partial") {
					return fmt.Errorf("order %s: %s", id, st)
				}
				break
			}
			if err := sleep(ctx); err != nil {
				return errors.Join(errors.New("waiting for orders"), err)
			}
		}
	}
	return nil
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
