package httpapi_test

import (
	"strings"
	"testing"

	"github.com/chimevoice/chimevoice/chimevoicetest"
)

// TestClockRefusesTimesItCannotRepresent: a Set or Advance past what the
// store can represent is a 400 that names the limit, and the clock stays.
func TestClockRefusesTimesItCannotRepresent(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, b chimevoicetest.Backend) {
		srv := chimevoicetest.New(t, chimevoicetest.Options{Backend: b})
		before := srv.Now(t)
		for _, body := range []map[string]string{
			{"Set": "2400-01-01T00:00:00Z"},
			{"Set": "9999-12-31T23:59:59Z"},
			{"Advance": "2562047h"}, // the largest duration
		} {
			var out struct{ Message string }
			if status := srv.Admin(t, "POST", "/_chimevoice/clock", body, &out); status != 400 || !strings.Contains(out.Message, "at most 250 years ahead") {
				t.Errorf("%v: %d %q", body, status, out.Message)
			}
		}
		if after := srv.Now(t); !after.Equal(before) {
			t.Fatalf("clock moved from %s to %s", before, after)
		}
		// Within the limit it moves.
		if status := srv.Admin(t, "POST", "/_chimevoice/clock", map[string]string{"Set": "2200-01-01T00:00:00Z"}, nil); status != 200 {
			t.Fatalf("Set 2200: %d", status)
		}
	})
}
