package httpapi_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	vtypes "github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"

	"github.com/chimevoice/chimevoice/chimevoicetest"
	"github.com/chimevoice/chimevoice/sqlstore"
)

// carrierCSV is a small carrier inventory: a city libphonenumber does not
// know ("Pike Place"), toll-free numbers, and countries the synthetic pool
// does not serve (BR).
const carrierCSV = `number,country,type,city,state
+12067301307,US,Local,Seattle,WA
+12063412302,US,Local,Pike Place,WA
+12067301308,US,Local,Seattle,WA
+14257360000,US,Local,Bellevue,WA
+13602000000,US,Local,,WA
+18005550199,US,TollFree,,
+18885550123,US,TollFree,,
+442071838750,GB,Local,London,England
+5511987654321,BR,Local,Sao Paulo,SP
+12069999999,CA,Local,,
`

func importPool(t *testing.T, srv *chimevoicetest.Server, csv string) *sqlstore.PoolImport {
	t.Helper()
	rep, err := srv.Store.ImportPoolCSV(ctx, strings.NewReader(csv), sqlstore.PoolImportOptions{})
	chimevoicetest.Must(t, err, "import pool")
	return rep
}

func TestSearchAndOrderDrawFromTheImportedPool(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, b chimevoicetest.Backend) {
		srv := chimevoicetest.New(t, chimevoicetest.Options{Backend: b})
		rep := importPool(t, srv, carrierCSV)
		if rep.Imported != 9 || rep.Skipped != 1 || rep.Reasons[0].Line != 11 || !strings.HasPrefix(rep.Reasons[0].Reason, "country: CA does not match") {
			t.Fatalf("import: %+v", rep)
		}
		search := func(in chimesdkvoice.SearchAvailablePhoneNumbersInput) []string {
			t.Helper()
			out, err := srv.Voice.SearchAvailablePhoneNumbers(ctx, &in)
			chimevoicetest.Must(t, err, "search %+v", in)
			return out.E164PhoneNumbers
		}
		for _, c := range []struct {
			in   chimesdkvoice.SearchAvailablePhoneNumbersInput
			want string
		}{
			{chimesdkvoice.SearchAvailablePhoneNumbersInput{AreaCode: aws.String("206")}, "[+12063412302 +12067301307 +12067301308]"},
			{chimesdkvoice.SearchAvailablePhoneNumbersInput{State: aws.String("wa")}, "[+12063412302 +12067301307 +12067301308 +13602000000 +14257360000]"},
			{chimesdkvoice.SearchAvailablePhoneNumbersInput{City: aws.String("pike place"), State: aws.String("WA")}, "[+12063412302]"},
			{chimesdkvoice.SearchAvailablePhoneNumbersInput{City: aws.String("Seattle"), State: aws.String("WA"), AreaCode: aws.String("206")}, "[+12067301307 +12067301308]"},
			{chimesdkvoice.SearchAvailablePhoneNumbersInput{City: aws.String("Tacoma"), State: aws.String("WA")}, "[]"},
			{chimesdkvoice.SearchAvailablePhoneNumbersInput{TollFreePrefix: aws.String("888")}, "[+18885550123]"},
			{chimesdkvoice.SearchAvailablePhoneNumbersInput{PhoneNumberType: vtypes.PhoneNumberTypeTollFree}, "[+18005550199 +18885550123]"},
			{chimesdkvoice.SearchAvailablePhoneNumbersInput{Country: aws.String("GB"), PhoneNumberType: vtypes.PhoneNumberTypeLocal}, "[+442071838750]"},
			{chimesdkvoice.SearchAvailablePhoneNumbersInput{Country: aws.String("BR"), PhoneNumberType: vtypes.PhoneNumberTypeLocal}, "[+5511987654321]"},
			{chimesdkvoice.SearchAvailablePhoneNumbersInput{Country: aws.String("FR"), PhoneNumberType: vtypes.PhoneNumberTypeLocal}, "[]"},
		} {
			if got := fmt.Sprint(search(c.in)); got != c.want {
				t.Errorf("search %s: %s, want %s", describe(c.in), got, c.want)
			}
		}
		// Shapes are still checked.
		_, err := srv.Voice.SearchAvailablePhoneNumbers(ctx, &chimesdkvoice.SearchAvailablePhoneNumbersInput{City: aws.String("Seattle")})
		apiError(t, err, "BadRequestException")
		_, err = srv.Voice.SearchAvailablePhoneNumbers(ctx, &chimesdkvoice.SearchAvailablePhoneNumbersInput{State: aws.String("Washington")})
		apiError(t, err, "BadRequestException")

		// Paging through the state.
		first, err := srv.Voice.SearchAvailablePhoneNumbers(ctx, &chimesdkvoice.SearchAvailablePhoneNumbersInput{State: aws.String("WA"), MaxResults: aws.Int32(2)})
		chimevoicetest.Must(t, err, "page 1")
		second, err := srv.Voice.SearchAvailablePhoneNumbers(ctx, &chimesdkvoice.SearchAvailablePhoneNumbersInput{State: aws.String("WA"), MaxResults: aws.Int32(5), NextToken: first.NextToken})
		chimevoicetest.Must(t, err, "page 2")
		if got := fmt.Sprint(append(first.E164PhoneNumbers, second.E164PhoneNumbers...)); got != "[+12063412302 +12067301307 +12067301308 +13602000000 +14257360000]" {
			t.Fatalf("pages: %s", got)
		}

		// Orders: pool numbers are acquired, others fail; BR works for SIP media applications.
		order := func(pt vtypes.PhoneNumberProductType, nums ...string) *vtypes.PhoneNumberOrder {
			t.Helper()
			o, err := srv.Voice.CreatePhoneNumberOrder(ctx, &chimesdkvoice.CreatePhoneNumberOrderInput{ProductType: pt, E164PhoneNumbers: nums})
			chimevoicetest.Must(t, err, "order %v", nums)
			srv.Advance(t, 0)
			got, err := srv.Voice.GetPhoneNumberOrder(ctx, &chimesdkvoice.GetPhoneNumberOrderInput{PhoneNumberOrderId: o.PhoneNumberOrder.PhoneNumberOrderId})
			chimevoicetest.Must(t, err, "get order")
			return got.PhoneNumberOrder
		}
		o := order(vtypes.PhoneNumberProductTypeVoiceConnector, "+12067301307", "+12065550100")
		if o.Status != vtypes.PhoneNumberOrderStatusPartial {
			t.Fatalf("order of a pool number and a number outside it: %s", o.Status)
		}
		if o := order(vtypes.PhoneNumberProductTypeSipMediaApplicationDialIn, "+5511987654321"); o.Status != vtypes.PhoneNumberOrderStatusSuccessful {
			t.Fatalf("order of a BR pool number: %s", o.Status)
		}
		if got := getNumber(t, srv, "+5511987654321"); aws.ToString(got.Country) != "BR" {
			t.Fatalf("BR number: %+v", got)
		}
		if got := fmt.Sprint(search(chimesdkvoice.SearchAvailablePhoneNumbersInput{AreaCode: aws.String("206")})); got != "[+12063412302 +12067301308]" {
			t.Fatalf("search after ordering: %s", got)
		}
		countries, err := srv.Voice.ListSupportedPhoneNumberCountries(ctx, &chimesdkvoice.ListSupportedPhoneNumberCountriesInput{ProductType: vtypes.PhoneNumberProductTypeSipMediaApplicationDialIn})
		chimevoicetest.Must(t, err, "countries")
		var codes []string
		for _, c := range countries.PhoneNumberCountries {
			codes = append(codes, aws.ToString(c.CountryCode))
		}
		if fmt.Sprint(codes) != "[BR GB US]" {
			t.Fatalf("countries of the imported pool: %v", codes)
		}

		// Clearing the pool returns to the synthetic one.
		if n, err := srv.Store.ClearPool(ctx); err != nil || n != 9 {
			t.Fatalf("clear: %d %v", n, err)
		}
		if got := search(chimesdkvoice.SearchAvailablePhoneNumbersInput{AreaCode: aws.String("206")}); len(got) != 100 || slices.Contains(got, "+12067301307") {
			t.Fatalf("synthetic search after clear: %d numbers", len(got))
		}
	})
}

