package httpapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	vtypes "github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/chimevoice/chimevoice/chimevoicetest"
	"github.com/chimevoice/chimevoice/httpapi"
)

type rule = map[string]any

func httpStatus(t *testing.T, err error) int {
	t.Helper()
	var re *smithyhttp.ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("no HTTP response in %v", err)
	}
	return re.HTTPStatusCode()
}

func faultRules(t *testing.T, srv *chimevoicetest.Server) []httpapi.FaultRule {
	t.Helper()
	var out []httpapi.FaultRule
	if code := srv.Admin(t, http.MethodGet, "/_chimevoice/faults", nil, &out); code != http.StatusOK {
		t.Fatalf("get faults: %d", code)
	}
	return out
}

func TestFaultErrorsAreCountedAndChangeNothing(t *testing.T) {
	srv := chimevoicetest.New(t, chimevoicetest.Options{})
	nums := srv.Provision(t, srv.Voice, "206", 2, vtypes.PhoneNumberProductTypeVoiceConnector)
	before := srv.Snapshot(t, srv.Voice)
	srv.SetFaults(t, []rule{
		{"Operation": "BatchDeletePhoneNumber", "Error": "ThrottledClientException", "Count": 2},
		{"Operation": "*", "Error": "ServiceUnavailableException", "Message": "Maintenance.", "Count": 1},
	})
	for i := 0; i < 2; i++ {
		_, err := srv.Voice.BatchDeletePhoneNumber(ctx, &chimesdkvoice.BatchDeletePhoneNumberInput{PhoneNumberIds: nums})
		msg := apiError(t, err, "ThrottledClientException")
		if st := httpStatus(t, err); st != http.StatusTooManyRequests || !strings.Contains(msg, "rule 0") {
			t.Fatalf("throttled: status %d, message %q", st, msg)
		}
	}
	// The first rule is spent: the "*" rule fires once, on any operation.
	_, err := srv.Voice.BatchDeletePhoneNumber(ctx, &chimesdkvoice.BatchDeletePhoneNumberInput{PhoneNumberIds: nums})
	if msg := apiError(t, err, "ServiceUnavailableException"); msg != "Maintenance." || httpStatus(t, err) != http.StatusServiceUnavailable {
		t.Fatalf("unavailable: %q", msg)
	}
	// An injected error is answered before the store is called.
	if after := srv.Snapshot(t, srv.Voice); after != before {
		t.Fatalf("a faulted request changed the state:\n%s\n%s", before, after)
	}
	got := faultRules(t, srv)
	if len(got) != 2 || got[0].Fired != 2 || got[1].Fired != 1 || *got[0].Count != 2 {
		t.Fatalf("rules after firing: %+v", got)
	}
	if errs := batchDelete(t, srv, nums...); len(errs) != 0 {
		t.Fatalf("after the rules are spent: %+v", errs)
	}
	if v := srv.Metrics(t).Value("chimevoice_faults_injected_total", "operation", "BatchDeletePhoneNumber"); v != 3 {
		t.Fatalf("faults_injected_total = %v", v)
	}
	// A GET's answer can be posted back (Fired is ignored), and DELETE clears.
	body, _ := json.Marshal(got)
	if r := srv.Raw(t, http.MethodPost, "/_chimevoice/faults", body); r.Status != http.StatusOK || !strings.Contains(string(r.Body), `"Fired":0`) {
		t.Fatalf("post back: %d %s", r.Status, r.Body)
	}
	srv.ClearFaults(t)
	if got := faultRules(t, srv); len(got) != 0 {
		t.Fatalf("after DELETE: %+v", got)
	}
	getNumber(t, srv, nums[0])
}

func TestFaultProbabilityAndSeedAreDeterministic(t *testing.T) {
	srv := chimevoicetest.New(t, chimevoicetest.Options{})
	nums := srv.Provision(t, srv.Voice, "206", 1, vtypes.PhoneNumberProductTypeVoiceConnector)
	pattern := func() string {
		var b strings.Builder
		for i := 0; i < 40; i++ {
			if _, err := srv.Voice.GetPhoneNumber(ctx, &chimesdkvoice.GetPhoneNumberInput{PhoneNumberId: aws.String(nums[0])}); err != nil {
				apiError(t, err, "ServiceFailureException")
				b.WriteByte('x')
			} else {
				b.WriteByte('.')
			}
		}
		return b.String()
	}
	rules := []rule{{"Operation": "GetPhoneNumber", "Error": "ServiceFailureException", "Probability": 0.5}}
	post := func() {
		body, _ := json.Marshal(rules)
		if r := srv.Raw(t, http.MethodPost, "/_chimevoice/faults?seed=42", body); r.Status != http.StatusOK {
			t.Fatalf("post: %d %s", r.Status, r.Body)
		}
	}
	post()
	first := pattern()
	post()
	if second := pattern(); second != first {
		t.Fatalf("the same seed gave %s then %s", first, second)
	}
	if n := strings.Count(first, "x"); n == 0 || n == 40 {
		t.Fatalf("probability 0.5 fired %d of 40 times: %s", n, first)
	}
}

