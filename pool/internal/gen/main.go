// Command gen precomputes the data of the synthetic number pool from
// libphonenumber's metadata and geocoding data. It is run by `go generate`
// in package pool and writes, into the current directory:
//
//   - usindex.txt.gz: every US area code (region US only: Canada and the
//     Caribbean are excluded) with its state and its usable exchanges, and
//     every (city, state) of the geocoding data with its NPA-NXX prefixes;
//   - countries_gen.go: for the other countries, blocks of national number
//     prefixes that yield valid numbers of each type;
//   - internal/numplan/tables_gen.go: the metadata that validating, typing
//     and placing a number in its region use, so that the program need not
//     link libphonenumber (whose package init decodes all of it).
//
// The output depends only on the libphonenumber version in go.mod: running
// gen twice gives identical files.
//
// Index format (gzip'd UTF-8 text, one record per line, fields separated by
// tabs; lines starting with '#' are comments):
//
//	A <npa> <state or --> <L|T> <nxx ranges>
//	C <state> <npa>:<nxx ranges>[;<npa>:<nxx ranges>...] <city>
//
// where L marks a geographic (local) area code and T a toll-free prefix, and
// nxx ranges is a comma-separated list of "a" or "a-b" (inclusive).
package main

import (
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"go/format"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

func main() {
	out := flag.String("out", ".", "output directory")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("gen: ")

	idx := buildUS()
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := zw.Write(idx); err != nil {
		log.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(*out, "usindex.txt.gz"), buf.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
	src, err := format.Source(buildCountries())
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(*out, "countries_gen.go"), src, 0o644); err != nil {
		log.Fatal(err)
	}
	if src, err = format.Source(buildNumplan()); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(*out, "internal", "numplan", "tables_gen.go"), src, 0o644); err != nil {
		log.Fatal(err)
	}
}

// ---------------------------------------------------------------- US

// stateNames maps the state-level descriptions of the geocoding data to
// USPS codes.
var stateNames = map[string]string{
	"Alabama": "AL", "Alaska": "AK", "Arizona": "AZ", "Arkansas": "AR", "California": "CA",
	"Colorado": "CO", "Connecticut": "CT", "Delaware": "DE", "Florida": "FL", "Georgia": "GA",
	"Hawaii": "HI", "Idaho": "ID", "Illinois": "IL", "Indiana": "IN", "Iowa": "IA",
	"Kansas": "KS", "Kentucky": "KY", "Louisiana": "LA", "Maine": "ME", "Maryland": "MD",
	"Massachusetts": "MA", "Michigan": "MI", "Minnesota": "MN", "Mississippi": "MS", "Missouri": "MO",
	"Montana": "MT", "Nebraska": "NE", "Nevada": "NV", "New Hampshire": "NH", "New Jersey": "NJ",
	"New Mexico": "NM", "New York": "NY", "North Carolina": "NC", "North Dakota": "ND", "Ohio": "OH",
	"Oklahoma": "OK", "Oregon": "OR", "Pennsylvania": "PA", "Rhode Island": "RI", "South Carolina": "SC",
	"South Dakota": "SD", "Tennessee": "TN", "Texas": "TX", "Utah": "UT", "Vermont": "VT",
	"Virginia": "VA", "Washington": "WA", "Washington State": "WA", "West Virginia": "WV",
	"Wisconsin": "WI", "Wyoming": "WY", "Washington D.C.": "DC", "Washington, D.C.": "DC",
	"District of Columbia": "DC",
}

var stateCodes = func() map[string]bool {
	m := map[string]bool{}
	for _, c := range stateNames {
		m[c] = true
	}
	return m
}()

// excludedNXX reports exchanges the pool never hands out although
// libphonenumber accepts them: N11 service codes, 555 (directory assistance
// and fictional numbers) and, for local numbers, 950/958/959/976.
func excludedNXX(nxx int, tollFree bool) bool {
	if nxx%100 == 11 || nxx == 555 {
		return true
	}
	if !tollFree {
		switch nxx {
		case 950, 958, 959, 976:
			return true
		}
	}
	return false
}

