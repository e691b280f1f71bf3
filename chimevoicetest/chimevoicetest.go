// Package chimevoicetest runs chimevoice in tests: the real HTTP handler on
// an httptest server, a real store (SQLite always; more backends as they
// register), a manual service clock, and the official AWS SDK clients
// pointed at it.
package chimevoicetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	vtypes "github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"

	"github.com/chimevoice/chimevoice"
	"github.com/chimevoice/chimevoice/httpapi"
	"github.com/chimevoice/chimevoice/internal/httpx"
	"github.com/chimevoice/chimevoice/lambdainvoke"
	"github.com/chimevoice/chimevoice/model"
	"github.com/chimevoice/chimevoice/pool"
	"github.com/chimevoice/chimevoice/server"
	"github.com/chimevoice/chimevoice/sigv4"
	"github.com/chimevoice/chimevoice/sqlite"
	"github.com/chimevoice/chimevoice/sqlstore"
)

// Epoch is where every test's service clock starts.
var Epoch = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

// Clock is a manual clock: it moves only when told to.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now implements chimevoice.Clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Opener opens a store on one database; each call opens another store on
// the same database. The store is closed when the test ends.
type Opener func(t testing.TB, cfg sqlstore.Config) *sqlstore.Store

// Add moves the clock forward by d (the base clock: the service clock
// adds the stored offset to it).
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Backend is one kind of database the tests run against: the HTTP tests
// (Each, New) and the store conformance suite (sqlstore/storetest) alike.
type Backend struct {
	Name string
	// NewDatabase makes an empty database for the test (removed when it
	// ends) and returns the opener of stores on it.
	NewDatabase func(t testing.TB) Opener
	// Replicas reports whether several stores may be open on one database
	// at once (several server processes on one PostgreSQL database).
	Replicas bool
}

// Open opens a store on a new empty database for the test.
func (b Backend) Open(t testing.TB, cfg sqlstore.Config) *sqlstore.Store {
	return b.NewDatabase(t)(t, cfg)
}

// SQLite is the SQLite backend: a throwaway database file per test.
func SQLite() Backend {
	return Backend{Name: "sqlite", NewDatabase: func(t testing.TB) Opener {
		path := filepath.Join(t.TempDir(), "chimevoice.db")
		return func(t testing.TB, cfg sqlstore.Config) *sqlstore.Store { return OpenSQLite(t, path, cfg) }
	}}
}

// OpenSQLite opens the SQLite store at path for the test and closes it when
// the test ends.
func OpenSQLite(t testing.TB, path string, cfg sqlstore.Config) *sqlstore.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), path, cfg)
	if err != nil {
		t.Fatalf("open sqlite store: %v", err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("close sqlite store: %v", err)
		}
	})
	return st.Store
}

// Backends lists the backends tests run against: SQLite always, and every
// extra backend (PostgreSQL when configured).
func Backends(t testing.TB) []Backend {
	bs := []Backend{SQLite()}
	for _, extra := range extraBackends {
		if b, ok := extra(t); ok {
			bs = append(bs, b)
		}
	}
	return bs
}

// extraBackends are registered by backend files of this package.
var extraBackends []func(t testing.TB) (Backend, bool)

// Each runs fn once per backend, as a subtest named after it.
func Each(t *testing.T, fn func(t *testing.T, b Backend)) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) { fn(t, b) })
	}
}

// Options configure a test server.
type Options struct {
	Backend         Backend // zero: SQLite
	MaxPhoneNumbers int
	Retention       time.Duration
	OrderLatency    time.Duration
	RateLimit       float64
	Credentials     []sigv4.Credential // nil: the development credential
	AdminToken      string
	// Lambda is how the call engine invokes SIP media application
	// handlers (lambdatest.Start gives an endpoint).
	Lambda    lambdainvoke.Config
	OpenAdmin bool // the admin API answers every client (development emulator)
}

// Server is chimevoice on an httptest server.
type Server struct {
	URL    string
	Clock  *Clock
	Store  *sqlstore.Store
	HTTP   *httptest.Server
	Voice  *chimesdkvoice.Client // chime-sdk-voice client with the first credential
	Legacy *chime.Client         // legacy chime client with the first credential
	// Handler is the API handler, for questions such as which operations
	// it serves.
	Handler *httpapi.Server
	// Calls is the call service the server runs.
	Calls chimevoice.CallService
	opts  Options
}

var (
	apiOnce sync.Once
	apiVal  *model.API
	apiErr  error
	// Pool is the synthetic pool every test store shares: it is immutable
	// once loaded, and loading it once per test binary keeps tests fast.
	Pool = pool.New()
)

