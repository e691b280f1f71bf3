package pool

import (
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/chimevoice/chimevoice/pool/internal/numplan"
)

// Pool is the synthetic pool. Construct it once with New; it is safe for
// concurrent use. Its scan indexes are built on first use, from the decoded
// US index that it shares with Query.Check.
//
// # Order of candidates
//
// A search resolves to a set of blocks: national number prefixes (NPA-NXX
// for the US) whose last four digits the pool varies. The sequence runs in
// 10,000 rounds; round r yields one number of every block, the line number
// of block b being (offset(b) + 7919·r) mod 10,000, so that over all rounds
// every number of every block appears exactly once (line 0000 is skipped).
// Within a round the blocks come in the order of a key that mixes the last
// three digits of the prefix through a fixed permutation, rotated by an
// amount that depends on r, then the other digits: consecutive candidates
// belong to scattered exchanges and, for a state, to interleaved area codes.
//
// US blocks hold only valid numbers: the generator checked that validity
// depends on the NPA-NXX alone and indexed only valid, realistic exchanges
// (no N11, 555, 950, 958, 959, 976). Blocks of other countries are checked
// number by number against libphonenumber, which costs some microseconds
// per candidate.
//
// The cursor is (r<<32 | key): it names a position in that fixed space, not
// an index into the blocks, so a cursor keeps its meaning when the embedded
// data gains or loses a block.
type Pool struct {
	once  sync.Once
	plans *plans
	err   error
}

// New returns the pool. It is cheap: nothing is decoded until the first Scan.
func New() *Pool { return &Pool{} }

// plan is the sequence of one search.
type plan struct {
	cc     uint64 // country calling code
	ccText string // the same, in decimal
	digits int    // digits of a block's prefix (>= 3)
	scale  uint64 // 10^(digits-3)
	keys   []uint32
	// region is set for countries other than the US: their blocks may
	// contain invalid numbers, so every candidate is checked.
	region   string
	tollFree bool
}

// plans holds the scan indexes of a Pool. The US keys of an area code, a
// state or a city are built by the first search that needs them and kept:
// building all of them at once took 8 MB of allocations and kept 3 MB of
// heap, most of which a server never reads.
type plans struct {
	cat      *catalog
	tollFree []uint32
	country  map[string]*plan // region+"/"+type

	mu    sync.Mutex
	npa   map[int][]uint32    // area code -> keys
	state map[string][]uint32 // state -> keys
	city  map[*city][]uint32
}

const (
	rounds     = 10000
	lineStride = 7919 // coprime with 10,000
	hiStride   = 619  // shifts the order of each group of blocks
)

// lowPerm is a fixed permutation of 0..999 (a Fisher-Yates shuffle driven
// by mix64) and lowInv its inverse. They order the blocks by the last three
// digits of their prefix. Changing them changes every sequence.
var lowPerm, lowInv = func() (p, inv [1000]uint16) {
	for i := range p {
		p[i] = uint16(i)
	}
	for i := len(p) - 1; i > 0; i-- {
		j := mix64(uint64(i)^0xc41ce) % uint64(i+1)
		p[i], p[j] = p[j], p[i]
	}
	for i, v := range p {
		inv[v] = uint16(i)
	}
	return p, inv
}()

func (p *Pool) load() (*plans, error) {
	p.once.Do(func() {
		cat, err := loadCatalog()
		if err != nil {
			p.err = err
			return
		}
		p.plans = buildPlans(cat)
	})
	return p.plans, p.err
}

func buildPlans(cat *catalog) *plans {
	ps := &plans{
		cat:     cat,
		npa:     map[int][]uint32{},
		state:   map[string][]uint32{},
		city:    map[*city][]uint32{},
		country: map[string]*plan{},
	}
	ps.tollFree = usKeys(cat, cat.tollFree)
	for _, cp := range generatedCountryPools {
		digits := len(cp.prefixes[0])
		pl := &plan{
			cc:       uint64(cp.cc),
			ccText:   strconv.Itoa(cp.cc),
			digits:   digits,
			scale:    pow10(digits - 3),
			region:   cp.region,
			tollFree: cp.typ == typeTollFree,
		}
		for _, s := range cp.prefixes {
			v, _ := strconv.ParseUint(s, 10, 64)
			pl.keys = append(pl.keys, uint32(blockKey(v, pl.scale)))
		}
		slices.Sort(pl.keys)
		ps.country[cp.region+"/"+cp.typ] = pl
	}
	return ps
}