func usNumber(npa, nxx, line int) *phonenumbers.PhoneNumber {
	cc := int32(1)
	nn := uint64(npa*10000000 + nxx*10000 + line)
	return &phonenumbers.PhoneNumber{CountryCode: &cc, NationalNumber: &nn}
}

// usKind classifies one NPA-NXX: 'L' local, 'T' toll-free, 0 not usable.
// It checks several line numbers so that the pool may rely on validity
// depending on the NPA-NXX only.
func usKind(npa, nxx int) byte {
	var kind byte
	for i, line := range []int{1234, 1, 9999, 5678} {
		n := usNumber(npa, nxx, line)
		var k byte
		if phonenumbers.IsValidNumber(n) && phonenumbers.GetRegionCodeForNumber(n) == "US" {
			switch phonenumbers.GetNumberType(n) {
			case phonenumbers.FIXED_LINE, phonenumbers.MOBILE, phonenumbers.FIXED_LINE_OR_MOBILE:
				k = 'L'
			case phonenumbers.TOLL_FREE:
				k = 'T'
			}
		}
		if i == 0 {
			kind = k
		} else if k != kind {
			log.Printf("%d-%d: validity depends on the line number; skipped", npa, nxx)
			return 0
		}
	}
	return kind
}

type usNPA struct {
	npa        int
	kind       byte
	nxx        []int
	cityVotes  map[string]int
	stateVotes map[string]int
	state      string
}

type cityKey struct{ state, name string }

func buildUS() []byte {
	var npas []*usNPA
	cities := map[cityKey]map[int][]int{} // city -> npa -> nxx
	unknown := map[string]int{}
	for npa := 200; npa <= 999; npa++ {
		a := &usNPA{npa: npa, cityVotes: map[string]int{}, stateVotes: map[string]int{}}
		for nxx := 200; nxx <= 999; nxx++ {
			k := usKind(npa, nxx)
			if k == 0 {
				continue
			}
			if a.kind != 0 && a.kind != k {
				log.Fatalf("area code %d mixes local and toll-free exchanges", npa)
			}
			a.kind = k
			if excludedNXX(nxx, k == 'T') {
				continue
			}
			a.nxx = append(a.nxx, nxx)
			if k != 'L' {
				continue
			}
			g, err := phonenumbers.GetGeocodingForNumber(usNumber(npa, nxx, 1234), "en")
			if err != nil {
				log.Fatal(err)
			}
			if g2, _ := phonenumbers.GetGeocodingForNumber(usNumber(npa, nxx, 9876), "en"); g2 != g {
				log.Fatalf("%d-%d: geocoding depends on the line number", npa, nxx)
			}
			if i := strings.LastIndex(g, ", "); i > 0 && stateCodes[g[i+2:]] {
				name, st := g[:i], g[i+2:]
				a.cityVotes[st]++
				ck := cityKey{st, name}
				if cities[ck] == nil {
					cities[ck] = map[int][]int{}
				}
				cities[ck][npa] = append(cities[ck][npa], nxx)
			} else if st, ok := stateNames[g]; ok {
				a.stateVotes[st]++
			} else {
				unknown[g]++
			}
		}
		if a.kind == 0 {
			continue
		}
		a.state = majority(a.cityVotes)
		if a.state == "" {
			a.state = majority(a.stateVotes)
		}
		npas = append(npas, a)
	}
	for g, n := range unknown {
		log.Printf("unrecognised US geocoding %q (%d exchanges)", g, n)
	}

	var b strings.Builder
	b.WriteString("# chimevoice synthetic pool: US area codes and cities, derived from libphonenumber\n")
	b.WriteString("# by pool/internal/gen. DO NOT EDIT.\n")
	nLocal, nToll, states := 0, 0, map[string]bool{}
	for _, a := range npas {
		st := a.state
		if st == "" {
			st = "--"
			if a.kind == 'L' {
				log.Printf("area code %d has no state", a.npa)
			}
		} else {
			states[st] = true
		}
		if a.kind == 'L' {
			nLocal++
		} else {
			nToll++
		}
		fmt.Fprintf(&b, "A\t%d\t%s\t%c\t%s\n", a.npa, st, a.kind, ranges(a.nxx))
	}
	keys := make([]cityKey, 0, len(cities))
	for k := range cities {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].state != keys[j].state {
			return keys[i].state < keys[j].state
		}
		return keys[i].name < keys[j].name
	})
	nPrefixes := 0
	for _, k := range keys {
		if !states[k.state] {
			log.Printf("city %s, %s: no area code has state %s", k.name, k.state, k.state)
		}
		m := cities[k]
		ns := make([]int, 0, len(m))
		for npa := range m {
			ns = append(ns, npa)
		}
		slices.Sort(ns)
		parts := make([]string, len(ns))
		for i, npa := range ns {
			parts[i] = strconv.Itoa(npa) + ":" + ranges(m[npa])
			nPrefixes += len(m[npa])
		}
		fmt.Fprintf(&b, "C\t%s\t%s\t%s\n", k.state, strings.Join(parts, ";"), k.name)
	}
	log.Printf("US: %d local area codes, %d toll-free prefixes, %d states, %d cities, %d city prefixes",
		nLocal, nToll, len(states), len(keys), nPrefixes)
	return []byte(b.String())
}

