package chimevoice

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseDuration is time.ParseDuration with days: "7d", "1d12h", "1.5d".
// A day is 24 hours, as the Deletion queue's 7 days are on the service
// clock. Every duration chimevoice takes (flags, environment variables and
// the admin API's clock moves) is read with it.
func ParseDuration(s string) (time.Duration, error) {
	num, rest, ok := cutDays(s)
	if !ok {
		return time.ParseDuration(s)
	}
	days, err := strconv.ParseFloat(num, 64)
	if err != nil || days < 0 || days > 106_000 { // time.Duration holds about 292 years
		return 0, fmt.Errorf("invalid duration %q", s)
	}
	d := time.Duration(days * float64(24*time.Hour))
	if rest != "" {
		r, err := time.ParseDuration(rest)
		if err != nil || r < 0 {
			return 0, fmt.Errorf("invalid duration %q", s)
		}
		d += r
	}
	if strings.HasPrefix(s, "-") {
		d = -d
	}
	return d, nil
}

// cutDays splits "1.5d12h" into "1.5" and "12h"; ok is false when s has no
// leading day count.
func cutDays(s string) (num, rest string, ok bool) {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		i++
	}
	if i == 0 || i >= len(s) || s[i] != 'd' {
		return "", "", false
	}
	return s[:i], s[i+1:], true
}

// FormatDuration writes d as ParseDuration reads it, in whole days when it
// is a whole number of days ("7d"), as time.Duration does otherwise.
func FormatDuration(d time.Duration) string {
	const day = 24 * time.Hour
	if d != 0 && d%day == 0 {
		return strconv.FormatInt(int64(d/day), 10) + "d"
	}
	return d.String()
}
