// Package numplan answers the questions package pool asks libphonenumber —
// is a canonical E.164 string a valid number, of which region, of which
// type — from tables generated from libphonenumber's metadata
// (tables_gen.go, written by pool/internal/gen), with the same rules as
// github.com/nyaruka/phonenumbers' Parse, IsValidNumber,
// GetRegionCodeForNumber and GetNumberType.
//
// The library decodes all its metadata in its package init (about 5 ms of
// CPU and 2.5 MB of garbage in every process that links it, even one that
// only prints its version). Here the tables are static data and each
// regular expression is compiled the first time a number needs it.
// TestAgreesWithLibphonenumber holds this package to the library.
package numplan

import (
	"regexp"
	"sort"
	"strconv"
	"sync"
)

// Type is a number's type, as libphonenumber's PhoneNumberType.
type Type int

// Types, in libphonenumber's order.
const (
	FixedLine Type = iota
	Mobile
	FixedLineOrMobile
	TollFree
	PremiumRate
	SharedCost
	VoIP
	PersonalNumber
	Pager
	UAN
	Voicemail
	Unknown
)

// NonGeoRegion is the region of non-geographical calling codes (+800, +882…).
const NonGeoRegion = "001"

const (
	minLengthNSN = 2
	maxLengthNSN = 17
	maxLengthCC  = 3
)

// desc is a PhoneNumberDesc: a national number pattern and possible lengths.
type desc struct {
	pattern   string
	lengths   []int8 // possible lengths; none: those of the general desc
	localOnly []int8 // lengths possible only for local dialling
}

// metadata is a region's PhoneMetadata, reduced to what validation uses.
type metadata struct {
	id                       string // ISO 3166 region, or NonGeoRegion
	cc                       int
	leadingDigits            string
	nationalPrefixForParsing string
	nationalPrefixTransform  string
	sameMobileAndFixedLine   bool
	general, premiumRate, tollFree, sharedCost, voip, personalNumber,
	pager, uan, voicemail, fixedLine, mobile desc
}

// callingCode lists the regions of a country calling code, main region first.
type callingCode struct {
	cc      int
	regions []string
}

// regions returns the regions of cc, nil if cc is not a calling code.
func regions(cc int) []string {
	i := sort.Search(len(callingCodes), func(i int) bool { return callingCodes[i].cc >= cc })
	if i < len(callingCodes) && callingCodes[i].cc == cc {
		return callingCodes[i].regions
	}
	return nil
}

// metadataFor is getMetadataForRegionOrCallingCode: the metadata of a
// region, or of the calling code cc when region is NonGeoRegion; nil if none.
func metadataFor(cc int, region string) *metadata {
	if region != NonGeoRegion {
		cc = 0 // geographic regions are keyed by id alone
	}
	i := sort.Search(len(regionMetadata), func(i int) bool {
		m := &regionMetadata[i]
		return m.id > region || m.id == region && m.key() >= cc
	})
	if i < len(regionMetadata) && regionMetadata[i].id == region && regionMetadata[i].key() == cc {
		return &regionMetadata[i]
	}
	return nil
}

// key orders non-geographical entries by calling code; 0 for regions.
func (m *metadata) key() int {
	if m.id == NonGeoRegion {
		return m.cc
	}
	return 0
}

var regexps sync.Map // pattern → *regexp.Regexp

// re compiles a metadata pattern once. The patterns are libphonenumber's
// and were compiled by the library's own tests; a bad one is a bug in the
// tables, so it panics as the library does.
func re(pattern string) *regexp.Regexp {
	if v, ok := regexps.Load(pattern); ok {
		return v.(*regexp.Regexp)
	}
	v, _ := regexps.LoadOrStore(pattern, regexp.MustCompile(pattern))
	return v.(*regexp.Regexp)
}

func hasLength(lengths []int8, n int) bool {
	for _, l := range lengths {
		if int(l) == n {
			return true
		}
	}
	return false
}

// matches is isNumberMatchingDesc.
func (d *desc) matches(nsn string) bool {
	if len(d.lengths) > 0 && !hasLength(d.lengths, len(nsn)) {
		return false
	}
	return re("^(?:" + d.pattern + ")$").MatchString(nsn)
}

// numberType is getNumberTypeHelper.
func (m *metadata) numberType(nsn string) Type {
	if !m.general.matches(nsn) {
		return Unknown
	}
	switch {
	case m.premiumRate.matches(nsn):
		return PremiumRate
	case m.tollFree.matches(nsn):
		return TollFree
	case m.sharedCost.matches(nsn):
		return SharedCost
	case m.voip.matches(nsn):
		return VoIP
	case m.personalNumber.matches(nsn):
		return PersonalNumber
	case m.pager.matches(nsn):
		return Pager
	case m.uan.matches(nsn):
		return UAN
	case m.voicemail.matches(nsn):
		return Voicemail
	}
	if m.fixedLine.matches(nsn) {
		if m.sameMobileAndFixedLine || m.mobile.matches(nsn) {
			return FixedLineOrMobile
		}
		return FixedLine
	}
	if !m.sameMobileAndFixedLine && m.mobile.matches(nsn) {
		return Mobile
	}
	return Unknown
}

