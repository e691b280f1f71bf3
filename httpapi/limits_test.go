package httpapi_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	vtypes "github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"

	"github.com/chimevoice/chimevoice/chimevoicetest"
)

func TestQuota(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, b chimevoicetest.Backend) {
		srv := chimevoicetest.New(t, chimevoicetest.Options{Backend: b, MaxPhoneNumbers: 3})
		nums := srv.Provision(t, srv.Voice, "206", 3, vtypes.PhoneNumberProductTypeVoiceConnector)

		more, err := srv.Voice.SearchAvailablePhoneNumbers(ctx, &chimesdkvoice.SearchAvailablePhoneNumbersInput{AreaCode: aws.String("206"), MaxResults: aws.Int32(1)})
		chimevoicetest.Must(t, err, "search")
		before := srv.Snapshot(t, srv.Voice)
		_, err = srv.Voice.CreatePhoneNumberOrder(ctx, &chimesdkvoice.CreatePhoneNumberOrderInput{ProductType: vtypes.PhoneNumberProductTypeVoiceConnector, E164PhoneNumbers: more.E164PhoneNumbers})
		apiError(t, err, "ResourceLimitExceededException")
		if after := srv.Snapshot(t, srv.Voice); after != before {
			t.Fatalf("refused order changed the store")
		}

		// Numbers in the Deletion queue do not count...
		batchDelete(t, srv, nums[0])
		srv.Provision(t, srv.Voice, "206", 1, vtypes.PhoneNumberProductTypeVoiceConnector)
		// ...until they are restored over the quota.
		_, err = srv.Voice.RestorePhoneNumber(ctx, &chimesdkvoice.RestorePhoneNumberInput{PhoneNumberId: aws.String(nums[0])})
		apiError(t, err, "ResourceLimitExceededException")
		if st := getNumber(t, srv, nums[0]).Status; st != vtypes.PhoneNumberStatusDeleteInProgress {
			t.Fatalf("refused restore left status %s", st)
		}
	})
}

func TestThrottling(t *testing.T) {
	srv := chimevoicetest.New(t, chimevoicetest.Options{RateLimit: 2})
	throttled := 0
	for i := 0; i < 10; i++ {
		_, err := srv.Voice.ListPhoneNumbers(ctx, &chimesdkvoice.ListPhoneNumbersInput{})
		if err != nil {
			apiError(t, err, "ThrottledClientException")
			throttled++
		}
	}
	// Burst is twice the rate: 4 pass, the other 6 are throttled (the
	// limiter's clock is frozen in tests, so no token comes back).
	if throttled != 6 {
		t.Fatalf("%d of 10 requests throttled, want 6", throttled)
	}
}

func TestBatchSizes(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, b chimevoicetest.Backend) {
		srv := chimevoicetest.New(t, chimevoicetest.Options{Backend: b})
		nums := srv.Provision(t, srv.Voice, "415", 1000, vtypes.PhoneNumberProductTypeVoiceConnector)
		if errs := batchDelete(t, srv, nums...); len(errs) != 0 {
			t.Fatalf("1000-number delete: %d errors", len(errs))
		}
		queue, err := srv.Voice.ListPhoneNumbers(ctx, &chimesdkvoice.ListPhoneNumbersInput{Status: aws.String("DeleteInProgress"), MaxResults: aws.Int32(100)})
		chimevoicetest.Must(t, err, "list queue")
		if len(queue.PhoneNumbers) != 100 || queue.NextToken == nil {
			t.Fatalf("queue page: %d numbers, token %v", len(queue.PhoneNumbers), queue.NextToken)
		}
		// Keyset pagination visits every number once, in E.164 order.
		seen := map[string]bool{}
		last := ""
		p := chimesdkvoice.NewListPhoneNumbersPaginator(srv.Voice, &chimesdkvoice.ListPhoneNumbersInput{MaxResults: aws.Int32(37)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			chimevoicetest.Must(t, err, "page")
			for _, n := range page.PhoneNumbers {
				e := aws.ToString(n.E164PhoneNumber)
				if seen[e] || e <= last {
					t.Fatalf("%s out of order or repeated", e)
				}
				seen[e], last = true, e
			}
		}
		if len(seen) != 1000 {
			t.Fatalf("paginated %d numbers, want 1000", len(seen))
		}
		srv.Advance(t, week)
		all, err := srv.Voice.ListPhoneNumbers(ctx, &chimesdkvoice.ListPhoneNumbersInput{})
		chimevoicetest.Must(t, err, "list")
		if len(all.PhoneNumbers) != 0 {
			t.Fatalf("%d numbers left after purge", len(all.PhoneNumbers))
		}
	})
}