// usKeys lists the keys of the usable exchanges of npas (area codes of cat)
// in key order, that is by low digit position m, then NPA (see blockKey).
func usKeys(cat *catalog, npas []int) []uint32 {
	n := 0
	usable := make([][1000]bool, len(npas))
	for i, npa := range npas {
		a := cat.areaCodes[npa]
		n += len(a.nxx)
		for _, x := range a.nxx {
			usable[i][x] = true
		}
	}
	keys := make([]uint32, 0, n)
	for m := range uint64(1000) {
		for i, npa := range npas {
			key := m*1000 + uint64(npa)
			if usable[i][blockPrefix(key, 1000)%1000] {
				keys = append(keys, uint32(key))
			}
		}
	}
	return keys
}

// keysOf returns m[k], built by build and kept on first use (under ps.mu).
func keysOf[K comparable](ps *plans, m map[K][]uint32, k K, build func() []uint32) []uint32 {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	keys, ok := m[k]
	if !ok {
		keys = build()
		m[k] = keys
	}
	return keys
}

// npaKeys returns the keys of area code npa (nil for one not in the index).
func (ps *plans) npaKeys(npa int) []uint32 {
	if ps.cat.areaCodes[npa] == nil {
		return nil
	}
	return keysOf(ps, ps.npa, npa, func() []uint32 { return usKeys(ps.cat, []int{npa}) })
}

// stateKeys returns the keys of the area codes of state (nil for a state
// not in the index).
func (ps *plans) stateKeys(state string) []uint32 {
	npas, ok := ps.cat.states[state]
	if !ok {
		return nil
	}
	return keysOf(ps, ps.state, state, func() []uint32 { return usKeys(ps.cat, npas) })
}

// cityKeys returns the keys of c's exchanges, ascending (nil for nil).
func (ps *plans) cityKeys(c *city) []uint32 {
	if c == nil {
		return nil
	}
	return keysOf(ps, ps.city, c, func() []uint32 {
		keys := make([]uint32, len(c.prefixes))
		for i, v := range c.prefixes {
			keys[i] = uint32(blockKey(uint64(v), 1000))
		}
		slices.Sort(keys)
		return keys
	})
}

func pow10(n int) uint64 {
	x := uint64(1)
	for range n {
		x *= 10
	}
	return x
}

// blockKey is the key of prefix v, split into its last three digits lo and
// the others hi, scale being 10^(digits-3): m*scale + hi, where the low
// digit position m = (lowPerm[lo] + hi*hiStride) mod 1000. Keys are unique
// and below 1000*scale; blocks that share hi (the exchanges of one area
// code) come in lowPerm order, and groups differing in hi (the area codes
// of a state) are interleaved, each at different exchanges.
func blockKey(v, scale uint64) uint64 {
	hi, lo := v/1000, v%1000
	m := (uint64(lowPerm[lo]) + hi*hiStride) % 1000
	return m*scale + hi
}

// blockPrefix inverts blockKey.
func blockPrefix(key, scale uint64) uint64 {
	hi, m := key%scale, key/scale
	return hi*1000 + uint64(lowInv[(m+1000-hi*hiStride%1000)%1000])
}

func usPlan(keys []uint32) *plan {
	return &plan{cc: 1, ccText: "1", digits: 6, scale: 1000, keys: keys}
}

// planFor resolves a checked query.
func (ps *plans) planFor(q Query) *plan {
	if q.Country != "" && q.Country != "US" {
		return ps.country[q.Country+"/"+q.PhoneNumberType]
	}
	switch {
	case q.TollFreePrefix != "":
		return usPlan(ps.npaKeys(atoi(q.TollFreePrefix)))
	case q.PhoneNumberType == typeTollFree:
		return usPlan(ps.tollFree)
	}
	state := strings.ToUpper(q.State)
	switch {
	case q.City != "":
		keys := ps.cityKeys(ps.cat.city(q.City, state))
		if q.AreaCode != "" {
			npa := uint32(atoi(q.AreaCode))
			var sub []uint32
			for _, k := range keys {
				if k%1000 == npa {
					sub = append(sub, k)
				}
			}
			keys = sub
		}
		return usPlan(keys)
	case q.AreaCode != "":
		npa := atoi(q.AreaCode)
		if state != "" && ps.cat.areaCodes[npa].state != state {
			return usPlan(nil)
		}
		return usPlan(ps.npaKeys(npa))
	default:
		return usPlan(ps.stateKeys(state))
	}
}

