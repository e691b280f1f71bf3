package pool

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/chimevoice/chimevoice"
	"github.com/nyaruka/phonenumbers"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		name  string
		q     Query
		field string // "" = valid; else a word the message must contain
	}{
		{"area code", Query{AreaCode: "206"}, ""},
		{"area code US explicit", Query{Country: "US", AreaCode: "206"}, ""},
		{"area code local type", Query{AreaCode: "206", PhoneNumberType: "Local"}, ""},
		{"area code short", Query{AreaCode: "20"}, "AreaCode"},
		{"area code letters", Query{AreaCode: "2a6"}, "AreaCode"},
		{"area code not assigned", Query{AreaCode: "999"}, "AreaCode"},
		{"area code N11", Query{AreaCode: "211"}, "AreaCode"},
		{"area code Canada", Query{AreaCode: "604"}, "AreaCode"},
		{"area code Caribbean", Query{AreaCode: "876"}, "AreaCode"},
		{"area code toll-free", Query{AreaCode: "800"}, "AreaCode"},
		{"state", Query{State: "WA"}, ""},
		{"state lower case", Query{State: "wa"}, ""},
		{"state DC", Query{State: "DC"}, ""},
		{"state unknown", Query{State: "XX"}, "State"},
		{"state territory", Query{State: "PR"}, "State"},
		{"state long", Query{State: "Washington"}, "State"},
		{"city", Query{City: "Seattle", State: "WA"}, ""},
		{"city case-insensitive", Query{City: "sEATTLE", State: "wa"}, ""},
		{"city without state", Query{City: "Seattle"}, "City"},
		{"city wrong state", Query{City: "Seattle", State: "OR"}, "City"},
		{"city unknown", Query{City: "Atlantis", State: "WA"}, "City"},
		{"city and area code", Query{City: "Seattle", State: "WA", AreaCode: "206"}, ""},
		{"area code and state", Query{AreaCode: "206", State: "WA"}, ""},
		{"area code and other state", Query{AreaCode: "206", State: "OR"}, ""},
		{"toll-free prefix", Query{TollFreePrefix: "800"}, ""},
		{"toll-free prefix typed", Query{TollFreePrefix: "888", PhoneNumberType: "TollFree"}, ""},
		{"toll-free prefix bad", Query{TollFreePrefix: "811"}, "TollFreePrefix"},
		{"toll-free prefix 900", Query{TollFreePrefix: "900"}, "TollFreePrefix"},
		{"toll-free prefix with area code", Query{TollFreePrefix: "800", AreaCode: "206"}, "TollFreePrefix"},
		{"toll-free prefix with state", Query{TollFreePrefix: "800", State: "WA"}, "TollFreePrefix"},
		{"toll-free prefix with city", Query{TollFreePrefix: "800", City: "Seattle", State: "WA"}, "TollFreePrefix"},
		{"toll-free prefix local type", Query{TollFreePrefix: "800", PhoneNumberType: "Local"}, "PhoneNumberType"},
		{"toll-free type alone", Query{PhoneNumberType: "TollFree"}, ""},
		{"toll-free type with area code", Query{PhoneNumberType: "TollFree", AreaCode: "206"}, "PhoneNumberType"},
		{"toll-free type with state", Query{PhoneNumberType: "TollFree", State: "WA"}, "PhoneNumberType"},
		{"local type alone", Query{PhoneNumberType: "Local"}, "AreaCode"},
		{"nothing", Query{}, "AreaCode"},
		{"nothing US", Query{Country: "US"}, "TollFreePrefix"},
		{"bad type", Query{AreaCode: "206", PhoneNumberType: "Mobile"}, "PhoneNumberType"},
		{"GB local", Query{Country: "GB", PhoneNumberType: "Local"}, ""},
		{"GB toll-free", Query{Country: "GB", PhoneNumberType: "TollFree"}, ""},
		{"CA local", Query{Country: "CA", PhoneNumberType: "Local"}, ""},
		{"CA toll-free", Query{Country: "CA", PhoneNumberType: "TollFree"}, "PhoneNumberType"},
		{"GB no type", Query{Country: "GB"}, "PhoneNumberType"},
		{"GB bad type", Query{Country: "GB", PhoneNumberType: "Mobile"}, "PhoneNumberType"},
		{"GB area code", Query{Country: "GB", PhoneNumberType: "Local", AreaCode: "121"}, "AreaCode"},
		{"GB city", Query{Country: "GB", PhoneNumberType: "Local", City: "London"}, "City"},
		{"GB state", Query{Country: "GB", PhoneNumberType: "Local", State: "WA"}, "State"},
		{"GB toll-free prefix", Query{Country: "GB", PhoneNumberType: "TollFree", TollFreePrefix: "800"}, "TollFreePrefix"},
		{"unsupported country", Query{Country: "BR", PhoneNumberType: "Local"}, "Country"},
		{"lower-case country", Query{Country: "gb", PhoneNumberType: "Local"}, "Country"},
		{"nonsense country", Query{Country: "Narnia", PhoneNumberType: "Local"}, "Country"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.q.Check()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Check() = %v, want nil", err)
				}
				return
			}
			var e *chimevoice.Error
			if !errors.As(err, &e) || e.Code != chimevoice.CodeBadRequest {
				t.Fatalf("Check() = %#v, want a BadRequest *chimevoice.Error", err)
			}
			if !strings.Contains(e.Message, tt.field) {
				t.Errorf("message %q does not name %s", e.Message, tt.field)
			}
		})
	}
}

