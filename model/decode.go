package model

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/chimevoice/chimevoice"
)

// Input is a validated request: member name to value. Values are string,
// int64, float64, bool, time.Time, []any and map[string]any (nested
// structures and maps).
type Input map[string]any

func badRequest(format string, args ...any) error {
	return chimevoice.Errorf(chimevoice.CodeBadRequest, format, args...)
}

// Decode gathers the operation's input from the path parameters, the query
// string and the JSON body, and validates it against the model: types,
// required members, min/max, patterns and enums. Members the model does not
// know are ignored, as AWS does. Every failure is a BadRequest *Error naming
// the member.
func (op *Operation) Decode(params map[string]string, query url.Values, body []byte) (Input, error) {
	in := Input{}
	s := op.Input
	if s == nil {
		return in, nil
	}
	if len(bytes.TrimSpace(body)) > 0 && hasBodyMembers(s) {
		if err := checkBounds(body, s); err != nil {
			return nil, err
		}
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, badRequest("The request body is not valid JSON: %v.", err)
		}
		if dec.More() {
			return nil, badRequest("The request body has data after the JSON object.")
		}
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, badRequest("The request body must be a JSON object, not %s.", jsonKind(v))
		}
		for name, raw := range obj {
			m := s.Members[name]
			if m == nil || m.Location != "" || raw == nil {
				continue
			}
			val, err := validate(raw, m.Shape, name)
			if err != nil {
				return nil, err
			}
			in[name] = val
		}
	}
	for _, name := range s.Order {
		m := s.Members[name]
		switch m.Location {
		case "uri":
			if raw, ok := params[m.LocationName]; ok {
				val, err := fromText(raw, m.Shape, name)
				if err != nil {
					return nil, err
				}
				in[name] = val
			}
		case "querystring":
			vals, ok := query[m.LocationName]
			if !ok {
				continue
			}
			var val any
			var err error
			if m.Shape.Type == "list" {
				items := make([]any, len(vals))
				for i, v := range vals {
					items[i] = v
				}
				val, err = validate(items, m.Shape, name)
			} else {
				val, err = fromText(vals[0], m.Shape, name+" (query parameter "+m.LocationName+")")
			}
			if err != nil {
				return nil, err
			}
			in[name] = val
		}
	}
	for _, name := range s.Order {
		if s.Required[name] {
			if _, ok := in[name]; !ok {
				return nil, badRequest("The required member %s is missing.", name)
			}
		}
	}
	return in, nil
}

func hasBodyMembers(s *Shape) bool {
	for _, m := range s.Members {
		if m.Location == "" {
			return true
		}
	}
	return false
}

// fromText converts a path or query string value to the member's type and
// validates it.
func fromText(raw string, s *Shape, path string) (any, error) {
	switch s.Type {
	case "integer", "long":
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return nil, badRequest("%s: %q is not an integer.", path, chimevoice.Clip(raw))
		}
		return validate(json.Number(strconv.FormatInt(n, 10)), s, path)
	case "float", "double":
		if _, err := strconv.ParseFloat(raw, 64); err != nil {
			return nil, badRequest("%s: %q is not a number.", path, chimevoice.Clip(raw))
		}
		return validate(json.Number(raw), s, path)
	case "boolean":
		b, err := strconv.ParseBool(raw)
		if err != nil || (raw != "true" && raw != "false") {
			return nil, badRequest("%s: %q is not a boolean (true or false).", path, chimevoice.Clip(raw))
		}
		return b, nil
	default:
		return validate(raw, s, path)
	}
}

