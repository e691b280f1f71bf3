package chimevoice

import "unicode/utf8"

// MaxEcho is how many bytes of a caller's value a message quotes.
const MaxEcho = 256

// Clip shortens a caller's value for a message: a 70 KB path ID is not
// sent back whole. It cuts on a character boundary and marks the cut.
func Clip(s string) string {
	if len(s) <= MaxEcho {
		return s
	}
	cut := MaxEcho
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

// clipArgs clips the string arguments of a message about a caller's field.
func clipArgs(args []any) []any {
	for i, a := range args {
		if s, ok := a.(string); ok && len(s) > MaxEcho {
			args[i] = Clip(s)
		}
	}
	return args
}