// collect returns up to n candidates of q from cursor, with their cursors.
func collect(t testing.TB, p *Pool, q Query, cursor uint64, n int) ([]string, []uint64) {
	t.Helper()
	var nums []string
	var nexts []uint64
	err := p.Scan(q, cursor, func(e string, next uint64) bool {
		nums = append(nums, e)
		nexts = append(nexts, next)
		return len(nums) < n
	})
	if err != nil {
		t.Fatalf("Scan(%+v): %v", q, err)
	}
	return nums, nexts
}

var scanQueries = []Query{
	{AreaCode: "206"},
	{City: "Seattle", State: "WA"},
	{City: "seattle", State: "wa", AreaCode: "206"},
	{State: "WA"},
	{State: "DC", PhoneNumberType: "Local"},
	{AreaCode: "212", State: "NY"},
	{TollFreePrefix: "888"},
	{PhoneNumberType: "TollFree"},
	{Country: "GB", PhoneNumberType: "Local"},
	{Country: "IT", PhoneNumberType: "Local"},
}

func TestScanDeterministicAndResumes(t *testing.T) {
	p, p2 := New(), New()
	for _, q := range scanQueries {
		t.Run(fmt.Sprintf("%+v", q), func(t *testing.T) {
			n := 1200 // several rounds of the smaller plans
			if q.Country != "" {
				n = 150 // each candidate is checked: slower
			}
			a, nextA := collect(t, p, q, 0, n)
			b, nextB := collect(t, p2, q, 0, n)
			if len(a) != n {
				t.Fatalf("got %d candidates, want %d", len(a), n)
			}
			if !slices.Equal(a, b) || !slices.Equal(nextA, nextB) {
				t.Fatal("two scans from cursor 0 differ")
			}
			seen := map[string]bool{}
			for _, e := range a {
				if seen[e] {
					t.Fatalf("%s yielded twice", e)
				}
				seen[e] = true
			}
			for i := 1; i < len(nextA); i++ {
				if nextA[i] <= nextA[i-1] {
					t.Fatalf("cursors not increasing at %d: %d, %d", i, nextA[i-1], nextA[i])
				}
			}
			for _, i := range []int{0, 1, 7, 99, n / 2, n - 2} {
				c, _ := collect(t, p, q, nextA[i], 50)
				want := a[i+1 : min(n, i+51)]
				if !slices.Equal(c[:len(want)], want) {
					t.Fatalf("resume after #%d: got %v, want %v", i, c[:len(want)], want)
				}
			}
		})
	}
}

