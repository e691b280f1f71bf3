package numplan

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// library answers with github.com/nyaruka/phonenumbers itself: ok as
// pool.Classify demands (Parse succeeds and formats back to e164), then
// IsValidNumber, GetRegionCodeForNumber and GetNumberType.
func library(e164 string) (ok bool, region string, typ Type, valid bool) {
	n, err := phonenumbers.Parse(e164, "")
	if err != nil || phonenumbers.Format(n, phonenumbers.E164) != e164 {
		return false, "", Unknown, false
	}
	return true, phonenumbers.GetRegionCodeForNumber(n), Type(phonenumbers.GetNumberType(n)), phonenumbers.IsValidNumber(n)
}

func ours(e164 string) (ok bool, region string, typ Type, valid bool) {
	cc, nsn, ok := ParseE164(e164)
	if !ok {
		return false, "", Unknown, false
	}
	region, typ, valid = Lookup(cc, nsn)
	return true, region, typ, valid
}

func check(t testing.TB, e164 string) {
	t.Helper()
	lok, lregion, ltyp, lvalid := library(e164)
	ok, region, typ, valid := ours(e164)
	if ok != lok || region != lregion || typ != ltyp || valid != lvalid {
		t.Errorf("%q: numplan says ok=%t region=%q type=%d valid=%t; libphonenumber ok=%t region=%q type=%d valid=%t",
			e164, ok, region, typ, valid, lok, lregion, ltyp, lvalid)
	}
}

func TestTypesAreTheLibrarys(t *testing.T) {
	for typ, lib := range map[Type]phonenumbers.PhoneNumberType{
		FixedLine: phonenumbers.FIXED_LINE, Mobile: phonenumbers.MOBILE, FixedLineOrMobile: phonenumbers.FIXED_LINE_OR_MOBILE,
		TollFree: phonenumbers.TOLL_FREE, PremiumRate: phonenumbers.PREMIUM_RATE, SharedCost: phonenumbers.SHARED_COST,
		VoIP: phonenumbers.VOIP, PersonalNumber: phonenumbers.PERSONAL_NUMBER, Pager: phonenumbers.PAGER,
		UAN: phonenumbers.UAN, Voicemail: phonenumbers.VOICEMAIL, Unknown: phonenumbers.UNKNOWN,
	} {
		if int(typ) != int(lib) {
			t.Errorf("type %d is the library's %d", typ, lib)
		}
	}
}

// TestTablesMatchLibrary holds tables_gen.go to the libphonenumber version
// in go.mod: after upgrading it, run `go generate ./pool`.
func TestTablesMatchLibrary(t *testing.T) {
	for cc := range phonenumbers.GetSupportedCallingCodes() {
		if got, want := regions(cc), phonenumbers.GetRegionCodesForCountryCode(cc); !slices.Equal(got, want) {
			t.Errorf("+%d: regions %v, library %v", cc, got, want)
		}
	}
	if got, want := len(callingCodes), len(phonenumbers.GetSupportedCallingCodes()); got != want {
		t.Errorf("%d calling codes, library %d", got, want)
	}
	col, err := phonenumbers.MetadataCollection()
	if err != nil {
		t.Fatal(err)
	}
	for _, md := range col.GetMetadata() {
		m := metadataFor(int(md.GetCountryCode()), md.GetId())
		if m == nil {
			t.Errorf("%s +%d: no metadata", md.GetId(), md.GetCountryCode())
			continue
		}
		if m.cc != int(md.GetCountryCode()) || m.leadingDigits != md.GetLeadingDigits() ||
			m.nationalPrefixForParsing != md.GetNationalPrefixForParsing() ||
			m.nationalPrefixTransform != md.GetNationalPrefixTransformRule() ||
			m.sameMobileAndFixedLine != md.GetSameMobileAndFixedLinePattern() {
			t.Errorf("%s: metadata differs from the library's", md.GetId())
		}
		for name, pair := range map[string]struct {
			d   desc
			lib *phonenumbers.PhoneNumberDesc
		}{
			"general": {m.general, md.GetGeneralDesc()}, "premiumRate": {m.premiumRate, md.GetPremiumRate()},
			"tollFree": {m.tollFree, md.GetTollFree()}, "sharedCost": {m.sharedCost, md.GetSharedCost()},
			"voip": {m.voip, md.GetVoip()}, "personalNumber": {m.personalNumber, md.GetPersonalNumber()},
			"pager": {m.pager, md.GetPager()}, "uan": {m.uan, md.GetUan()}, "voicemail": {m.voicemail, md.GetVoicemail()},
			"fixedLine": {m.fixedLine, md.GetFixedLine()}, "mobile": {m.mobile, md.GetMobile()},
		} {
			if pair.d.pattern != pair.lib.GetNationalNumberPattern() ||
				!sameLengths(pair.d.lengths, pair.lib.GetPossibleLength()) ||
				!sameLengths(pair.d.localOnly, pair.lib.GetPossibleLengthLocalOnly()) {
				t.Errorf("%s +%d %s: desc differs from the library's", md.GetId(), md.GetCountryCode(), name)
			}
		}
	}
}

