package model

import (
	"regexp"
	"testing"
)

var patternSamples = []string{"", " ", "\t\n", "a", " a ", "\v", "\u00a0", "\nx\n", "+12065550100", "12065550100", "+1", "+0123",
	"++1206", "+1206555010a", "+1234567890123456", "123456789012345", "1234567890123456", "+", "%2B12065550100", "+12\n"}

func checkFast(t *testing.T, s string) {
	for pat, f := range fastPatterns {
		if got, want := f(s), regexp.MustCompile(pat).MatchString(s); got != want {
			t.Fatalf("%s on %q: fast %v, regexp %v", pat, s, got, want)
		}
	}
}

func TestFastPatterns(t *testing.T) {
	for _, s := range patternSamples {
		checkFast(t, s)
	}
}

func FuzzFastPatterns(f *testing.F) {
	for _, s := range patternSamples {
		f.Add(s)
	}
	f.Fuzz(checkFast)
}
