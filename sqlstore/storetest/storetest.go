// Package storetest is the store conformance suite: one set of tests of
// chimevoice's service interfaces that every SQL backend must pass (in the
// manner of Litestream's RunWithReplicaClient). The sqlite package runs it
// always, the postgres package when a PostgreSQL server is configured, so
// that "behaves like SQLite" is checked rather than assumed.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chimevoice/chimevoice"
	"github.com/chimevoice/chimevoice/chimevoicetest"
	"github.com/chimevoice/chimevoice/sqlstore"
)

// env is one test's database, clock and accounts.
type env struct {
	t     *testing.T
	open  chimevoicetest.Opener
	clock *chimevoicetest.Clock
	cfg   sqlstore.Config
	st    *sqlstore.Store
}

var (
	alice = chimevoice.Caller{AccountID: "111111111111", Region: "us-east-1"}
	bob   = chimevoice.Caller{AccountID: "222222222222", Region: "us-east-1"}
)

func newEnv(t *testing.T, b chimevoicetest.Backend, cfg sqlstore.Config) *env {
	t.Helper()
	c := chimevoicetest.NewClock(chimevoicetest.Epoch)
	cfg.Clock, cfg.Pool = c, chimevoicetest.Pool
	e := &env{t: t, open: b.NewDatabase(t), clock: c, cfg: cfg}
	e.st = e.open(t, cfg)
	return e
}

// replica opens another store on the same database (same base clock).
func (e *env) replica() *sqlstore.Store { return e.open(e.t, e.cfg) }

func ctx() context.Context { return context.Background() }

func must(t testing.TB, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// wantCode checks that err is a *chimevoice.Error with the code.
func wantCode(t testing.TB, err error, code chimevoice.Code, what string) {
	t.Helper()
	var ce *chimevoice.Error
	if !errors.As(err, &ce) || ce.Code != code {
		t.Fatalf("%s: got error %v, want code %s", what, err, code)
	}
}

// search returns n free numbers of an area code.
func search(t testing.TB, st *sqlstore.Store, c chimevoice.Caller, area string, n int) []string {
	t.Helper()
	nums, _, err := st.SearchAvailablePhoneNumbers(ctx(), c, chimevoice.SearchRequest{Country: "US", AreaCode: area, Limit: n})
	must(t, err, "search")
	if len(nums) != n {
		t.Fatalf("search %s: got %d numbers, want %d", area, len(nums), n)
	}
	return nums
}

// provision orders n free numbers of the area code for c and completes the order.
func provision(t testing.TB, st *sqlstore.Store, c chimevoice.Caller, area string, n int) []string {
	t.Helper()
	nums := search(t, st, c, area, n)
	o, err := st.CreatePhoneNumberOrder(ctx(), c, chimevoice.OrderRequest{ProductType: chimevoice.ProductVoiceConnector, E164s: nums})
	must(t, err, "order")
	must(t, st.RunDue(ctx()), "run due work")
	got, err := st.GetPhoneNumberOrder(ctx(), c, o.ID)
	must(t, err, "get order")
	if got.Status != chimevoice.OrderSuccessful {
		t.Fatalf("order %s: status %s, want Successful", o.ID, got.Status)
	}
	return nums
}

func ids(nums ...string) []chimevoice.BatchID {
	out := make([]chimevoice.BatchID, len(nums))
	for i, n := range nums {
		out[i] = chimevoice.BatchID{Raw: n, E164: n}
	}
	return out
}

func status(t testing.TB, st *sqlstore.Store, c chimevoice.Caller, e164 string) chimevoice.Status {
	t.Helper()
	n, err := st.GetPhoneNumber(ctx(), c, e164)
	must(t, err, "get "+e164)
	return n.Status
}

// Run runs the suite against the backend.
func Run(t *testing.T, b chimevoicetest.Backend) {
	tests := []struct {
		name string
		fn   func(t *testing.T, b chimevoicetest.Backend)
	}{
		{"DeleteRestore", testDeleteRestore},
		{"BatchDeleteItems", testBatchDeleteItems},
		{"PurgeBoundary", testPurgeBoundary},
		{"Orders", testOrders},
		{"OrderOutcomes", testOrderOutcomes},
		{"ListAndSearch", testListAndSearch},
		{"DeletionQueueOrder", testDeletionQueueOrder},
		{"Updates", testUpdates},
		{"Quota", testQuota},
		{"Clock", testClock},
		{"ConcurrentDeleteRestore", testConcurrentDeleteRestore},
		{"ConcurrentOrders", testConcurrentOrders},
		{"ConcurrentQuota", testConcurrentQuota},
		{"ConcurrentClock", testConcurrentClock},
		{"Replicas", testReplicas},
		{"VoiceConnectors", testVoiceConnectors},
		{"Groups", testGroups},
		{"SipMedia", testSipMedia},
		{"TagsAndSettings", testTagsAndSettings},
		{"Legacy", testLegacy},
		{"State", testState},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, b) })
	}
}