func TestFaultLatencyRespectsCancellation(t *testing.T) {
	srv := chimevoicetest.New(t, chimevoicetest.Options{})
	srv.SetFaults(t, []rule{{"Operation": "ListPhoneNumbers", "LatencyMs": 30}, {"Operation": "GetPhoneNumberSettings", "LatencyMs": 60000}})
	start := time.Now()
	if _, err := srv.Voice.ListPhoneNumbers(ctx, &chimesdkvoice.ListPhoneNumbersInput{}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 30*time.Millisecond {
		t.Fatalf("LatencyMs 30 answered in %s", d)
	}
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	_, err := srv.Voice.GetPhoneNumberSettings(short, &chimesdkvoice.GetPhoneNumberSettingsInput{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a client that gives up: %v", err)
	}
	// The server gave up too: the test server closes without waiting a minute.
}

func TestItemFaultsLeaveFaultedNumbersUntouched(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, b chimevoicetest.Backend) {
		srv := chimevoicetest.New(t, chimevoicetest.Options{Backend: b})
		nums := srv.Provision(t, srv.Voice, "206", 20, vtypes.PhoneNumberProductTypeVoiceConnector)
		body, _ := json.Marshal([]rule{{"Operation": "BatchDeletePhoneNumber", "ItemError": "ServiceFailure", "ItemProbability": 0.5, "Count": 1}})
		if r := srv.Raw(t, http.MethodPost, "/_chimevoice/faults?seed=7", body); r.Status != http.StatusOK {
			t.Fatalf("post: %d %s", r.Status, r.Body)
		}
		ids := append([]string{"not-a-number"}, nums...)
		errs := batchDelete(t, srv, ids...)
		faulted := 0
		for _, n := range nums {
			got := getNumber(t, srv, n).Status
			switch errs[n] {
			case string(vtypes.ErrorCodeServiceFailure):
				faulted++
				if got != vtypes.PhoneNumberStatusUnassigned {
					t.Fatalf("%s failed by a fault but is %s", n, got)
				}
			case "":
				if got != vtypes.PhoneNumberStatusDeleteInProgress {
					t.Fatalf("%s not failed but is %s", n, got)
				}
			default:
				t.Fatalf("%s: unexpected error %s", n, errs[n])
			}
		}
		if faulted == 0 || faulted == len(nums) {
			t.Fatalf("ItemProbability 0.5 failed %d of %d items", faulted, len(nums))
		}
		if c := errs["not-a-number"]; c != string(vtypes.ErrorCodeServiceFailure) && c != string(vtypes.ErrorCodeBadRequest) {
			t.Fatalf("malformed item: %s", c)
		}
		// Count 1 is spent: the faulted numbers delete now.
		rest := []string{}
		for _, n := range nums {
			if errs[n] != "" {
				rest = append(rest, n)
			}
		}
		if left := batchDelete(t, srv, rest...); len(left) != 0 {
			t.Fatalf("after the rule: %+v", left)
		}
	})
}

func TestItemFaultsOnBatchUpdate(t *testing.T) {
	srv := chimevoicetest.New(t, chimevoicetest.Options{})
	nums := srv.Provision(t, srv.Voice, "206", 3, vtypes.PhoneNumberProductTypeVoiceConnector)
	srv.SetFaults(t, []rule{{"Operation": "*", "ItemError": "Throttled", "Message": "Slow down."}})
	// Per-item rules do not touch operations without items.
	getNumber(t, srv, nums[0])
	var items []vtypes.UpdatePhoneNumberRequestItem
	for _, n := range nums {
		items = append(items, vtypes.UpdatePhoneNumberRequestItem{PhoneNumberId: aws.String(n), Name: aws.String("renamed")})
	}
	out, err := srv.Voice.BatchUpdatePhoneNumber(ctx, &chimesdkvoice.BatchUpdatePhoneNumberInput{UpdatePhoneNumberRequestItems: items})
	chimevoicetest.Must(t, err, "batch update")
	if len(out.PhoneNumberErrors) != 3 {
		t.Fatalf("errors %+v", out.PhoneNumberErrors)
	}
	for _, e := range out.PhoneNumberErrors {
		if e.ErrorCode != vtypes.ErrorCodeThrottled || aws.ToString(e.ErrorMessage) != "Slow down." {
			t.Fatalf("item error %+v", e)
		}
	}
	for _, n := range nums {
		if got := getNumber(t, srv, n); aws.ToString(got.Name) != "" {
			t.Fatalf("%s renamed despite its fault", n)
		}
	}
}