func TestPaginationStableUnderChange(t *testing.T) {
	srv := chimevoicetest.New(t, chimevoicetest.Options{})
	nums := srv.Provision(t, srv.Voice, "503", 30, vtypes.PhoneNumberProductTypeVoiceConnector)
	first, err := srv.Voice.ListPhoneNumbers(ctx, &chimesdkvoice.ListPhoneNumbersInput{MaxResults: aws.Int32(10)})
	chimevoicetest.Must(t, err, "page 1")
	// Numbers come and go between pages: purge some already listed, add new ones.
	listed := make([]string, 0, 10)
	for _, n := range first.PhoneNumbers {
		listed = append(listed, aws.ToString(n.E164PhoneNumber))
	}
	batchDelete(t, srv, listed[:5]...)
	srv.Advance(t, week)
	srv.Provision(t, srv.Voice, "503", 5, vtypes.PhoneNumberProductTypeVoiceConnector)
	second, err := srv.Voice.ListPhoneNumbers(ctx, &chimesdkvoice.ListPhoneNumbersInput{MaxResults: aws.Int32(10), NextToken: first.NextToken})
	chimevoicetest.Must(t, err, "page 2")
	for _, n := range second.PhoneNumbers {
		if e := aws.ToString(n.E164PhoneNumber); e <= listed[len(listed)-1] {
			t.Fatalf("page 2 repeats or goes back: %s after %s", e, listed[len(listed)-1])
		}
	}
	_ = nums
}

