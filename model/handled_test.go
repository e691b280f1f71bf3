package model

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/chimevoice/chimevoice/model/internal/spec"
)

var update = flag.Bool("update", false, "record the current models as handled (testdata/handled.txt)")

// handledFile lists every fact of the two models that chimevoice's code
// depends on: operations with their routes, errors and deprecation, and
// shapes with their members, required members, enums and constraints
// (documentation left out). It is the model the code was last brought up
// to date with.
const handledFile = "testdata/handled.txt"

// TestModelHandled lists what the models in spec/ change against the model
// the code handles: after `go run ./model/internal/update <botocore data>`
// it fails with one line per added (+) or removed (-) fact. Regenerate the
// tables (go generate ./model), handle each fact in the code (routes,
// validation, shapes, rules; see docs/controlplane.md), then
// record them with `go test ./model -run TestModelHandled -update`.
func TestModelHandled(t *testing.T) {
	var got []string
	for _, f := range spec.Files {
		lines, err := modelFacts(f.Service, f.Path)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, lines...)
	}
	if *update {
		if err := os.WriteFile(handledFile, []byte(strings.Join(got, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	data, err := os.ReadFile(handledFile)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	added, removed := diffSorted(got, want)
	if len(added)+len(removed) == 0 {
		return
	}
	var b strings.Builder
	for _, l := range removed {
		fmt.Fprintf(&b, "\n- %s", l)
	}
	for _, l := range added {
		fmt.Fprintf(&b, "\n+ %s", l)
	}
	t.Errorf("the models in spec/ differ from the model the code handles in %d facts (- gone, + new):%s\n\n"+
		"Handle each in the code, then record them: go test ./model -run TestModelHandled -update", len(added)+len(removed), b.String())
}

// diffSorted returns the lines of got missing from want and the lines of
// want missing from got; both are sorted.
func diffSorted(got, want []string) (added, removed []string) {
	i, j := 0, 0
	for i < len(got) || j < len(want) {
		switch {
		case j == len(want) || i < len(got) && got[i] < want[j]:
			added = append(added, got[i])
			i++
		case i == len(got) || want[j] < got[i]:
			removed = append(removed, want[j])
			j++
		default:
			i++
			j++
		}
	}
	return added, removed
}

type modelJSON struct {
	Operations map[string]struct {
		HTTP struct {
			Method       string
			RequestURI   string
			ResponseCode int
		}
		Input, Output *struct{ Shape string }
		Errors        []struct{ Shape string }
		Deprecated    bool
	}
	Shapes map[string]struct {
		Type     string
		Required []string
		Members  map[string]struct {
			Shape        string
			Location     string
			LocationName string
		}
		Member, Key, Value *struct{ Shape string }
		Min, Max           *float64
		Pattern            string
		Enum               []string
		Sensitive          bool
		Error              *struct{ HTTPStatusCode int }
	}
}

// modelFacts returns the facts of one service model, sorted.
func modelFacts(svc, path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m modelJSON
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", svc, err)
	}
	var out []string
	add := func(format string, args ...any) { out = append(out, svc+" "+fmt.Sprintf(format, args...)) }
	for name, op := range m.Operations {
		in, outShape := "-", "-"
		if op.Input != nil {
			in = op.Input.Shape
		}
		if op.Output != nil {
			outShape = op.Output.Shape
		}
		add("op %s %s %s %d in=%s out=%s", name, op.HTTP.Method, op.HTTP.RequestURI, op.HTTP.ResponseCode, in, outShape)
		errs := make([]string, len(op.Errors))
		for i, e := range op.Errors {
			errs[i] = e.Shape
		}
		sort.Strings(errs)
		add("op %s errors %s", name, strings.Join(errs, ","))
		if op.Deprecated {
			add("op %s deprecated", name)
		}
	}
	for name, s := range m.Shapes {
		line := "shape " + name + " " + s.Type
		if s.Min != nil {
			line += fmt.Sprintf(" min=%g", *s.Min)
		}
		if s.Max != nil {
			line += fmt.Sprintf(" max=%g", *s.Max)
		}
		if s.Pattern != "" {
			line += " pattern=" + s.Pattern
		}
		if s.Sensitive {
			line += " sensitive"
		}
		if s.Error != nil {
			line += fmt.Sprintf(" error=%d", s.Error.HTTPStatusCode)
		}
		for _, ref := range []struct {
			what string
			r    *struct{ Shape string }
		}{{"member", s.Member}, {"key", s.Key}, {"value", s.Value}} {
			if ref.r != nil {
				line += " " + ref.what + "=" + ref.r.Shape
			}
		}
		add("%s", line)
		for _, e := range s.Enum {
			add("shape %s enum %s", name, e)
		}
		for mn, mem := range s.Members {
			l := fmt.Sprintf("shape %s member %s %s", name, mn, mem.Shape)
			if mem.Location != "" {
				l += " " + mem.Location + ":" + mem.LocationName
			}
			if slices.Contains(s.Required, mn) {
				l += " required"
			}
			add("%s", l)
		}
	}
	sort.Strings(out)
	return out, nil
}