// excluded reports the exchanges the pool leaves out although valid.
func excluded(nxx string) bool {
	return nxx[1:] == "11" || nxx == "555"
}

func parse(t testing.TB, e string) *phonenumbers.PhoneNumber {
	t.Helper()
	n, err := phonenumbers.Parse(e, "")
	if err != nil {
		t.Fatalf("%s: %v", e, err)
	}
	if !phonenumbers.IsValidNumber(n) {
		t.Fatalf("%s is not valid", e)
	}
	if got := phonenumbers.Format(n, phonenumbers.E164); got != e {
		t.Fatalf("%s is not canonical E.164 (%s)", e, got)
	}
	return n
}

func TestScanCandidatesMatch(t *testing.T) {
	p := New()
	cat, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	geo := func(t *testing.T, n *phonenumbers.PhoneNumber) string {
		g, err := phonenumbers.GetGeocodingForNumber(n, "en")
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	usLocal := func(t *testing.T, e string) *phonenumbers.PhoneNumber {
		n := parse(t, e)
		if r := phonenumbers.GetRegionCodeForNumber(n); r != "US" {
			t.Fatalf("%s: region %s", e, r)
		}
		if typ := phonenumbers.GetNumberType(n); typ == phonenumbers.TOLL_FREE {
			t.Fatalf("%s: toll-free", e)
		}
		if excluded(e[5:8]) || e[8:] == "0000" {
			t.Fatalf("%s: unrealistic", e)
		}
		return n
	}
	usTollFree := func(t *testing.T, e string) {
		n := parse(t, e)
		if phonenumbers.GetRegionCodeForNumber(n) != "US" || phonenumbers.GetNumberType(n) != phonenumbers.TOLL_FREE {
			t.Fatalf("%s: not a US toll-free number", e)
		}
		if excluded(e[5:8]) || e[8:] == "0000" {
			t.Fatalf("%s: unrealistic", e)
		}
	}
	cases := []struct {
		q     Query
		n     int
		check func(t *testing.T, e string)
	}{
		{Query{AreaCode: "206"}, 150, func(t *testing.T, e string) {
			usLocal(t, e)
			if !strings.HasPrefix(e, "+1206") {
				t.Fatalf("%s not in 206", e)
			}
		}},
		{Query{City: "Seattle", State: "WA"}, 150, func(t *testing.T, e string) {
			if g := geo(t, usLocal(t, e)); g != "Seattle, WA" {
				t.Fatalf("%s is in %q", e, g)
			}
		}},
		{Query{City: "Bellevue", State: "WA", AreaCode: "425"}, 100, func(t *testing.T, e string) {
			if g := geo(t, usLocal(t, e)); g != "Bellevue, WA" || !strings.HasPrefix(e, "+1425") {
				t.Fatalf("%s is in %q", e, g)
			}
		}},
		{Query{State: "WA"}, 150, func(t *testing.T, e string) {
			usLocal(t, e)
			if st := cat.areaCodes[atoi(e[2:5])].state; st != "WA" {
				t.Fatalf("%s is in %s", e, st)
			}
		}},
		{Query{TollFreePrefix: "833", PhoneNumberType: "TollFree"}, 100, func(t *testing.T, e string) {
			usTollFree(t, e)
			if !strings.HasPrefix(e, "+1833") {
				t.Fatalf("%s not in 833", e)
			}
		}},
		{Query{PhoneNumberType: "TollFree"}, 100, func(t *testing.T, e string) {
			usTollFree(t, e)
		}},
	}
	for _, c := range Countries("SipMediaApplicationDialIn") {
		if c.Code == "US" {
			continue
		}
		for _, typ := range c.Types {
			c, typ := c, typ
			cases = append(cases, struct {
				q     Query
				n     int
				check func(t *testing.T, e string)
			}{Query{Country: c.Code, PhoneNumberType: typ}, 10, func(t *testing.T, e string) {
				parse(t, e)
				info, ok := Classify(e)
				if !ok || info.Country != c.Code || info.Type != typ {
					t.Fatalf("%s: Classify = %+v, %v", e, info, ok)
				}
				if strings.HasSuffix(e, "0000") {
					t.Fatalf("%s: line 0000", e)
				}
			}})
		}
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%+v", c.q), func(t *testing.T) {
			nums, _ := collect(t, p, c.q, 0, c.n)
			if len(nums) != c.n {
				t.Fatalf("got %d candidates, want %d", len(nums), c.n)
			}
			for _, e := range nums {
				c.check(t, e)
			}
		})
	}

	t.Run("toll-free interleaves prefixes", func(t *testing.T) {
		nums, _ := collect(t, p, Query{PhoneNumberType: "TollFree"}, 0, 100)
		seen := map[string]bool{}
		for _, e := range nums {
			seen[e[2:5]] = true
		}
		for _, pfx := range tollFreePrefixes {
			if !seen[pfx] {
				t.Errorf("no %s number among the first 100", pfx)
			}
		}
	})
	t.Run("state interleaves area codes", func(t *testing.T) {
		nums, _ := collect(t, p, Query{State: "WA"}, 0, 100)
		seen := map[string]bool{}
		for _, e := range nums {
			seen[e[2:5]] = true
		}
		for _, npa := range []string{"206", "253", "360", "425", "509"} {
			if !seen[npa] {
				t.Errorf("no %s number among the first 100", npa)
			}
		}
	})
	t.Run("area code outside state is empty", func(t *testing.T) {
		if nums, _ := collect(t, p, Query{AreaCode: "206", State: "OR"}, 0, 10); len(nums) != 0 {
			t.Fatalf("got %v", nums)
		}
		if nums, _ := collect(t, p, Query{AreaCode: "212", City: "Seattle", State: "WA"}, 0, 10); len(nums) != 0 {
			t.Fatalf("got %v", nums)
		}
	})
	t.Run("invalid query", func(t *testing.T) {
		err := p.Scan(Query{City: "Seattle"}, 0, func(string, uint64) bool { return true })
		if chimevoice.ErrorCode(err) != chimevoice.CodeBadRequest {
			t.Fatalf("Scan = %v, want BadRequest", err)
		}
	})
}