func TestOrdersAndUpdates(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, b chimevoicetest.Backend) {
		srv := chimevoicetest.New(t, chimevoicetest.Options{Backend: b, OrderLatency: time.Minute})
		found, err := srv.Voice.SearchAvailablePhoneNumbers(ctx, &chimesdkvoice.SearchAvailablePhoneNumbersInput{TollFreePrefix: aws.String("888"), MaxResults: aws.Int32(2)})
		chimevoicetest.Must(t, err, "search toll-free")
		taken := srv.Provision(t, srv.Voice, "212", 1, vtypes.PhoneNumberProductTypeVoiceConnector)
		order := append([]string{}, found.E164PhoneNumbers...)
		order = append(order, taken[0], "+441632960961") // owned already; not a US number for VoiceConnector
		o, err := srv.Voice.CreatePhoneNumberOrder(ctx, &chimesdkvoice.CreatePhoneNumberOrderInput{ProductType: vtypes.PhoneNumberProductTypeVoiceConnector, E164PhoneNumbers: order, Name: aws.String("main lines")})
		chimevoicetest.Must(t, err, "order")
		id := o.PhoneNumberOrder.PhoneNumberOrderId
		if o.PhoneNumberOrder.OrderType != vtypes.PhoneNumberOrderTypeNew || len(o.PhoneNumberOrder.OrderedPhoneNumbers) != 4 {
			t.Fatalf("order: %+v", o.PhoneNumberOrder)
		}
		if st := getNumber(t, srv, found.E164PhoneNumbers[0]).Status; st != vtypes.PhoneNumberStatusAcquireInProgress {
			t.Fatalf("ordered number status %s", st)
		}
		srv.Advance(t, time.Minute-time.Millisecond)
		got, err := srv.Voice.GetPhoneNumberOrder(ctx, &chimesdkvoice.GetPhoneNumberOrderInput{PhoneNumberOrderId: id})
		chimevoicetest.Must(t, err, "get order")
		if got.PhoneNumberOrder.Status != vtypes.PhoneNumberOrderStatusProcessing {
			t.Fatalf("before the latency: %s", got.PhoneNumberOrder.Status)
		}
		srv.Advance(t, time.Millisecond)
		got, err = srv.Voice.GetPhoneNumberOrder(ctx, &chimesdkvoice.GetPhoneNumberOrderInput{PhoneNumberOrderId: id})
		chimevoicetest.Must(t, err, "get order")
		if got.PhoneNumberOrder.Status != vtypes.PhoneNumberOrderStatusPartial {
			t.Fatalf("after the latency: %s", got.PhoneNumberOrder.Status)
		}
		want := map[string]vtypes.OrderedPhoneNumberStatus{found.E164PhoneNumbers[0]: "Acquired", found.E164PhoneNumbers[1]: "Acquired", taken[0]: "Failed", "+441632960961": "Failed"}
		for _, n := range got.PhoneNumberOrder.OrderedPhoneNumbers {
			if want[aws.ToString(n.E164PhoneNumber)] != n.Status {
				t.Fatalf("%s: %s", aws.ToString(n.E164PhoneNumber), n.Status)
			}
		}
		n := getNumber(t, srv, found.E164PhoneNumbers[0])
		if n.Type != vtypes.PhoneNumberTypeTollFree || aws.ToString(n.Name) != "main lines" || aws.ToString(n.OrderId) != aws.ToString(id) {
			t.Fatalf("acquired number: %+v", n)
		}

		// One attribute at a time; calling names (toll-based numbers only)
		// complete in the background.
		_, err = srv.Voice.UpdatePhoneNumber(ctx, &chimesdkvoice.UpdatePhoneNumberInput{PhoneNumberId: n.E164PhoneNumber, CallingName: aws.String("Acme Support")})
		wantAPIError(t, err, 400, "BadRequestException", "toll-based numbers only")
		u, err := srv.Voice.UpdatePhoneNumber(ctx, &chimesdkvoice.UpdatePhoneNumberInput{PhoneNumberId: aws.String(taken[0]), CallingName: aws.String("Acme Support")})
		chimevoicetest.Must(t, err, "update calling name")
		if u.PhoneNumber.CallingNameStatus != vtypes.CallingNameStatusUpdateInProgress {
			t.Fatalf("calling name status %s", u.PhoneNumber.CallingNameStatus)
		}
		srv.Advance(t, time.Minute)
		if st := getNumber(t, srv, taken[0]).CallingNameStatus; st != vtypes.CallingNameStatusUpdateSucceeded {
			t.Fatalf("calling name status %s after the latency", st)
		}
		bu, err := srv.Voice.BatchUpdatePhoneNumber(ctx, &chimesdkvoice.BatchUpdatePhoneNumberInput{UpdatePhoneNumberRequestItems: []vtypes.UpdatePhoneNumberRequestItem{
			{PhoneNumberId: n.E164PhoneNumber, ProductType: vtypes.PhoneNumberProductTypeSipMediaApplicationDialIn},
			{PhoneNumberId: aws.String(found.E164PhoneNumbers[1]), Name: aws.String("second"), CallingName: aws.String("Two Things")},
			{PhoneNumberId: aws.String("+12065550199"), Name: aws.String("nobody")},
		}})
		chimevoicetest.Must(t, err, "batch update")
		codes := map[string]vtypes.ErrorCode{}
		for _, e := range bu.PhoneNumberErrors {
			codes[aws.ToString(e.PhoneNumberId)] = e.ErrorCode
		}
		if len(codes) != 2 || codes[found.E164PhoneNumbers[1]] != vtypes.ErrorCodeBadRequest || codes["+12065550199"] != vtypes.ErrorCodeNotFound {
			t.Fatalf("batch update errors %v", codes)
		}
		if pt := getNumber(t, srv, *n.E164PhoneNumber).ProductType; pt != vtypes.PhoneNumberProductTypeSipMediaApplicationDialIn {
			t.Fatalf("product type %s", pt)
		}

		// Settings.
		_, err = srv.Voice.UpdatePhoneNumberSettings(ctx, &chimesdkvoice.UpdatePhoneNumberSettingsInput{CallingName: aws.String("Acme")})
		chimevoicetest.Must(t, err, "update settings")
		s, err := srv.Voice.GetPhoneNumberSettings(ctx, &chimesdkvoice.GetPhoneNumberSettingsInput{})
		chimevoicetest.Must(t, err, "get settings")
		if aws.ToString(s.CallingName) != "Acme" || s.CallingNameUpdatedTimestamp == nil {
			t.Fatalf("settings %+v", s)
		}

		// Orders are listed with paginators.
		lo, err := srv.Voice.ListPhoneNumberOrders(ctx, &chimesdkvoice.ListPhoneNumberOrdersInput{MaxResults: aws.Int32(1)})
		chimevoicetest.Must(t, err, "list orders")
		if len(lo.PhoneNumberOrders) != 1 || lo.NextToken == nil {
			t.Fatalf("order page: %d, token %v", len(lo.PhoneNumberOrders), lo.NextToken)
		}
		lo2, err := srv.Voice.ListPhoneNumberOrders(ctx, &chimesdkvoice.ListPhoneNumberOrdersInput{MaxResults: aws.Int32(1), NextToken: lo.NextToken})
		chimevoicetest.Must(t, err, "list orders page 2")
		if len(lo2.PhoneNumberOrders) != 1 || aws.ToString(lo2.PhoneNumberOrders[0].PhoneNumberOrderId) == aws.ToString(lo.PhoneNumberOrders[0].PhoneNumberOrderId) {
			t.Fatalf("order page 2: %+v", lo2.PhoneNumberOrders)
		}
	})
}