// majority returns the key with the most votes, the smallest on ties.
func majority(votes map[string]int) string {
	best, n := "", 0
	for k, v := range votes {
		if v > n || v == n && k < best {
			best, n = k, v
		}
	}
	return best
}

// ranges renders sorted ints as "a-b,c,...".
func ranges(xs []int) string {
	var parts []string
	for i := 0; i < len(xs); {
		j := i
		for j+1 < len(xs) && xs[j+1] == xs[j]+1 {
			j++
		}
		if j == i {
			parts = append(parts, strconv.Itoa(xs[i]))
		} else {
			parts = append(parts, fmt.Sprintf("%d-%d", xs[i], xs[j]))
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}

// ---------------------------------------------------------------- other countries

// countries are the countries besides the US that SipMediaApplicationDialIn
// may offer; a (country, type) is kept only if valid numbers are found.
var countries = []string{"AT", "AU", "BE", "CA", "CH", "DE", "DK", "ES", "FI", "FR", "GB", "IE", "IT", "JP", "NL", "NO", "NZ", "PT", "SE"}

const (
	suffixDigits = 4    // the pool varies the last 4 digits of a number
	maxBlocks    = 32   // prefixes kept per (country, type)
	samples      = 6000 // random numbers tried per candidate length
	blockChecks  = 24   // random suffixes that must all be valid for a prefix to be kept
)

type kind struct {
	name  string // "Local" or "TollFree"
	typ   phonenumbers.PhoneNumberType
	match func(phonenumbers.PhoneNumberType) bool
}

var kinds = []kind{
	{"Local", phonenumbers.FIXED_LINE, func(t phonenumbers.PhoneNumberType) bool {
		return t == phonenumbers.FIXED_LINE || t == phonenumbers.FIXED_LINE_OR_MOBILE
	}},
	{"TollFree", phonenumbers.TOLL_FREE, func(t phonenumbers.PhoneNumberType) bool {
		return t == phonenumbers.TOLL_FREE
	}},
}

// good reports whether "+cc nsn" is a valid number of region and kind k.
func good(region string, cc int, nsn string, k kind) bool {
	n, err := phonenumbers.Parse("+"+strconv.Itoa(cc)+nsn, "")
	if err != nil || phonenumbers.GetNationalSignificantNumber(n) != nsn {
		return false
	}
	return phonenumbers.IsValidNumber(n) && phonenumbers.GetRegionCodeForNumber(n) == region &&
		k.match(phonenumbers.GetNumberType(n))
}

func metadataFor(region string) *phonenumbers.PhoneMetadata {
	col, err := phonenumbers.MetadataCollection()
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range col.GetMetadata() {
		if m.GetId() == region {
			return m
		}
	}
	log.Fatalf("no metadata for %s", region)
	return nil
}

func descFor(md *phonenumbers.PhoneMetadata, k kind) *phonenumbers.PhoneNumberDesc {
	if k.typ == phonenumbers.TOLL_FREE {
		return md.GetTollFree()
	}
	return md.GetFixedLine()
}

func digits(rng *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + rng.IntN(10))
	}
	return string(b)
}

