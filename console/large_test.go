package console_test

import (
	"net/http"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/chimevoice/chimevoice"
	"github.com/chimevoice/chimevoice/chimevoicetest"
)

// TestInventoryLarge measures the pages on an account of 100,000 numbers.
// Provisioning them takes tens of seconds, so it runs only with
// CHIMEVOICE_LARGE=1.
func TestInventoryLarge(t *testing.T) {
	if os.Getenv("CHIMEVOICE_LARGE") != "1" {
		t.Skip("set CHIMEVOICE_LARGE=1 to provision 100,000 numbers and time the console's pages")
	}
	srv := chimevoicetest.New(t, chimevoicetest.Options{Credentials: testCreds})
	c := chimevoice.Caller{AccountID: "000000000000", Region: "us-east-1"}
	start := time.Now()
	total := 0
	for _, area := range []string{"206", "425", "360", "509", "253", "212", "415", "312", "617", "305"} {
		next := ""
		for range 20 {
			nums, tok, err := srv.Store.SearchAvailablePhoneNumbers(bg, c, chimevoice.SearchRequest{Country: "US", AreaCode: area, Limit: 500, NextToken: next})
			chimevoicetest.Must(t, err, "search %s", area)
			_, err = srv.Store.CreatePhoneNumberOrder(bg, c, chimevoice.OrderRequest{ProductType: chimevoice.ProductVoiceConnector, E164s: nums})
			chimevoicetest.Must(t, err, "order")
			total += len(nums)
			next = tok
		}
	}
	srv.Advance(t, 0)
	t.Logf("provisioned %d numbers in %s", total, time.Since(start).Round(time.Millisecond))

	u := newUser(t, srv.URL, srv.HTTP.Client())
	u.signIn("test", "test")
	for _, q := range []url.Values{
		{},
		{"size": {"100"}},
		{"after": {"+16175550000"}},
		{"q": {"+1415"}},
		{"q": {"+130555"}},
		{"status": {"DeleteInProgress"}},
		{"product": {"SipMediaApplicationDialIn"}},
		{"assoc": {"VoiceConnectorId"}, "value": {"nosuchconnector"}},
	} {
		path := "/console/numbers?" + q.Encode()
		begin := time.Now()
		p := u.get(path)
		took := time.Since(begin)
		mustStatus(t, path, p, http.StatusOK)
		t.Logf("%-60s %3d rows in %s", path, len(rows(p)), took.Round(time.Microsecond))
		if took > time.Second {
			t.Errorf("%s took %s", path, took)
		}
	}
	begin := time.Now()
	mustStatus(t, "queue", u.get("/console/queue"), http.StatusOK)
	t.Logf("queue in %s", time.Since(begin).Round(time.Microsecond))
}