func testDeleteRestore(t *testing.T, b chimevoicetest.Backend) {
	e := newEnv(t, b, sqlstore.Config{})
	st := e.st
	nums := provision(t, st, alice, "206", 2)
	if s := status(t, st, alice, nums[0]); s != chimevoice.StatusUnassigned {
		t.Fatalf("after order: status %s", s)
	}
	deletedAt := chimevoicetest.Epoch
	must(t, st.DeletePhoneNumber(ctx(), alice, nums[0]), "delete")
	n, err := st.GetPhoneNumber(ctx(), alice, nums[0])
	must(t, err, "get")
	if n.Status != chimevoice.StatusDeleteInProgress || !n.DeletedAt.Equal(deletedAt) {
		t.Fatalf("after delete: status %s deleted %s, want DeleteInProgress at %s", n.Status, n.DeletedAt, deletedAt)
	}
	// A retried delete succeeds and does not move the timestamp.
	e.clock.Add(time.Hour)
	must(t, st.DeletePhoneNumber(ctx(), alice, nums[0]), "delete again")
	failed, err := st.BatchDeletePhoneNumbers(ctx(), alice, ids(nums[0]))
	must(t, err, "batch delete again")
	if len(failed) != 0 {
		t.Fatalf("batch delete of a queued number: %+v", failed)
	}
	n, _ = st.GetPhoneNumber(ctx(), alice, nums[0])
	if !n.DeletedAt.Equal(deletedAt) {
		t.Fatalf("a repeated delete moved DeletedAt to %s", n.DeletedAt)
	}
	// Bob sees nothing of Alice's numbers.
	wantCode(t, st.DeletePhoneNumber(ctx(), bob, nums[1]), chimevoice.CodeNotFound, "bob deletes alice's number")
	_, err = st.RestorePhoneNumber(ctx(), bob, nums[0])
	wantCode(t, err, chimevoice.CodeNotFound, "bob restores alice's number")

	r, err := st.RestorePhoneNumber(ctx(), alice, nums[0])
	must(t, err, "restore")
	if r.Status != chimevoice.StatusUnassigned || !r.DeletedAt.IsZero() {
		t.Fatalf("restore answered status %s deleted %s", r.Status, r.DeletedAt)
	}
	if s := status(t, st, alice, nums[0]); s != chimevoice.StatusUnassigned {
		t.Fatalf("after restore: status %s", s)
	}
	_, err = st.RestorePhoneNumber(ctx(), alice, nums[0])
	wantCode(t, err, chimevoice.CodeBadRequest, "restore a number not queued")
	_, err = st.RestorePhoneNumber(ctx(), alice, "+12065550000")
	wantCode(t, err, chimevoice.CodeNotFound, "restore an unknown number")
}

func testBatchDeleteItems(t *testing.T, b chimevoicetest.Backend) {
	e := newEnv(t, b, sqlstore.Config{OrderLatency: time.Hour})
	st := e.st
	nums := search(t, st, alice, "206", 3)
	_, err := st.CreatePhoneNumberOrder(ctx(), alice, chimevoice.OrderRequest{ProductType: chimevoice.ProductVoiceConnector, E164s: nums[:2]})
	must(t, err, "order")
	// nums[0..1] are AcquireInProgress for an hour.
	in := append(ids(nums...), chimevoice.BatchID{Raw: "not-a-number"})
	failed, err := st.BatchDeletePhoneNumbers(ctx(), alice, in)
	must(t, err, "batch delete")
	got := map[string]chimevoice.Code{}
	for _, f := range failed {
		got[f.PhoneNumberID] = f.Code
	}
	want := map[string]chimevoice.Code{
		nums[0]: chimevoice.CodePreconditionFailed, nums[1]: chimevoice.CodePreconditionFailed,
		nums[2]: chimevoice.CodeNotFound, "not-a-number": chimevoice.CodeBadRequest,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("batch delete errors %v, want %v", got, want)
	}
	_, err = st.AdvanceClock(ctx(), time.Hour)
	must(t, err, "advance")
	failed, err = st.BatchDeletePhoneNumbers(ctx(), alice, ids(nums[:2]...))
	must(t, err, "batch delete after the order completed")
	if len(failed) != 0 {
		t.Fatalf("batch delete: %+v", failed)
	}
	list, _, err := st.ListPhoneNumbers(ctx(), alice, chimevoice.PhoneNumberFilter{Status: chimevoice.StatusDeleteInProgress})
	must(t, err, "list queue")
	if len(list) != 2 {
		t.Fatalf("Deletion queue holds %d numbers, want 2", len(list))
	}
}