// Region is GetRegionCodeForNumber for the number +cc nsn (nsn with its
// leading zeros): "" when no region claims it.
func Region(cc int, nsn string) string {
	rs := regions(cc)
	switch len(rs) {
	case 0:
		return ""
	case 1:
		return rs[0]
	}
	for _, r := range rs {
		m := metadataFor(cc, r)
		if m == nil {
			continue // not reached: the tables list metadata for every region
		}
		if m.leadingDigits != "" {
			if re("^(?:" + m.leadingDigits + ")").MatchString(nsn) {
				return r
			}
		} else if m.numberType(nsn) != Unknown {
			return r
		}
	}
	return ""
}

// Lookup returns the number's region (Region) and type (GetNumberType), and
// whether libphonenumber's IsValidNumber holds for it.
func Lookup(cc int, nsn string) (region string, typ Type, valid bool) {
	region = Region(cc, nsn)
	m := metadataFor(cc, region)
	if m == nil {
		return region, Unknown, false
	}
	typ = m.numberType(nsn)
	valid = typ != Unknown && (region == NonGeoRegion || m.cc == cc)
	return region, typ, valid
}

// ParseE164 splits a canonical E.164 number ("+" and digits) into its
// calling code and national significant number, and reports ok=false
// where phonenumbers.Parse(e164, "") fails or where formatting its result
// as E.164 would not give e164 back (for instance when Parse strips a
// national prefix).
func ParseE164(e164 string) (cc int, nsn string, ok bool) {
	if len(e164) < 2 || e164[0] != '+' {
		return 0, "", false
	}
	digits := e164[1:]
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return 0, "", false
		}
	}
	// maybeExtractCountryCode: more than MIN_LENGTH_FOR_NSN digits after
	// the "+", and a calling code of 1 to 3 digits not starting with 0.
	if len(digits) <= minLengthNSN || digits[0] == '0' {
		return 0, "", false
	}
	for i := 1; i <= maxLengthCC && i <= len(digits); i++ {
		c, _ := strconv.Atoi(digits[:i])
		if regions(c) != nil {
			cc, nsn = c, digits[i:]
			break
		}
	}
	if cc == 0 || len(nsn) < minLengthNSN || len(nsn) > maxLengthNSN {
		return 0, "", false
	}
	if m := metadataFor(cc, regions(cc)[0]); m != nil {
		if stripped, ok := m.stripNationalPrefix(nsn); ok && stripped != nsn {
			switch m.testLength(stripped) {
			case tooShort, possibleLocalOnly, invalidLength:
				// Parse keeps the number as given.
			default:
				return 0, "", false // Parse would strip: not canonical
			}
		}
	}
	return cc, nsn, true
}

// stripNationalPrefix is maybeStripNationalPrefixAndCarrierCode: the
// number without its national prefix (transformed by the region's rule),
// and whether it was stripped.
func (m *metadata) stripNationalPrefix(number string) (string, bool) {
	if number == "" || m.nationalPrefixForParsing == "" {
		return number, false
	}
	prefix := re("^(?:" + m.nationalPrefixForParsing + ")")
	if !prefix.MatchString(number) {
		return number, false
	}
	rule := re("^(?:" + m.general.pattern + ")$")
	viable := rule.MatchString(number)
	groups := prefix.FindStringSubmatchIndex(number)
	numGroups := len(groups)/2 - 1
	if m.nationalPrefixTransform == "" || groups[numGroups*2] < 0 {
		if viable && !rule.MatchString(number[groups[1]:]) {
			return number, false
		}
		return number[groups[1]:], true
	}
	transformed := prefix.ReplaceAllString(number, m.nationalPrefixTransform)
	if viable && !rule.MatchString(transformed) {
		return number, false
	}
	return transformed, true
}

type lengthResult int

const (
	isPossible lengthResult = iota
	possibleLocalOnly
	tooShort
	invalidCountryCode
	tooLong
	invalidLength
)

// testLength is testNumberLength for type UNKNOWN (the general desc).
func (m *metadata) testLength(number string) lengthResult {
	lengths := m.general.lengths
	if len(lengths) == 0 || lengths[0] == -1 {
		// The library indexes lengths[0] here; the tables always have one.
		return invalidLength
	}
	n := len(number)
	if hasLength(m.general.localOnly, n) {
		return possibleLocalOnly
	}
	switch first := int(lengths[0]); {
	case first == n:
		return isPossible
	case first > n:
		return tooShort
	case int(lengths[len(lengths)-1]) < n:
		return tooLong
	}
	if hasLength(lengths[1:], n) {
		return isPossible
	}
	return invalidLength
}