func describe(in chimesdkvoice.SearchAvailablePhoneNumbersInput) string {
	var parts []string
	for name, v := range map[string]*string{"AreaCode": in.AreaCode, "City": in.City, "State": in.State, "Country": in.Country, "TollFreePrefix": in.TollFreePrefix} {
		if v != nil {
			parts = append(parts, name+"="+*v)
		}
	}
	if in.PhoneNumberType != "" {
		parts = append(parts, "PhoneNumberType="+string(in.PhoneNumberType))
	}
	slices.Sort(parts)
	return strings.Join(parts, " ")
}

func TestPoolImportUpdatesAndSkipsDuplicates(t *testing.T) {
	srv := chimevoicetest.New(t, chimevoicetest.Options{})
	rep := importPool(t, srv, "+12067301307,US,Local,Seattle,WA\n+12067301307,US,Local,Tacoma,WA\n")
	if rep.Imported != 1 || rep.Skipped != 1 || rep.Reasons[0].Reason != "number: +12067301307 is listed already on line 1" {
		t.Fatalf("duplicate: %+v", rep)
	}
	// A second import updates what the carrier says of a number.
	importPool(t, srv, "+12067301307,US,Local,Tacoma,WA\n")
	out, err := srv.Voice.SearchAvailablePhoneNumbers(ctx, &chimesdkvoice.SearchAvailablePhoneNumbersInput{City: aws.String("Tacoma"), State: aws.String("WA")})
	chimevoicetest.Must(t, err, "search")
	if fmt.Sprint(out.E164PhoneNumbers) != "[+12067301307]" {
		t.Fatalf("after re-import: %v", out.E164PhoneNumbers)
	}
	counts, err := srv.Store.PoolCounts(ctx)
	if err != nil || len(counts) != 1 || counts[0] != (sqlstore.PoolCount{Country: "US", Type: "Local", Numbers: 1}) {
		t.Fatalf("counts %+v %v", counts, err)
	}
}