func testPurgeBoundary(t *testing.T, b chimevoicetest.Backend) {
	e := newEnv(t, b, sqlstore.Config{Retention: 7 * 24 * time.Hour})
	st := e.st
	nums := provision(t, st, alice, "425", 2)
	failed, err := st.BatchDeletePhoneNumbers(ctx(), alice, ids(nums...))
	must(t, err, "delete")
	if len(failed) != 0 {
		t.Fatalf("delete: %+v", failed)
	}
	_, err = st.AdvanceClock(ctx(), 7*24*time.Hour-time.Millisecond)
	must(t, err, "advance to 1 ms before the end of retention")
	if s := status(t, st, alice, nums[0]); s != chimevoice.StatusDeleteInProgress {
		t.Fatalf("1 ms before purge: status %s", s)
	}
	_, err = st.AdvanceClock(ctx(), time.Millisecond)
	must(t, err, "advance to the end of retention")
	_, err = st.GetPhoneNumber(ctx(), alice, nums[0])
	wantCode(t, err, chimevoice.CodeNotFound, "get a purged number")
	_, err = st.RestorePhoneNumber(ctx(), alice, nums[1])
	wantCode(t, err, chimevoice.CodeNotFound, "restore a purged number")
	log, err := st.PurgeLog(ctx())
	must(t, err, "purge log")
	if len(log) != 2 || !log[0].DeletedAt.Equal(chimevoicetest.Epoch) || !log[0].PurgedAt.Equal(chimevoicetest.Epoch.Add(7*24*time.Hour)) {
		t.Fatalf("purge log %+v, want both numbers deleted at %s, purged 7 days later", log, chimevoicetest.Epoch)
	}
	// Purged numbers are back in the pool: they can be ordered again.
	o, err := st.CreatePhoneNumberOrder(ctx(), bob, chimevoice.OrderRequest{ProductType: chimevoice.ProductVoiceConnector, E164s: nums})
	must(t, err, "order purged numbers")
	must(t, st.RunDue(ctx()), "run due")
	got, err := st.GetPhoneNumberOrder(ctx(), bob, o.ID)
	must(t, err, "get order")
	if got.Status != chimevoice.OrderSuccessful {
		t.Fatalf("re-ordering purged numbers: %s", got.Status)
	}
}

// testOrderOutcomes completes orders whose numbers are all, some or none
// still free: each item is Acquired or Failed by its own number, and only
// the acquired numbers change hands.
func testOrderOutcomes(t *testing.T, b chimevoicetest.Backend) {
	e := newEnv(t, b, sqlstore.Config{})
	st := e.st
	mine := provision(t, st, alice, "503", 3)
	free := search(t, st, bob, "503", 3)
	// Owned and free numbers interleaved, in no key order.
	mixed := []string{free[2], mine[0], free[0], mine[2], free[1]}
	cases := []struct {
		nums   []string
		status chimevoice.OrderStatus
	}{
		{mixed, chimevoice.OrderPartial},
		{mine, chimevoice.OrderFailed},
	}
	for _, c := range cases {
		o, err := st.CreatePhoneNumberOrder(ctx(), bob, chimevoice.OrderRequest{ProductType: chimevoice.ProductVoiceConnector, E164s: c.nums})
		must(t, err, "order")
		got, err := st.GetPhoneNumberOrder(ctx(), bob, o.ID)
		must(t, err, "get order")
		for _, n := range got.Numbers {
			if n.Status != chimevoice.OrderedProcessing {
				t.Fatalf("item of a processing order: %+v", got)
			}
		}
		must(t, st.RunDue(ctx()), "run due")
		got, err = st.GetPhoneNumberOrder(ctx(), bob, o.ID)
		must(t, err, "get order")
		if got.Status != c.status || len(got.Numbers) != len(c.nums) {
			t.Fatalf("order of %v: %+v, want %s", c.nums, got, c.status)
		}
		for i, n := range got.Numbers {
			want := chimevoice.OrderedAcquired
			if slices.Contains(mine, c.nums[i]) {
				want = chimevoice.OrderedFailed
			}
			if n.E164 != c.nums[i] || n.Status != want {
				t.Fatalf("item %d of %+v: want %s %s", i, got, c.nums[i], want)
			}
		}
	}
	for _, num := range free {
		n, err := st.GetPhoneNumber(ctx(), bob, num)
		must(t, err, "get acquired number")
		if n.Status != chimevoice.StatusUnassigned {
			t.Fatalf("acquired number: %+v", n)
		}
	}
	for _, num := range mine {
		n, err := st.GetPhoneNumber(ctx(), alice, num)
		must(t, err, "get owned number")
		if n.Status != chimevoice.StatusUnassigned || n.OrderID == "" {
			t.Fatalf("number of another order: %+v", n)
		}
	}
}

