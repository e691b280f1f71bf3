// Package model loads the AWS service models (botocore JSON under spec/,
// turned into Go tables by `go generate`) of chime-sdk-voice and the legacy
// chime API, merges them into one API, and uses it for routing
// and for validating requests against the models' constraints. Both services
// share one endpoint: where an operation exists in both, its shapes are the
// union of the two (enums united, length and value bounds widened, members
// merged, required members only where both require them).
package model

import (
	"fmt"
	"sort"
	"strings"

	"github.com/chimevoice/chimevoice/model/internal/spec"
)

//go:generate go run ./internal/gen

// Service names of the two models.
const (
	ServiceVoice  = "chime-sdk-voice"
	ServiceLegacy = "chime"
)

// Shape is a model shape after merging.
type Shape struct {
	Name      string
	Type      string // structure, list, map, string, integer, long, boolean, float, double, timestamp, blob
	Members   map[string]*Member
	Order     []string // member names in model order
	Required  map[string]bool
	Elem      *Shape // list member
	Key       *Shape // map key
	Value     *Shape // map value
	Min, Max  *int64
	Pattern   *Pattern // nil when the value is not constrained by one
	Enum      []string
	Sensitive bool
}

// Member is a structure member.
type Member struct {
	Name         string
	Shape        *Shape
	Location     string // "", "uri", "querystring", "header"
	LocationName string
}

// Operation is one API operation with its route.
type Operation struct {
	Name         string
	Services     []string // the models that define it
	Method       string
	Path         []string          // segments; "{name}" for a parameter
	Query        map[string]string // literal query pairs of the route (operation=batch-delete)
	ResponseCode int
	Input        *Shape // nil when the operation takes no input
	Output       *Shape
}

// API is the merged model of both services.
type API struct {
	ops    map[string]*Operation
	routes []*Operation
}

// Operation returns the operation called name, or nil.
func (a *API) Operation(name string) *Operation { return a.ops[name] }