func TestSequencesAreLarge(t *testing.T) {
	p := New()
	ps, err := p.load()
	if err != nil {
		t.Fatal(err)
	}
	for _, npa := range ps.cat.local {
		q := Query{AreaCode: fmt.Sprint(npa)}
		if n := len(ps.planFor(q).keys) * 9999; n < 1_000_000 {
			t.Errorf("area code %d: only %d numbers", npa, n)
		}
	}
	for _, pfx := range tollFreePrefixes {
		if n := len(ps.planFor(Query{TollFreePrefix: pfx}).keys) * 9999; n < 1_000_000 {
			t.Errorf("toll-free %s: only %d numbers", pfx, n)
		}
	}
	// A whole sequence, end to end, for a small plan: every number of every
	// block once, except line 0000.
	pl := ps.planFor(Query{Country: "BE", PhoneNumberType: "TollFree"})
	seen := map[string]bool{}
	raw := *pl
	raw.region = "" // count the raw sequence, without validity checks
	raw.scan(0, func(e string, _ uint64) bool {
		if seen[e] {
			t.Fatalf("%s twice", e)
		}
		seen[e] = true
		return true
	})
	if want := len(pl.keys) * 9999; len(seen) != want {
		t.Fatalf("sequence has %d numbers, want %d", len(seen), want)
	}
}

func TestKeys(t *testing.T) {
	for _, scale := range []uint64{1, 10, 1000, 10000} {
		seen := map[uint64]bool{}
		step := max(1, scale/4)
		for v := uint64(0); v < 1000*scale; v += step + v%7 {
			k := blockKey(v, scale)
			if k >= 1000*scale || seen[k] {
				t.Fatalf("scale %d: key %d of %d out of range or repeated", scale, k, v)
			}
			seen[k] = true
			if got := blockPrefix(k, scale); got != v {
				t.Fatalf("scale %d: blockPrefix(blockKey(%d)) = %d", scale, v, got)
			}
		}
	}
}

