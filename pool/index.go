package pool

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// usIndex is written by internal/gen; its format is described there.
//
//go:embed usindex.txt.gz
var usIndex []byte

// areaCode is one US NPA of the index.
type areaCode struct {
	npa      int
	state    string // "" when the geocoding data names no state
	tollFree bool
	nxx      []uint16 // usable exchanges, ascending
}

// city is one (city, state) of the geocoding data.
type city struct {
	name, state string
	prefixes    []uint32 // NPA*1000+NXX, ascending
}

// catalog is the decoded US index.
type catalog struct {
	areaCodes map[int]*areaCode
	local     []int            // geographic NPAs, ascending
	tollFree  []int            // toll-free NPAs, ascending
	states    map[string][]int // state -> its NPAs, ascending
	cities    map[string]*city // cityKey(name, state) -> city
}

func cityKey(name, state string) string {
	return strings.ToLower(name) + "\x00" + strings.ToUpper(state)
}

// areaCode returns the area code of 3 digits npa, or nil (also on a nil catalog).
func (c *catalog) areaCode(npa string) *areaCode {
	if c == nil {
		return nil
	}
	return c.areaCodes[atoi(npa)]
}

// city returns the city named name (case-insensitively) in state, or nil.
func (c *catalog) city(name, state string) *city {
	return c.cities[cityKey(name, state)]
}

// loadCatalog decodes the embedded US index once. It is a package-level
// lazy value rather than part of Pool because Query.Check, which has no
// Pool, validates area codes, states and cities against it; nothing is
// decoded until the first use.
var loadCatalog = sync.OnceValues(func() (*catalog, error) {
	return decodeCatalog(usIndex)
})

func decodeCatalog(gz []byte) (*catalog, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("pool: US index: %w", err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("pool: US index: %w", err)
	}
	c := &catalog{
		areaCodes: map[int]*areaCode{},
		states:    map[string][]int{},
		cities:    map[string]*city{},
	}
	for n, line := range strings.Split(string(data), "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		if err := c.decodeLine(line); err != nil {
			return nil, fmt.Errorf("pool: US index line %d: %w", n+1, err)
		}
	}
	for _, npas := range c.states {
		slices.Sort(npas)
	}
	slices.Sort(c.local)
	slices.Sort(c.tollFree)
	return c, nil
}

func (c *catalog) decodeLine(line string) error {
	f := strings.Split(line, "\t")
	switch {
	case f[0] == "A" && len(f) == 5:
		npa, err := strconv.Atoi(f[1])
		if err != nil || npa < 200 || npa > 999 || (f[3] != "L" && f[3] != "T") {
			return fmt.Errorf("bad area code record")
		}
		nxx, err := decodeRanges(f[4])
		if err != nil {
			return err
		}
		a := &areaCode{npa: npa, tollFree: f[3] == "T", nxx: make([]uint16, 0, len(nxx))}
		for _, x := range nxx {
			if x < 200 || x > 999 {
				return fmt.Errorf("bad exchange %d", x)
			}
			a.nxx = append(a.nxx, uint16(x))
		}
		if f[2] != "--" {
			a.state = f[2]
		}
		c.areaCodes[npa] = a
		if a.tollFree {
			c.tollFree = append(c.tollFree, npa)
		} else {
			c.local = append(c.local, npa)
			if a.state != "" {
				c.states[a.state] = append(c.states[a.state], npa)
			}
		}
	case f[0] == "C" && len(f) == 4:
		ct := &city{name: f[3], state: f[1]}
		for _, part := range strings.Split(f[2], ";") {
			npaStr, rs, ok := strings.Cut(part, ":")
			npa, err := strconv.Atoi(npaStr)
			if !ok || err != nil || npa < 200 || npa > 999 {
				return fmt.Errorf("bad city prefix %q", part)
			}
			nxx, err := decodeRanges(rs)
			if err != nil {
				return err
			}
			for _, x := range nxx {
				ct.prefixes = append(ct.prefixes, uint32(npa*1000+x))
			}
		}
		slices.Sort(ct.prefixes)
		ct.prefixes = slices.Clone(ct.prefixes) // kept: no spare capacity
		c.cities[cityKey(ct.name, ct.state)] = ct
	default:
		return fmt.Errorf("bad record %q", f[0])
	}
	return nil
}

// decodeRanges parses "a-b,c,...".
func decodeRanges(s string) ([]int, error) {
	var out []int
	for _, r := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(r, "-")
		a, err := strconv.Atoi(lo)
		if err != nil {
			return nil, fmt.Errorf("bad range %q", r)
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil || b < a {
				return nil, fmt.Errorf("bad range %q", r)
			}
		}
		for x := a; x <= b; x++ {
			out = append(out, x)
		}
	}
	return out, nil
}