func sameLengths(a []int8, b []int32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if int32(a[i]) != b[i] {
			return false
		}
	}
	return true
}

// TestAgreesWithLibphonenumber compares every answer with the library's on
// the metadata's example numbers of every region and type, variants of
// them (a digit changed, one more or one fewer, a national prefix or a
// zero in front), and random digits after every calling code.
func TestAgreesWithLibphonenumber(t *testing.T) {
	col, err := phonenumbers.MetadataCollection()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(14, 15))
	n := 0
	try := func(e164 string) {
		n++
		check(t, e164)
	}
	for _, md := range col.GetMetadata() {
		cc := "+" + strconv.Itoa(int(md.GetCountryCode()))
		for _, d := range []*phonenumbers.PhoneNumberDesc{md.GetGeneralDesc(), md.GetFixedLine(), md.GetMobile(), md.GetTollFree(),
			md.GetPremiumRate(), md.GetSharedCost(), md.GetVoip(), md.GetPersonalNumber(), md.GetPager(), md.GetUan(), md.GetVoicemail()} {
			ex := d.GetExampleNumber()
			if ex == "" {
				continue
			}
			try(cc + ex)
			try(cc + ex[:len(ex)-1])
			try(cc + ex + "7")
			try(cc + "0" + ex)
			if p := md.GetNationalPrefix(); p != "" {
				try(cc + p + ex)
			}
			if p := md.GetNationalPrefixForParsing(); p != "" && len(p) < 8 && isDigits(p) {
				try(cc + p + ex)
			}
			for range 8 {
				b := []byte(ex)
				b[rng.IntN(len(b))] = byte('0' + rng.IntN(10))
				try(cc + string(b))
			}
		}
	}
	for _, c := range callingCodes {
		cc := "+" + strconv.Itoa(c.cc)
		for range 60 {
			b := make([]byte, 1+rng.IntN(18))
			for i := range b {
				b[i] = byte('0' + rng.IntN(10))
			}
			try(cc + string(b))
		}
	}
	for _, s := range []string{"+", "+1", "+12", "+123", "+0123456789", "+999123456789", "+8001234567", "+80012345678",
		"+1800555012", "+18005550123", "+442071838750", "+390612345678", "+3906123456789", "+00", "+100"} {
		try(s)
	}
	t.Logf("%d numbers compared", n)
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func FuzzAgreesWithLibphonenumber(f *testing.F) {
	for _, s := range []string{"+14155550123", "+442071838750", "+390612345678", "+8001234567", "+12", "+5491123456789", "+0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) < 1 || s[0] != '+' || !isDigits(s[1:]) {
			return // pool.Classify refuses these before asking
		}
		check(t, s)
	})
}

func BenchmarkLookup(b *testing.B) {
	cc, nsn, _ := ParseE164("+442071838750")
	for b.Loop() {
		if _, _, ok := Lookup(cc, nsn); !ok {
			b.Fatal("not valid")
		}
	}
}

var benchNumbers = []string{"+442071838750", "+4930123456", "+390612345678", "+61212345678", "+33123456789", "+81312345678"}

// BenchmarkClassify and BenchmarkClassifyLibrary answer what pool.Classify
// asks, here and with the library.
func BenchmarkClassify(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		for _, n := range benchNumbers {
			if ok, _, _, valid := ours(n); !ok || !valid {
				b.Fatal(n)
			}
		}
	}
}

func BenchmarkClassifyLibrary(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		for _, n := range benchNumbers {
			if ok, _, _, valid := library(n); !ok || !valid {
				b.Fatal(n)
			}
		}
	}
}