func TestFaultRulesAreValidatedStrictly(t *testing.T) {
	srv := chimevoicetest.New(t, chimevoicetest.Options{})
	keep := []rule{{"Operation": "GetPhoneNumber", "LatencyMs": 1}}
	srv.SetFaults(t, keep)
	for _, c := range []struct{ body, want string }{
		{`{"Operation":"*"}`, "must be a JSON array"},
		{`[1]`, "[0]: a fault rule must be a JSON object"},
		{`[{"Operation":"*","Error":"ThrottledClientException","Retry":true}]`, "[0].Retry: unknown member"},
		{`[{"operation":"*","Error":"ThrottledClientException"}]`, "[0].operation: unknown member"},
		{`[{"Error":"ThrottledClientException"}]`, "[0].Operation: required"},
		{`[{"Operation":"FrobnicatePhoneNumber","Error":"ThrottledClientException"}]`, `[0].Operation: "FrobnicatePhoneNumber" is not an operation`},
		{`[{"Operation":"BatchSuspendUser","Error":"ThrottledClientException"}]`, "[0].Operation: BatchSuspendUser is not an operation chimevoice serves"},
		{`[{"Operation":"*","Error":"Throttled"}]`, `[0].Error: "Throttled" is not an error shape`},
		{`[{"Operation":"*","Error":"ThrottledClientException","Probability":1.5}]`, "[0].Probability: 1.5 is not between 0 and 1"},
		{`[{"Operation":"*","Error":"ThrottledClientException","Probability":"half"}]`, "[0].Probability: expected a number"},
		{`[{"Operation":"*","Error":"ThrottledClientException","Count":0}]`, "[0].Count: 0 is not at least 1"},
		{`[{"Operation":"*","Error":"ThrottledClientException","Count":1.5}]`, "[0].Count: expected an integer"},
		{`[{"Operation":"*","LatencyMs":-1}]`, "[0].LatencyMs: -1 is not between"},
		{`[{"Operation":"*","LatencyMs":60001}]`, "[0].LatencyMs: 60001 is not between"},
		{`[{"Operation":"*"}]`, "[0].Error: a rule needs Error, ItemError or LatencyMs"},
		{`[{"Operation":"GetPhoneNumber","ItemError":"ServiceFailure"}]`, "[0].ItemError: GetPhoneNumber has no per-item errors"},
		{`[{"Operation":"*","ItemError":"Oops"}]`, `[0].ItemError: "Oops" is not an error code`},
		{`[{"Operation":"*","ItemError":"ServiceFailure","Error":"ThrottledClientException"}]`, "[0].ItemError: give Error or ItemError, not both"},
		{`[{"Operation":"*","LatencyMs":5,"ItemProbability":0.5}]`, "[0].ItemProbability: needs ItemError"},
		{`[{"Operation":"*","LatencyMs":5,"Message":"x"}]`, "[0].Message: needs Error or ItemError"},
		{`[{"Operation":"*","LatencyMs":5},{"Operation":"*","Error":"NopeException"}]`, "[1].Error:"},
	} {
		r := srv.Raw(t, http.MethodPost, "/_chimevoice/faults", []byte(c.body))
		var e struct{ Code, Message string }
		json.Unmarshal(r.Body, &e)
		if r.Status != http.StatusBadRequest || r.Header.Get("X-Amzn-ErrorType") != "BadRequestException" || !strings.Contains(e.Message, c.want) {
			t.Errorf("%s: %d %s, want 400 containing %q", c.body, r.Status, r.Body, c.want)
		}
	}
	if r := srv.Raw(t, http.MethodPost, "/_chimevoice/faults?seed=x", []byte(`[]`)); r.Status != http.StatusBadRequest || !strings.Contains(string(r.Body), "seed") {
		t.Errorf("bad seed: %d %s", r.Status, r.Body)
	}
	// A refused body changes nothing.
	if got := faultRules(t, srv); len(got) != 1 || got[0].Operation != "GetPhoneNumber" || got[0].LatencyMs != 1 {
		t.Fatalf("rules after refused posts: %+v", got)
	}
}
