// Package pool is the synthetic, deterministic pool of phone numbers that
// SearchAvailablePhoneNumbers draws from when no carrier inventory has been
// imported, and the classification of numbers for orders.
//
// Every number the pool yields is valid per libphonenumber. US numbers come
// from an index of area codes, states and cities precomputed from
// libphonenumber's metadata and geocoding data (usindex.txt.gz, written by
// internal/gen and embedded); numbers of the other countries vary the last
// four digits of national number prefixes found in the metadata
// (countries_gen.go, written by the same generator). Regenerate both with
// `go generate ./pool` after upgrading github.com/nyaruka/phonenumbers.
//
// The pool knows nothing of ownership: the store filters out numbers that
// are in an inventory, an order or a Deletion queue.
package pool

//go:generate go run ./internal/gen

import (
	"strings"

	"github.com/chimevoice/chimevoice"
)

// Number types, as the API spells them.
const (
	typeLocal    = "Local"
	typeTollFree = "TollFree"
)

// Product types, as the API spells them.
const (
	productVoiceConnector  = "VoiceConnector"
	productBusinessCalling = "BusinessCalling"
	productSMADialIn       = "SipMediaApplicationDialIn"
)

// tollFreePrefixes are the US toll-free prefixes the service accepts.
var tollFreePrefixes = []string{"800", "833", "844", "855", "866", "877", "888"}

// Query is a SearchAvailablePhoneNumbers request, already validated for types by the caller.
type Query struct {
	Country         string // ISO alpha-2; "" means "US"
	AreaCode        string // US only, 3 digits
	City            string // US only, requires State
	State           string // US only, 2-letter code e.g. "WA"
	TollFreePrefix  string // US only: 800, 833, 844, 855, 866, 877, 888
	PhoneNumberType string // "Local", "TollFree" or ""
}

// Check validates the combination of fields the way the service does and
// returns a *chimevoice.Error with chimevoice.CodeBadRequest naming the
// field when it is wrong.
//
// For the US (Country "" or "US"):
//   - AreaCode must be 3 digits and a geographic US area code per
//     libphonenumber (toll-free prefixes are not area codes; Canada and the
//     Caribbean are other countries);
//   - State is matched case-insensitively and must be a state (or DC) that
//     has area codes;
//   - City needs State and must be a city of that State in libphonenumber's
//     geocoding data (matched case-insensitively);
//   - TollFreePrefix must be one of 800, 833, 844, 855, 866, 877, 888 and
//     cannot be combined with AreaCode, City or State;
//   - PhoneNumberType, when set, must be Local or TollFree; Local cannot be
//     combined with TollFreePrefix, TollFree cannot be combined with
//     AreaCode, City or State;
//   - at least one of AreaCode, City (with State), State and TollFreePrefix
//     is required, except that PhoneNumberType TollFree alone is accepted
//     and searches toll-free numbers of every prefix.
//
// Combinations are intersections: AreaCode with State or City yields the
// numbers of that area code in that state or city, which may be none (an
// empty result, not an error).
//
// For other countries, Country must be one that Countries lists for
// SipMediaApplicationDialIn, PhoneNumberType is required and must be a type
// offered there, and AreaCode, City, State and TollFreePrefix are not
// allowed.
func (q Query) Check() error {
	cat, err := loadCatalog()
	if err != nil {
		return err
	}
	return q.check(cat)
}

// CheckShape validates a query for an imported carrier pool, whose areas
// and countries are those of the carrier's file rather than the synthetic
// pool's: the same combinations of fields as Check, and the same formats
// (AreaCode 3 digits, State 2 letters, City with State), but no area code,
// state, city or country has to be known to libphonenumber. A search for
// one the pool does not hold simply finds nothing.
func (q Query) CheckShape() error { return q.check(nil) }

// check implements Check, and CheckShape when cat is nil.
func (q Query) check(cat *catalog) error {
	switch q.PhoneNumberType {
	case "", typeLocal, typeTollFree:
	default:
		return badRequest("PhoneNumberType %q is not valid: must be Local or TollFree.", q.PhoneNumberType)
	}
	if q.Country != "" && q.Country != "US" {
		return q.checkOther(cat == nil)
	}
	if q.AreaCode != "" {
		if !isDigits(q.AreaCode, 3) {
			return badRequest("AreaCode %q is not valid: must be 3 digits.", q.AreaCode)
		}
		if a := cat.areaCode(q.AreaCode); cat != nil && (a == nil || a.tollFree) {
			return badRequest("AreaCode %s is not a US area code.", q.AreaCode)
		}
	}
	if q.State != "" {
		if cat == nil && !isLetters(q.State, 2) {
			return badRequest("State %q is not valid: must be a 2-letter state code.", q.State)
		}
		if cat != nil && cat.states[strings.ToUpper(q.State)] == nil {
			return badRequest("State %q is not a US state with phone numbers.", q.State)
		}
	}
	if q.City != "" {
		if q.State == "" {
			return badRequest("City requires State.")
		}
		if cat != nil && cat.city(q.City, q.State) == nil {
			return badRequest("City %q is not known in State %s.", q.City, strings.ToUpper(q.State))
		}
	}
	if q.TollFreePrefix != "" {
		if !isTollFreePrefix(q.TollFreePrefix) {
			return badRequest("TollFreePrefix %q is not valid: must be one of %s.", q.TollFreePrefix, strings.Join(tollFreePrefixes, ", "))
		}
		if q.AreaCode != "" || q.City != "" || q.State != "" {
			return badRequest("TollFreePrefix cannot be combined with AreaCode, City or State.")
		}
		if q.PhoneNumberType == typeLocal {
			return badRequest("PhoneNumberType Local cannot be combined with TollFreePrefix.")
		}
		return nil
	}
	geo := q.AreaCode != "" || q.City != "" || q.State != ""
	if q.PhoneNumberType == typeTollFree {
		if geo {
			return badRequest("PhoneNumberType TollFree cannot be combined with AreaCode, City or State.")
		}
		return nil
	}
	if !geo {
		return badRequest("AreaCode, City (with State), State or TollFreePrefix is required to search US numbers.")
	}
	return nil
}

// checkOther checks a query outside the US; anyCountry accepts every
// country and type (an imported pool).
func (q Query) checkOther(anyCountry bool) error {
	types := countryTypes(q.Country)
	if anyCountry {
		types = []string{typeLocal, typeTollFree}
	}
	if types == nil {
		return badRequest("Country %q is not supported.", q.Country)
	}
	for _, f := range []struct{ name, value string }{
		{"AreaCode", q.AreaCode}, {"City", q.City}, {"State", q.State}, {"TollFreePrefix", q.TollFreePrefix},
	} {
		if f.value != "" {
			return badRequest("%s is only supported for US phone numbers.", f.name)
		}
	}
	if q.PhoneNumberType == "" {
		return badRequest("PhoneNumberType is required to search phone numbers of country %s.", q.Country)
	}
	for _, t := range types {
		if t == q.PhoneNumberType {
			return nil
		}
	}
	return badRequest("PhoneNumberType %s is not available for country %s.", q.PhoneNumberType, q.Country)
}

func badRequest(format string, args ...any) error {
	return chimevoice.Errorf(chimevoice.CodeBadRequest, format, args...)
}

func isTollFreePrefix(s string) bool {
	for _, p := range tollFreePrefixes {
		if s == p {
			return true
		}
	}
	return false
}

// isDigits reports whether s is exactly n ASCII digits.
func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isLetters reports whether s is exactly n ASCII letters.
func isLetters(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// atoi parses a string of ASCII digits (checked by the caller).
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