// loadAPI loads the models once per test binary: they are immutable.
func loadAPI() (*model.API, error) {
	apiOnce.Do(func() { apiVal, apiErr = model.Load() })
	return apiVal, apiErr
}

// New starts a server for the test; it stops when the test ends.
func New(t testing.TB, o Options) *Server {
	t.Helper()
	if o.Backend.NewDatabase == nil {
		o.Backend = SQLite()
	}
	if o.Credentials == nil {
		o.Credentials = []sigv4.Credential{sigv4.DevCredential()}
	}
	clock := NewClock(Epoch)
	st := o.Backend.Open(t, sqlstore.Config{
		Retention:       o.Retention,
		OrderLatency:    o.OrderLatency,
		MaxPhoneNumbers: o.MaxPhoneNumbers,
		Clock:           clock,
		Pool:            Pool,
	})
	api, err := loadAPI()
	if err != nil {
		t.Fatalf("load models: %v", err)
	}
	h, err := server.Open(st, o.Lambda, server.Config{
		API:          api,
		Credentials:  o.Credentials,
		AdminToken:   o.AdminToken,
		RateLimit:    o.RateLimit,
		Retention:    o.Retention,
		OpenAdmin:    o.OpenAdmin,
		LimiterClock: clock.Now, // frozen unless a test moves it: throttling is exact
	})
	if err != nil {
		t.Fatalf("build server: %v", err)
	}
	// Served with the binary's connection limits and timeouts.
	hs := httptest.NewUnstartedServer(h)
	limits := httpx.DefaultLimits()
	limits.Malformed = httpapi.Malformed
	served := httpx.NewServer(hs.Listener, h, limits, nil, nil)
	hs.Listener, hs.Config = served.Listener, served.Server
	hs.Start()
	t.Cleanup(hs.Close)
	s := &Server{URL: hs.URL, Clock: clock, Store: st, HTTP: hs, Handler: h.API, Calls: h.Calls, opts: o}
	c := o.Credentials[0]
	s.Voice, s.Legacy = s.Clients(c.AccessKeyID, c.SecretAccessKey)
	return s
}

// Clients returns SDK clients for both APIs signing with the given key.
// Retries are off so that tests see every answer as it is.
func (s *Server) Clients(accessKey, secret string) (*chimesdkvoice.Client, *chime.Client) {
	creds := credentials.NewStaticCredentialsProvider(accessKey, secret, "")
	voice := chimesdkvoice.New(chimesdkvoice.Options{
		Region: "us-east-1", Credentials: creds, BaseEndpoint: aws.String(s.URL),
		RetryMaxAttempts: 1, HTTPClient: s.HTTP.Client(),
	})
	legacy := chime.New(chime.Options{
		Region: "us-east-1", Credentials: creds, BaseEndpoint: aws.String(s.URL),
		RetryMaxAttempts: 1, HTTPClient: s.HTTP.Client(),
	})
	return voice, legacy
}

// Admin calls the admin API and decodes the JSON answer into out (if not nil).
// It returns the status code.
func (s *Server) Admin(t testing.TB, method, path string, body any, out any) int {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatalf("admin %s %s: %v", method, path, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		t.Fatalf("admin %s %s: %v", method, path, err)
	}
	resp, err := s.HTTP.Client().Do(req)
	if err != nil {
		t.Fatalf("admin %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("admin %s %s: decode %q: %v", method, path, data, err)
		}
	}
	return resp.StatusCode
}

// Advance moves the service clock forward through the admin API (which runs
// the work that became due before it answers) and returns the new time.
func (s *Server) Advance(t testing.TB, d time.Duration) time.Time {
	t.Helper()
	var out struct{ Now time.Time }
	if code := s.Admin(t, http.MethodPost, "/_chimevoice/clock", map[string]string{"Advance": d.String()}, &out); code != http.StatusOK {
		t.Fatalf("advance clock by %s: status %d", d, code)
	}
	return out.Now
}

// Now returns the service clock.
func (s *Server) Now(t testing.TB) time.Time {
	t.Helper()
	var out struct{ Now time.Time }
	if code := s.Admin(t, http.MethodGet, "/_chimevoice/clock", nil, &out); code != http.StatusOK {
		t.Fatalf("get clock: status %d", code)
	}
	return out.Now
}

