package model

import (
	"regexp"
	"sync"
)

// Pattern is a shape's pattern, compiled the first time a value is checked
// against it. Smithy patterns are ECMA regexes, not implicitly anchored; the
// few that do not compile under RE2 match everything, rather than being
// enforced wrongly.
type Pattern struct {
	src  string
	fast func(string) bool // a hand-written matcher (fastPatterns), or nil
	once sync.Once
	re   *regexp.Regexp // nil when src does not compile
}

func newPattern(src string) *Pattern {
	return &Pattern{src: src, fast: fastPatterns[src]}
}

// String is the pattern as the model states it.
func (p *Pattern) String() string { return p.src }

// MatchString reports whether str matches the pattern.
func (p *Pattern) MatchString(str string) bool {
	if p.fast != nil {
		return p.fast(str)
	}
	p.once.Do(func() { p.re, _ = regexp.Compile(p.src) })
	return p.re == nil || p.re.MatchString(str)
}

// Hand-written matchers for the patterns every batch item is checked
// against: a regular expression costs about a microsecond a string, which
// for a list of 1000 phone numbers is most of the request's decoding.
// TestFastPatterns and FuzzFastPatterns hold them to their regexps.
var fastPatterns = map[string]func(string) bool{
	`.*\S.*`:             hasNonSpace,
	`^\+?[1-9]\d{1,14}$`: isE164Pattern,
}

// matches reports whether str matches the shape's pattern.
func (s *Shape) matches(str string) bool { return s.Pattern.MatchString(str) }

// hasNonSpace is `.*\S.*`: some character other than RE2's \s
// ([\t\n\f\r ]).
func hasNonSpace(s string) bool {
	for _, r := range s {
		switch r {
		case '\t', '\n', '\f', '\r', ' ':
		default:
			return true
		}
	}
	return false
}

// isE164Pattern is `^\+?[1-9]\d{1,14}$`.
func isE164Pattern(s string) bool {
	if len(s) > 0 && s[0] == '+' {
		s = s[1:]
	}
	if len(s) < 2 || len(s) > 15 || s[0] < '1' || s[0] > '9' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
