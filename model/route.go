package model

import (
	"net/url"
	"strings"
)

// Match finds the operation for a request. rawPath is the path as sent
// (still escaped); path parameters are returned unescaped once. It returns
// nil when no operation of either model has this route.
func (a *API) Match(method, rawPath string, query url.Values) (*Operation, map[string]string) {
	segs := splitPath(rawPath)
	for _, op := range a.routes {
		if op.Method != method || len(op.Path) != len(segs) {
			continue
		}
		if !queryMatches(op.Query, query) {
			continue
		}
		params, ok := pathMatches(op.Path, segs)
		if ok {
			return op, params
		}
	}
	return nil, nil
}

// MatchPath reports whether some operation has this path with another
// method or query, to tell "unsupported operation" from "no such path".
func (a *API) MatchPath(rawPath string) bool {
	segs := splitPath(rawPath)
	for _, op := range a.routes {
		if len(op.Path) != len(segs) {
			continue
		}
		if _, ok := pathMatches(op.Path, segs); ok {
			return true
		}
	}
	return false
}

func queryMatches(want map[string]string, q url.Values) bool {
	for k, v := range want {
		if q.Get(k) != v {
			return false
		}
	}
	return true
}

func pathMatches(pattern, segs []string) (map[string]string, bool) {
	var params map[string]string
	for i, p := range pattern {
		if isParam(p) {
			v, err := url.PathUnescape(segs[i])
			if err != nil || v == "" {
				return nil, false
			}
			if params == nil {
				params = map[string]string{}
			}
			params[strings.Trim(p, "{}")] = v
			continue
		}
		if p != segs[i] {
			return nil, false
		}
	}
	return params, true
}