// validate checks a decoded JSON value against a shape and returns it in
// normalized form.
func validate(v any, s *Shape, path string) (any, error) {
	switch s.Type {
	case "string":
		str, ok := v.(string)
		if !ok {
			return nil, badRequest("%s: expected a string, got %s.", path, jsonKind(v))
		}
		if !utf8.ValidString(str) {
			return nil, badRequest("%s: the value is not valid UTF-8.", path)
		}
		n := int64(utf8.RuneCountInString(str))
		if s.Min != nil && n < *s.Min {
			return nil, badRequest("%s: the value must be at least %d characters long.", path, *s.Min)
		}
		if s.Max != nil && n > *s.Max {
			return nil, badRequest("%s: the value must be at most %d characters long.", path, *s.Max)
		}
		if len(s.Enum) > 0 && !contains(s.Enum, str) {
			return nil, badRequest("%s: %s is not one of %s.", path, show(str, s), strings.Join(s.Enum, ", "))
		}
		if s.Pattern != nil && !s.matches(str) {
			return nil, badRequest("%s: %s does not match the pattern %s.", path, show(str, s), s.Pattern.String())
		}
		return str, nil
	case "integer", "long":
		num, ok := v.(json.Number)
		if !ok {
			return nil, badRequest("%s: expected an integer, got %s.", path, jsonKind(v))
		}
		n, err := num.Int64()
		if err != nil {
			return nil, badRequest("%s: %s is not an integer.", path, num)
		}
		if s.Type == "integer" && (n > math.MaxInt32 || n < math.MinInt32) {
			return nil, badRequest("%s: %d is out of range for a 32-bit integer.", path, n)
		}
		if s.Min != nil && n < *s.Min {
			return nil, badRequest("%s: %d is less than the minimum %d.", path, n, *s.Min)
		}
		if s.Max != nil && n > *s.Max {
			return nil, badRequest("%s: %d is greater than the maximum %d.", path, n, *s.Max)
		}
		return n, nil
	case "float", "double":
		num, ok := v.(json.Number)
		if !ok {
			return nil, badRequest("%s: expected a number, got %s.", path, jsonKind(v))
		}
		f, err := num.Float64()
		if err != nil {
			return nil, badRequest("%s: %s is not a number.", path, num)
		}
		if s.Min != nil && f < float64(*s.Min) {
			return nil, badRequest("%s: %v is less than the minimum %d.", path, f, *s.Min)
		}
		if s.Max != nil && f > float64(*s.Max) {
			return nil, badRequest("%s: %v is greater than the maximum %d.", path, f, *s.Max)
		}
		return f, nil
	case "boolean":
		b, ok := v.(bool)
		if !ok {
			return nil, badRequest("%s: expected a boolean, got %s.", path, jsonKind(v))
		}
		return b, nil
	case "timestamp":
		switch t := v.(type) {
		case string:
			ts, err := time.Parse(time.RFC3339Nano, t)
			if err != nil {
				return nil, badRequest("%s: %q is not an ISO 8601 timestamp.", path, chimevoice.Clip(t))
			}
			return ts, nil
		case json.Number:
			f, err := t.Float64()
			if err != nil {
				return nil, badRequest("%s: %s is not a timestamp.", path, t)
			}
			sec, frac := math.Modf(f)
			return time.Unix(int64(sec), int64(frac*1e9)).UTC(), nil
		default:
			return nil, badRequest("%s: expected a timestamp, got %s.", path, jsonKind(v))
		}
	case "list":
		items, ok := v.([]any)
		if !ok {
			return nil, badRequest("%s: expected a list, got %s.", path, jsonKind(v))
		}
		n := int64(len(items))
		if s.Min != nil && n < *s.Min {
			return nil, badRequest("%s: the list must contain at least %d item(s).", path, *s.Min)
		}
		if s.Max != nil && n > *s.Max {
			return nil, badRequest("%s: the list must contain at most %d item(s).", path, *s.Max)
		}
		out := make([]any, len(items))
		for i, item := range items {
			if item == nil {
				return nil, badRequest("%s[%d]: null is not allowed in a list.", path, i)
			}
			// The item's path is spelled out only for the message of a
			// refusal: formatting it for each of 1000 valid items was a
			// fifth of decoding a batch.
			val, err := validate(item, s.Elem, "")
			if err != nil {
				_, err = validate(item, s.Elem, fmt.Sprintf("%s[%d]", path, i))
				return nil, err
			}
			out[i] = val
		}
		return out, nil
	case "map":
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, badRequest("%s: expected an object, got %s.", path, jsonKind(v))
		}
		n := int64(len(obj))
		if s.Min != nil && n < *s.Min {
			return nil, badRequest("%s: the map must contain at least %d entries.", path, *s.Min)
		}
		if s.Max != nil && n > *s.Max {
			return nil, badRequest("%s: the map must contain at most %d entries.", path, *s.Max)
		}
		out := make(map[string]any, len(obj))
		for k, item := range obj {
			if _, err := validate(k, s.Key, path+" key"); err != nil {
				return nil, err
			}
			val, err := validate(item, s.Value, path+"."+k)
			if err != nil {
				return nil, err
			}
			out[k] = val
		}
		return out, nil
	case "structure":
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, badRequest("%s: expected an object, got %s.", path, jsonKind(v))
		}
		out := make(map[string]any, len(obj))
		for name, item := range obj {
			m := s.Members[name]
			if m == nil || item == nil {
				continue
			}
			val, err := validate(item, m.Shape, path+"."+name)
			if err != nil {
				return nil, err
			}
			out[name] = val
		}
		for _, name := range s.Order {
			if s.Required[name] {
				if _, ok := out[name]; !ok {
					return nil, badRequest("%s: the required member %s is missing.", path, name)
				}
			}
		}
		return out, nil
	case "blob":
		str, ok := v.(string)
		if !ok {
			return nil, badRequest("%s: expected a base64 string, got %s.", path, jsonKind(v))
		}
		return str, nil
	}
	return v, nil
}

// show quotes a value for a message unless the model marks it sensitive.
func show(v string, s *Shape) string {
	if s.Sensitive {
		return "the value"
	}
	return strconv.Quote(chimevoice.Clip(v))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number, float64:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
