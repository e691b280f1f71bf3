package pool

import (
	"slices"

	"github.com/chimevoice/chimevoice/pool/internal/numplan"
)

// Info describes a number for inventory.
type Info struct {
	Country string // ISO alpha-2, e.g. "US"
	Type    string // "Local" or "TollFree"
}

// Classify returns Info for a "+"-form E.164 number, and ok=false if
// libphonenumber says it is not a valid number (asked through
// internal/numplan's tables of its metadata, which keep the library itself
// out of the program). The number must be in
// canonical E.164 form ("+" and digits only, as Format(E164) writes it);
// anything else is not ok. Type is TollFree when libphonenumber's type is
// TOLL_FREE, otherwise Local.
func Classify(e164 string) (Info, bool) {
	if len(e164) < 3 || e164[0] != '+' || !isDigits(e164[1:], len(e164)-1) {
		return Info{}, false
	}
	if info, ok := classifyUS(e164); ok {
		return info, true
	}
	cc, nsn, ok := numplan.ParseE164(e164)
	if !ok {
		return Info{}, false
	}
	region, typ, valid := numplan.Lookup(cc, nsn)
	if !valid {
		return Info{}, false
	}
	info := Info{Country: region, Type: typeLocal}
	if typ == numplan.TollFree {
		info.Type = typeTollFree
	}
	return info, true
}

// Supported reports whether a number of this Info can be ordered for
// productType: VoiceConnector and BusinessCalling take US Local and
// TollFree numbers; SipMediaApplicationDialIn takes the countries and types
// that Countries lists for it. Unknown product types support nothing.
func Supported(productType string, info Info) bool {
	switch productType {
	case productVoiceConnector:
		return info.Country == "US" && (info.Type == typeLocal || info.Type == typeTollFree)
	case productBusinessCalling:
		// "For toll-free numbers, you cannot use the Amazon Chime Business
		// Calling product type" (UpdatePhoneNumber, Amazon Chime API Reference).
		return info.Country == "US" && info.Type == typeLocal
	case productSMADialIn:
		return slices.Contains(countryTypes(info.Country), info.Type)
	}
	return false
}

// Country is one entry of ListSupportedPhoneNumberCountries.
type Country struct {
	Code  string   // ISO alpha-2
	Types []string // "Local", "TollFree" (only those the synthetic pool can actually produce for that country)
}

// Countries returns the supported countries for productType, sorted by
// code: VoiceConnector → US (Local, TollFree); BusinessCalling → US
// (Local: toll-free numbers never get that product type);
// SipMediaApplicationDialIn → US plus the countries of AT AU BE CA CH DE DK
// ES FI FR GB IE IT JP NL NO NZ PT SE for which the generator found valid
// numbers, each with the types found (Canada, for instance, has no
// toll-free numbers of its own: libphonenumber assigns +1 8XX to the US).
// Unknown product types get nil. The result is the caller's to modify.
func Countries(productType string) []Country {
	switch productType {
	case productVoiceConnector:
		return []Country{{Code: "US", Types: []string{typeLocal, typeTollFree}}}
	case productBusinessCalling:
		return []Country{{Code: "US", Types: []string{typeLocal}}}
	case productSMADialIn:
	default:
		return nil
	}
	out := []Country{{Code: "US", Types: []string{typeLocal, typeTollFree}}}
	for _, cp := range generatedCountryPools {
		if last := &out[len(out)-1]; last.Code == cp.region {
			last.Types = append(last.Types, cp.typ)
		} else {
			out = append(out, Country{Code: cp.region, Types: []string{cp.typ}})
		}
	}
	slices.SortFunc(out, func(a, b Country) int {
		switch {
		case a.Code < b.Code:
			return -1
		case a.Code > b.Code:
			return 1
		}
		return 0
	})
	for i := range out {
		slices.SortFunc(out[i].Types, typeOrder)
	}
	return out
}

// typeOrder puts Local before TollFree.
func typeOrder(a, b string) int {
	switch {
	case a == b:
		return 0
	case a == typeLocal:
		return -1
	case b == typeLocal:
		return 1
	case a < b:
		return -1
	}
	return 1
}

// countryTypes returns the types SipMediaApplicationDialIn offers in a
// country, Local first, or nil if it offers none.
func countryTypes(region string) []string {
	if region == "US" {
		return []string{typeLocal, typeTollFree}
	}
	var types []string
	for _, cp := range generatedCountryPools {
		if cp.region == region {
			types = append(types, cp.typ)
		}
	}
	slices.SortFunc(types, typeOrder)
	return types
}

// countryPool is one (country, type) of the synthetic pool outside the US:
// numbers are +cc, one of prefixes, then 4 digits. All prefixes of a pool
// have the same length (at least 3 digits).
type countryPool struct {
	region, typ string
	cc          int
	prefixes    []string
}

// classifyUS answers for US numbers from the embedded index, without
// libphonenumber's regular expressions (tens of microseconds a number, the
// main cost of ordering thousands at once). The generator checked that a
// US number's validity and type depend only on its area code and exchange;
// an exchange the index leaves out is answered by libphonenumber.
func classifyUS(e164 string) (Info, bool) {
	if len(e164) != 12 || e164[1] != '1' {
		return Info{}, false
	}
	c, err := loadCatalog()
	if err != nil {
		return Info{}, false
	}
	npa := int(e164[2]-'0')*100 + int(e164[3]-'0')*10 + int(e164[4]-'0')
	a := c.areaCodes[npa]
	if a == nil {
		return Info{}, false
	}
	nxx := uint16(e164[5]-'0')*100 + uint16(e164[6]-'0')*10 + uint16(e164[7]-'0')
	if _, found := slices.BinarySearch(a.nxx, nxx); !found {
		return Info{}, false
	}
	if a.tollFree {
		return Info{Country: "US", Type: typeTollFree}, true
	}
	return Info{Country: "US", Type: typeLocal}, true
}