// blocks finds up to maxBlocks prefixes of length-suffixDigits digits whose
// numbers are valid numbers of kind k, for national numbers of the given
// length. The example number's prefix comes first when it qualifies.
func blocks(region string, cc int, k kind, example string, length int) []string {
	rng := rand.New(rand.NewPCG(uint64(cc)<<8|uint64(length), uint64(k.typ)+1))
	p := length - suffixDigits
	found := map[string]bool{}
	var order []string
	try := func(prefix string) {
		if found[prefix] {
			return
		}
		found[prefix] = true
		for range blockChecks {
			if !good(region, cc, prefix+digits(rng, suffixDigits), k) {
				return
			}
		}
		order = append(order, prefix)
	}
	if len(example) == length {
		try(example[:p])
	}
	// Half of the samples keep the example's leading digits (its first digit
	// for local numbers, its first three for toll-free ones, where valid
	// numbers are rare among random digits).
	lead := 1
	if k.typ == phonenumbers.TOLL_FREE {
		lead = 3
	}
	for i := 0; i < samples && len(order) < maxBlocks; i++ {
		var nsn string
		if i%2 == 0 && len(example) >= lead {
			nsn = example[:lead] + digits(rng, length-lead)
		} else {
			nsn = digits(rng, length)
		}
		if good(region, cc, nsn, k) {
			try(nsn[:p])
		}
	}
	return order
}

type countryPool struct {
	region, typ string
	cc          int
	prefixes    []string
}

func buildCountries() []byte {
	var pools []countryPool
	for _, region := range countries {
		md := metadataFor(region)
		cc := int(md.GetCountryCode())
		for _, k := range kinds {
			var example string
			if ex := phonenumbers.GetExampleNumberForType(region, k.typ); ex != nil {
				example = phonenumbers.GetNationalSignificantNumber(ex)
			}
			lengths := []int{}
			if l := len(example); l >= 7 && l <= 11 {
				lengths = append(lengths, l)
			}
			for _, l := range descFor(md, k).GetPossibleLength() {
				if l >= 7 && l <= 11 && !slices.Contains(lengths, int(l)) {
					lengths = append(lengths, int(l))
				}
			}
			var best []string
			for _, l := range lengths {
				b := blocks(region, cc, k, example, l)
				if len(b) > len(best) {
					best = b
				}
				if len(best) >= 8 {
					break
				}
			}
			if len(best) == 0 {
				log.Printf("%s %s: no valid numbers; not offered", region, k.name)
				continue
			}
			slices.Sort(best)
			pools = append(pools, countryPool{region: region, typ: k.name, cc: cc, prefixes: best})
			log.Printf("%s %s: %d blocks of %d-digit national numbers", region, k.name, len(best), len(best[0])+suffixDigits)
		}
	}

	var b bytes.Buffer
	b.WriteString("// Code generated by pool/internal/gen from libphonenumber metadata; DO NOT EDIT.\n\n")
	b.WriteString("package pool\n\n")
	b.WriteString("// generatedCountryPools lists, for each country other than the US and each type\n")
	b.WriteString("// the synthetic pool offers there, the national number prefixes it varies the\n")
	b.WriteString("// last 4 digits of.\n")
	b.WriteString("var generatedCountryPools = []countryPool{\n")
	for _, p := range pools {
		fmt.Fprintf(&b, "{region: %q, typ: %q, cc: %d, prefixes: []string{", p.region, p.typ, p.cc)
		for i, s := range p.prefixes {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%q", s)
		}
		b.WriteString("}},\n")
	}
	b.WriteString("}\n")
	return b.Bytes()
}