func testOrders(t *testing.T, b chimevoicetest.Backend) {
	e := newEnv(t, b, sqlstore.Config{})
	st := e.st
	mine := provision(t, st, alice, "503", 2)
	free := search(t, st, bob, "503", 1)
	o, err := st.CreatePhoneNumberOrder(ctx(), bob, chimevoice.OrderRequest{ProductType: chimevoice.ProductVoiceConnector, E164s: append([]string{mine[0]}, free...), Name: "bob's"})
	must(t, err, "order")
	if o.Status != chimevoice.OrderProcessing || len(o.Numbers) != 2 {
		t.Fatalf("new order: %+v", o)
	}
	must(t, st.RunDue(ctx()), "run due")
	got, err := st.GetPhoneNumberOrder(ctx(), bob, o.ID)
	must(t, err, "get order")
	if got.Status != chimevoice.OrderPartial || got.Numbers[0].Status != chimevoice.OrderedFailed || got.Numbers[1].Status != chimevoice.OrderedAcquired {
		t.Fatalf("order of one owned and one free number: %+v", got)
	}
	if _, err := st.GetPhoneNumberOrder(ctx(), alice, o.ID); chimevoice.ErrorCode(err) != chimevoice.CodeNotFound {
		t.Fatalf("alice reads bob's order: %v", err)
	}
	n, err := st.GetPhoneNumber(ctx(), bob, free[0])
	must(t, err, "get acquired number")
	if n.Name != "bob's" || n.OrderID != o.ID || n.Status != chimevoice.StatusUnassigned {
		t.Fatalf("acquired number: %+v", n)
	}
	for range 2 {
		_, err := st.CreatePhoneNumberOrder(ctx(), bob, chimevoice.OrderRequest{ProductType: chimevoice.ProductVoiceConnector, E164s: search(t, st, bob, "503", 1)})
		must(t, err, "order")
	}
	var all []string
	next := ""
	for {
		page, tok, err := st.ListPhoneNumberOrders(ctx(), bob, 2, next)
		must(t, err, "list orders")
		for _, o := range page {
			all = append(all, o.ID)
		}
		if tok == "" {
			break
		}
		next = tok
	}
	// Orders made at the same service time are listed by ID.
	if len(all) != 3 || !slices.Contains(all, o.ID) || !slices.IsSorted(all) {
		t.Fatalf("orders listed %v, want 3 sorted by ID including %s", all, o.ID)
	}
}

// testDeletionQueueOrder: ListPhoneNumbers with Status DeleteInProgress
// lists an account's queue in the order it is purged (time of deletion,
// then number), page by page through QueueCursors.
func testDeletionQueueOrder(t *testing.T, b chimevoicetest.Backend) {
	e := newEnv(t, b, sqlstore.Config{})
	st := e.st
	nums := provision(t, st, alice, "312", 6)
	slices.Sort(nums)
	provision(t, st, bob, "415", 1)
	for _, batch := range [][]string{{nums[4], nums[3]}, {nums[5], nums[0]}, {nums[1]}} {
		failed, err := st.BatchDeletePhoneNumbers(ctx(), alice, ids(batch...))
		must(t, err, "delete")
		if len(failed) != 0 {
			t.Fatalf("delete %v: %+v", batch, failed)
		}
		_, err = st.AdvanceClock(ctx(), time.Minute)
		must(t, err, "advance")
	}
	want := []string{nums[3], nums[4], nums[0], nums[5], nums[1]}
	var listed []string
	after := ""
	for pages := 0; ; pages++ {
		page, next, err := st.ListPhoneNumbers(ctx(), alice, chimevoice.PhoneNumberFilter{Status: chimevoice.StatusDeleteInProgress, Limit: 2, After: after})
		must(t, err, "list the queue")
		for _, n := range page {
			if n.Status != chimevoice.StatusDeleteInProgress {
				t.Fatalf("queue lists %s in status %s", n.E164, n.Status)
			}
			listed = append(listed, n.E164)
		}
		if next == "" {
			break
		}
		if _, e164, ok := chimevoice.ParseQueueCursor(next); !ok || e164 != page[len(page)-1].E164 {
			t.Fatalf("next token %q is not the cursor of the page's last number %s", next, page[len(page)-1].E164)
		}
		if pages > len(want) {
			t.Fatalf("the queue does not end: %v", listed)
		}
		after = next
	}
	if fmt.Sprint(listed) != fmt.Sprint(want) {
		t.Fatalf("queue listed %v, want %v (oldest deletion first, then by number)", listed, want)
	}
	_, err := st.RestorePhoneNumber(ctx(), alice, nums[0])
	must(t, err, "restore")
	all, _, err := st.ListPhoneNumbers(ctx(), alice, chimevoice.PhoneNumberFilter{Status: chimevoice.StatusDeleteInProgress})
	must(t, err, "list after restore")
	if got := len(all); got != 4 || all[2].E164 != nums[5] {
		t.Fatalf("after restoring %s the queue is %d numbers (third %s), want 4 with %s third", nums[0], got, all[2].E164, nums[5])
	}
	other, _, err := st.ListPhoneNumbers(ctx(), bob, chimevoice.PhoneNumberFilter{Status: chimevoice.StatusDeleteInProgress})
	must(t, err, "bob lists his queue")
	if len(other) != 0 {
		t.Fatalf("bob's queue shows %d of alice's numbers", len(other))
	}
	for _, bad := range []string{nums[0], "12+1", "-5" + nums[0], "1000+0123", "1000"} {
		_, _, err := st.ListPhoneNumbers(ctx(), alice, chimevoice.PhoneNumberFilter{Status: chimevoice.StatusDeleteInProgress, After: bad})
		if chimevoice.ErrorCode(err) != chimevoice.CodeBadRequest || !strings.Contains(err.Error(), "NextToken") {
			t.Fatalf("cursor %q: %v, want BadRequest naming NextToken", bad, err)
		}
	}
}