// Operations returns every operation, sorted by name.
func (a *API) Operations() []*Operation {
	out := make([]*Operation, 0, len(a.ops))
	for _, op := range a.ops {
		out = append(out, op)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// HasService reports whether the operation is defined by the model svc.
func (op *Operation) HasService(svc string) bool {
	for _, s := range op.Services {
		if s == svc {
			return true
		}
	}
	return false
}

// Load builds the merged API from the service models, which `go generate`
// turned into Go tables (models_gen.go): nothing is decoded at start.
func Load() (*API, error) {
	api := &API{ops: map[string]*Operation{}}
	for _, m := range generatedModels {
		svc := m.Service
		b := &builder{raw: &m, built: map[string]*Shape{}}
		for _, ro := range m.Operations {
			name := ro.Name
			op, err := b.operation(name, ro.Method, ro.RequestURI, ro.ResponseCode, ro.Input, ro.Output)
			if err != nil {
				return nil, fmt.Errorf("model %s: operation %s: %w", svc, name, err)
			}
			op.Services = []string{svc}
			if prev, ok := api.ops[name]; ok {
				if prev.Method != op.Method || strings.Join(prev.Path, "/") != strings.Join(op.Path, "/") {
					return nil, fmt.Errorf("operation %s has different routes in the two models", name)
				}
				prev.Services = append(prev.Services, svc)
				prev.Input = mergeShape(prev.Input, op.Input)
				prev.Output = mergeShape(prev.Output, op.Output)
				continue
			}
			api.ops[name] = op
		}
	}
	for _, op := range api.ops {
		api.routes = append(api.routes, op)
	}
	// Most specific first: more literal query pairs, then more literal
	// segments, so /phone-numbers/{id}?operation=restore wins over
	// /phone-numbers/{id} when the query names it.
	sort.Slice(api.routes, func(i, j int) bool {
		a, b := api.routes[i], api.routes[j]
		if len(a.Query) != len(b.Query) {
			return len(a.Query) > len(b.Query)
		}
		if la, lb := literalCount(a.Path), literalCount(b.Path); la != lb {
			return la > lb
		}
		return a.Name < b.Name
	})
	return api, nil
}

func literalCount(path []string) int {
	n := 0
	for _, s := range path {
		if !isParam(s) {
			n++
		}
	}
	return n
}

func isParam(seg string) bool { return strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") }

type builder struct {
	raw   *spec.Model
	built map[string]*Shape
}

func (b *builder) operation(name, method, uri string, code int, in, out string) (*Operation, error) {
	op := &Operation{Name: name, Method: method, ResponseCode: code, Query: map[string]string{}}
	if op.ResponseCode == 0 {
		op.ResponseCode = 200
	}
	path, query, _ := strings.Cut(uri, "?")
	op.Path = splitPath(path)
	if query != "" {
		for _, kv := range strings.Split(query, "&") {
			k, v, _ := strings.Cut(kv, "=")
			op.Query[k] = v
		}
	}
	var err error
	if in != "" {
		if op.Input, err = b.shape(in); err != nil {
			return nil, err
		}
	}
	if out != "" {
		if op.Output, err = b.shape(out); err != nil {
			return nil, err
		}
	}
	return op, nil
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

func (b *builder) shape(name string) (*Shape, error) {
	if s, ok := b.built[name]; ok {
		return s, nil
	}
	rs := b.raw.Shape(name)
	if rs == nil {
		return nil, fmt.Errorf("unknown shape %s", name)
	}
	s := &Shape{Name: name, Type: rs.Type, Enum: rs.Enum, Sensitive: rs.Sensitive}
	b.built[name] = s // before recursing: shapes may be recursive
	if rs.HasMin {
		v := int64(rs.Min)
		s.Min = &v
	}
	if rs.HasMax {
		v := int64(rs.Max)
		s.Max = &v
	}
	if rs.Pattern != "" {
		// Compiled on first use (see Pattern): most requests check a few of
		// the models' patterns, and compiling them all cost a fifth of Load.
		s.Pattern = newPattern(rs.Pattern)
	}
	switch rs.Type {
	case "structure":
		s.Members = map[string]*Member{}
		s.Required = map[string]bool{}
		for _, r := range rs.Required {
			s.Required[r] = true
		}
		for _, rm := range rs.Members { // sorted by name
			m := rm.Name
			ms, err := b.shape(rm.Shape)
			if err != nil {
				return nil, err
			}
			s.Members[m] = &Member{Name: m, Shape: ms, Location: rm.Location, LocationName: rm.LocationName}
			s.Order = append(s.Order, m)
		}
	case "list":
		elem, err := b.shape(rs.Member)
		if err != nil {
			return nil, err
		}
		s.Elem = elem
	case "map":
		k, err := b.shape(rs.Key)
		if err != nil {
			return nil, err
		}
		v, err := b.shape(rs.Value)
		if err != nil {
			return nil, err
		}
		s.Key, s.Value = k, v
	}
	return s, nil
}

// mergeShape returns the union of two shapes of the same operation in the
// two models. It never mutates its arguments.
func mergeShape(a, b *Shape) *Shape {
	return merger{seen: map[[2]*Shape]*Shape{}}.merge(a, b)
}

type merger struct{ seen map[[2]*Shape]*Shape }

func (m merger) merge(a, b *Shape) *Shape {
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	if s, ok := m.seen[[2]*Shape{a, b}]; ok {
		return s
	}
	s := &Shape{Name: a.Name, Type: a.Type, Sensitive: a.Sensitive || b.Sensitive}
	m.seen[[2]*Shape{a, b}] = s
	if a.Type != b.Type {
		// Not expected in these models; keep the newer model's shape.
		*s = *a
		return s
	}
	s.Min = minPtr(a.Min, b.Min)
	s.Max = maxPtr(a.Max, b.Max)
	switch {
	case a.Pattern == nil || b.Pattern == nil:
		// One model does not constrain the value: neither may.
	case a.Pattern.String() == b.Pattern.String():
		s.Pattern = a.Pattern
	default:
		s.Pattern = newPattern("(?:" + a.Pattern.String() + ")|(?:" + b.Pattern.String() + ")")
	}
	if len(a.Enum) > 0 && len(b.Enum) > 0 {
		s.Enum = unionStrings(a.Enum, b.Enum)
	}
	switch a.Type {
	case "structure":
		s.Members = map[string]*Member{}
		s.Required = map[string]bool{}
		for r := range a.Required {
			if b.Required[r] {
				s.Required[r] = true
			}
		}
		for _, name := range unionStrings(a.Order, b.Order) {
			am, bm := a.Members[name], b.Members[name]
			switch {
			case am == nil:
				s.Members[name] = bm
			case bm == nil:
				s.Members[name] = am
			default:
				s.Members[name] = &Member{Name: name, Shape: m.merge(am.Shape, bm.Shape), Location: am.Location, LocationName: am.LocationName}
			}
			s.Order = append(s.Order, name)
		}
	case "list":
		s.Elem = m.merge(a.Elem, b.Elem)
	case "map":
		s.Key = m.merge(a.Key, b.Key)
		s.Value = m.merge(a.Value, b.Value)
	}
	return s
}

func unionStrings(a, b []string) []string {
	out := append([]string(nil), a...)
	have := map[string]bool{}
	for _, s := range a {
		have[s] = true
	}
	for _, s := range b {
		if !have[s] {
			out = append(out, s)
			have[s] = true
		}
	}
	return out
}

func minPtr(a, b *int64) *int64 {
	if a == nil || b == nil {
		return nil
	}
	if *a < *b {
		return a
	}
	return b
}

func maxPtr(a, b *int64) *int64 {
	if a == nil || b == nil {
		return nil
	}
	if *a > *b {
		return a
	}
	return b
}