func TestSearchAndCountries(t *testing.T) {
	srv := chimevoicetest.New(t, chimevoicetest.Options{})
	for _, in := range []*chimesdkvoice.SearchAvailablePhoneNumbersInput{
		{AreaCode: aws.String("206")},
		{City: aws.String("Seattle"), State: aws.String("WA")},
		{State: aws.String("TX")},
		{TollFreePrefix: aws.String("800")},
		{Country: aws.String("GB"), PhoneNumberType: vtypes.PhoneNumberTypeLocal},
	} {
		in.MaxResults = aws.Int32(7)
		out, err := srv.Voice.SearchAvailablePhoneNumbers(ctx, in)
		chimevoicetest.Must(t, err, "search %+v", in)
		if len(out.E164PhoneNumbers) != 7 || out.NextToken == nil {
			t.Fatalf("search %+v: %d numbers", in, len(out.E164PhoneNumbers))
		}
		in.NextToken = out.NextToken
		next, err := srv.Voice.SearchAvailablePhoneNumbers(ctx, in)
		chimevoicetest.Must(t, err, "search page 2")
		for _, n := range next.E164PhoneNumbers {
			for _, m := range out.E164PhoneNumbers {
				if n == m {
					t.Fatalf("page 2 repeats %s", n)
				}
			}
		}
	}
	vc, err := srv.Voice.ListSupportedPhoneNumberCountries(ctx, &chimesdkvoice.ListSupportedPhoneNumberCountriesInput{ProductType: vtypes.PhoneNumberProductTypeVoiceConnector})
	chimevoicetest.Must(t, err, "countries")
	if len(vc.PhoneNumberCountries) != 1 || aws.ToString(vc.PhoneNumberCountries[0].CountryCode) != "US" {
		t.Fatalf("VoiceConnector countries %+v", vc.PhoneNumberCountries)
	}
	sma, err := srv.Voice.ListSupportedPhoneNumberCountries(ctx, &chimesdkvoice.ListSupportedPhoneNumberCountriesInput{ProductType: vtypes.PhoneNumberProductTypeSipMediaApplicationDialIn})
	chimevoicetest.Must(t, err, "countries")
	if len(sma.PhoneNumberCountries) < 10 {
		t.Fatalf("SipMediaApplicationDialIn countries: %d", len(sma.PhoneNumberCountries))
	}
}