func TestArbitraryCursors(t *testing.T) {
	p := New()
	for _, c := range []uint64{1, 999, 1 << 20, 1<<32 - 1, 1 << 32, 5<<32 | 999_999, 5<<32 | 1_000_000, 9999 << 32, 9999<<32 | 1<<31, 1<<63 | 12345, ^uint64(0)} {
		for _, q := range []Query{{AreaCode: "206"}, {Country: "GB", PhoneNumberType: "Local"}} {
			nums, nexts := collect(t, p, q, c, 5)
			for i, e := range nums {
				parse(t, e)
				if nexts[i] <= c {
					t.Errorf("cursor %d: next %d does not advance", c, nexts[i])
				}
			}
			if c>>32 >= rounds && len(nums) != 0 {
				t.Errorf("cursor %d past the end yielded %v", c, nums)
			}
		}
	}
	// The last round ends the sequence.
	_, nexts := collect(t, p, Query{TollFreePrefix: "800"}, 9999<<32, 1<<20)
	if len(nexts) == 0 {
		t.Fatal("last round is empty")
	}
	if nums, _ := collect(t, p, Query{TollFreePrefix: "800"}, nexts[len(nexts)-1], 10); len(nums) != 0 {
		t.Fatalf("sequence continues after its end: %v", nums)
	}
}

func TestConcurrentScan(t *testing.T) {
	p := New()
	want, _ := collect(t, New(), Query{State: "CA"}, 0, 50)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			got, _ := collect(t, p, Query{State: "CA"}, 0, 50)
			if !slices.Equal(got, want) {
				t.Error("concurrent scans differ")
			}
		})
	}
	wg.Wait()
}

// TestEmbeddedIndex checks the embedded index against what the generator
// computes from libphonenumber, for a sample of entries.
func TestEmbeddedIndex(t *testing.T) {
	cat, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	seattle := cat.city("Seattle", "WA")
	if seattle == nil || !slices.Contains(seattle.prefixes, 206987) {
		t.Fatal("Seattle, WA lacks 206-987")
	}
	for npa, st := range map[int]string{206: "WA", 202: "DC", 212: "NY", 213: "CA", 907: "AK", 808: "HI"} {
		if a := cat.areaCodes[npa]; a == nil || a.state != st || a.tollFree {
			t.Errorf("area code %d: %+v, want local in %s", npa, a, st)
		}
	}
	for _, npa := range []int{604, 416, 787, 876, 999, 211, 900} {
		if cat.areaCodes[npa] != nil {
			t.Errorf("area code %d should not be in the US index", npa)
		}
	}
	if !slices.Equal(cat.tollFree, []int{800, 833, 844, 855, 866, 877, 888}) {
		t.Errorf("toll-free prefixes %v", cat.tollFree)
	}
	if n := len(cat.states); n != 51 {
		t.Errorf("%d states, want 51", n)
	}
	// Exchanges: listed exactly when valid and not excluded.
	for _, npa := range []int{206, 274, 800} {
		a := cat.areaCodes[npa]
		for nxx := 200; nxx <= 999; nxx++ {
			n := usNumber(npa, nxx, 4321)
			want := phonenumbers.IsValidNumber(n) && phonenumbers.GetRegionCodeForNumber(n) == "US" && !excluded(fmt.Sprint(nxx))
			if !a.tollFree && (nxx == 950 || nxx == 958 || nxx == 959 || nxx == 976) {
				want = false
			}
			if got := slices.Contains(a.nxx, uint16(nxx)); got != want {
				t.Errorf("%d-%d: listed %v, want %v", npa, nxx, got, want)
			}
		}
	}
	// Cities: a spread sample of all city prefixes geocodes to its city.
	var all []*city
	for _, c := range cat.cities {
		all = append(all, c)
	}
	slices.SortFunc(all, func(a, b *city) int { return strings.Compare(a.state+a.name, b.state+b.name) })
	for i := 0; i < len(all); i += 47 {
		c := all[i]
		v := c.prefixes[i%len(c.prefixes)]
		g, err := phonenumbers.GetGeocodingForNumber(usNumber(int(v/1000), int(v%1000), 1234), "en")
		if err != nil || g != c.name+", "+c.state {
			t.Errorf("%d: geocoding %q, index says %s, %s", v, g, c.name, c.state)
		}
	}
}