func testListAndSearch(t *testing.T, b chimevoicetest.Backend) {
	e := newEnv(t, b, sqlstore.Config{})
	st := e.st
	nums := provision(t, st, alice, "312", 5)
	slices.Sort(nums)
	must(t, st.DeletePhoneNumber(ctx(), alice, nums[1]), "delete")
	var listed []string
	after := ""
	for {
		page, next, err := st.ListPhoneNumbers(ctx(), alice, chimevoice.PhoneNumberFilter{Limit: 2, After: after})
		must(t, err, "list")
		for _, n := range page {
			listed = append(listed, n.E164)
		}
		if next == "" {
			break
		}
		after = next
	}
	if fmt.Sprint(listed) != fmt.Sprint(nums) {
		t.Fatalf("listed %v, want %v", listed, nums)
	}
	queued, _, err := st.ListPhoneNumbers(ctx(), alice, chimevoice.PhoneNumberFilter{Status: chimevoice.StatusDeleteInProgress})
	must(t, err, "list queue")
	if len(queued) != 1 || queued[0].E164 != nums[1] {
		t.Fatalf("queue %v", queued)
	}
	other, _, err := st.ListPhoneNumbers(ctx(), bob, chimevoice.PhoneNumberFilter{})
	must(t, err, "bob lists")
	if len(other) != 0 {
		t.Fatalf("bob sees %d of alice's numbers", len(other))
	}
	found, _, err := st.SearchAvailablePhoneNumbers(ctx(), bob, chimevoice.SearchRequest{Country: "US", AreaCode: "312", Limit: 50})
	must(t, err, "search")
	for _, f := range found {
		for _, n := range nums {
			if f == n {
				t.Fatalf("search returned owned number %s", n)
			}
		}
	}
	countries, err := st.SupportedCountries(ctx(), bob, chimevoice.ProductVoiceConnector)
	must(t, err, "supported countries")
	if len(countries) == 0 || countries[0].Code != "US" {
		t.Fatalf("countries %+v", countries)
	}
}

func testUpdates(t *testing.T, b chimevoicetest.Backend) {
	e := newEnv(t, b, sqlstore.Config{})
	st := e.st
	nums := provision(t, st, alice, "617", 2)
	name, cname := "front desk", "ACME"
	n, err := st.UpdatePhoneNumber(ctx(), alice, chimevoice.PhoneNumberUpdate{E164: nums[0], Name: &name})
	must(t, err, "update name")
	if n.Name != name {
		t.Fatalf("updated name %q", n.Name)
	}
	must(t, st.DeletePhoneNumber(ctx(), alice, nums[1]), "delete")
	failed, err := st.BatchUpdatePhoneNumbers(ctx(), alice, []chimevoice.PhoneNumberUpdate{
		{Raw: nums[0], E164: nums[0], CallingName: &cname},
		{Raw: nums[1], E164: nums[1], Name: &name},
	})
	must(t, err, "batch update")
	if len(failed) != 1 || failed[0].PhoneNumberID != nums[1] || failed[0].Code != chimevoice.CodeConflict {
		t.Fatalf("batch update errors %+v, want Conflict for the queued number", failed)
	}
	n, _ = st.GetPhoneNumber(ctx(), alice, nums[0])
	if n.CallingName != cname || n.CallingNameStatus != chimevoice.CallingNameUpdateInProgress {
		t.Fatalf("calling name %q %s", n.CallingName, n.CallingNameStatus)
	}
	must(t, st.RunDue(ctx()), "run due")
	n, _ = st.GetPhoneNumber(ctx(), alice, nums[0])
	if n.CallingNameStatus != chimevoice.CallingNameUpdateSucceeded {
		t.Fatalf("calling name status %s after due work", n.CallingNameStatus)
	}
	must(t, st.UpdatePhoneNumberSettings(ctx(), alice, "ACME"), "settings")
	must(t, st.UpdatePhoneNumberSettings(ctx(), alice, "ACME"), "settings unchanged")
	// The default calling name changes once every seven days.
	wantCode(t, st.UpdatePhoneNumberSettings(ctx(), alice, "ACME Corp"), chimevoice.CodeValidation, "settings again within 7 days")
	s, err := st.GetPhoneNumberSettings(ctx(), alice)
	must(t, err, "get settings")
	if s.CallingName != "ACME" || !s.CallingNameUpdatedAt.Equal(chimevoicetest.Epoch) {
		t.Fatalf("settings after a refused change %+v", s)
	}
	_, err = st.AdvanceClock(ctx(), chimevoice.DefaultCallingNameInterval)
	must(t, err, "advance 7 days")
	must(t, st.UpdatePhoneNumberSettings(ctx(), alice, "ACME Corp"), "settings after 7 days")
	s, err = st.GetPhoneNumberSettings(ctx(), alice)
	must(t, err, "get settings")
	if s.CallingName != "ACME Corp" || !s.CallingNameUpdatedAt.Equal(chimevoicetest.Epoch.Add(chimevoice.DefaultCallingNameInterval)) {
		t.Fatalf("settings %+v", s)
	}
}