// Provision searches the area code for n free numbers, orders them with
// the product type, completes the order (advancing the clock by the order
// latency) and returns the numbers (E.164).
func (s *Server) Provision(t testing.TB, client *chimesdkvoice.Client, areaCode string, n int, pt vtypes.PhoneNumberProductType) []string {
	t.Helper()
	ctx := context.Background()
	var nums []string
	var token *string
	for len(nums) < n {
		out, err := client.SearchAvailablePhoneNumbers(ctx, &chimesdkvoice.SearchAvailablePhoneNumbersInput{
			AreaCode: aws.String(areaCode), MaxResults: aws.Int32(int32(min(500, n-len(nums)))), NextToken: token,
		})
		if err != nil {
			t.Fatalf("search %s: %v", areaCode, err)
		}
		nums = append(nums, out.E164PhoneNumbers...)
		if out.NextToken == nil {
			break
		}
		token = out.NextToken
	}
	if len(nums) < n {
		t.Fatalf("search %s: found %d of %d numbers", areaCode, len(nums), n)
	}
	for i := 0; i < n; i += chimevoice.MaxBatch {
		batch := nums[i:min(n, i+chimevoice.MaxBatch)]
		o, err := client.CreatePhoneNumberOrder(ctx, &chimesdkvoice.CreatePhoneNumberOrderInput{ProductType: pt, E164PhoneNumbers: batch})
		if err != nil {
			t.Fatalf("order %d numbers: %v", len(batch), err)
		}
		s.Advance(t, s.opts.OrderLatency)
		got, err := client.GetPhoneNumberOrder(ctx, &chimesdkvoice.GetPhoneNumberOrderInput{PhoneNumberOrderId: o.PhoneNumberOrder.PhoneNumberOrderId})
		if err != nil {
			t.Fatalf("get order: %v", err)
		}
		if got.PhoneNumberOrder.Status != vtypes.PhoneNumberOrderStatusSuccessful {
			t.Fatalf("order %s: status %s, want Successful", *o.PhoneNumberOrder.PhoneNumberOrderId, got.PhoneNumberOrder.Status)
		}
	}
	return nums[:n]
}

// Must fails the test on err.
func Must(t testing.TB, err error, what string, args ...any) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", fmt.Sprintf(what, args...), err)
	}
}

// Response is a raw HTTP answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Signed sends a request signed with SigV4 (service chime, us-east-1) with
// the given key, and returns the raw answer. path may hold a query string
// and must be escaped as it should go on the wire.
func (s *Server) Signed(t testing.TB, accessKey, secret, method, path string, body []byte) Response {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	sum := sha256.Sum256(body)
	signer := v4.NewSigner()
	if err := signer.SignHTTP(context.Background(), aws.Credentials{AccessKeyID: accessKey, SecretAccessKey: secret}, req, hex.EncodeToString(sum[:]), "chime", "us-east-1", time.Now()); err != nil {
		t.Fatalf("sign %s %s: %v", method, path, err)
	}
	return s.Send(t, req)
}

// Do sends a request signed with the development credential.
func (s *Server) Do(t testing.TB, method, path string, body []byte) Response {
	t.Helper()
	dev := sigv4.DevCredential()
	return s.Signed(t, dev.AccessKeyID, dev.SecretAccessKey, method, path, body)
}

// Send sends req as it is.
func (s *Server) Send(t testing.TB, req *http.Request) Response {
	t.Helper()
	resp, err := s.HTTP.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", req.Method, req.URL, err)
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: data}
}

// Snapshot returns everything the account of client can read about its
// phone numbers, orders and settings, to compare before and after a
// request that must change nothing.
func (s *Server) Snapshot(t testing.TB, client *chimesdkvoice.Client) string {
	t.Helper()
	ctx := context.Background()
	var all struct {
		Numbers     []vtypes.PhoneNumber
		Orders      []vtypes.PhoneNumberOrder
		CallingName *string
		CallingAt   *time.Time
	}
	np := chimesdkvoice.NewListPhoneNumbersPaginator(client, &chimesdkvoice.ListPhoneNumbersInput{})
	for np.HasMorePages() {
		page, err := np.NextPage(ctx)
		Must(t, err, "snapshot: list phone numbers")
		all.Numbers = append(all.Numbers, page.PhoneNumbers...)
	}
	op := chimesdkvoice.NewListPhoneNumberOrdersPaginator(client, &chimesdkvoice.ListPhoneNumberOrdersInput{})
	for op.HasMorePages() {
		page, err := op.NextPage(ctx)
		Must(t, err, "snapshot: list orders")
		all.Orders = append(all.Orders, page.PhoneNumberOrders...)
	}
	settings, err := client.GetPhoneNumberSettings(ctx, &chimesdkvoice.GetPhoneNumberSettingsInput{})
	Must(t, err, "snapshot: settings")
	all.CallingName, all.CallingAt = settings.CallingName, settings.CallingNameUpdatedTimestamp
	b, err := json.Marshal(all)
	Must(t, err, "snapshot: encode")
	return string(b)
}
