package model

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/chimevoice/chimevoice"
)

// Limits on a request body that are checked before it is decoded, so that
// a small body cannot make the decoder allocate for thousands of values: a
// million-byte body of "{}," items would otherwise cost about 35 MB of
// maps before any list length is checked.
const (
	// MaxDepth is the deepest nesting of objects and lists accepted. The
	// deepest input of the models nests four levels (a test keeps it below).
	MaxDepth = 20
	// MaxValues is the most JSON values (objects, lists, strings, numbers,
	// literals) one body may hold: a full batch of 1,000 update items with
	// every member set is under 6,000.
	MaxValues = 20000
)

// checkBounds scans body once, following the input shape s, and refuses a
// list longer than its model maximum (or, when the model gives none, the
// service's batch maximum), nesting deeper than MaxDepth, and more than
// MaxValues values, as soon as the scan reaches them. It does not allocate
// unless it refuses. Malformed JSON is left to the decoder to report.
func checkBounds(body []byte, s *Shape) error {
	sc := boundsScan{b: body}
	sc.value(s, 0, true)
	return sc.err
}

type frame struct {
	name  string // member name or map key; "" for a list item
	index int
}

type boundsScan struct {
	b      []byte
	i      int
	values int
	err    error
	stack  [MaxDepth + 1]frame
}

func (sc *boundsScan) ws() {
	for sc.i < len(sc.b) {
		switch sc.b[sc.i] {
		case ' ', '\t', '\n', '\r':
			sc.i++
		default:
			return
		}
	}
}

// path spells out where the scan is, as validate names members.
func (sc *boundsScan) path(depth int) string {
	var b strings.Builder
	for _, f := range sc.stack[:depth] {
		switch {
		case f.name == "":
			b.WriteString("[" + strconv.Itoa(f.index) + "]")
		case b.Len() > 0:
			b.WriteString("." + f.name)
		default:
			b.WriteString(f.name)
		}
	}
	if b.Len() == 0 {
		return "The request body"
	}
	return b.String()
}

// value scans one value of shape s (nil when the model does not describe
// it) at depth; top marks the body itself, whose members may live outside
// it. It reports false when the scan must stop.
func (sc *boundsScan) value(s *Shape, depth int, top bool) bool {
	sc.ws()
	if sc.i >= len(sc.b) {
		return false
	}
	sc.values++
	if sc.values > MaxValues {
		sc.err = badRequest("The request body holds more than %d JSON values.", MaxValues)
		return false
	}
	switch sc.b[sc.i] {
	case '{':
		if depth >= MaxDepth {
			sc.err = badRequest("%s: the request body nests deeper than %d levels.", sc.path(depth), MaxDepth)
			return false
		}
		return sc.object(s, depth, top)
	case '[':
		if depth >= MaxDepth {
			sc.err = badRequest("%s: the request body nests deeper than %d levels.", sc.path(depth), MaxDepth)
			return false
		}
		return sc.list(s, depth)
	case '"':
		_, ok := sc.str()
		return ok
	default:
		for sc.i < len(sc.b) {
			switch sc.b[sc.i] {
			case ',', ']', '}', ' ', '\t', '\n', '\r':
				return true
			}
			sc.i++
		}
		return true
	}
}

// str scans a string and returns its raw contents (escapes not decoded).
func (sc *boundsScan) str() ([]byte, bool) {
	start := sc.i + 1
	for j := start; j < len(sc.b); j++ {
		switch sc.b[j] {
		case '\\':
			j++
		case '"':
			sc.i = j + 1
			return sc.b[start:j], true
		}
	}
	return nil, false
}

func (sc *boundsScan) object(s *Shape, depth int, top bool) bool {
	sc.i++ // {
	sc.ws()
	if sc.i < len(sc.b) && sc.b[sc.i] == '}' {
		sc.i++
		return true
	}
	for {
		sc.ws()
		if sc.i >= len(sc.b) || sc.b[sc.i] != '"' {
			return false
		}
		raw, ok := sc.str()
		if !ok {
			return false
		}
		var key string
		var sub *Shape
		if s != nil {
			switch s.Type {
			case "structure":
				var m *Member
				if bytes.IndexByte(raw, '\\') < 0 {
					m = s.Members[string(raw)]
				} else if json.Unmarshal(sc.b[sc.i-len(raw)-2:sc.i], &key) == nil {
					m = s.Members[key]
				}
				if m != nil && (!top || m.Location == "") {
					sub, key = m.Shape, m.Name
				}
			case "map":
				sub, key = s.Value, string(raw)
			}
		}
		sc.ws()
		if sc.i >= len(sc.b) || sc.b[sc.i] != ':' {
			return false
		}
		sc.i++
		if key == "" {
			key = "?"
		}
		sc.stack[depth] = frame{name: key}
		if !sc.value(sub, depth+1, false) {
			return false
		}
		if more, ok := sc.next('}'); !more {
			return ok
		}
	}
}

// next consumes what follows a member or item: ',' (more to come) or the
// closing byte (done, ok); anything else stops the scan.
func (sc *boundsScan) next(closing byte) (more, ok bool) {
	sc.ws()
	if sc.i >= len(sc.b) {
		return false, false
	}
	switch sc.b[sc.i] {
	case ',':
		sc.i++
		return true, true
	case closing:
		sc.i++
		return false, true
	}
	return false, false
}

func (sc *boundsScan) list(s *Shape, depth int) bool {
	sc.i++ // [
	limit, elem := int64(chimevoice.MaxBatch), (*Shape)(nil)
	if s != nil && s.Type == "list" {
		elem = s.Elem
		if s.Max != nil {
			limit = *s.Max
		}
	}
	sc.ws()
	if sc.i < len(sc.b) && sc.b[sc.i] == ']' {
		sc.i++
		return true
	}
	for n := int64(0); ; n++ {
		if n >= limit {
			sc.err = badRequest("%s: the list must contain at most %d item(s).", sc.path(depth), limit)
			return false
		}
		sc.stack[depth] = frame{index: int(n)}
		if !sc.value(elem, depth+1, false) {
			return false
		}
		if more, ok := sc.next(']'); !more {
			return ok
		}
	}
}