func testQuota(t *testing.T, b chimevoicetest.Backend) {
	e := newEnv(t, b, sqlstore.Config{MaxPhoneNumbers: 3})
	st := e.st
	nums := provision(t, st, alice, "718", 3)
	_, err := st.CreatePhoneNumberOrder(ctx(), alice, chimevoice.OrderRequest{ProductType: chimevoice.ProductVoiceConnector, E164s: search(t, st, alice, "718", 1)})
	wantCode(t, err, chimevoice.CodeResourceLimitExceeded, "order over the quota")
	// Queued numbers do not count.
	must(t, st.DeletePhoneNumber(ctx(), alice, nums[0]), "delete")
	provision(t, st, alice, "718", 1)
	_, err = st.RestorePhoneNumber(ctx(), alice, nums[0])
	wantCode(t, err, chimevoice.CodeResourceLimitExceeded, "restore over the quota")
	// Other accounts have their own quota.
	provision(t, st, bob, "718", 3)
}

func testClock(t *testing.T, b chimevoicetest.Backend) {
	e := newEnv(t, b, sqlstore.Config{})
	st := e.st
	now, err := st.Now(ctx())
	must(t, err, "now")
	if !now.Equal(chimevoicetest.Epoch) {
		t.Fatalf("now %s, want %s", now, chimevoicetest.Epoch)
	}
	now, err = st.AdvanceClock(ctx(), 90*time.Minute)
	must(t, err, "advance")
	if want := chimevoicetest.Epoch.Add(90 * time.Minute); !now.Equal(want) {
		t.Fatalf("after advance: %s, want %s", now, want)
	}
	_, err = st.SetClock(ctx(), chimevoicetest.Epoch)
	wantCode(t, err, chimevoice.CodeBadRequest, "set the clock backwards")
	_, err = st.AdvanceClock(ctx(), -time.Second)
	wantCode(t, err, chimevoice.CodeBadRequest, "advance by a negative duration")
	set := chimevoicetest.Epoch.Add(48 * time.Hour)
	now, err = st.SetClock(ctx(), set)
	must(t, err, "set")
	if !now.Equal(set) {
		t.Fatalf("after set: %s", now)
	}
	// The offset is stored with the data: a store opened later agrees.
	must(t, st.Close(), "close")
	st2 := e.replica()
	now, err = st2.Now(ctx())
	must(t, err, "now after reopening")
	if !now.Equal(set) {
		t.Fatalf("after reopening: %s, want %s", now, set)
	}
	// Times written by requests come from the service clock.
	nums := provision(t, st2, alice, "202", 1)
	must(t, st2.DeletePhoneNumber(ctx(), alice, nums[0]), "delete")
	n, _ := st2.GetPhoneNumber(ctx(), alice, nums[0])
	if !n.DeletedAt.Equal(set) {
		t.Fatalf("deleted at %s, want the service clock %s", n.DeletedAt, set)
	}
	// A base clock between two milliseconds: Set still lands on the very
	// millisecond asked for.
	e.clock.Add(700 * time.Microsecond)
	exact := set.Add(24 * time.Hour)
	now, err = st2.SetClock(ctx(), exact)
	must(t, err, "set between milliseconds")
	if !now.Equal(exact) {
		t.Fatalf("set %s between milliseconds: the clock reads %s", exact, now)
	}
	// A snapshot whose Now is before the base clock gives a negative
	// offset, which a store opened later keeps.
	must(t, st2.ResetState(ctx()), "reset")
	base, err := st2.Now(ctx())
	must(t, err, "now after reset")
	var snap bytes.Buffer
	must(t, st2.ExportState(ctx(), &snap, chimevoice.ExportOptions{}), "export")
	past := chimevoicetest.Epoch.Add(-72 * time.Hour)
	old := strings.Replace(snap.String(), base.Format("2006-01-02T15:04:05.000Z"), past.Format("2006-01-02T15:04:05.000Z"), 1)
	_, err = st2.ImportState(ctx(), []byte(old))
	must(t, err, "import a snapshot from the past")
	must(t, st2.Close(), "close")
	now, err = e.replica().Now(ctx())
	must(t, err, "now after reopening")
	if want := past.Add(e.clock.Now().Sub(chimevoicetest.Epoch)).Truncate(time.Millisecond); !now.Equal(want) {
		t.Fatalf("after reopening a store set in the past: %s, want %s", now, want)
	}
}