func usNumber(npa, nxx, line int) *phonenumbers.PhoneNumber {
	cc := int32(1)
	nn := uint64(npa*10000000 + nxx*10000 + line)
	return &phonenumbers.PhoneNumber{CountryCode: &cc, NationalNumber: &nn}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		e164 string
		want Info
		ok   bool
	}{
		{"+12069871234", Info{"US", "Local"}, true},
		{"+18002345678", Info{"US", "TollFree"}, true},
		{"+18885550123", Info{"US", "TollFree"}, true},
		{"+441212345678", Info{"GB", "Local"}, true},
		{"+447400123456", Info{"GB", "Local"}, true}, // mobile: not toll-free
		{"+448001234567", Info{"GB", "TollFree"}, true},
		{"+16045551234", Info{"CA", "Local"}, true},
		{"+390212345678", Info{"IT", "Local"}, true},
		{"+1206987123", Info{}, false},  // too short
		{"+12061234567", Info{}, false}, // exchange 123 does not exist
		{"+19999871234", Info{}, false}, // area code 999 does not exist
		{"12069871234", Info{}, false},  // no +
		{"+1 206 987 1234", Info{}, false},
		{"+1206987123x", Info{}, false},
		{"+", Info{}, false},
		{"", Info{}, false},
	}
	for _, tt := range tests {
		got, ok := Classify(tt.e164)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Classify(%q) = %+v, %v; want %+v, %v", tt.e164, got, ok, tt.want, tt.ok)
		}
	}
}

func TestSupported(t *testing.T) {
	tests := []struct {
		product string
		info    Info
		want    bool
	}{
		{"VoiceConnector", Info{"US", "Local"}, true},
		{"VoiceConnector", Info{"US", "TollFree"}, true},
		{"VoiceConnector", Info{"GB", "Local"}, false},
		{"BusinessCalling", Info{"US", "TollFree"}, false}, // toll-free numbers never get BusinessCalling,
		{"BusinessCalling", Info{"CA", "Local"}, false},
		{"SipMediaApplicationDialIn", Info{"US", "Local"}, true},
		{"SipMediaApplicationDialIn", Info{"US", "TollFree"}, true},
		{"SipMediaApplicationDialIn", Info{"GB", "Local"}, true},
		{"SipMediaApplicationDialIn", Info{"GB", "TollFree"}, true},
		{"SipMediaApplicationDialIn", Info{"CA", "Local"}, true},
		{"SipMediaApplicationDialIn", Info{"CA", "TollFree"}, false},
		{"SipMediaApplicationDialIn", Info{"BR", "Local"}, false},
		{"SipMediaApplicationDialIn", Info{"GB", "Mobile"}, false},
		{"Nope", Info{"US", "Local"}, false},
		{"", Info{"US", "Local"}, false},
	}
	for _, tt := range tests {
		if got := Supported(tt.product, tt.info); got != tt.want {
			t.Errorf("Supported(%q, %+v) = %v, want %v", tt.product, tt.info, got, tt.want)
		}
	}
}

