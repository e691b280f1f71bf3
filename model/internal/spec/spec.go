// Package spec is the part of a botocore service model (JSON) that package
// model uses, as plain Go values: sorted slices of strings and numbers, so
// that a generated Go literal of it is static data the program does not
// decode or build at start. Parse reads the JSON; the generator in
// model/internal/gen writes the literals.
package spec

import (
	"encoding/json"
	"fmt"
	"sort"
)

// Model is one service model.
type Model struct {
	Service    string
	Operations []Operation // sorted by Name
	Shapes     []Shape     // sorted by Name
}

// Operation is an operation's name, HTTP binding and shapes.
type Operation struct {
	Name         string
	Method       string
	RequestURI   string
	ResponseCode int
	Input        string // shape name, "" when none
	Output       string // shape name, "" when none
}

// Shape is a shape's constraints and references.
type Shape struct {
	Name      string
	Type      string
	Required  []string
	HasMin    bool
	Min       float64
	HasMax    bool
	Max       float64
	Pattern   string
	Enum      []string
	Sensitive bool
	Members   []Member // sorted by Name
	Member    string   // list element shape, "" when none
	Key       string   // map key shape
	Value     string   // map value shape
}

// Member is a structure member.
type Member struct {
	Name         string
	Shape        string
	Location     string
	LocationName string
}

type ref struct {
	Shape string `json:"shape"`
}

func (r *ref) name() string {
	if r == nil {
		return ""
	}
	return r.Shape
}

// Parse reads a botocore service model.
func Parse(service string, data []byte) (Model, error) {
	var raw struct {
		Operations map[string]struct {
			HTTP struct {
				Method       string `json:"method"`
				RequestURI   string `json:"requestUri"`
				ResponseCode int    `json:"responseCode"`
			} `json:"http"`
			Input  *ref `json:"input"`
			Output *ref `json:"output"`
		} `json:"operations"`
		Shapes map[string]struct {
			Type      string   `json:"type"`
			Required  []string `json:"required"`
			Min       *float64 `json:"min"`
			Max       *float64 `json:"max"`
			Pattern   string   `json:"pattern"`
			Enum      []string `json:"enum"`
			Sensitive bool     `json:"sensitive"`
			Members   map[string]struct {
				Shape        string `json:"shape"`
				Location     string `json:"location"`
				LocationName string `json:"locationName"`
			} `json:"members"`
			Member *ref `json:"member"`
			Key    *ref `json:"key"`
			Value  *ref `json:"value"`
		} `json:"shapes"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return Model{}, fmt.Errorf("parse model %s: %w", service, err)
	}
	m := Model{Service: service}
	for name, o := range raw.Operations {
		m.Operations = append(m.Operations, Operation{
			Name: name, Method: o.HTTP.Method, RequestURI: o.HTTP.RequestURI, ResponseCode: o.HTTP.ResponseCode,
			Input: o.Input.name(), Output: o.Output.name(),
		})
	}
	sort.Slice(m.Operations, func(i, j int) bool { return m.Operations[i].Name < m.Operations[j].Name })
	for name, s := range raw.Shapes {
		sh := Shape{
			Name: name, Type: s.Type, Required: s.Required, Pattern: s.Pattern, Enum: s.Enum, Sensitive: s.Sensitive,
			Member: s.Member.name(), Key: s.Key.name(), Value: s.Value.name(),
		}
		if s.Min != nil {
			sh.HasMin, sh.Min = true, *s.Min
		}
		if s.Max != nil {
			sh.HasMax, sh.Max = true, *s.Max
		}
		for mn, mem := range s.Members {
			sh.Members = append(sh.Members, Member{Name: mn, Shape: mem.Shape, Location: mem.Location, LocationName: mem.LocationName})
		}
		sort.Slice(sh.Members, func(i, j int) bool { return sh.Members[i].Name < sh.Members[j].Name })
		m.Shapes = append(m.Shapes, sh)
	}
	sort.Slice(m.Shapes, func(i, j int) bool { return m.Shapes[i].Name < m.Shapes[j].Name })
	return m, nil
}

// Shape returns the shape called name, or nil.
func (m *Model) Shape(name string) *Shape {
	i := sort.Search(len(m.Shapes), func(i int) bool { return m.Shapes[i].Name >= name })
	if i < len(m.Shapes) && m.Shapes[i].Name == name {
		return &m.Shapes[i]
	}
	return nil
}

// Files are the service models package model merges, in merge order, as
// paths relative to the model package's directory.
var Files = []struct{ Service, Path string }{
	{"chime-sdk-voice", "spec/chime-sdk-voice-2022-08-03.service.json"},
	{"chime", "spec/chime-2018-05-01.service.json"},
}