// testConcurrentDeleteRestore has owners delete and restore their numbers
// while others hammer the same numbers with batch deletes that must fail or
// be no-ops, and checks every acknowledged change is there.
func testConcurrentDeleteRestore(t *testing.T, b chimevoicetest.Backend) {
	e := newEnv(t, b, sqlstore.Config{})
	st := e.st
	nums := provision(t, st, alice, "305", 24)
	const owners, rounds = 4, 12
	want := make([]chimevoice.Status, len(nums))
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for o := range owners {
		wg.Go(func() {
			for r := range rounds {
				for i := o; i < len(nums); i += owners {
					var err error
					if (r+i)%2 == 0 {
						_, err = st.BatchDeletePhoneNumbers(ctx(), alice, ids(nums[i]))
						if err == nil {
							want[i] = chimevoice.StatusDeleteInProgress
						}
					} else if want[i] == chimevoice.StatusDeleteInProgress {
						_, err = st.RestorePhoneNumber(ctx(), alice, nums[i])
						if err == nil {
							want[i] = chimevoice.StatusUnassigned
						}
					}
					if err != nil {
						errs <- fmt.Errorf("owner %d round %d %s: %w", o, r, nums[i], err)
						return
					}
				}
			}
		})
	}
	// Noise: bob's batch deletes of the same numbers all fail NotFound, and
	// alice's name updates conflict with queued numbers or succeed.
	for range 2 {
		wg.Go(func() {
			name := "noise"
			for range rounds {
				failed, err := st.BatchDeletePhoneNumbers(ctx(), bob, ids(nums...))
				if err == nil && len(failed) != len(nums) {
					err = fmt.Errorf("bob deleted %d of alice's numbers", len(nums)-len(failed))
				}
				if err == nil {
					us := make([]chimevoice.PhoneNumberUpdate, len(nums))
					for i, n := range nums {
						us[i] = chimevoice.PhoneNumberUpdate{Raw: n, E164: n, Name: &name}
					}
					_, err = st.BatchUpdatePhoneNumbers(ctx(), alice, us)
				}
				if err != nil {
					errs <- fmt.Errorf("noise: %w", err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for i, n := range nums {
		if got := status(t, st, alice, n); got != want[i] {
			t.Errorf("%s: status %s, want %s (its last acknowledged change)", n, got, want[i])
		}
	}
}

// testConcurrentOrders has two accounts order the same numbers at once:
// each number ends up owned by exactly one of them.
func testConcurrentOrders(t *testing.T, b chimevoicetest.Backend) {
	e := newEnv(t, b, sqlstore.Config{})
	st := e.st
	stores := []*sqlstore.Store{st, st}
	if b.Replicas {
		stores[1] = e.replica()
	}
	nums := search(t, st, alice, "404", 30)
	var wg sync.WaitGroup
	orders := make([][]string, 2)
	for i, c := range []chimevoice.Caller{alice, bob} {
		wg.Go(func() {
			for k := 0; k < len(nums); k += 5 {
				// Overlapping windows, in opposite orders for the two accounts.
				batch := append([]string(nil), nums[k:min(len(nums), k+10)]...)
				if i == 1 {
					for l, r := 0, len(batch)-1; l < r; l, r = l+1, r-1 {
						batch[l], batch[r] = batch[r], batch[l]
					}
				}
				o, err := stores[i].CreatePhoneNumberOrder(ctx(), c, chimevoice.OrderRequest{ProductType: chimevoice.ProductVoiceConnector, E164s: batch})
				if err != nil {
					t.Errorf("order: %v", err)
					return
				}
				orders[i] = append(orders[i], o.ID)
			}
		})
	}
	wg.Wait()
	for _, st := range stores {
		wg.Go(func() {
			if err := st.RunDue(ctx()); err != nil {
				t.Errorf("run due: %v", err)
			}
		})
	}
	wg.Wait()
	acquired := map[string]string{}
	for i, c := range []chimevoice.Caller{alice, bob} {
		for _, id := range orders[i] {
			o, err := st.GetPhoneNumberOrder(ctx(), c, id)
			must(t, err, "get order")
			if o.Status == chimevoice.OrderProcessing {
				t.Fatalf("order %s still Processing", id)
			}
			for _, n := range o.Numbers {
				if n.Status != chimevoice.OrderedAcquired {
					continue
				}
				if prev, ok := acquired[n.E164]; ok {
					t.Errorf("%s acquired twice (%s and %s/%s)", n.E164, prev, c.AccountID, id)
				}
				acquired[n.E164] = c.AccountID + "/" + id
			}
		}
	}
	for _, n := range nums {
		a, errA := st.GetPhoneNumber(ctx(), alice, n)
		_, errB := st.GetPhoneNumber(ctx(), bob, n)
		if (errA == nil) == (errB == nil) {
			t.Errorf("%s: owned by alice %v, by bob %v; want exactly one", n, errA == nil, errB == nil)
		}
		if errA == nil && a.Status != chimevoice.StatusUnassigned {
			t.Errorf("%s: status %s", n, a.Status)
		}
		if _, ok := acquired[n]; !ok {
			t.Errorf("%s: no order item acquired it", n)
		}
	}
}

// testConcurrentQuota orders one number at a time from many goroutines
// under a quota: exactly the quota's worth succeed.
func testConcurrentQuota(t *testing.T, b chimevoicetest.Backend) {
	const limit, tries = 5, 12
	e := newEnv(t, b, sqlstore.Config{MaxPhoneNumbers: limit})
	stores := []*sqlstore.Store{e.st, e.st}
	if b.Replicas {
		stores[1] = e.replica()
	}
	nums := search(t, e.st, alice, "512", tries)
	var mu sync.Mutex
	ok := 0
	var wg sync.WaitGroup
	for i, n := range nums {
		wg.Go(func() {
			_, err := stores[i%2].CreatePhoneNumberOrder(ctx(), alice, chimevoice.OrderRequest{ProductType: chimevoice.ProductVoiceConnector, E164s: []string{n}})
			switch chimevoice.ErrorCode(err) {
			case chimevoice.CodeResourceLimitExceeded:
			default:
				if err != nil {
					t.Errorf("order: %v", err)
					return
				}
				mu.Lock()
				ok++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if ok != limit {
		t.Fatalf("%d orders of one number succeeded under a quota of %d", ok, limit)
	}
}

// testConcurrentClock advances the clock from many goroutines (and
// replicas): every advance counts.
func testConcurrentClock(t *testing.T, b chimevoicetest.Backend) {
	e := newEnv(t, b, sqlstore.Config{})
	stores := []*sqlstore.Store{e.st, e.st}
	if b.Replicas {
		stores[1] = e.replica()
	}
	const n = 10
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if _, err := stores[i%2].AdvanceClock(ctx(), time.Hour); err != nil {
				t.Errorf("advance: %v", err)
			}
		})
	}
	wg.Wait()
	for _, st := range stores {
		now, err := st.Now(ctx())
		must(t, err, "now")
		if want := chimevoicetest.Epoch.Add(n * time.Hour); !now.Equal(want) {
			t.Fatalf("after %d concurrent advances of 1h: %s, want %s", n, now, want)
		}
	}
}

// testReplicas runs two stores on one database, as two server processes:
// the clock moved on one is the clock of the other, and purges and order
// completions running on both happen once.
func testReplicas(t *testing.T, b chimevoicetest.Backend) {
	if !b.Replicas {
		t.Skip("the backend does not run replicas")
	}
	e := newEnv(t, b, sqlstore.Config{Retention: time.Hour})
	a, r := e.st, e.replica()
	nums := provision(t, a, alice, "720", 60)
	_, err := r.AdvanceClock(ctx(), 30*time.Minute)
	must(t, err, "advance on the replica")
	now, err := a.Now(ctx())
	must(t, err, "now")
	if want := chimevoicetest.Epoch.Add(30 * time.Minute); !now.Equal(want) {
		t.Fatalf("store a says %s after replica advanced to %s", now, want)
	}
	// A write on a uses the clock moved by r.
	failed, err := a.BatchDeletePhoneNumbers(ctx(), alice, ids(nums...))
	must(t, err, "delete")
	if len(failed) != 0 {
		t.Fatalf("delete: %+v", failed)
	}
	n, _ := a.GetPhoneNumber(ctx(), alice, nums[0])
	if !n.DeletedAt.Equal(now) {
		t.Fatalf("deleted at %s, want %s", n.DeletedAt, now)
	}
	// Move the clock past retention without running due work, then purge
	// on both stores at once.
	e.clock.Add(2 * time.Hour)
	var wg sync.WaitGroup
	counts := make([]int, 4)
	for i := range counts {
		wg.Go(func() {
			st := []*sqlstore.Store{a, r}[i%2]
			c, err := st.Purge(ctx())
			if err != nil {
				t.Errorf("purge: %v", err)
			}
			counts[i] = c
		})
	}
	wg.Wait()
	if total := counts[0] + counts[1] + counts[2] + counts[3]; total != len(nums) {
		t.Fatalf("purges counted %v (total %d), want %d in all", counts, total, len(nums))
	}
	log, err := r.PurgeLog(ctx())
	must(t, err, "purge log")
	if len(log) != len(nums) {
		t.Fatalf("purge log holds %d rows, want %d", len(log), len(nums))
	}
}
