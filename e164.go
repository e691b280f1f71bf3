package chimevoice

import (
	"net/url"
	"strconv"
	"strings"
	"time"
)

// maxDecodeRounds bounds how many layers of URL encoding ParseID removes:
// the seed request sends "%2B..." inside JSON, and a path parameter may be
// encoded once more by the SDK ("%252B...").
const maxDecodeRounds = 2

// ParseID normalizes a phone number ID to E.164 ("+12065550100"). It accepts
// "+12065550100", "12065550100" and URL-encoded forms ("%2B12065550100"),
// and reports ok=false when the decoded string does not match the models'
// E.164 pattern ^\+?[1-9]\d{1,14}$.
func ParseID(s string) (e164 string, ok bool) {
	for i := 0; i < maxDecodeRounds && strings.IndexByte(s, '%') >= 0; i++ {
		d, err := url.PathUnescape(s)
		if err != nil {
			return "", false
		}
		s = d
	}
	digits := strings.TrimPrefix(s, "+")
	if len(digits) < 2 || len(digits) > 15 || digits[0] < '1' || digits[0] > '9' {
		return "", false
	}
	for i := 1; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return "", false
		}
	}
	if len(digits) == len(s) {
		return "+" + s, true
	}
	return s, true
}

// QueueCursor is the keyset cursor of a page of the Deletion queue, which
// lists in the order numbers are purged: the last number's time of deletion
// in milliseconds and its E.164, "1735689600000+12065550100".
func QueueCursor(last *PhoneNumber) string {
	return strconv.FormatInt(last.DeletedAt.UnixMilli(), 10) + last.E164
}

// ParseQueueCursor reads a QueueCursor; ok is false for anything else.
func ParseQueueCursor(s string) (deletedAt time.Time, e164 string, ok bool) {
	i := strings.IndexByte(s, '+')
	if i <= 0 {
		return time.Time{}, "", false
	}
	ms, err := strconv.ParseInt(s[:i], 10, 64)
	if e, valid := ParseID(s[i:]); err != nil || ms < 0 || !valid || e != s[i:] {
		return time.Time{}, "", false
	}
	return time.UnixMilli(ms), s[i:], true
}

// OutputID is the PhoneNumberId the real service returns for a number: its
// E.164 form with the plus sign URL-encoded ("%2B12065550100").
func OutputID(e164 string) string {
	return "%2B" + strings.TrimPrefix(e164, "+")
}