// Scan calls fn with candidate numbers (E.164, "+" form) matching q, in a
// fixed deterministic order (see Pool), starting at position cursor (0 = the
// beginning). For each candidate it passes the cursor value that resumes
// after that candidate. Scan stops when fn returns false or the sequence
// ends. Every candidate is valid per libphonenumber and matches q. An
// invalid q is reported as Check reports it; a cursor that Scan never
// produced is harmless (it resumes somewhere, or ends the sequence).
func (p *Pool) Scan(q Query, cursor uint64, fn func(e164 string, next uint64) bool) error {
	if err := q.Check(); err != nil {
		return err
	}
	ps, err := p.load()
	if err != nil {
		return err
	}
	if pl := ps.planFor(q); pl != nil {
		pl.scan(cursor, fn)
	}
	return nil
}

func (pl *plan) scan(cursor uint64, fn func(string, uint64) bool) {
	keys := pl.keys
	n := len(keys)
	if n == 0 {
		return
	}
	scale := pl.scale
	full := 1000 * scale // keys are < full
	var buf [24]byte
	r, k := cursor>>32, cursor&0xffffffff
	for ; r < rounds; r, k = r+1, 0 {
		if k >= full {
			continue
		}
		// Round r orders the blocks by (key + rot) mod full: the keys at or
		// above t come first, then the others.
		rot := rotation(r) * scale
		t := full - rot
		s := lowerBound(keys, t)
		var pos int
		if k < rot {
			pos = lowerBound(keys, k+t) - s
		} else {
			pos = n - s + lowerBound(keys, k-rot)
		}
		for ; pos < n; pos++ {
			i := s + pos
			if i >= n {
				i -= n
			}
			key := uint64(keys[i])
			rk := key + rot
			if key >= t {
				rk = key - t
			}
			v := blockPrefix(key, scale)
			line := (pl.lineOffset(v) + r*lineStride) % 10000
			if line == 0 {
				continue
			}
			if pl.region != "" && !pl.valid(v, line) {
				continue
			}
			if !fn(pl.format(buf[:0], v, line), r<<32|(rk+1)) {
				return
			}
		}
	}
}

// format renders +<cc><prefix><line>.
func (pl *plan) format(b []byte, prefix, line uint64) string {
	b = append(b, '+')
	b = append(b, pl.ccText...)
	b = appendDigits(b, prefix, pl.digits)
	b = appendDigits(b, line, 4)
	return string(b)
}

// appendDigits appends v as exactly n decimal digits.
func appendDigits(b []byte, v uint64, n int) []byte {
	start := len(b)
	for range n {
		b = append(b, 0)
	}
	for i := len(b) - 1; i >= start; i-- {
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return b
}

// valid checks a candidate of another country against libphonenumber's
// rules: it must be a valid number of pl.region and of the plan's type, as
// Classify would say (without parsing the string again).
func (pl *plan) valid(prefix, line uint64) bool {
	var buf [24]byte
	nsn := appendDigits(appendDigits(buf[:0], prefix, pl.digits), line, 4) // leading zeros kept (Italy)
	region, typ, _ := numplan.Lookup(int(pl.cc), string(nsn))
	if typ == numplan.Unknown || (typ == numplan.TollFree) != pl.tollFree {
		return false
	}
	return region == pl.region
}

func (pl *plan) lineOffset(prefix uint64) uint64 {
	return mix64(pl.cc<<40^uint64(pl.digits)<<56^prefix) % 10000
}

// rotation is the rotation of the key order in round r, in 0..999.
func rotation(r uint64) uint64 {
	return mix64(r^0x5ca1ab1e) % 1000
}

// mix64 is the splitmix64 finaliser: a fixed bijection that scrambles bits.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// lowerBound returns the index of the first key >= x.
func lowerBound(keys []uint32, x uint64) int {
	lo, hi := 0, len(keys)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if uint64(keys[m]) < x {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}