func TestCountries(t *testing.T) {
	for product, want := range map[string][]Country{
		"VoiceConnector":  {{Code: "US", Types: []string{"Local", "TollFree"}}},
		"BusinessCalling": {{Code: "US", Types: []string{"Local"}}}, // never toll-free
	} {
		if got := Countries(product); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("Countries(%s) = %v, want %v", product, got, want)
		}
	}
	if got := Countries("Nope"); got != nil {
		t.Errorf("Countries(Nope) = %v", got)
	}

	got := Countries("SipMediaApplicationDialIn")
	allowed := strings.Fields("AT AU BE CA CH DE DK ES FI FR GB IE IT JP NL NO NZ PT SE US")
	var codes []string
	byCode := map[string][]string{}
	for _, c := range got {
		codes = append(codes, c.Code)
		byCode[c.Code] = c.Types
		if !slices.Contains(allowed, c.Code) {
			t.Errorf("unexpected country %s", c.Code)
		}
		if len(c.Types) == 0 || len(c.Types) > 2 || c.Types[0] != "Local" && c.Types[0] != "TollFree" ||
			len(c.Types) == 2 && (c.Types[0] != "Local" || c.Types[1] != "TollFree") {
			t.Errorf("%s: types %v", c.Code, c.Types)
		}
	}
	if !slices.IsSorted(codes) {
		t.Errorf("not sorted: %v", codes)
	}
	for code, want := range map[string]string{"US": "[Local TollFree]", "GB": "[Local TollFree]", "DE": "[Local TollFree]", "JP": "[Local TollFree]", "CA": "[Local]"} {
		if fmt.Sprint(byCode[code]) != want {
			t.Errorf("%s: types %v, want %s", code, byCode[code], want)
		}
	}
	// The generated table is well formed.
	for _, cp := range generatedCountryPools {
		if len(cp.prefixes) == 0 || cp.cc <= 0 {
			t.Errorf("%s %s: empty pool", cp.region, cp.typ)
			continue
		}
		for _, s := range cp.prefixes {
			if len(s) != len(cp.prefixes[0]) || len(s) < 3 || len(s) > 9 || !isDigits(s, len(s)) {
				t.Errorf("%s %s: bad prefix %q", cp.region, cp.typ, s)
			}
		}
		if !slices.IsSorted(cp.prefixes) || len(slices.Compact(slices.Clone(cp.prefixes))) != len(cp.prefixes) {
			t.Errorf("%s %s: prefixes not sorted and unique", cp.region, cp.typ)
		}
	}
	// The result is a copy.
	got[0].Types[0] = "x"
	if Countries("SipMediaApplicationDialIn")[0].Types[0] != "Local" {
		t.Error("Countries returns shared slices")
	}
}

func BenchmarkScan(b *testing.B) {
	p := New()
	for _, q := range []Query{{AreaCode: "206"}, {State: "CA"}, {Country: "GB", PhoneNumberType: "Local"}} {
		b.Run(fmt.Sprintf("%+v", q), func(b *testing.B) {
			collect(b, p, q, 0, 1) // load
			b.ReportAllocs()
			var cursor uint64
			for b.Loop() {
				n := 0
				if err := p.Scan(q, cursor, func(_ string, next uint64) bool {
					cursor = next
					n++
					return n < 100
				}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestClassifyUSFastPathAgrees checks the index answer against
// libphonenumber for numbers of every area code of the index.
func TestClassifyUSFastPathAgrees(t *testing.T) {
	c, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for npa, a := range c.areaCodes {
		for i, nxx := range a.nxx {
			if i%37 != 0 {
				continue
			}
			e164 := fmt.Sprintf("+1%03d%03d%04d", npa, nxx, (i*7919)%10000)
			fast, ok := classifyUS(e164)
			if !ok {
				t.Fatalf("%s: not in the index", e164)
			}
			n, err := phonenumbers.Parse(e164, "")
			if err != nil || !phonenumbers.IsValidNumber(n) || phonenumbers.GetRegionCodeForNumber(n) != "US" {
				t.Fatalf("%s: the index says valid, libphonenumber does not", e164)
			}
			want := typeLocal
			if phonenumbers.GetNumberType(n) == phonenumbers.TOLL_FREE {
				want = typeTollFree
			}
			if fast.Type != want {
				t.Fatalf("%s: index type %s, libphonenumber %s", e164, fast.Type, want)
			}
			checked++
		}
	}
	if checked < 1000 {
		t.Fatalf("checked only %d numbers", checked)
	}
}
