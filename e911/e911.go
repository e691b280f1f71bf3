// Package e911 validates emergency (E911) addresses deterministically, from
// data embedded in the binary: US states, the states of ZIP code prefixes,
// the cities of some ZIP codes, and USPS street suffixes and directionals.
// See docs/controlplane.md for the rules and the result each one produces.
package e911

import (
	"context"
	"crypto/sha256"
	"fmt"
	"strings"

	"github.com/chimevoice/chimevoice"
)

// Validator implements chimevoice.E911Service. The zero value is ready.
type Validator struct{}

// ValidateE911Address implements chimevoice.E911Service.
func (Validator) ValidateE911Address(ctx context.Context, c chimevoice.Caller, a chimevoice.E911Address) (*chimevoice.E911Result, error) {
	if err := a.Validate(c); err != nil {
		return nil, err
	}
	return Validate(a), nil
}

func upper(s string) string { return strings.Join(strings.Fields(strings.ToUpper(s)), " ") }

// Validate checks an address. It is valid (0) when it is already in USPS
// form, corrected (1) when it is valid once put in USPS form (uppercase,
// standard suffix and directional abbreviations, state code, country US),
// and invalid (2) otherwise, with candidates where the ZIP code tells what
// was meant (its state, or its city).
func Validate(a chimevoice.E911Address) *chimevoice.E911Result {
	invalid := &chimevoice.E911Result{Result: chimevoice.E911Invalid, Candidates: []chimevoice.CandidateAddress{}}
	country := upper(a.Country)
	switch country {
	case "US", "USA", "UNITED STATES", "UNITED STATES OF AMERICA":
		country = "US"
	default:
		return invalid // E911 addresses are US addresses
	}
	zip, plus4, ok := parseZIP(a.PostalCode)
	if !ok {
		return invalid
	}
	number := upper(a.StreetNumber)
	if !validStreetNumber(number) {
		return invalid
	}
	pre, name, suffix, post := parseStreet(a.StreetInfo)
	if name == "" {
		return invalid
	}
	zipState := stateOfZIP(zip)
	if zipState == "" {
		return invalid // not a ZIP code of any state
	}
	state := stateCode(a.State)
	city := upper(a.City)
	zipCity := zip5[zip]
	if state != zipState || (zipCity != "" && city != zipCity) {
		cand := chimevoice.CandidateAddress{StreetInfo: streetInfo(pre, name, suffix, post), StreetNumber: number,
			City: city, State: zipState, PostalCode: zip, PostalCodePlus4: plus4, Country: country}
		if zipCity != "" {
			cand.City = zipCity
		}
		invalid.Candidates = append(invalid.Candidates, cand)
		return invalid
	}
	addr := &chimevoice.ValidatedAddress{StreetName: name, StreetSuffix: suffix, PreDirectional: pre, PostDirectional: post,
		StreetNumber: number, City: city, State: state, PostalCode: zip, PostalCodePlus4: plus4, Country: country}
	result := chimevoice.E911Corrected
	if a.StreetNumber == number && a.StreetInfo == streetInfo(pre, name, suffix, post) && a.City == city &&
		a.State == state && a.Country == country && a.PostalCode == postal(zip, plus4) {
		result = chimevoice.E911Valid
	}
	return &chimevoice.E911Result{Result: result, Address: addr, AddressExternalID: externalID(addr), Candidates: []chimevoice.CandidateAddress{}}
}

// parseZIP accepts 12345, 12345-6789 and 123456789.
func parseZIP(s string) (zip, plus4 string, ok bool) {
	s = strings.TrimSpace(s)
	digits := strings.Replace(s, "-", "", 1)
	if len(digits) != 5 && len(digits) != 9 || (strings.Contains(s, "-") && len(s) != 10) {
		return "", "", false
	}
	for _, r := range digits {
		if r < '0' || r > '9' {
			return "", "", false
		}
	}
	return digits[:5], digits[5:], true
}

func postal(zip, plus4 string) string {
	if plus4 == "" {
		return zip
	}
	return zip + "-" + plus4
}

// validStreetNumber: digits, optionally followed by one letter or " 1/2".
func validStreetNumber(s string) bool {
	s = strings.TrimSuffix(s, " 1/2")
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i > 0 && (i == len(s) || i == len(s)-1 && s[i] >= 'A' && s[i] <= 'Z')
}

// parseStreet splits street information into its USPS parts.
func parseStreet(s string) (pre, name, suffix, post string) {
	words := strings.Fields(strings.ToUpper(strings.ReplaceAll(s, ".", "")))
	if len(words) > 1 {
		if d, ok := directions[words[0]]; ok {
			pre, words = d, words[1:]
		}
	}
	if len(words) > 1 {
		if d, ok := directions[words[len(words)-1]]; ok {
			post, words = d, words[:len(words)-1]
		}
	}
	if len(words) > 1 {
		if sf, ok := suffixes[words[len(words)-1]]; ok {
			suffix, words = sf, words[:len(words)-1]
		}
	}
	return pre, strings.Join(words, " "), suffix, post
}

func streetInfo(pre, name, suffix, post string) string {
	var parts []string
	for _, p := range []string{pre, name, suffix, post} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " ")
}

// stateCode returns the USPS code of a state given by code or name ("" if unknown).
func stateCode(s string) string {
	u := upper(s)
	if _, ok := states[u]; ok {
		return u
	}
	for code, name := range states {
		if name == u {
			return code
		}
	}
	return ""
}

func stateOfZIP(zip string) string {
	p := int(zip[0]-'0')*100 + int(zip[1]-'0')*10 + int(zip[2]-'0')
	for _, r := range zip3Ranges {
		if p >= r.from && p <= r.to {
			return r.state
		}
	}
	return ""
}

// externalID names a validated address: the same address always gets the same ID.
func externalID(a *chimevoice.ValidatedAddress) string {
	sum := sha256.Sum256([]byte(strings.Join([]string{a.StreetNumber, a.PreDirectional, a.StreetName, a.StreetSuffix, a.PostDirectional, a.City, a.State, a.PostalCode, a.Country}, "|")))
	return fmt.Sprintf("%x-%x-%x-%x-%x", sum[0:4], sum[4:6], sum[6:8], sum[8:10], sum[10:16])
}
